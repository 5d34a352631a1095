"""Trusted hosts: no absolute link is built from the request's Host header, TRUSTED_HOSTS is honoured, and
outside development and tests the app refuses to start without PUBLIC_BASE_URL."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.models import CheckIn, OutboxEmail
from casework.petitions import crypto
from casework.urls import MissingPublicBaseUrl
from tests.conftest import TODAY, text_of
from tests.test_petitions_hosted import make_published

SLUG = "let-sokha-stay"
EVIL = {"Host": "evil.example"}


def also_for_evil_host(browser):
    """The signed-in browser's session cookie sent to evil.example as well (the test client keeps cookies
    per host)."""
    cookie = browser.client.get_cookie("casework_session")
    browser.client.set_cookie("casework_session", cookie.value, domain="evil.example")
    return browser


@pytest.fixture
def published(login_as, make_person, db):
    """A published hosted petition."""
    return make_published(login_as, make_person, db)


def outbox_text(app, db) -> str:
    """Every outbox row's subject, body and (decrypted) recipient."""
    with app.app_context():
        rows = db.scalars(sa.select(OutboxEmail))
        return "\n".join(f"{r.subject}\n{r.body}\n{crypto.decrypt(r.to_ct)}" for r in rows)


def test_signing_with_a_forged_host_puts_no_foreign_link_in_the_outbox(published, new_browser, app, db):
    assert app.config["TRUSTED_HOSTS"] is None  # nothing refuses the forged Host: the links must ignore it
    visitor = new_browser()
    page = visitor.get(f"/p/{SLUG}", headers=EVIL)
    assert page.status_code == 200 and "evil.example" not in text_of(page)
    assert '<link rel="canonical" href="http://localhost:5000/p/let-sokha-stay">' in text_of(page)
    response = visitor.post(
        f"/p/{SLUG}/sign",
        {"name": "Maya Thornbury", "email": "maya.thornbury@example.org", "zip_code": "", "comment": ""},
        csrf=False,
        headers=EVIL,
    )
    assert response.status_code == 303 and "evil.example" not in response.headers["Location"]
    mail = outbox_text(app, db)
    assert f"http://localhost:5000/p/{SLUG}/confirm/" in mail
    assert "evil.example" not in mail


def test_share_links_and_the_staff_page_ignore_the_host(published, app):
    staff, person, petition = published
    page = text_of(
        also_for_evil_host(staff).get(f"/people/{person.id}/petitions/{petition.id}", headers=EVIL)
    )
    assert "http://localhost:5000/p/let-sokha-stay" in page and "evil.example" not in page


def test_public_base_url_builds_every_link(published, new_browser, app, db, monkeypatch):
    monkeypatch.setitem(app.config, "PUBLIC_BASE_URL", "https://petitions.example.org/")
    visitor = new_browser()
    page = text_of(visitor.get(f"/p/{SLUG}", headers=EVIL))
    assert "https://petitions.example.org/p/let-sokha-stay" in page and "evil.example" not in page
    visitor.post(
        f"/p/{SLUG}/sign",
        {"name": "Maya Thornbury", "email": "maya.thornbury@example.org", "zip_code": "", "comment": ""},
        csrf=False,
        headers=EVIL,
    )
    mail = outbox_text(app, db)
    assert f"https://petitions.example.org/p/{SLUG}/confirm/" in mail and "evil.example" not in mail


def test_calendar_address_and_feed_ignore_the_host(login_as, new_browser, make_person, db):
    person = make_person(legal_name="Chan Dara")
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=3), office="Burlington"))
    staff = login_as("staff")
    staff.get("/account/calendar")
    page = text_of(also_for_evil_host(staff).post("/account/calendar", {"action": "create"}, headers=EVIL))
    assert "http://localhost:5000/calendar/" in page and "evil.example" not in page
    path = re.search(r"http://localhost:5000(/calendar/[^\"]+\.ics)", page).group(1)
    feed = new_browser().get(path, headers=EVIL)
    assert (
        feed.status_code == 200 and "BEGIN:VCALENDAR" in text_of(feed) and "evil.example" not in text_of(feed)
    )


def test_trusted_hosts_refuse_any_other_host(published, new_browser, app, monkeypatch):
    monkeypatch.setitem(app.config, "TRUSTED_HOSTS", ["casework.example.org"])
    visitor = new_browser()
    assert visitor.get(f"/p/{SLUG}", headers=EVIL).status_code == 400
    assert visitor.get("/healthz", headers=EVIL).status_code == 400
    assert visitor.get(f"/p/{SLUG}", headers={"Host": "casework.example.org"}).status_code == 200


def test_trusted_hosts_from_a_comma_separated_variable(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_TRUSTED_HOSTS", "casework.example.org, localhost")
    app = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32})
    assert app.config["TRUSTED_HOSTS"] == ["casework.example.org", "localhost"]


@pytest.mark.parametrize(
    "base", [None, "", "petitions.example.org", "ftp://example.org", "https://x.org/?a=1"]
)
def test_production_refuses_to_start_without_a_public_address(monkeypatch, tmp_path, base):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_ENV", "production")
    with pytest.raises(MissingPublicBaseUrl, match="PUBLIC_BASE_URL"):
        create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32, "PUBLIC_BASE_URL": base})


def test_production_starts_with_a_public_address(monkeypatch, tmp_path):
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_ENV", "production")
    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": "sqlite://",
            "SECRET_KEY": "k" * 32,
            "PUBLIC_BASE_URL": "https://c.example",
        }
    )
    assert app.config["PUBLIC_BASE_URL"] == "https://c.example"
    development = create_app({"SQLALCHEMY_DATABASE_URI": "sqlite://", "SECRET_KEY": "k" * 32, "DEBUG": True})
    assert development.config["PUBLIC_BASE_URL"] is None  # debug counts as development


def test_no_code_builds_a_link_from_the_request():
    """Every absolute address goes through casework.urls; nothing reads the Host header to build one."""
    package = Path(__file__).resolve().parent.parent / "casework"
    forbidden = re.compile(r"_external\s*=\s*True|request\.(host|host_url|url_root|base_url|root_url)\b")
    offenders = [
        f"{path.relative_to(package)}:{n}"
        for path in package.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if forbidden.search(line) and "links-from-host: not built" not in line  # a written, checked exclusion
    ]
    assert offenders == []


def test_static_addresses_are_url_for_made_once_per_application_root(app):
    """A page's stylesheet links are url_for's own, under the root the application is served at (SCRIPT_NAME),
    and made once per root."""
    from flask import url_for

    from casework import urls

    urls._static_urls.clear()
    for root in ("", "/casework"):
        with app.test_request_context("/people", base_url=f"http://localhost{root}/"):
            expected = url_for("static", filename="casework.css")
            assert urls.static_url("casework.css") == expected == f"{root}/static/casework.css"
            assert urls.static_url("casework.css") is urls.static_url("casework.css")
    assert set(urls._static_urls) == {("", "casework.css"), ("/casework", "casework.css")}


def test_pages_link_their_stylesheets_under_the_application_root(app, published):
    client = app.test_client()
    for root in ("/casework", ""):
        staff_page = client.get("/login", base_url=f"http://localhost{root}/")
        public_page = client.get(f"/p/{SLUG}", base_url=f"http://localhost{root}/")
        assert f'href="{root}/static/casework.css"' in staff_page.text
        assert f'href="{root}/static/petitions.css"' in public_page.text

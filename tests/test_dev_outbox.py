"""Admin → Outbox in development (`./scripts/dev` sets CASEWORK_ENV=development): the navigation links it and
it lists the confirmation e-mails waiting to be sent with their links, which confirm the signature; in
production (without OUTBOX_VISIBLE) there is neither link nor page."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework.models import Petition, Signature
from tests.conftest import shows, text_of
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import sign

OUTBOX_LINK = '<a href="/admin/outbox"'


@pytest.fixture
def environment(app):
    """environment(name): run the app as CASEWORK_ENV=name would, not as a test (TESTING off)."""
    saved = {key: app.config[key] for key in ("ENV", "TESTING", "OUTBOX_VISIBLE")}

    def switch(name: str, **settings) -> None:
        app.config.update(ENV=name, TESTING=False, **settings)

    yield switch
    app.config.update(saved)


def test_development_outbox_lists_the_pending_confirmations_with_their_links(
    login_as, make_person, db, browser, environment
):
    _staff, _person, petition = make_published(login_as, make_person, db)
    environment("development")
    assert sign(browser, email="lan.pham@example.org").status_code == 303
    admin = login_as("admin")
    users_page = text_of(admin.get("/admin/users"))
    assert OUTBOX_LINK in users_page and ">Outbox</a>" in users_page  # Admin → Outbox
    page = admin.get("/admin/outbox")
    html = text_of(page)
    assert page.status_code == 200 and shows(page, "lan.pham@example.org")
    [link] = re.findall(r'href="http://localhost:5000(/p/let-sokha-stay/confirm/[^"]+)"', html)
    assert 'aria-current="page"' in html.split(OUTBOX_LINK, 1)[1].split(">", 1)[0]
    landing = browser.get(link)
    assert shows(landing, "Confirm your signature")
    assert browser.post(link).status_code == 200
    assert db.scalar(sa.select(Signature)).state == "validated"
    assert db.get(Petition, petition.id).signature_count == 1


def test_production_has_no_outbox_page_and_no_link(login_as, make_person, db, browser, environment):
    make_published(login_as, make_person, db)
    sign(browser)
    admin = login_as("admin")
    environment("production")
    assert admin.get("/admin/outbox").status_code == 404
    assert OUTBOX_LINK not in text_of(admin.get("/admin/users"))
    environment("production", OUTBOX_VISIBLE=True)  # an operator may open it on purpose
    assert admin.get("/admin/outbox").status_code == 200
    assert OUTBOX_LINK in text_of(admin.get("/admin/users"))


def test_the_demo_prints_the_address_served_and_where_confirmations_wait(app, browser):
    runner = app.test_cli_runner()
    saved = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = "http://127.0.0.1:5055"
    try:
        result = runner.invoke(args=["demo"], env={"CASEWORK_PASSWORD": "a demo password 123"})
    finally:
        app.config["PUBLIC_BASE_URL"] = saved
    assert result.exit_code == 0, result.output
    assert "Sign in at http://127.0.0.1:5055/login as one of:" in result.output
    assert "http://127.0.0.1:5055/p/keep-dara-home" in result.output
    assert "Admin → Outbox" in result.output
    assert "5000" not in result.output
    # The demo's admin finds a waiting confirmation in Admin → Outbox, and its link works.
    browser.login("admin@example.org", "a demo password 123")
    page = text_of(browser.get("/admin/outbox"))
    [link] = re.findall(r'href="http://127.0.0.1:5055(/p/keep-dara-home/confirm/[^"]+)"', page)
    assert shows(browser.get(link), "Confirm your signature")

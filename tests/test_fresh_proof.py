"""Dangerous acts ask for the password again when the last proof of identity is older than REAUTH_AFTER."""

from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Role, User, WebSession
from casework.models.base import utcnow
from tests.conftest import PASSWORD, text_of
from tests.test_authorization_matrix import MATRIX, build_scenario

# Every route that takes records out or changes who can do what, and how the matrix reaches it.
DANGEROUS = [
    "transfer.export_json",
    "transfer.export_bundle",
    "transfer.people_csv",
    "packets.build",
    "petitions.signatures_csv",
    "accounts.change_password",
    "accounts.second_factor",
    "accounts.enable_second_factor",
    "admin.create_user",
    "admin.edit_user",
    "admin.reset_password",
    "admin.end_sessions",
    "sessions.end",
    "sessions.end_others",
]


def make_proof_stale(db, user: User, minutes: int = 16) -> None:
    """Move the user's last proof of identity back in time (their sessions' rows)."""
    db.execute(
        sa.update(WebSession)
        .where(WebSession.user_id == user.id)
        .values(proved_at=utcnow() - timedelta(minutes=minutes))
    )


def confirm_target(response) -> str:
    """The `next` of a redirect to the confirmation page (fails when it is not one)."""
    location = urlsplit(response.headers.get("Location", ""))
    assert response.status_code == 302 and location.path == "/account/confirm", response.headers
    return parse_qs(location.query)["next"][0]


@pytest.fixture
def scenario(db, make_org, make_user, make_person):
    return build_scenario(db, make_org, make_user, make_person)


@pytest.mark.parametrize("endpoint", DANGEROUS)
def test_each_dangerous_route_asks_for_proof_when_it_is_stale(endpoint, scenario, login_as, db):
    users, ids = scenario
    method, template, _ = MATRIX[endpoint]
    url = template.format(**ids)
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"])
    before = db.count(AuditEvent)
    response = admin.get(url) if method == "GET" else admin.post(url, {})
    target = confirm_target(response)
    assert target == url or method == "POST"
    # nothing was exported or changed: no audit record of the act
    assert db.count(AuditEvent) == before

    # the password again, then the act goes through
    confirm = admin.get(f"/account/confirm?next={target}")
    assert confirm.status_code == 200 and 'name="password"' in text_of(confirm)
    response = admin.post(f"/account/confirm?next={target}", {"password": PASSWORD})
    assert response.status_code in (200, 302)
    if method == "GET":
        assert response.headers["Location"] == url
        assert admin.get(url).status_code == 200


def test_a_recent_proof_lets_the_act_through(scenario, login_as, db):
    users, ids = scenario
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"], minutes=14)
    response = admin.get(f"/people/{ids['person']}/export.json")
    assert response.status_code == 200 and response.mimetype == "application/json"


def test_sign_in_counts_as_proof(scenario, login_as):
    users, ids = scenario
    assert login_as(users["admin"]).get("/people/export.csv").status_code == 200


def test_reauth_after_is_configurable(app, scenario, login_as, db):
    users, ids = scenario
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"], minutes=3)
    app.config["REAUTH_AFTER"] = 120  # seconds, as a CASEWORK_REAUTH_AFTER variable gives it
    try:
        assert admin.get("/people/export.csv").status_code == 302
    finally:
        app.config["REAUTH_AFTER"] = timedelta(minutes=15)


def test_a_wrong_password_keeps_the_proof_stale_and_is_audited(scenario, login_as, db):
    users, ids = scenario
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"])
    response = admin.post("/account/confirm?next=/people/export.csv", {"password": "not my password"})
    assert response.status_code == 200 and "That is not your password." in text_of(response)
    assert admin.get("/people/export.csv").status_code == 302
    actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("identity.%")))
    assert actions == ["identity.confirm_failed"]
    response = admin.post("/account/confirm?next=/people/export.csv", {"password": ""})
    assert "Type your password." in text_of(response)


def test_the_confirmation_needs_its_csrf_token(scenario, login_as, db):
    users, ids = scenario
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"])
    response = admin.post("/account/confirm?next=/", {"password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    assert admin.get("/people/export.csv").status_code == 302


@pytest.mark.parametrize("target", ["https://evil.example/", "//evil.example/x", "/\\evil.example"])
def test_next_goes_only_to_this_site(scenario, login_as, db, target):
    users, ids = scenario
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"])
    response = admin.post("/account/confirm", {"password": PASSWORD}, query_string={"next": target})
    assert response.status_code == 302 and response.headers["Location"] == "/"


def test_a_stale_post_is_offered_again_with_what_was_posted(scenario, login_as, db):
    users, ids = scenario
    staff = users["staff"]
    admin = login_as(users["admin"])
    admin.get(f"/admin/users/{staff.id}")
    make_proof_stale(db, users["admin"])
    form = {"name": "Renamed Person", "role": "attorney", "active": "y", "version": staff.version}
    target = confirm_target(admin.post(f"/admin/users/{staff.id}", form))
    assert target == f"/admin/users/{staff.id}"
    assert db.get(User, staff.id).role == Role.STAFF  # nothing changed yet

    page = admin.post(f"/account/confirm?next={target}", {"password": PASSWORD})
    html = text_of(page)
    assert page.status_code == 200 and f'action="{target}"' in html
    assert 'value="Renamed Person"' in html and 'value="attorney"' in html
    # the page's button sends the kept fields with a fresh token
    response = admin.post(target, form)
    assert response.status_code == 302
    changed = db.get(User, staff.id)
    assert (changed.role, changed.name) == (Role.ATTORNEY, "Renamed Person")


def test_a_posted_password_is_never_kept_while_confirming(scenario, login_as, db):
    users, ids = scenario
    staff = users["staff"]
    admin = login_as(users["admin"])
    admin.get(f"/admin/users/{staff.id}")
    make_proof_stale(db, users["admin"])
    new_password = "violet harbour lantern"
    response = admin.post(
        f"/admin/users/{staff.id}/password",
        {"password": new_password},
        headers={"Referer": f"http://localhost/admin/users/{staff.id}"},
    )
    assert confirm_target(response) == f"/admin/users/{staff.id}"
    assert all(new_password not in row for row in db.scalars(sa.select(WebSession.data)))
    after = admin.post(f"/account/confirm?next=/admin/users/{staff.id}", {"password": PASSWORD})
    assert after.headers["Location"] == f"/admin/users/{staff.id}"  # back to the form, to type it again
    assert db.get(User, staff.id).password_hash == users["staff"].password_hash


def test_a_second_factor_is_asked_for_when_enrolled(scenario, login_as, db, monkeypatch):
    from casework.accounts import reauth

    monkeypatch.setattr(reauth, "is_enrolled", lambda user: True)
    monkeypatch.setattr(reauth, "verify_second_factor", lambda user, code: code == "123456")
    users, ids = scenario
    admin = login_as(users["admin"])
    make_proof_stale(db, users["admin"])
    page = admin.get("/account/confirm?next=/people/export.csv")
    assert 'name="code"' in text_of(page)
    for code in ("", "654321"):
        response = admin.post(
            "/account/confirm?next=/people/export.csv", {"password": PASSWORD, "code": code}
        )
        assert response.status_code == 200 and "do not match" in text_of(response)
    response = admin.post(
        "/account/confirm?next=/people/export.csv", {"password": "wrong one", "code": "123456"}
    )
    assert response.status_code == 200
    response = admin.post(
        "/account/confirm?next=/people/export.csv", {"password": PASSWORD, "code": "123456"}
    )
    assert response.headers["Location"] == "/people/export.csv"
    assert admin.get("/people/export.csv").status_code == 200


def test_the_confirmation_is_rate_limited_per_account(app, scenario, login_as, db, new_browser):
    users, ids = scenario
    admin = login_as(users["admin"])
    other_device = login_as(users["admin"])
    make_proof_stale(db, users["admin"])
    app.config["LOGIN_RATE_LIMIT"] = "5 per minute"
    try:
        codes = [
            device.post(
                "/account/confirm", {"password": "guess"}, environ_base={"REMOTE_ADDR": f"10.0.{i}.9"}
            ).status_code
            for i, device in enumerate([admin, other_device] * 3)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes[:5] == [200] * 5 and codes[5] == 429

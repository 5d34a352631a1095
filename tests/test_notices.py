"""Security notices through the outbox: password changes, second factor changes, sign-ins from new networks."""

from __future__ import annotations

import sqlalchemy as sa

from casework.accounts.notices import network_of
from casework.models import SeenNetwork
from tests.conftest import PASSWORD
from tests.mfa_helpers import mail_to, subjects_to

NEW_NETWORK = "Casework: sign-in from a new network"


def _sign_in_from(new_browser, email: str, address: str):
    browser = new_browser()
    browser.client.environ_base["REMOTE_ADDR"] = address
    browser.get("/login")
    response = browser.post("/login", {"email": email, "password": PASSWORD})
    assert response.status_code == 302
    return browser


def test_networks_are_cut_to_24_and_64():
    assert network_of("198.51.100.77") == "198.51.100.0/24"
    assert network_of("2001:db8:1:2:3:4:5:6") == "2001:db8:1:2::/64"
    assert network_of("::ffff:198.51.100.77") == "198.51.100.0/24"
    assert network_of("not an address") is None


def test_a_sign_in_from_a_network_not_seen_before_sends_a_notice(make_user, new_browser, db, app):
    user = make_user("staff")
    _sign_in_from(new_browser, user.email, "198.51.100.10")
    assert subjects_to(app, user.email) == [], "the first sign-in is not news"
    _sign_in_from(new_browser, user.email, "198.51.100.99")
    assert subjects_to(app, user.email) == [], "the same /24"
    _sign_in_from(new_browser, user.email, "203.0.113.5")
    _sign_in_from(new_browser, user.email, "2001:db8:7:7::1")
    _sign_in_from(new_browser, user.email, "2001:db8:7:7::2")
    assert subjects_to(app, user.email) == [NEW_NETWORK, NEW_NETWORK]
    body = mail_to(app, user.email)[0].body
    assert "203.0.113" not in body
    stored = {row.network_hash for row in db.scalars(sa.select(SeenNetwork))}
    assert len(stored) == 3 and not any("198.51" in value or "/" in value for value in stored)


def test_changing_ones_own_password_sends_a_notice(login_as, app):
    staff = login_as("staff")
    staff.get("/account/password")
    new = "pelican umbrella gravel teapot"
    response = staff.post(
        "/account/password", {"current_password": PASSWORD, "new_password": new, "confirm": new}
    )
    assert response.status_code == 302
    assert subjects_to(app, staff.user.email) == ["Casework: password changed"]
    assert "Your password was changed" in mail_to(app, staff.user.email)[0].body
    assert new not in mail_to(app, staff.user.email)[0].body


def test_a_refused_password_change_sends_nothing(login_as, app):
    staff = login_as("staff")
    staff.get("/account/password")
    new = "pelican umbrella gravel teapot"
    staff.post("/account/password", {"current_password": "wrong one", "new_password": new, "confirm": new})
    assert subjects_to(app, staff.user.email) == []


def test_an_admin_setting_a_password_sends_a_notice(login_as, make_user, app):
    admin = login_as("admin")
    staff = make_user("staff")
    admin.get(f"/admin/users/{staff.id}")
    admin.post(f"/admin/users/{staff.id}/password", {"password": "pelican umbrella gravel teapot"})
    assert subjects_to(app, staff.email) == ["Casework: password changed"]
    assert "An administrator" in mail_to(app, staff.email)[0].body

"""Journey: a staff member turns on a second factor at /account/mfa, signs out, signs in with password and
code; a recovery code works once and never again; an organization requiring a second factor of staff sends
a staff member without one to set it up."""

from __future__ import annotations

import re

import sqlalchemy as sa
from playwright.sync_api import expect

from casework.models import MfaRequirement, Organization
from casework.models.base import utcnow
from tests.conftest import PASSWORD
from tests.mfa_helpers import code_at


def password_step(pg, email: str) -> None:
    """The first step of signing in: e-mail and password."""
    pg.goto("/login")
    pg.get_by_label("E-mail").fill(email)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()


def sign_out(pg) -> None:
    pg.get_by_role("button", name="Sign out").click()
    pg.wait_for_url(re.compile(r"/login$"))


def test_second_factor_from_setup_to_recovery_code(page, make_user, shot):
    staff = make_user("staff", email="mfa.journey@example.org", name="Chanthy Ouk")
    password_step(page, staff.email)
    page.wait_for_url(lambda url: "/login" not in url)

    page.goto("/account/mfa")
    expect(page.locator(".qr-code svg")).to_be_visible()
    secret = page.locator("#totp-secret").inner_text().strip()
    assert re.fullmatch(r"[A-Z2-7]{32}", secret)
    shot(page, "setup")
    page.get_by_label("Code from the app").fill(code_at(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Second factor turned on")).to_be_visible()
    recovery = [c.strip() for c in page.locator(".recovery-codes code").all_inner_texts()]
    assert len(recovery) == 10
    sign_out(page)

    password_step(page, staff.email)
    page.wait_for_url(re.compile(r"/login/code$"))
    page.get_by_label("Code").fill(code_at(secret, 1))
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    sign_out(page)

    password_step(page, staff.email)
    page.get_by_label("Code").fill(recovery[0])
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(lambda url: "/login" not in url)
    sign_out(page)

    password_step(page, staff.email)
    page.get_by_label("Code").fill(recovery[0])
    page.get_by_role("button", name="Sign in").click()
    expect(page.get_by_text("was used already")).to_be_visible()
    assert page.url.endswith("/login/code")


def test_an_organization_requiring_it_sends_staff_to_set_it_up(page, make_user, db, org):
    db.execute(
        sa.update(Organization)
        .where(Organization.id == org.id)
        .values(mfa_required_for=MfaRequirement.STAFF, mfa_required_since=utcnow(), mfa_grace_days=0)
    )
    staff = make_user("staff", email="required.journey@example.org")
    password_step(page, staff.email)
    page.wait_for_url(re.compile(r"/account/mfa$"))
    expect(page.get_by_role("heading", name="Set up a second factor")).to_be_visible()
    page.goto("/people")
    page.wait_for_url(re.compile(r"/account/mfa$"))
    expect(page.get_by_text("Your organization requires a second factor")).to_be_visible()

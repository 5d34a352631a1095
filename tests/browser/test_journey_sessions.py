"""Journey: a user ends a session left open elsewhere, whose browser then lands on the sign-in page; a stale
proof of identity asks for the password again before the password page opens."""

from datetime import timedelta

import sqlalchemy as sa
from playwright.sync_api import expect

from casework.models import WebSession
from casework.models.base import utcnow
from tests.browser.conftest import sign_in
from tests.conftest import PASSWORD


def test_end_another_session_and_confirm_before_a_dangerous_act(
    page, chromium, live_server, make_user, db, shot
):
    user = make_user("staff", email="sessions-journey@example.org")
    elsewhere = chromium.new_context(base_url=live_server)
    try:
        other = elsewhere.new_page()
        sign_in(other, user.email, PASSWORD)
        sign_in(page, user.email, PASSWORD)

        page.get_by_role("link", name="Sessions").click()
        expect(page.get_by_role("heading", name="Your sessions")).to_be_visible()
        expect(page.locator("table tbody tr")).to_have_count(2)
        expect(page.get_by_text("This session", exact=True)).to_have_count(1)
        shot(page, "sessions")
        page.get_by_role("button", name="End this session").click()
        expect(page.get_by_text("That session was ended.")).to_be_visible()
        expect(page.locator("table tbody tr")).to_have_count(1)

        other.goto("/people")
        expect(other).to_have_url(f"{live_server}/login?next=%2Fpeople")
    finally:
        elsewhere.close()

    db.execute(sa.update(WebSession).values(proved_at=utcnow() - timedelta(minutes=20)))
    page.goto("/account/password")
    expect(page.get_by_role("heading", name="Confirm it is you")).to_be_visible()
    shot(page, "confirm")
    page.get_by_label("Password").fill("not my password")
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_text("That is not your password.")).to_be_visible()
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Confirm").click()
    expect(page.get_by_role("heading", name="Change your password")).to_be_visible()

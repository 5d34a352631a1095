"""Journey: a Massachusetts parole-board pardon whose dates follow what happened.

Staff open the application, mark the filing step done on a past day: the comment period moves to six weeks
after that day and says why, "filed on" is that day and the status is Filed. Then the pardon is granted: the
case leaves What's due, the dashboard's overdue list and the calendar feed, and no page says "overdue".
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import TODAY
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the seeded templates)

PASSWORD = "deadlines journey password 2031"
NAME = "Bopha Sarun"


@pytest.fixture
def staff(make_user, make_person):
    make_person(legal_name=NAME, state="MA")
    return make_user("staff", email="dara.chhim@example.org", name="Dara Chhim", password=PASSWORD)


def test_a_real_filing_day_moves_the_dates_and_a_grant_closes_every_deadline(page, staff, shot):
    today = TODAY
    opened = today - timedelta(days=60)  # the first steps' dates (21, 45 days after opening) are past
    filed = today - timedelta(days=10)
    comment_due = filed + timedelta(days=42)
    sign_in(page, staff.email, PASSWORD)

    page.get_by_role("link", name="People").click()
    page.get_by_role("link", name=NAME).click()
    page.get_by_role("link", name="Open an application").click()
    page.get_by_label("Kind of relief").select_option(label="Pardon through the parole board")
    expect(page.get_by_label("Jurisdiction")).to_have_value("MA")
    page.get_by_label("Opened on").fill(opened.isoformat())
    page.get_by_role("button", name=re.compile("Open the application")).click()
    expect(page.get_by_text("The application was opened with 10 steps")).to_be_visible()

    steps = page.locator("ol.relief-steps > li")
    expect(steps.nth(0)).to_have_class(re.compile("is-overdue"))
    expect(steps.nth(4)).to_contain_text("Why this date: 6 weeks after the filing (step 4")
    steps.nth(3).get_by_label("Done on").fill(filed.isoformat())
    steps.nth(3).get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Step 4 marked done.")).to_be_visible()

    expect(steps.nth(4)).to_contain_text(f"Due {comment_due.isoformat()}")
    expect(steps.nth(4)).to_contain_text(f"Why this date: 6 weeks after the filing on {filed.isoformat()}")
    details = page.locator("section#details")
    expect(details).to_contain_text(re.compile(rf"Filed on\s*{filed.isoformat()}"))
    expect(details).to_contain_text(re.compile(r"Status\s*Filed"))
    expect(page.locator("section#history")).to_contain_text(f"step 4 done on {filed.isoformat()}")
    shot(page, "filed")

    # Before the decision: the overdue steps are in What's due, on the dashboard and in the calendar feed.
    page.goto("/account/calendar")
    page.get_by_role("button", name=re.compile("Create")).click()
    # The new address is in the page the post answers: wait for that page, not the one the click left.
    address = page.get_by_label("Calendar address")
    expect(address).to_have_value(re.compile(r"/calendar/[^\"' <]+\.ics$"))
    feed_url = re.search(r"/calendar/[^\"' <]+\.ics", address.input_value()).group(0)
    assert "Relief step" in page.request.get(feed_url).text()
    page.goto("/due")
    expect(page.locator("main")).to_contain_text(NAME)
    page.goto("/dashboard")
    expect(page.locator("main")).to_contain_text(NAME)

    page.goto("/people")
    page.get_by_role("link", name=NAME).click()
    page.locator("section#relief").get_by_role("link", name="Pardon through the parole board").click()
    page.get_by_role("link", name="Edit the application").click()
    page.get_by_label("Status").select_option(label="Granted")
    page.get_by_label("Decided on").fill(today.isoformat())
    page.get_by_label("Outcome").fill("Pardon granted by the Governor with the Council's consent.")
    page.get_by_role("button", name=re.compile("Save")).click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.locator("main")).not_to_contain_text("overdue")
    expect(steps.nth(0)).to_contain_text("Not needed: the application was granted")
    shot(page, "granted")

    page.goto("/people")
    page.get_by_role("link", name=NAME).click()
    expect(page.locator("main")).not_to_contain_text("overdue")
    page.goto("/due")
    expect(page.locator("main")).not_to_contain_text(NAME)
    page.goto("/dashboard")
    expect(page.locator("main")).not_to_contain_text(NAME)
    assert "Relief step" not in page.request.get(feed_url).text()

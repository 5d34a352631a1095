"""Journey: a volunteer logs the work on a Massachusetts parole-board pardon application, step by step."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import TODAY
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the seeded templates)

PASSWORD = "relief journey password 2031"


@pytest.fixture
def case(app, make_user, make_person, db):
    """A volunteer assigned to a case with an application opened from the built-in Massachusetts template."""
    from casework.models import ReliefApplication, ReliefTemplate
    from casework.relief import operations

    volunteer = make_user("volunteer", email="sokha.lim@example.org", name="Sokha Lim", password=PASSWORD)
    staff = make_user("staff", name="Marisol Quint")
    person = make_person(legal_name="Chanthou Keomany", state="MA", assigned=[volunteer])
    with app.test_request_context():
        from casework.extensions import db as _db
        from casework.models import Person, User

        template = _db.session.scalar(
            sa.select(ReliefTemplate).where(
                ReliefTemplate.org_id.is_(None), ReliefTemplate.jurisdiction == "MA"
            )
        )
        operations.create_application(
            _db.session.get(User, staff.id),
            _db.session.get(Person, person.id),
            {
                "kind": "parole_board_pardon",
                "jurisdiction": "MA",
                "forum": None,
                "opened_on": TODAY - timedelta(days=30),
                "lead_id": volunteer.id,
                "notes": None,
                "conviction_ids": [],
            },
            template,
        )
        _db.session.commit()
    assert db.count(ReliefApplication) == 1
    return volunteer


def test_volunteer_logs_three_steps(page, case, shot):
    volunteer = case
    sign_in(page, volunteer.email, PASSWORD)
    page.get_by_role("link", name="Chanthou Keomany").click()
    relief = page.locator("section#relief")
    expect(relief.get_by_text("0/10 steps")).to_be_visible()
    shot(page, "case-page")
    relief.get_by_role("link", name="Pardon through the parole board").click()
    expect(page.get_by_role("heading", name=re.compile("Pardon through the parole board"))).to_be_visible()
    steps = page.locator("ol.relief-steps > li")
    expect(steps).to_have_count(10)
    expect(steps.nth(0)).to_have_class(re.compile("is-overdue"))  # records were due 21 days after opening
    shot(page, "application")

    # step 1: done today (the default date)
    steps.nth(0).get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Step 1 marked done.")).to_be_visible()
    # step 2: done on an earlier day
    steps.nth(1).get_by_label("Done on").fill((TODAY - timedelta(days=3)).isoformat())
    steps.nth(1).get_by_role("button", name="Mark done").click()
    expect(page.get_by_text("Step 2 marked done.")).to_be_visible()
    # step 3: a note for the log
    steps.nth(2).get_by_text("Add a note or reassign step 3").click()
    steps.nth(2).get_by_label("Note").fill("Met Chanthou at the library; the statement draft is half done.")
    steps.nth(2).get_by_role("button", name="Add the note").click()
    expect(page.get_by_text("Note added to step 3.")).to_be_visible()

    expect(steps.nth(0)).to_have_class(re.compile("is-done"))
    expect(steps.nth(1)).to_contain_text(f"Done {(TODAY - timedelta(days=3)).isoformat()}")
    expect(steps.nth(2)).to_contain_text(f"{TODAY.isoformat()} Sokha Lim: Met Chanthou at the library")
    expect(page.get_by_text("2/10 steps done")).to_be_visible()

    history = page.locator("section#history li")
    expect(history).to_have_count(4)  # newest first, the opening last
    expect(history.nth(0)).to_contain_text("Note added to step 3")
    expect(history.nth(0)).to_contain_text("Sokha Lim")
    expect(history.nth(1)).to_contain_text("Step 2 marked done")
    expect(history.nth(2)).to_contain_text("Step 1 marked done")
    expect(history.nth(3)).to_contain_text("Application opened")
    shot(page, "after-logging")

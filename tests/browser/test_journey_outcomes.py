"""Journey: on the demo, staff add co-counsel and a record of support to Tuan Pham's pardon, see the prosecutor's
position on his motion to vacate, close a case with its outcome and find it by outcome in the people list; the
public page of a hosted petition names its organizer."""

from __future__ import annotations

import sqlalchemy as sa
from playwright.sync_api import expect

from casework import unit_of_work
from casework.demo import outcomes as demo_outcomes
from casework.demo import people as demo_people
from casework.extensions import db as real_db
from casework.models import Person, ReliefApplication, ReliefCounsel, SupportRecord, User
from tests.browser.conftest import sign_in
from tests.conftest import TODAY

PASSWORD = "lantern orchid quarry"


def test_counsel_support_and_a_closed_case(app, db, page, shot):
    with app.test_request_context(), unit_of_work.transaction():
        people = demo_people.load(PASSWORD)
        users = {u.email: u for u in real_db.session.scalars(sa.select(User))}
        demo_outcomes.load(people, users, TODAY)
    pham = db.scalar(sa.select(Person).where(Person.legal_name == "Tuan Minh Pham"))
    pardon, vacate = (
        db.scalar(
            sa.select(ReliefApplication).where(
                ReliefApplication.person_id == pham.id, ReliefApplication.kind == kind
            )
        )
        for kind in ("governor_pardon", "motion_to_vacate")
    )
    sign_in(page, "staff@example.org", PASSWORD)

    page.goto(f"/people/{pham.id}/relief/{vacate.id}")
    expect(page.locator("#prosecutor")).to_contain_text("Does not oppose")
    expect(page.locator("#prosecutor")).to_contain_text("Conviction Integrity Unit")

    page.goto(f"/people/{pham.id}/relief/{pardon.id}")
    counsel = page.locator("#counsel")
    counsel.get_by_label("Counsel", exact=True).select_option(
        label="Miriam Alder, Alder & Finch LLP (pro bono) (Post conviction attorney)"
    )
    counsel.get_by_label("Role").select_option(label="Pro bono firm")
    counsel.get_by_role("button", name="Add counsel").click()
    expect(page.locator(".flash-success")).to_contain_text("Miriam Alder was added as pro bono firm.")
    counsel.get_by_label("Counsel", exact=True).select_option(
        label="Miriam Alder, Alder & Finch LLP (pro bono) (Post conviction attorney)"
    )
    counsel.get_by_label("Role").select_option(label="Pro bono firm")
    counsel.get_by_role("button", name="Add counsel").click()
    expect(page.locator("#counsel .errors")).to_contain_text("already has that role on the application")
    shot(page, "counsel-duplicate")

    page.goto(f"/people/{pham.id}/relief/{pardon.id}")
    page.get_by_role("link", name="Add a record of support").click()
    page.get_by_label("Kind").select_option(label="Letter of support")
    page.get_by_label("From", exact=True).fill("Pastor Anh Lam, Saint Vincent parish (fictional)")
    page.get_by_label("Given on").fill("2026-01-15")
    page.get_by_label("What it says").fill(
        "Tuan has served the parish food bank every Saturday for twelve years."
    )
    shot(page, "support-form")
    page.get_by_role("button", name="Add the record").click()
    expect(page.locator("#support")).to_contain_text("2 records of support")
    expect(page.locator("#support")).to_contain_text("Pastor Anh Lam")
    shot(page, "application")
    assert db.count(ReliefCounsel, ReliefCounsel.application_id == pardon.id) == 2
    assert db.count(SupportRecord, SupportRecord.application_id == pardon.id) == 2

    page.goto(f"/people/{pham.id}")
    page.get_by_role("link", name="Close the case…").click()
    page.get_by_label("Case status").select_option(label="Closed")
    page.get_by_label("Outcome", exact=True).select_option(label="Transferred to another organization")
    page.get_by_label("Ended on").fill("2026-02-01")
    page.get_by_label("Ended on").fill("2999-01-01")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator(".errors")).to_contain_text("cannot be in the future")
    page.get_by_label("Ended on").fill("2026-02-01")
    page.get_by_label("Notes on the outcome").fill("Transferred to Cascade Defender Collective (fictional).")
    shot(page, "close-form")
    page.get_by_role("button", name="Close the case").click()
    expect(page.locator("#outcome")).to_contain_text("Transferred to another organization")
    shot(page, "closed-case")

    page.goto("/people")
    page.get_by_label("Outcome").select_option(label="Transferred to another organization")
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.people")).to_contain_text("Tuan Minh Pham")
    expect(page.locator("table.people")).not_to_contain_text("Sovann Pich")
    shot(page, "people-by-outcome")

    page.goto("/p/keep-dara-home")
    expect(page.locator(".public-organizer")).to_have_text(f"A petition by {demo_outcomes.ORGANIZER}")
    shot(page, "public-petition")

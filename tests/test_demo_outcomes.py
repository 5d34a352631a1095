"""The demo's outcomes: Sovann Pich's case closed as won, his pardon's two counsel and its records of support (a
Board of Supervisors' resolution among them), the prosecutor who does not oppose Tuan Pham's motion to vacate,
and the hosted petitions' organizer, on the pages that show them; loaded through the forms' operations."""

from datetime import date, timedelta

import sqlalchemy as sa

from casework import unit_of_work
from casework.demo import outcomes as demo_outcomes
from casework.demo import people as demo_people
from casework.extensions import db as real_db
from casework.models import (
    AuditEvent,
    CaseOutcome,
    CaseStatus,
    Person,
    Petition,
    ProsecutorPosition,
    ReliefApplication,
    ReliefCounsel,
    SupportRecord,
    User,
)
from tests.conftest import TODAY, text_of

PASSWORD = "lantern orchid quarry"


def load_demo(app, today):
    with app.test_request_context(), unit_of_work.transaction():
        people = demo_people.load(PASSWORD)
        users = {u.email: u for u in real_db.session.scalars(sa.select(User))}
        demo_outcomes.load(people, users, today)
        demo_outcomes.load(people, users, today)  # a second run adds nothing


def test_the_demo_closes_a_won_case_with_its_counsel_support_and_positions(app, db, browser):
    today = TODAY  # the demo's records count from today too
    load_demo(app, today)
    pich = db.scalar(sa.select(Person).where(Person.legal_name == "Sovann Pich"))
    assert (pich.case_status, pich.outcome, pich.outcome_on) == (
        CaseStatus.RELIEF_GRANTED,
        CaseOutcome.STATUS_RESTORED,
        date(2024, 6, 28),
    )
    pardon = db.scalar(sa.select(ReliefApplication).where(ReliefApplication.person_id == pich.id))
    counsel = db.scalars(
        sa.select(ReliefCounsel).where(ReliefCounsel.application_id == pardon.id).order_by(ReliefCounsel.id)
    )
    assert [(c.contact.name, c.role.value) for c in counsel] == [
        ("Miriam Alder", "lead"),
        ("Tomas Reyes", "partner_organization"),
    ]
    support = db.scalars(sa.select(SupportRecord).where(SupportRecord.application_id == pardon.id))
    assert len(support) == 3 and any(s.author.startswith("Board of Supervisors") for s in support)
    vacate = db.scalar(
        sa.select(ReliefApplication)
        .join(Person)
        .where(Person.legal_name == "Tuan Minh Pham", ReliefApplication.kind == "motion_to_vacate")
    )
    assert vacate.prosecutor_position == ProsecutorPosition.DOES_NOT_OPPOSE
    assert vacate.prosecutor_position_on == today - timedelta(days=12)
    organizers = {p.slug: p.organizer for p in db.scalars(sa.select(Petition)) if p.kind == "hosted"}
    assert organizers == {
        "keep-dara-home": demo_outcomes.ORGANIZER,
        "pardon-tuan": demo_outcomes.ORGANIZER,
    }
    assert db.count(AuditEvent, AuditEvent.action == "person.closed") == 1

    browser.login("staff@example.org", PASSWORD)
    case_page = text_of(browser.get(f"/people/{pich.id}"))
    assert (
        "Relief granted and immigration status restored" in case_page and "3 records of support" in case_page
    )
    page = text_of(browser.get(f"/people/{pich.id}/relief/{pardon.id}"))
    assert "Partner organization" in page and "Board of Supervisors of Harbor County" in page
    assert f"A petition by <strong>{demo_outcomes.ORGANIZER}</strong>" in text_of(
        browser.get("/p/pardon-tuan")
    )
    browser.get("/people")
    browser.post("/people", {"outcome": "status_restored", "sort": "name"})
    listed = text_of(browser.get("/people"))
    assert "Sovann Pich" in listed and "Dara Keo" not in listed

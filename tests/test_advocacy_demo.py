"""The demo's advocacy log: a senator's statement with two figures on three demo cases' timelines, an agreement
and a flight; loaded through the same operation as the form."""

from datetime import date

import sqlalchemy as sa

from casework import unit_of_work
from casework.demo import advocacy as demo_advocacy
from casework.demo import people as demo_people
from casework.extensions import db as real_db
from casework.models import AdvocacyEvent, AdvocacyFigure, AdvocacyKind, AuditEvent, Person, User
from tests.conftest import text_of


def test_the_demo_statement_reaches_three_timelines(app, db, browser):
    with app.test_request_context(), unit_of_work.transaction():
        people = demo_people.load("lantern orchid quarry")
        users = {u.email: u for u in real_db.session.scalars(sa.select(User))}
        demo_advocacy.load(people, users, date(2025, 6, 1))
    events = {e.kind: e for e in db.scalars(sa.select(AdvocacyEvent))}
    assert set(events) == {AdvocacyKind.STATEMENT, AdvocacyKind.AGREEMENT, AdvocacyKind.FLIGHT}
    statement = events[AdvocacyKind.STATEMENT]
    assert statement.title == demo_advocacy.STATEMENT_TITLE and statement.occurred_on == date(2025, 5, 20)
    figures = db.scalars(
        sa.select(AdvocacyFigure)
        .where(AdvocacyFigure.event_id == statement.id)
        .order_by(AdvocacyFigure.position)
    )
    assert [(f.label, f.value) for f in figures] == [
        ("Cambodians detained", 100),
        ("Vietnamese detained", 95),
    ]
    assert (
        db.count(
            AuditEvent, AuditEvent.action == "advocacy.case_linked", AuditEvent.object_id == statement.id
        )
        == 3
    )

    browser.login("staff@example.org", "lantern orchid quarry")
    for name in ("Dara Keo", "Sovann Pich", "Tuan Minh Pham"):
        person = db.scalar(sa.select(Person).where(Person.legal_name == name))
        timeline = text_of(browser.get(f"/people/{person.id}")).split('id="timeline"', 1)[1]
        assert "2025-05-20" in timeline and "State Senator Ferreira on detentions" in timeline, name
    other = db.scalar(sa.select(Person).where(Person.legal_name == "Khamla Phommachanh"))
    assert "Ferreira" not in text_of(browser.get(f"/people/{other.id}"))

"""The people list, the case page, "What's due" and the dashboard issue a fixed number of statements, however
many rows, and at most MAX_STATEMENTS (the session, the user and the page's own reads included).

relationship(lazy="raise") already turns an accidental per-row load into an error; these tests also
catch loops of explicit queries.
"""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import (
    CaseContact,
    CheckIn,
    Contact,
    Conviction,
    CustodyEvent,
    Note,
    ReliefApplication,
    ReliefCounsel,
    ReliefEvent,
    ReliefStep,
    RemovalCase,
    SupportRecord,
    Task,
    TravelDocument,
)
from tests.conftest import TODAY, statements_sent

MAX_STATEMENTS = 10


def count_selects(app, fn) -> int:
    """How many statements `fn` (one request) sends (every one: reads, CTEs, writes)."""
    with statements_sent(app) as seen:
        assert fn().status_code == 200
    return len(seen)


def fill_case(db, person, org, user, n: int) -> None:
    """n of everything on one case."""
    for i in range(n):
        c = db.add(Conviction(person_id=person.id, offense=f"Offense {i}", offense_date=date(2000, 1, 1 + i)))
        db.add(
            CustodyEvent(
                person_id=person.id,
                kind="transferred" if i else "ice_arrest",
                occurred_on=date(2010, 1, 1 + i),
                facility=f"Facility {i}",
            )
        )
        db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=i + 1), office=f"Office {i}"))
        db.add(TravelDocument(person_id=person.id, country=f"Country {i}"))
        contact = db.add(Contact(org_id=org.id, name=f"Contact {i}", kind="immigration_attorney"))
        db.add(CaseContact(person_id=person.id, contact_id=contact.id, role="Counsel"))
        application = db.add(
            ReliefApplication(
                person_id=person.id,
                kind="governor_pardon",
                jurisdiction="CA",
                lead_id=user.id,
                prosecutor_contact_id=contact.id,
                prosecutor_position="does_not_oppose",
            )
        )
        db.add(ReliefCounsel(application_id=application.id, contact_id=contact.id, role="lead"))
        db.add(
            SupportRecord(
                application_id=application.id,
                kind="resolution",
                author=f"Board {i}",
                author_contact_id=contact.id,
                given_on=date(2020, 1, 1 + i),
            )
        )
        for k in range(3):
            db.add(
                ReliefStep(
                    application_id=application.id,
                    position=k + 1,
                    title=f"Step {k}",
                    due_on=TODAY + timedelta(days=k),
                    assignee_id=user.id,
                )
            )
        db.add(ReliefEvent(application_id=application.id, kind="created", summary="Opened", actor_id=user.id))
        db.add(Note(person_id=person.id, body=f"Note {i}", author_id=user.id, privileged=bool(i % 2)))
        db.add(
            Task(
                person_id=person.id, title=f"Task {i}", due_on=TODAY + timedelta(days=i), assignee_id=user.id
            )
        )
        assert c.id
    if not db.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == person.id)):
        db.add(RemovalCase(person_id=person.id, stage="final_order", order_date=date(2009, 1, 1)))


def test_people_list_queries_do_not_grow_with_rows(app, login_as, make_person, make_user):
    staff = login_as("staff")
    helpers = [make_user("volunteer") for _ in range(3)]
    for i in range(3):
        make_person(legal_name=f"A {i}", assigned=helpers[:1])
    few = count_selects(app, lambda: staff.get("/people"))
    for i in range(30):
        make_person(legal_name=f"B {i}", assigned=helpers)
    many = count_selects(app, lambda: staff.get("/people"))
    assert few == many, (few, many)
    assert many <= MAX_STATEMENTS, many
    cached = count_selects(app, lambda: staff.get("/people"))  # the filter choices from the cache
    assert cached < many, (cached, many)


def test_due_and_dashboard_queries_do_not_grow_with_rows(app, login_as, make_person, org, db):
    staff = login_as("staff")
    first = make_person(custody_status="detained", custody_since=TODAY - timedelta(days=30))
    fill_case(db, first, org, staff.user, 1)
    counts = [
        count_selects(app, lambda: staff.get("/due?window=all")),
        count_selects(app, lambda: staff.get("/dashboard")),
    ]
    for _ in range(4):
        more = make_person(custody_status="detained", custody_since=TODAY - timedelta(days=30))
        fill_case(db, more, org, staff.user, 3)
    assert [
        count_selects(app, lambda: staff.get("/due?window=all")),
        count_selects(app, lambda: staff.get("/dashboard")),
    ] == counts
    assert max(counts) <= MAX_STATEMENTS, counts


# The session, the user's case, one statement for every part's row sets (PdfPart.rows), the links of relief
# applications to the convictions they target (a table, not a row set) and the audit row.
SUMMARY_STATEMENTS = 5


@pytest.mark.parametrize(
    ("page", "limit"),
    [("", MAX_STATEMENTS), ("/summary.pdf", SUMMARY_STATEMENTS)],
    ids=["case page", "summary"],
)
def test_case_reads_do_not_grow_with_rows(app, login_as, make_person, org, db, page, limit):
    staff = login_as("staff")
    small, large = make_person(legal_name="Small Case"), make_person(legal_name="Large Case")
    fill_case(db, small, org, staff.user, 1)
    fill_case(db, large, org, staff.user, 6)
    few = count_selects(app, lambda: staff.get(f"/people/{small.id}{page}"))
    many = count_selects(app, lambda: staff.get(f"/people/{large.id}{page}"))
    assert few == many, (few, many)
    assert many <= limit, many


def test_the_pdf_parts_that_name_their_rows_read_them_in_one_statement(app, make_user, make_person, org, db):
    from flask_login import login_user

    from casework import case_page
    from casework.packets.content import Audience, gather

    user = make_user("staff")
    person = make_person(legal_name="Many Rows")
    fill_case(db, person, org, user, 3)
    with app.test_request_context():
        login_user(user)
        parts = [part for part in case_page.pdf_parts() if part.rows]
        assert len(parts) >= 15
        with statements_sent(app) as seen:
            content = gather(user, person, Audience.ATTORNEY, [part.key for part in parts])
        # One statement reads every row set (row_sets.fetch labels them set_0, set_1...); besides it, only the
        # related cases' visibility check (access.visible_people_filter), as on the case page, and the links of
        # the relief applications to their targets.
        assert len([s for s in seen if " AS set_0" in s]) == 1 and len(seen) <= 3, seen
        loaded = dict((part.key, context) for part, context in content.parts)
        assert len(loaded["notes"]["notes"]) == 3 and all(
            n.author.id == user.id for n in loaded["notes"]["notes"]
        )
        assert [t.assignee.id for t in loaded["tasks"]["tasks"]] == [user.id] * 3
        assert sorted(link.contact.name for link in loaded["contacts"]["links"]) == [
            "Contact 0",
            "Contact 1",
            "Contact 2",
        ]

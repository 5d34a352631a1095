"""What's due: every source, overdue first, 'my work', the window; a fixed number of queries."""

from datetime import date, timedelta

import pytest

from casework.models import (
    CheckIn,
    CustodyEvent,
    Person,
    ReliefApplication,
    ReliefStep,
    RemovalCase,
    Task,
    TravelDocument,
)
from tests.conftest import TODAY, statements_sent, text_of


def items(response) -> str:
    """The lists of the page, without the filter form."""
    return text_of(response).split('id="overdue"')[1]


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


@pytest.fixture
def busy_case(db, make_person, make_user):
    """A detained person with a final order and one item of every kind."""
    volunteer = make_user("volunteer", name="Val Unteer")
    person = make_person(
        legal_name="Sokha Lim", assigned=[volunteer], custody_status="detained", custody_since=days(-160)
    )
    db.add(CustodyEvent(person_id=person.id, kind="ice_arrest", occurred_on=days(-160)))
    db.add(
        RemovalCase(
            person_id=person.id,
            stage="final_order",
            order_date=days(-170),
            order_type="removal",
            next_hearing_on=days(20),
            court="Boston Immigration Court",
        )
    )
    db.add(CheckIn(person_id=person.id, scheduled_on=days(3), office="Burlington ERO"))
    db.add(CheckIn(person_id=person.id, scheduled_on=days(-2), office="Burlington ERO"))
    app = db.add(
        ReliefApplication(person_id=person.id, kind="governor_pardon", jurisdiction="MA", opened_on=days(-10))
    )
    db.add(
        ReliefStep(
            application_id=app.id,
            position=1,
            title="File the petition",
            due_on=days(5),
            assignee_id=volunteer.id,
        )
    )
    db.add(
        ReliefStep(application_id=app.id, position=2, title="Already done", due_on=days(-5), done_on=days(-6))
    )
    db.add(Task(person_id=person.id, title="Call the consulate", due_on=days(-1)))
    db.add(
        TravelDocument(
            person_id=person.id,
            country="Cambodia",
            outcome="issued",
            decided_on=days(-20),
            expires_on=days(40),
        )
    )
    return person, volunteer


def test_every_source_appears_overdue_first(login_as, busy_case):
    page = items(login_as("staff").get("/due?window=all"))
    overdue, upcoming = page.split('id="upcoming"')
    assert "record the outcome" in overdue and "Call the consulate" in overdue
    # day 90 has passed (a fact on the case page, never overdue); day 180 falls in 20 days: announced
    assert "Day 180 of post-order custody" in upcoming and "post-order custody" not in overdue
    for text in (
        "ICE check-in at Burlington ERO",
        "File the petition",
        "Immigration court hearing",
        "Travel document from Cambodia expires",
    ):
        assert text in upcoming, text
    assert "Already done" not in page
    assert upcoming.index("File the petition") < upcoming.index("Immigration court hearing")  # by date


def test_window_mine_and_kind(login_as, busy_case):
    person, volunteer = busy_case
    staff = login_as("staff")
    week = items(staff.get("/due?window=7"))
    assert "File the petition" in week and "Immigration court hearing" not in week
    only_tasks = items(staff.get("/due?window=all&kind=task"))
    assert "Call the consulate" in only_tasks and "File the petition" not in only_tasks
    mine = items(login_as(volunteer).get("/due?window=all&mine=y"))
    assert "File the petition" in mine and "Call the consulate" not in mine  # task not assigned to them
    assert items(staff.get("/due?window=all&mine=y")).count("<tr class") == 0


def test_due_view_shows_only_visible_cases(login_as, busy_case, make_user):
    assert "Sokha Lim" not in text_of(login_as(make_user("volunteer")).get("/due?window=all"))


def test_bad_filters_are_harmless(login_as, busy_case):
    staff = login_as("staff")
    assert staff.get("/due?window=abc&kind=nope").status_code == 200


def _count_queries(app, fn):
    with statements_sent(app) as statements:
        fn()
    return sum(1 for statement in statements if statement.lstrip().upper().startswith("SELECT"))


def test_due_view_issues_a_fixed_number_of_queries(app, login_as, db, make_person):
    staff = login_as("staff")

    def add_cases(n):
        for i in range(n):
            p = make_person(legal_name=f"Bulk {i}", custody_status="detained", custody_since=days(-50))
            db.add(
                RemovalCase(
                    person_id=p.id, stage="final_order", order_date=days(-60), next_hearing_on=days(9)
                )
            )
            db.add(CheckIn(person_id=p.id, scheduled_on=days(2)))
            db.add(Task(person_id=p.id, title="t", due_on=days(4)))

    add_cases(2)
    few = _count_queries(app, lambda: staff.get("/due?window=all"))
    add_cases(8)
    many = _count_queries(app, lambda: staff.get("/due?window=all"))
    assert few == many
    assert db.count(Person) == 10


def _seen(item) -> tuple:
    return item.day, item.kind, item.title, item.person_id


def test_the_first_rows_of_each_side_are_those_of_the_whole_list(app, login_as, db, make_person):
    """For every limit, each side's first rows are the whole list's (ties on a day across kinds and people
    included), and so are the totals: a kind that can never be overdue (an issued travel document) is asked
    only for the days to come."""
    from casework.deadlines.due import gather, gather_limited
    from casework.models import User

    staff = login_as("staff")
    for i, name in enumerate(("Ana", "Bo", "Cy")):
        person = make_person(legal_name=name)
        for day in (-3, -3, -1, 0, 2, 2):
            db.add(CheckIn(person_id=person.id, scheduled_on=days(day + i % 2)))
            db.add(Task(person_id=person.id, title=f"Task {day}", due_on=days(day)))
        db.add(TravelDocument(person_id=person.id, country="Laos", outcome="issued", expires_on=days(2)))
        db.add(TravelDocument(person_id=person.id, country="Laos", outcome="issued", expires_on=days(-2)))
    with app.test_request_context():
        user = db.get(User, staff.user.id)
        whole = gather(user, today=TODAY)
        late = [i for i in whole if i.overdue(TODAY)]
        coming = [i for i in whole if not i.overdue(TODAY)]
        assert len(late) == 17 and len(coming) == 22  # the expired documents are in neither
        for limit in range(1, 30):
            found = gather_limited(user, limit, today=TODAY)
            # As the user sees them: two tasks alike in all but their row (same case, day and title) may come
            # in either order, as the database reads a day's rows of one kind in no particular order.
            assert list(map(_seen, found.items)) == list(map(_seen, late[:limit] + coming[:limit])), limit
            assert (found.overdue_total, found.upcoming_total) == (len(late), len(coming))


def test_each_user_gets_the_statements_of_what_they_may_see_page_after_page(
    db, login_as, make_person, make_user, make_org
):
    """The statements kept between requests (casework.deadlines.kept) follow everything they are built from:
    a share that starts or ends, another user, another filter, each page shows exactly what the user may see."""
    import sqlalchemy as sa

    from casework.models import CaseShare

    other_org = make_org()
    theirs = make_person(org=other_org, legal_name="Their Case")
    db.add(Task(person_id=theirs.id, title="Their task", due_on=days(2)))
    ours = make_person(legal_name="Our Case")
    db.add(Task(person_id=ours.id, title="Our task", due_on=days(3)))
    staff, partner = login_as("staff"), login_as(make_user("staff", org=other_org))
    for _ in range(2):  # the second time from kept statements
        for path in ("/due", "/dashboard", "/due?window=7&kind=task"):
            assert "Their task" not in text_of(staff.get(path)) and "Our task" in text_of(staff.get("/due"))
            assert "Our task" not in text_of(partner.get(path))
    share = db.add(CaseShare(person_id=ours.id, user_id=partner.user.id, level="view"))
    for _ in range(2):
        assert "Our task" in items(partner.get("/due")) and "Their task" in items(partner.get("/due"))
        assert "Their task" not in items(staff.get("/due"))
    db.execute(sa.delete(CaseShare).where(CaseShare.id == share.id))
    for _ in range(2):
        assert "Our task" not in items(partner.get("/due")) and "Their task" in items(partner.get("/due"))
    colleague = login_as("staff")  # the same organization, so the same cases: their own work differs
    db.add(
        Task(person_id=ours.id, title="Task of the colleague", due_on=days(4), assignee_id=colleague.user.id)
    )
    db.add(
        Task(person_id=ours.id, title="Task of the staff member", due_on=days(4), assignee_id=staff.user.id)
    )
    for _ in range(2):
        mine = items(staff.get("/due?window=all&mine=y"))
        assert "Task of the staff member" in mine and "Task of the colleague" not in mine
        mine = items(colleague.get("/due?window=all&mine=y"))
        assert "Task of the colleague" in mine and "Task of the staff member" not in mine

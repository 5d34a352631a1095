"""What's due and the dashboard count each kind up to COUNT_CAP on each side; past it the total reads "N+"."""

from datetime import date, timedelta

from casework.deadlines import due
from casework.models import Task
from tests.conftest import text_of

TODAY = date.today()


def add_tasks(db, person, overdue: int, upcoming: int) -> None:
    for i in range(overdue):
        db.add(Task(person_id=person.id, title=f"Late {i}", due_on=TODAY - timedelta(days=i + 1)))
    for i in range(upcoming):
        db.add(Task(person_id=person.id, title=f"Soon {i}", due_on=TODAY + timedelta(days=i % 5)))


def test_totals_under_the_cap_are_exact(login_as, make_person, db):
    staff = login_as("staff")
    add_tasks(db, make_person(), overdue=3, upcoming=4)
    html = text_of(staff.get("/due?window=7"))
    assert 'Overdue <span class="muted">(3)</span>' in html
    assert 'Coming up <span class="muted">(4)</span>' in html
    dashboard = text_of(staff.get("/dashboard"))
    assert "<strong>3</strong> overdue" in dashboard
    assert "<strong>4</strong> due this week" in dashboard


def test_a_kind_past_the_cap_reads_as_at_least(login_as, make_person, db, monkeypatch):
    monkeypatch.setattr(due, "COUNT_CAP", 2)
    staff = login_as("staff")
    add_tasks(db, make_person(), overdue=3, upcoming=2)
    html = text_of(staff.get("/due?window=7"))
    assert 'Overdue <span class="muted">(2+)</span>' in html
    assert 'Coming up <span class="muted">(2)</span>' in html  # exactly the cap: not "at least"
    assert "Late 0" in html and "Late 2" in html  # the items shown are not cut by the cap
    dashboard = text_of(staff.get("/dashboard"))
    assert "<strong>2+</strong> overdue" in dashboard
    assert "See all 2+ overdue items" not in dashboard  # the dashboard shows up to 10 rows: all 3 are there


def test_the_shown_total():
    found = due.DueList([], 1204, 5)
    assert found.shown(1204, False) == "1,204"
    assert found.shown(1000, True) == "1,000+"

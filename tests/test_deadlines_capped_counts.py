"""What's due counts its dated items up to COUNT_CAP on each side, and the dashboard each of its totals and each
cell of its tables by stage; past the cap a total reads "N+", below it the exact number."""

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa
from markupsafe import escape

from casework.deadlines import due
from casework.models import CheckIn, ReliefApplication, Task, TravelDocument
from tests.conftest import TODAY, text_of


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


def test_the_dated_kinds_are_counted_together_up_to_the_cap(login_as, make_person, db, monkeypatch):
    monkeypatch.setattr(due, "COUNT_CAP", 3)
    staff = login_as("staff")
    person = make_person()
    add_tasks(db, person, overdue=2, upcoming=1)
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY - timedelta(days=2)))  # overdue: its outcome
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=2)))
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=3)))
    html = text_of(staff.get("/due?window=7"))
    assert 'Overdue <span class="muted">(3)</span>' in html  # two kinds, three items: the cap, exactly
    assert 'Coming up <span class="muted">(3)</span>' in html
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=4)))
    html = text_of(staff.get("/due?window=7"))
    assert 'Overdue <span class="muted">(3)</span>' in html
    assert 'Coming up <span class="muted">(3+)</span>' in html  # four in all, past the cap of three
    assert html.count("ICE check-in") >= 3 and "Soon 0" in html  # every item is still listed


def detained(make_person, n: int, **fields) -> None:
    for i in range(n):
        make_person(custody_status="detained", custody_since=TODAY - timedelta(days=i + 1), **fields)


def test_dashboard_totals_past_the_cap_read_as_at_least(login_as, make_person, db, monkeypatch):
    from casework.deadlines import dashboard

    monkeypatch.setattr(due, "COUNT_CAP", 2)
    monkeypatch.setattr(dashboard, "LIST_LIMIT", 1)
    staff = login_as("staff")
    detained(make_person, 2)
    person = make_person()
    for i in range(2):
        db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=i + 1)))
    page = text_of(staff.get("/dashboard"))
    assert "<strong>2</strong> detained now" in page and "All 2 people detained now" in page
    assert "<strong>2</strong> check-ins in 14 days" in page
    assert "See all 2 check-ins in the next 14 days" in page

    detained(make_person, 1)
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=5)))
    page = text_of(staff.get("/dashboard"))
    assert "<strong>2+</strong> detained now" in page and "All 2+ people detained now" in page
    assert "<strong>2+</strong> check-ins in 14 days" in page
    assert "See all 2+ check-ins in the next 14 days" in page


def stage_cells(page: str, section: str) -> dict[tuple[str, str], str]:
    """The non-empty cells of a table of the dashboard: (row heading, column label) -> the figure shown."""
    table = page.split(f'id="{section}"', 1)[1].split("</section>", 1)[0]
    cells = {}
    for row in re.findall(r"<tr><th scope=\"row\">(.*?)</th>(.*?)</tr>", table, re.S):
        for label, value in re.findall(r'<td data-label="([^"]*)">([^<]*)</td>', row[1]):
            if value:
                cells[(row[0], label)] = value
    return cells


def test_counts_by_stage_are_capped_each(login_as, make_person, make_org, db, monkeypatch):
    monkeypatch.setattr(due, "COUNT_CAP", 2)
    staff = login_as("staff")
    elsewhere = make_person(org=make_org())  # another organization's rows never count
    for kind, status, n in [
        ("governor_pardon", "filed", 3),
        ("governor_pardon", "granted", 2),
        ("commutation", "preparing", 1),
    ]:
        for _ in range(n):
            db.add(ReliefApplication(person_id=make_person().id, kind=kind, jurisdiction="CA", status=status))
    db.add(ReliefApplication(person_id=elsewhere.id, kind="commutation", jurisdiction="CA", status="denied"))
    for country, outcome, n in [("Laos", "refused", 3), ("Laos", "issued", 2), ("Cambodia", "pending", 1)]:
        for _ in range(n):
            db.add(TravelDocument(person_id=make_person().id, country=country, outcome=outcome))
    for _ in range(3):
        db.add(TravelDocument(person_id=elsewhere.id, country="Vietnam", outcome="pending"))
    page = text_of(staff.get("/dashboard"))
    assert stage_cells(page, "relief") == {
        ("Governor&#39;s pardon", "Filed"): "2+",
        ("Governor&#39;s pardon", "Granted"): "2",
        ("Commutation", "Preparing"): "1",
    }
    assert stage_cells(page, "travel-documents") == {
        ("Cambodia", "Pending"): "1",
        ("Laos", "Issued"): "2",
        ("Laos", "Refused"): "2+",
    }


def test_counts_by_stage_find_every_pair(login_as, make_person, db):
    """The loose scan steps through every (kind, status) present, first and last included."""
    from casework.models import ReliefKind, ReliefStatus

    staff = login_as("staff")
    person = make_person()
    expected = {}
    for i, kind in enumerate(ReliefKind):
        for j, status in enumerate(ReliefStatus):
            if (i + j) % 3 == 0:
                n = 1 + (i + j) % 2
                for _ in range(n):
                    db.add(
                        ReliefApplication(person_id=person.id, kind=kind, status=status, jurisdiction="CA")
                    )
                expected[(str(escape(kind.label)), status.label)] = str(n)
    assert stage_cells(text_of(staff.get("/dashboard")), "relief") == expected


def test_postgresql_sessions_never_compile_by_jit(app, db):
    if app.config["SQLALCHEMY_DATABASE_URI"].startswith("sqlite"):
        pytest.skip("PostgreSQL only")
    assert db.scalar(sa.text("SHOW jit")) == "off"

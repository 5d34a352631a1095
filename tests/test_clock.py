"""One clock: the application asks `casework.clock.today()` what day it is, never the system date directly; the
test run pins that day (tests/conftest.py), and a day pinned by a test is the day every dated page and
operation counts from."""

from __future__ import annotations

import ast
from datetime import date, timedelta
from pathlib import Path

import pytest

from casework import clock
from casework.models import Task
from tests.conftest import TODAY, text_of

ROOT = Path(__file__).resolve().parent.parent
# A day the system clock does not reach during a run: what is overdue on it is still to come today.
DAY = TODAY + timedelta(days=400)
# Where `date.today` may still be read, and why.
SYSTEM_DATE_ALLOWED = {
    "casework/clock.py": "the clock itself",
}


def test_the_run_is_pinned_to_the_day_it_started():
    assert clock.today() == TODAY


def test_a_pin_holds_inside_its_block_and_gives_the_day_back():
    with clock.pinned(DAY) as day:
        assert day == DAY and clock.today() == DAY
        with clock.pinned(date(2030, 1, 1)):
            assert clock.today() == date(2030, 1, 1)
        assert clock.today() == DAY
    assert clock.today() == TODAY


@pytest.fixture
def pinned_day():
    with clock.pinned(DAY):
        yield DAY


def test_whats_due_the_dashboard_and_the_case_page_count_from_the_pinned_day(
    login_as, make_person, db, pinned_day
):
    person = make_person(legal_name="Clock Case")
    # Overdue on the pinned day; both still to come by the system date.
    db.add(Task(person_id=person.id, title="Late on the pinned day", due_on=pinned_day - timedelta(days=1)))
    db.add(
        Task(person_id=person.id, title="Due the day after the run began", due_on=TODAY + timedelta(days=1))
    )
    db.add(
        Task(person_id=person.id, title="Coming after the pinned day", due_on=pinned_day + timedelta(days=3))
    )
    staff = login_as("staff")

    page = text_of(staff.get("/due?window=all")).split('id="overdue"')[1]
    overdue, upcoming = page.split('id="upcoming"')
    assert "Late on the pinned day" in overdue and "Due the day after the run began" in overdue
    assert "Coming after the pinned day" in upcoming and "Late on the pinned day" not in upcoming

    dashboard = text_of(staff.get("/dashboard"))
    assert "<strong>2</strong> overdue" in dashboard

    case = text_of(staff.get(f"/people/{person.id}"))
    assert f"overdue · was due {(pinned_day - timedelta(days=1)).isoformat()}" in case
    assert f"overdue since {(TODAY + timedelta(days=1)).isoformat()}" in case  # the header's next deadline


def test_a_task_marked_done_is_done_on_the_pinned_day(login_as, make_person, db, pinned_day):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Call the consulate"))
    response = login_as("staff").post(f"/people/{person.id}/tasks/{task.id}/done")
    assert response.status_code == 302
    assert db.get(Task, task.id).done_on == pinned_day


def _reads_the_system_date(tree: ast.AST) -> list[int]:
    """Lines that read `date.today` (called, or passed as a default) or `datetime.today()`."""
    return [
        node.lineno
        for node in ast.walk(tree)
        if isinstance(node, ast.Attribute)
        and node.attr == "today"
        and isinstance(node.value, ast.Name)
        and node.value.id in ("date", "datetime")
    ]


def test_only_the_clock_reads_the_system_date():
    found = []
    for path in sorted((ROOT / "casework").rglob("*.py")):
        rel = path.relative_to(ROOT).as_posix()
        if rel in SYSTEM_DATE_ALLOWED:
            continue
        lines = _reads_the_system_date(ast.parse(path.read_text(encoding="utf-8"), filename=rel))
        found += [f"{rel}:{line}: date.today(): ask casework.clock.today()" for line in lines]
    assert found == []


def test_the_source_check_finds_a_call_and_a_default():
    tree = ast.parse("from datetime import date\nx = date.today()\nfield = Field(default=date.today)\n")
    assert _reads_the_system_date(tree) == [2, 3]

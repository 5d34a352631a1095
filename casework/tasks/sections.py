"""The tasks part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from casework import access, case_page, clock, row_sets
from casework.case_page import CaseFilePart, PdfPart
from casework.models import Person, Task, User
from casework.tasks import outputs

SOON = timedelta(days=7)  # a task due within a week is flagged


def _open_order(task: Task):
    return (task.due_on is None, task.due_on or date.max, task.created_at, task.id)


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The case's tasks and whom they are assigned to."""
    of_case = Task.person_id == person.id
    return {
        "tasks": sa.select(Task).where(of_case),
        "task_assignees": sa.select(User).where(User.id.in_(sa.select(Task.assignee_id).where(of_case))),
    }


def _load_section(person: Person, user: User, rows: case_page.Rows) -> dict:
    """Open tasks (soonest due first, undated last), then done ones (latest first)."""
    tasks = rows["tasks"]
    row_sets.attach(tasks, "assignee", rows["task_assignees"])
    return {
        "open": sorted((t for t in tasks if t.done_on is None), key=_open_order),
        "done": sorted(
            (t for t in tasks if t.done_on is not None), key=lambda t: (t.done_on, t.id), reverse=True
        ),
        "today": clock.today(),
        "can_edit": access.can(user, "edit", person),
    }


def _timeline(section: dict) -> list[case_page.TimelineEntry]:
    return [
        case_page.TimelineEntry(day=t.done_on, kind="Task", text=f"Done: {t.title}", anchor=f"task-{t.id}")
        for t in section["done"]
    ]


def _glance(section: dict) -> list[case_page.Glance]:
    dated = [t for t in section["open"] if t.due_on is not None]
    if not dated:
        return []
    due = dated[0].due_on  # open tasks are sorted soonest first
    today = section["today"]
    if due < today:
        return [case_page.Glance("Next task due", f"{due.isoformat()} (overdue)", tone="alert", day=due)]
    tone = "warn" if due - today <= SOON else ""
    return [case_page.Glance("Next task due", due.isoformat(), tone=tone, day=due)]


SECTION = case_page.CaseSection(
    key="tasks",
    title="Tasks",
    template="tasks/_section_tasks.html",
    order=70,
    load=_load_section,
    rows=_rows,
    timeline=_timeline,
    glance=_glance,
    pdf=(
        PdfPart("tasks", "Tasks", "pdf/sections/_tasks.html", outputs.pdf_tasks, rows=outputs.pdf_task_rows),
    ),
    case_file=CaseFilePart(("tasks",), outputs.dump_tasks, outputs.read_tasks, order=41),
)

"""Tasks in the PDF summary and packets (the team's only) and in the case file."""

from __future__ import annotations

import sqlalchemy as sa

from casework import row_sets
from casework.case_file import Reading, Writing, dump, read, records
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import Task, User

TASK = ("title", "due_on", "done_on", "notes")


def pdf_task_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """Open tasks by due date, then done ones, and whom they are assigned to."""
    of_case = Task.person_id == request.person.id
    return {
        "pdf_tasks": sa.select(Task)
        .where(of_case)
        .order_by(Task.done_on.is_not(None), Task.due_on.is_(None), Task.due_on, Task.id),
        "pdf_task_assignees": sa.select(User).where(User.id.in_(sa.select(Task.assignee_id).where(of_case))),
    }


def pdf_tasks(request: PdfRequest) -> dict:
    """Open tasks by due date, then done ones, each with its assignee."""
    tasks = request.rows["pdf_tasks"]
    row_sets.attach(tasks, "assignee", request.rows["pdf_task_assignees"])
    return {"tasks": tasks}


def dump_tasks(writing: Writing) -> dict:
    """The tasks, each with its assignee's name (which does not travel)."""
    tasks = db.session.scalars(sa.select(Task).where(Task.person_id == writing.person.id).order_by(Task.id))
    return {
        "tasks": [
            {**dump(t, TASK), "assignee": t.assignee.display_name if t.assignee else None} for t in tasks
        ]
    }


def read_tasks(reading: Reading) -> None:
    """The tasks, unassigned (assignees stay with the sending organization)."""
    for i, record in enumerate(records(reading.data, "tasks")):
        fields = read(Task, record, TASK, f"tasks[{i}]", required=("title",))
        db.session.add(Task(person_id=reading.person.id, created_by_id=reading.user.id, **fields))

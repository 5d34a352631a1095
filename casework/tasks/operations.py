"""Tasks on a case: add, edit, mark done, reopen, delete. Operations flush; the request commits once.

A change that crossed someone else's save of the same task raises EditConflict (refused, nothing kept)."""

from __future__ import annotations

from datetime import date

from casework import audit, clock
from casework.editing import check_version, flush_versioned, versioned_update
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import Person, Task, User

CHANGED_MEANWHILE = (
    "Someone else changed this task meanwhile; nothing was changed. Look at it again, then retry."
)


def _check_assignee(person: Person, user_id: int | None, current_id: int | None = None) -> None:
    if user_id is None or user_id == current_id:
        return
    user = db.session.get(User, user_id)
    if user is None or user.org_id != person.org_id or not user.active:
        raise OperationError(gettext("Choose an active member of the case's organization, or nobody."))


def add_task(actor: User, person: Person, data: dict) -> Task:
    """A new task on the case."""
    _check_assignee(person, data.get("assignee_id"))
    task = Task(person_id=person.id, created_by_id=actor.id, **data)
    db.session.add(task)
    db.session.flush()
    audit.record(
        actor, "task.created", task, person=person, fields=[k for k, v in data.items() if v not in (None, "")]
    )
    return task


def update_task(actor: User, person: Person, task: Task, data: dict, expected_version: int) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the task has moved on since."""
    check_version(task, expected_version, data)
    _check_assignee(person, data.get("assignee_id"), current_id=task.assignee_id)
    return versioned_update(actor, task, data, expected_version, action="task.updated", person=person)


def mark_done(actor: User, person: Person, task: Task, on: date | None = None) -> None:
    """Tick a task off (today, unless told otherwise)."""
    if task.done_on is not None:
        raise OperationError(gettext("This task is already done."))
    task.done_on = on or clock.today()
    flush_versioned(["done_on"])
    audit.record(actor, "task.done", task, person=person, fields=["done_on"])


def reopen(actor: User, person: Person, task: Task) -> None:
    """Put a done task back on the list."""
    if task.done_on is None:
        raise OperationError(gettext("This task is already open."))
    task.done_on = None
    flush_versioned(["done_on"])
    audit.record(actor, "task.reopened", task, person=person, fields=["done_on"])


def delete_task(actor: User, person: Person, task: Task) -> None:
    """Remove a task for good; refused if someone changed it since the user looked."""
    audit.record(actor, "task.deleted", task, person=person)
    db.session.delete(task)
    try:
        flush_versioned()  # the DELETE checks the version
    except EditConflict:
        raise OperationError(CHANGED_MEANWHILE) from None

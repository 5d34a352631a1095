"""Tasks on a case: add, edit, mark done, reopen, delete. Operations flush; the view commits once."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from casework import audit
from casework.extensions import db
from casework.models import Person, Task, User
from casework.models.base import apply_changes, differing_fields


class OperationError(ValueError):
    """A request that cannot be carried out; the message tells the user why and what to do."""


@dataclass
class EditConflict(Exception):
    """Someone saved the task after the user opened the form."""

    fields: list[str]


def assignable_users(person: Person, keep_user_id: int | None = None) -> list[User]:
    """Active users of the case's organization, by name (plus the current assignee, kept when unchanged)."""
    condition = sa.and_(User.org_id == person.org_id, User.active.is_(True))
    if keep_user_id is not None:
        condition = sa.or_(condition, User.id == keep_user_id)
    return list(db.session.scalars(sa.select(User).where(condition).order_by(User.name, User.email)))


def _check_assignee(person: Person, user_id: int | None, current_id: int | None = None) -> None:
    if user_id is None or user_id == current_id:
        return
    user = db.session.get(User, user_id)
    if user is None or user.org_id != person.org_id or not user.active:
        raise OperationError("Choose an active member of the case's organization, or nobody.")


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
    if task.version != expected_version:
        raise EditConflict(differing_fields(task, data))
    _check_assignee(person, data.get("assignee_id"), current_id=task.assignee_id)
    changed = apply_changes(task, data)
    if changed:
        db.session.flush()  # raises StaleDataError if another save slipped in since we loaded
        audit.record(actor, "task.updated", task, person=person, fields=changed)
    return changed


def mark_done(actor: User, person: Person, task: Task, on: date | None = None) -> None:
    """Tick a task off (today, unless told otherwise)."""
    if task.done_on is not None:
        raise OperationError("This task is already done.")
    task.done_on = on or date.today()
    db.session.flush()
    audit.record(actor, "task.done", task, person=person, fields=["done_on"])


def reopen(actor: User, person: Person, task: Task) -> None:
    """Put a done task back on the list."""
    if task.done_on is None:
        raise OperationError("This task is already open.")
    task.done_on = None
    db.session.flush()
    audit.record(actor, "task.reopened", task, person=person, fields=["done_on"])


def delete_task(actor: User, person: Person, task: Task) -> None:
    """Remove a task for good."""
    audit.record(actor, "task.deleted", task, person=person)
    db.session.delete(task)
    db.session.flush()

"""The work on an application's steps: done, reopened, noted, assigned, added, changed.

A step action made from a page that showed an older version of the step is refused (EditConflict), so two
people working on the same step never undo each other without knowing.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError

from casework import audit, clock
from casework.editing import check_version, flush_versioned
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.locking import lock_row
from casework.models import Person, ReliefApplication, ReliefStatus, ReliefStep, User
from casework.models.base import apply_changes
from casework.relief import dates
from casework.relief.history import record_event
from casework.relief.operations import milestones

STEP_FIELD_WORDS = {"title": "title", "due_on": "due date"}


def _check_step_version(step: ReliefStep, expected_version: int | None) -> None:
    """Refuse an action based on an older version; None (a script, the demo data) skips the check."""
    if expected_version is not None:
        check_version(step, expected_version)


def mark_step_done(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    done_on: date,
    expected_version: int | None = None,
    outcome: ReliefStatus | None = None,
) -> None:
    """Tick a step off, on the day it was done; a milestone step moves the application with it (the filing
    sets "filed on", the decision takes its `outcome`), and every date counted from it follows."""
    _check_step_version(step, expected_version)
    if step.done_on is not None:
        raise OperationError(
            gettext(
                "Step %(position)s is already marked done (on %(done_on)s).",
                position=step.position,
                done_on=step.done_on.isoformat(),
            )
        )
    step.done_on = done_on
    flush_versioned(["done_on"])
    record_event(actor, application, "step_done", f"Step {step.position} marked done", step=step)
    milestones.step_done(actor, application, step, done_on, outcome)
    dates.refresh(actor, application, f"step {step.position} done on {done_on.isoformat()}")
    audit.record(actor, "relief.step_done", step, person=person, fields=["done_on"])
    db.session.flush()


def reopen_step(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    expected_version: int | None = None,
) -> None:
    """Undo a step's "done"."""
    _check_step_version(step, expected_version)
    if step.done_on is None:
        raise OperationError(
            gettext(
                "Step %(position)s is not marked done, so there is nothing to reopen.", position=step.position
            )
        )
    was_done_on = step.done_on
    step.done_on = None
    flush_versioned(["done_on"])
    record_event(actor, application, "step_reopened", f"Step {step.position} reopened", step=step)
    milestones.step_reopened(actor, application, step, was_done_on)
    dates.refresh(actor, application, f"step {step.position} reopened")
    audit.record(actor, "relief.step_reopened", step, person=person, fields=["done_on"])
    db.session.flush()


def add_step_note(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    note: str,
    today: date | None = None,
) -> None:
    """Append a dated, signed line to the step's log (earlier notes are never rewritten)."""
    line = f"{(today or clock.today()).isoformat()} {actor.display_name}: {note.strip()}"
    step.notes = f"{step.notes}\n{line}" if step.notes else line
    flush_versioned(["notes"])
    record_event(actor, application, "step_note", f"Note added to step {step.position}", step=step)
    audit.record(actor, "relief.step_noted", step, person=person, fields=["notes"])
    db.session.flush()


def assign_step(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    assignee: User | None,
    expected_version: int | None = None,
) -> bool:
    """Give the step to an active user of the case's organization, or to nobody; False if nothing changed."""
    _check_step_version(step, expected_version)
    new_id = assignee.id if assignee is not None else None
    if step.assignee_id == new_id:
        return False
    if assignee is not None and (assignee.org_id != person.org_id or not assignee.active):
        raise OperationError(
            gettext("Steps go to active users of the case's organization; choose one from the list.")
        )
    step.assignee_id = new_id
    step.assignee = assignee
    flush_versioned(["assignee_id"])
    summary = (
        f"Step {step.position} reassigned to {assignee.display_name}"
        if assignee is not None
        else f"Step {step.position} unassigned"
    )
    record_event(actor, application, "step_assigned", summary, step=step)
    audit.record(actor, "relief.step_assigned", step, person=person, fields=["assignee_id"])
    db.session.flush()
    return True


# How many positions `add_step` tries when another request took the one it counted (see add_step).
ADD_STEP_ATTEMPTS = 5
BUSY_CHECKLIST = (
    "The step was not added: others were adding steps to this application at the same moment. Add it again."
)


def add_step(actor: User, person: Person, application: ReliefApplication, data: dict) -> ReliefStep:
    """A new step at the end of the application's checklist.

    The application's row is locked before the last position is read, so two steps added at the same moment
    get the next two positions; should a position still be taken (the unique constraint on (application,
    position) refuses it), the insert is undone alone, inside a savepoint, and the next free position tried,
    a few times, before a refusal that asks to add it again."""
    lock_row(ReliefApplication, application.id)
    for _attempt in range(ADD_STEP_ATTEMPTS):
        # A step added by hand has no rule: its date, if any, is set by hand.
        step = ReliefStep(
            application_id=application.id,
            position=next_position(application),
            title=data["title"],
            anchor=None,
            due_override_on=data["due_on"],
            due_on=data["due_on"],
        )
        try:
            with db.session.begin_nested():
                db.session.add(step)
        except IntegrityError:
            continue
        break
    else:
        raise OperationError(BUSY_CHECKLIST)
    record_event(actor, application, "step_added", f"Step {step.position} added: {step.title}", step=step)
    audit.record(
        actor,
        "relief.step_added",
        step,
        person=person,
        fields=[k for k in ("title", "due_on") if data.get(k) is not None],
    )
    db.session.flush()
    return step


def next_position(application: ReliefApplication) -> int:
    """The position after the application's last step, as stored now."""
    last = db.session.scalar(
        sa.select(sa.func.max(ReliefStep.position)).where(ReliefStep.application_id == application.id)
    )
    return (last or 0) + 1


def update_step(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    data: dict,
    expected_version: int | None,
) -> list[str]:
    """Change a step's title, or its due date by hand (a date the rule does not move), or let the rule set
    the date again (`follow_rule`); refused if the step moved on since the form was opened."""
    check_version(step, expected_version, {"title": data["title"], "due_on": data["due_on"]})
    changes = {"title": data["title"]}
    if data.get("follow_rule"):
        changes["due_override_on"] = None
    elif data["due_on"] != step.due_on or step.due_override_on is not None:
        changes["due_override_on"] = data["due_on"]  # a date typed over the rule's is set by hand
    changed = apply_changes(step, changes)
    if not changed:
        return changed
    flush_versioned(changes)
    # The user changed the step's date: the audit names the field they typed in, not its storage.
    shown = ["due_on" if c == "due_override_on" else c for c in changed]
    audit.record(actor, "relief.step_updated", step, person=person, fields=shown)
    words = ", ".join("title" if c == "title" else "due date" for c in changed)
    record_event(actor, application, "step_edited", f"Step {step.position} changed: {words}", step=step)
    if "due_override_on" in changed:
        milestones.hearing_scheduled(actor, application, step, step.due_override_on)
        cause = (
            f"date set by hand on step {step.position}"
            if step.due_override_on is not None
            else f"step {step.position} follows its rule again"
        )
        dates.refresh(actor, application, cause, changed_by_hand=step)
    db.session.flush()
    return shown

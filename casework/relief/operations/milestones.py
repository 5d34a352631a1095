"""Milestone steps and the application's own dates and status say the same thing, whichever is changed.

The step marked "filing" is the filing: done on a day, the application is filed that day (status Filed). The
"hearing" step's date set by hand is the hearing's scheduled day, and its done day the day it was held
(status Hearing scheduled). The "decision" step is done with the outcome (Granted or Denied) on the day it was
decided. Editing the application's filing or decision day, or its status, moves the milestone steps the same
way. Only what happened is stored; every due date then follows from it (casework.relief.dates).
"""

from __future__ import annotations

from datetime import date

from casework.errors import OperationError
from casework.i18n import gettext
from casework.models import ReliefApplication, ReliefStatus, ReliefStep, User
from casework.relief.history import record_status_change
from casework.relief.schedule import Milestone

# The order statuses follow while an application is open: a milestone moves it forward, never back.
OPEN_ORDER = (
    ReliefStatus.PREPARING,
    ReliefStatus.FILED,
    ReliefStatus.UNDER_REVIEW,
    ReliefStatus.HEARING_SCHEDULED,
)
OUTCOMES = (ReliefStatus.GRANTED, ReliefStatus.DENIED)


def milestone_of(step: ReliefStep) -> Milestone | None:
    """The milestone a step is, if any."""
    return Milestone(step.milestone) if step.milestone else None


def _advance(actor: User | None, application: ReliefApplication, to: ReliefStatus) -> None:
    """Move an open application forward to `to` (never back, never out of a closed status)."""
    old = ReliefStatus(application.status)
    if old in OPEN_ORDER and OPEN_ORDER.index(old) < OPEN_ORDER.index(to):
        application.status = to
        record_status_change(actor, application, old)


def _open_status(application: ReliefApplication) -> ReliefStatus:
    """The open status the application's dates support, once a later milestone is undone."""
    if application.hearing_on is not None:
        return ReliefStatus.HEARING_SCHEDULED
    if application.filed_on is not None:
        return ReliefStatus.FILED
    return ReliefStatus.PREPARING


def step_done(
    actor: User | None,
    application: ReliefApplication,
    step: ReliefStep,
    day: date,
    outcome: ReliefStatus | None = None,
) -> None:
    """What a milestone step done on `day` means for the application (nothing for other steps)."""
    milestone = milestone_of(step)
    if milestone == Milestone.FILING:
        application.filed_on = day
        _advance(actor, application, ReliefStatus.FILED)
    elif milestone == Milestone.HEARING:
        application.hearing_on = day
        if application.filed_on is not None:  # a hearing comes after the filing: no status jumps over it
            _advance(actor, application, ReliefStatus.HEARING_SCHEDULED)
    elif milestone == Milestone.DECISION:
        if outcome not in OUTCOMES:
            raise OperationError(
                f"Step {step.position} is the decision: choose what was decided (granted or denied)."
            )
        if application.filed_on is not None and day < application.filed_on:
            raise OperationError(
                f"The decision cannot come before the filing ({application.filed_on.isoformat()}): check the day."
            )
        old = ReliefStatus(application.status)
        application.decided_on = day
        application.status = outcome
        record_status_change(actor, application, old)
    elif outcome is not None:
        raise OperationError(
            gettext("Step %(position)s is not the decision: it takes no outcome.", position=step.position)
        )


def step_reopened(
    actor: User | None, application: ReliefApplication, step: ReliefStep, was_done_on: date
) -> None:
    """Undo what a milestone step's "done" meant for the application."""
    milestone = milestone_of(step)
    old = ReliefStatus(application.status)
    if milestone == Milestone.FILING and application.filed_on == was_done_on:
        application.filed_on = None
        if old in OPEN_ORDER:
            application.status = _open_status(application)
    elif milestone == Milestone.HEARING and application.hearing_on == was_done_on:
        application.hearing_on = step.due_override_on  # still scheduled, if a day was set
        if old in OPEN_ORDER:
            application.status = _open_status(application)
    elif milestone == Milestone.DECISION and old in OUTCOMES:
        application.decided_on = None
        application.status = _open_status(application)
    record_status_change(actor, application, old)


def hearing_scheduled(
    actor: User | None, application: ReliefApplication, step: ReliefStep, day: date | None
) -> None:
    """A day set by hand on the hearing step is the hearing's scheduled day (cleared: no day yet)."""
    if milestone_of(step) != Milestone.HEARING or step.done_on is not None:
        return
    application.hearing_on = day
    old = ReliefStatus(application.status)
    if day is not None and application.filed_on is not None:
        _advance(actor, application, ReliefStatus.HEARING_SCHEDULED)
    elif old == ReliefStatus.HEARING_SCHEDULED:
        application.status = _open_status(application)
        record_status_change(actor, application, old)


def application_edited(application: ReliefApplication, steps: list[ReliefStep]) -> list[ReliefStep]:
    """After a direct edit of the application's dates or status, move its milestone steps to match: the
    filing step is done on the filing day (or reopened when it is cleared), the decision step on the decision
    day. Returns the steps changed."""
    changed = []
    for step in steps:
        milestone = milestone_of(step)
        if milestone == Milestone.FILING:
            wanted = application.filed_on
        elif milestone == Milestone.DECISION:
            decided = ReliefStatus(application.status) in OUTCOMES
            wanted = application.decided_on if decided else None
        else:
            continue
        if step.done_on != wanted:
            step.done_on = wanted
            changed.append(step)
    return changed

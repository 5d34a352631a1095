"""The application's own history (ReliefEvent): what happened to it, in words the team reads."""

from __future__ import annotations

from casework.extensions import db
from casework.models import ReliefApplication, ReliefEvent, ReliefStatus, ReliefStep, User

SUMMARY_LENGTH = 400


def record_event(
    actor: User | None,
    application: ReliefApplication,
    kind: str,
    summary: str,
    *,
    step: ReliefStep | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> ReliefEvent:
    """Add a line to the application's history, in the same transaction as the change it tells of."""
    event = ReliefEvent(
        application_id=application.id,
        actor_id=actor.id if actor is not None else None,
        kind=kind,
        step_id=step.id if step is not None else None,
        from_status=from_status,
        to_status=to_status,
        summary=summary[:SUMMARY_LENGTH],
    )
    db.session.add(event)
    return event


def record_status_change(actor: User | None, application: ReliefApplication, old: ReliefStatus) -> None:
    """A line for a status change ("Status changed from Preparing to Filed")."""
    new = ReliefStatus(application.status)
    if new == old:
        return
    record_event(
        actor,
        application,
        "status",
        f"Status changed from {old.label} to {new.label}",
        from_status=old.value,
        to_status=new.value,
    )

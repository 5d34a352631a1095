"""Reads of the legal record that views, operations and the case page share."""

from __future__ import annotations

import sqlalchemy as sa

from casework.extensions import db
from casework.models import CheckIn, Conviction, CustodyEvent, Person, RemovalCase, relief_conviction


def convictions_in_order(person_id: int) -> sa.Select:
    """The case's convictions, oldest first (by conviction date, else offense date): a row set of the case page."""
    return (
        sa.select(Conviction)
        .where(Conviction.person_id == person_id)
        .order_by(sa.func.coalesce(Conviction.conviction_date, Conviction.offense_date), Conviction.id)
    )


def custody_events_in_order(person_id: int) -> sa.Select:
    """The whole custody timeline, voided entries included, in the order it happened."""
    return (
        sa.select(CustodyEvent)
        .where(CustodyEvent.person_id == person_id)
        .order_by(CustodyEvent.occurred_on, CustodyEvent.id)
    )


def removal_case_of(person: Person) -> RemovalCase | None:
    """The person's removal case, if one was recorded (there is at most one)."""
    return db.session.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == person.id))


def custody_events(person: Person) -> list[CustodyEvent]:
    """The person's whole custody timeline, voided entries included, in the order it happened."""
    return list(db.session.scalars(custody_events_in_order(person.id)))


def relief_applications_targeting(conviction: Conviction) -> int:
    """How many relief applications list this conviction among their targets."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(relief_conviction)
            .where(relief_conviction.c.conviction_id == conviction.id)
        )
        or 0
    )


def standing_custody_event(check_in: CheckIn) -> CustodyEvent | None:
    """The custody event a check-in created (its re-detention), unless that entry was voided."""
    if check_in.custody_event_id is None:
        return None
    event = db.session.get(CustodyEvent, check_in.custody_event_id)
    return event if event is not None and event.voided_at is None else None


def check_in_delete_blocker(check_in: CheckIn) -> str | None:
    """Why the check-in cannot be deleted (its re-detention still stands in the timeline), or None."""
    event = standing_custody_event(check_in)
    if event is None:
        return None
    return (
        f"This check-in created the re-detention of {event.occurred_on} in the custody "
        "timeline. Void that custody entry first, then delete the check-in."
    )

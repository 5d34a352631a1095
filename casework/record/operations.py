"""Changes to the legal record of a case. Operations flush and audit; the view commits once.

The custody timeline is append-only. Every change to it (a new event, a void, a re-detention at a
check-in) replays the whole timeline with `derive_custody` before anything is written, then writes the
person's derived custody columns through `refresh_custody`, the one place that does so.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from casework import audit
from casework.extensions import db
from casework.models import (
    CheckIn,
    CheckInOutcome,
    Conviction,
    CustodyEvent,
    CustodyKind,
    Person,
    RemovalCase,
    TravelDocument,
    User,
)
from casework.models.base import apply_changes, utcnow
from casework.models.record import CustodyState, derive_custody


class OperationError(ValueError):
    """A change that cannot be made; the message tells the user why and what to do instead."""


@dataclass
class EditConflict(Exception):
    """Someone saved the object after the user opened the form; `fields` differ from what they typed."""

    fields: list[str]


def _check_version(obj, data: dict, expected_version: int | None) -> None:
    if obj.version != expected_version:
        raise EditConflict([name for name, value in data.items() if getattr(obj, name) != value])


def _filled(data: dict) -> list[str]:
    """Names of the fields given a value (for the audit row of a creation)."""
    return [name for name, value in data.items() if value not in (None, "", [])]


# ---------------------------------------------------------------- convictions


def create_conviction(actor: User, person: Person, data: dict) -> Conviction:
    """Add a conviction to the case."""
    conviction = Conviction(person_id=person.id, **data)
    db.session.add(conviction)
    db.session.flush()
    audit.record(actor, "conviction.created", conviction, person=person, fields=_filled(data))
    return conviction


def update_conviction(
    actor: User, person: Person, conviction: Conviction, data: dict, expected_version: int | None
) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the conviction changed since."""
    _check_version(conviction, data, expected_version)
    changed = apply_changes(conviction, data)
    if changed:
        db.session.flush()  # StaleDataError if another save slipped in since we loaded
        audit.record(actor, "conviction.updated", conviction, person=person, fields=changed)
    return changed


def delete_conviction(actor: User, person: Person, conviction: Conviction) -> None:
    """Remove a conviction (relief applications that targeted it stop listing it)."""
    audit.record(actor, "conviction.deleted", conviction, person=person)
    db.session.delete(conviction)
    db.session.flush()


# ---------------------------------------------------------------- removal case


def save_removal_case(
    actor: User, person: Person, removal: RemovalCase | None, data: dict, expected_version: int | None
) -> tuple[RemovalCase, list[str]]:
    """Create the case's removal proceedings, or edit them from `expected_version`."""
    if removal is None:
        if expected_version not in (None, 0):
            raise EditConflict(list(data))  # the form was for a removal case that no longer exists
        removal = RemovalCase(person_id=person.id, **data)
        db.session.add(removal)
        db.session.flush()  # IntegrityError if another user created it meanwhile
        audit.record(actor, "removal_case.created", removal, person=person, fields=_filled(data))
        return removal, _filled(data)
    _check_version(removal, data, expected_version)
    changed = apply_changes(removal, data)
    if changed:
        db.session.flush()
        audit.record(actor, "removal_case.updated", removal, person=person, fields=changed)
    return removal, changed


# ---------------------------------------------------------------- custody timeline


@dataclass(frozen=True)
class _PendingEvent:
    """An event not yet written, as derive_custody sees it: after every stored event of the same day."""

    kind: CustodyKind
    occurred_on: date
    facility: str | None
    id: int = sys.maxsize
    voided_at: None = None


def _lock_timeline(person: Person) -> list[CustodyEvent]:
    """Lock the person's row (so two timeline changes cannot interleave) and read their events."""
    db.session.refresh(person, with_for_update=True)
    return list(
        db.session.scalars(
            sa.select(CustodyEvent)
            .where(CustodyEvent.person_id == person.id)
            .order_by(CustodyEvent.occurred_on, CustodyEvent.id)
        )
    )


def _replay(events: list) -> CustodyState:
    try:
        return derive_custody(events)
    except ValueError as exc:
        raise OperationError(str(exc)) from None


def refresh_custody(person: Person) -> CustodyState:
    """Write the person's custody status, since and facility from their (non-voided) timeline."""
    events = db.session.scalars(sa.select(CustodyEvent).where(CustodyEvent.person_id == person.id)).all()
    state = derive_custody(list(events))
    apply_changes(
        person,
        {"custody_status": state.status, "custody_since": state.since, "custody_facility": state.facility},
    )
    db.session.flush()
    return state


def add_custody_event(actor: User, person: Person, data: dict) -> CustodyEvent:
    """Append an event to the timeline; an impossible timeline raises OperationError and writes nothing."""
    events = _lock_timeline(person)
    _replay([*events, _PendingEvent(data["kind"], data["occurred_on"], data.get("facility"))])
    event = CustodyEvent(person_id=person.id, created_by_id=actor.id, **data)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "custody_event.created", event, person=person, fields=_filled(data))
    refresh_custody(person)
    return event


def void_custody_event(actor: User, person: Person, event: CustodyEvent, reason: str) -> None:
    """Strike a mistaken event from the timeline, if the timeline still makes sense without it."""
    events = _lock_timeline(person)
    db.session.refresh(event)
    if event.voided_at is not None:
        raise OperationError("This entry was already voided.")
    try:
        derive_custody([e for e in events if e.id != event.id])
    except ValueError as exc:
        raise OperationError(
            f"Without this entry the timeline would be impossible: {exc} Void the later "
            "entries that depend on it first."
        ) from None
    event.voided_at = utcnow()
    event.voided_by_id = actor.id
    event.void_reason = reason
    db.session.flush()
    audit.record(
        actor,
        "custody_event.voided",
        event,
        person=person,
        fields=["voided_at", "voided_by_id", "void_reason"],
    )
    refresh_custody(person)


# ---------------------------------------------------------------- check-ins


def _linked_event(check_in: CheckIn) -> CustodyEvent | None:
    """The custody event a check-in created, unless it was voided."""
    if check_in.custody_event_id is None:
        return None
    event = db.session.get(CustodyEvent, check_in.custody_event_id)
    return event if event is not None and event.voided_at is None else None


def _redetain_at(actor: User, person: Person, check_in: CheckIn) -> None:
    """Record the re-detention a check-in ended in, and link it to the check-in."""
    event = add_custody_event(
        actor,
        person,
        {
            "kind": CustodyKind.REDETAINED,
            "occurred_on": check_in.scheduled_on,
            "facility": check_in.office,
            "field_office": check_in.office,
            "notes": None,
        },
    )
    check_in.custody_event_id = event.id
    db.session.flush()


def create_check_in(actor: User, person: Person, data: dict) -> CheckIn:
    """Schedule (or log) a check-in; a re-detention outcome also enters the custody timeline."""
    check_in = CheckIn(person_id=person.id, **data)
    db.session.add(check_in)
    db.session.flush()
    audit.record(actor, "check_in.created", check_in, person=person, fields=_filled(data))
    if check_in.outcome == CheckInOutcome.REDETAINED:
        _redetain_at(actor, person, check_in)
    return check_in


def update_check_in(
    actor: User, person: Person, check_in: CheckIn, data: dict, expected_version: int | None
) -> list[str]:
    """Edit a check-in or record its outcome; re-detention enters the custody timeline in the same save."""
    _check_version(check_in, data, expected_version)
    linked = _linked_event(check_in)
    if linked is not None and (
        data["outcome"] != CheckInOutcome.REDETAINED or data["scheduled_on"] != check_in.scheduled_on
    ):
        raise OperationError(
            f"This check-in recorded a re-detention on {linked.occurred_on} in the custody "
            "timeline. To change its date or outcome, void that custody entry first, then "
            "edit the check-in."
        )
    # a re-detention enters the timeline when it is first recorded (or moved to another day after its
    # entry was voided); editing the notes of a check-in whose entry was voided does not bring it back
    redetains = data["outcome"] == CheckInOutcome.REDETAINED and (
        check_in.outcome != CheckInOutcome.REDETAINED or data["scheduled_on"] != check_in.scheduled_on
    )
    changed = apply_changes(check_in, data)
    if changed:
        db.session.flush()
        audit.record(actor, "check_in.updated", check_in, person=person, fields=changed)
    if redetains:
        _redetain_at(actor, person, check_in)
    return changed


def delete_check_in(actor: User, person: Person, check_in: CheckIn) -> None:
    """Delete a check-in, unless it created a custody event that still stands."""
    linked = _linked_event(check_in)
    if linked is not None:
        raise OperationError(
            f"This check-in created the re-detention of {linked.occurred_on} in the custody "
            "timeline. Void that custody entry first, then delete the check-in."
        )
    audit.record(actor, "check_in.deleted", check_in, person=person)
    db.session.delete(check_in)
    db.session.flush()


# ---------------------------------------------------------------- travel documents


def create_travel_document(actor: User, person: Person, data: dict) -> TravelDocument:
    """Record a travel-document request."""
    document = TravelDocument(person_id=person.id, **data)
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "travel_document.created", document, person=person, fields=_filled(data))
    return document


def update_travel_document(
    actor: User, person: Person, document: TravelDocument, data: dict, expected_version: int | None
) -> list[str]:
    """Edit a travel-document request made from `expected_version`."""
    _check_version(document, data, expected_version)
    changed = apply_changes(document, data)
    if changed:
        db.session.flush()
        audit.record(actor, "travel_document.updated", document, person=person, fields=changed)
    return changed


def delete_travel_document(actor: User, person: Person, document: TravelDocument) -> None:
    """Delete a travel-document request."""
    audit.record(actor, "travel_document.deleted", document, person=person)
    db.session.delete(document)
    db.session.flush()

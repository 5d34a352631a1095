"""Changes to the legal record of a case. Operations flush and audit; the request commits once.

The custody timeline is append-only. Every change to it (a new event, a void, a re-detention at a
check-in) replays the whole timeline with `derive_custody` before anything is written, then writes the
person's derived custody columns through `refresh_custody`, the one place that does so.

A change that cannot be made raises OperationError; a save made from an outdated version, or a write that
crossed someone else's at the same moment, raises EditConflict.
"""

from __future__ import annotations

import sys
from dataclasses import dataclass
from datetime import date

from casework import audit
from casework.editing import check_version, flush_versioned, versioned_update
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import (
    CheckIn,
    CheckInOutcome,
    Conviction,
    CustodyEvent,
    CustodyKind,
    Person,
    TravelDocument,
    User,
)
from casework.models.base import apply_changes, utcnow
from casework.models.custody import CustodyState, TimelineError, derive_custody
from casework.record import queries
from casework.record import removal as removal_ops


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
    return versioned_update(
        actor, conviction, data, expected_version, action="conviction.updated", person=person
    )


def delete_conviction(actor: User, person: Person, conviction: Conviction) -> None:
    """Remove a conviction (relief applications that targeted it stop listing it)."""
    audit.record(actor, "conviction.deleted", conviction, person=person)
    db.session.delete(conviction)
    db.session.flush()


# ---------------------------------------------------------------- removal case

save_removal_case = (
    removal_ops.save_removal_case
)  # the removal case and the person's status: record/removal.py


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
    return queries.custody_events(person)


def _replay(events: list, added: list[_PendingEvent]) -> CustodyState:
    """The state the timeline gives with the `added` entries, or a refusal that says why, in words."""
    timeline: list = [*events, *added]  # the pending entries read as stored ones (see _PendingEvent)
    try:
        return derive_custody(timeline)
    except TimelineError as exc:
        if any(exc.event is a for a in added):
            message = str(exc)
        else:  # an entry already recorded no longer fits after the new one
            message = (
                f"With this entry, the timeline read by date no longer makes sense at the "
                f"{CustodyKind(exc.event.kind).label} of {exc.event.occurred_on}: {exc.problem}."
            )
        raise OperationError(message + _earlier_detention_hint(events, added)) from None


def _earlier_detention_hint(events: list, added: list[_PendingEvent]) -> str:
    """When a lone arrest or release is dated before entries already recorded, the way to record an earlier
    detention: whole, from its start to its release, in one entry."""
    later = [e for e in events if e.voided_at is None and any(e.occurred_on > a.occurred_on for a in added)]
    lone = len(added) == 1 and (added[0].kind.starts_detention or added[0].kind.ends_detention)
    if not (later and lone):
        return ""
    return (
        " To add an earlier detention to the timeline, record it whole, from the arrest to the release "
        "(“Record an earlier detention”)."
    )


def refresh_custody(person: Person) -> CustodyState:
    """Write the person's custody status, since and facility from their (non-voided) timeline."""
    state = derive_custody(queries.custody_events(person))
    changed = apply_changes(
        person,
        {"custody_status": state.status, "custody_since": state.since, "custody_facility": state.facility},
    )
    flush_versioned(changed)  # the person's row is versioned: a save that crossed ours is a conflict
    return state


def add_custody_event(actor: User, person: Person, data: dict) -> CustodyEvent:
    """Append an event to the timeline; an impossible timeline raises OperationError and writes nothing."""
    events = _lock_timeline(person)
    _replay(events, [_pending(data)])
    event = _write_event(actor, person, data)
    refresh_custody(person)
    return event


def add_custody_period(
    actor: User, person: Person, start: dict, end: dict
) -> tuple[CustodyEvent, CustodyEvent]:
    """Record a whole detention, its start and its end, in one change: an earlier detention can be added
    after later entries, as long as the timeline read by date makes sense with both."""
    events = _lock_timeline(person)
    _replay(events, [_pending(start), _pending(end)])
    entries = (_write_event(actor, person, start), _write_event(actor, person, end))
    refresh_custody(person)
    return entries


def _pending(data: dict) -> _PendingEvent:
    return _PendingEvent(CustodyKind(data["kind"]), data["occurred_on"], data.get("facility"))


def _write_event(actor: User, person: Person, data: dict) -> CustodyEvent:
    event = CustodyEvent(person_id=person.id, created_by_id=actor.id, **data)
    db.session.add(event)
    db.session.flush()
    audit.record(actor, "custody_event.created", event, person=person, fields=_filled(data))
    return event


def void_custody_event(actor: User, person: Person, event: CustodyEvent, reason: str) -> CustodyEvent:
    """Strike a mistaken event from the timeline, if the timeline still makes sense without it."""
    events = _lock_timeline(person)
    db.session.refresh(event)
    if event.voided_at is not None:
        raise OperationError(gettext("This entry was already voided."))
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
    return event


# ---------------------------------------------------------------- check-ins


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
    check_version(check_in, expected_version, data)
    linked = queries.standing_custody_event(check_in)
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
    changed = versioned_update(
        actor, check_in, data, expected_version, action="check_in.updated", person=person
    )
    if redetains:
        _redetain_at(actor, person, check_in)
    return changed


def delete_check_in(actor: User, person: Person, check_in: CheckIn) -> None:
    """Delete a check-in, unless it created a custody event that still stands."""
    blocker = queries.check_in_delete_blocker(check_in)
    if blocker is not None:
        raise OperationError(blocker)
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
    return versioned_update(
        actor, document, data, expected_version, action="travel_document.updated", person=person
    )


def delete_travel_document(actor: User, person: Person, document: TravelDocument) -> None:
    """Delete a travel-document request."""
    audit.record(actor, "travel_document.deleted", document, person=person)
    db.session.delete(document)
    db.session.flush()

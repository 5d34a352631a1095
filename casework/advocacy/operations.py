"""Changes to the advocacy log: record, edit and delete events; audit its CSV. Operations flush; the request
commits once.

An event's figures, contacts and linked cases are part of it: changing any of them moves the event's version,
so that two people editing the same event never silently overwrite each other. Links to cases the editor
cannot open (a deleted case, say) are kept as they were: nobody unlinks what they cannot see.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa

from casework import audit
from casework.advocacy import queries
from casework.editing import check_version, flush_versioned
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.models import (
    AdvocacyEvent,
    AdvocacyFigure,
    Contact,
    Person,
    User,
    advocacy_event_contact,
    advocacy_event_person,
)
from casework.models.base import apply_changes, utcnow

CHANGED_MEANWHILE = "Someone else changed this event meanwhile; it was NOT deleted. Look at it again first."
CASE_GONE = (
    "A ticked case can no longer be linked (it was deleted, or is no longer yours to open): "
    "untick it and save again."
)
CONTACT_GONE = "A ticked contact is no longer in the directory: untick it and save again."


def _linkable(actor: User, org_id: int, ids: Iterable[int]) -> dict[int, Person]:
    wanted = set(ids)
    found = {p.id: p for p in queries.linkable_cases(actor, org_id, wanted)}
    if wanted - found.keys():
        raise OperationError(CASE_GONE)
    return found


def _check_contacts(org_id: int, ids: Iterable[int]) -> list[int]:
    wanted = sorted(set(ids))
    if wanted:
        found = db.session.scalars(
            sa.select(Contact.id).where(Contact.id.in_(wanted), Contact.org_id == org_id)
        )
        if set(found) != set(wanted):
            raise OperationError(CONTACT_GONE)
    return wanted


def _set_figures(event: AdvocacyEvent, figures: list[tuple[str, int]], *, new: bool = False) -> bool:
    """Replace the figures when they differ; whether they did."""
    current = [] if new else [(f.label, f.value) for f in event.figures]
    if current == figures:
        return False
    event.figures = [
        AdvocacyFigure(position=position, label=label, value=value)
        for position, (label, value) in enumerate(figures)
    ]
    return True


def _set_contacts(event: AdvocacyEvent, wanted: list[int], current: list[int]) -> bool:
    if sorted(current) == wanted:
        return False
    table = advocacy_event_contact
    db.session.execute(sa.delete(table).where(table.c.event_id == event.id))
    if wanted:
        db.session.execute(sa.insert(table), [{"event_id": event.id, "contact_id": c} for c in wanted])
    return True


def _set_cases(actor: User, event: AdvocacyEvent, chosen: dict[int, Person], seen: dict[int, Person]) -> bool:
    """Link the chosen cases; unlink those of `seen` (the linked cases the actor may open) not chosen; keep the
    others. Each case linked or unlinked gets an audit row of its own (its history shows the event came or
    went)."""
    added = [p for pid, p in chosen.items() if pid not in seen]
    removed = [p for pid, p in seen.items() if pid not in chosen]
    table = advocacy_event_person
    if removed:
        db.session.execute(
            sa.delete(table).where(
                table.c.event_id == event.id, table.c.person_id.in_([p.id for p in removed])
            )
        )
    if added:
        db.session.execute(sa.insert(table), [{"event_id": event.id, "person_id": p.id} for p in added])
    for person in added:
        audit.record(actor, "advocacy.case_linked", event, person=person)
    for person in removed:
        audit.record(actor, "advocacy.case_unlinked", event, person=person)
    return bool(added or removed)


def create_event(
    actor: User, data: dict, figures: list[tuple[str, int]], contact_ids: list[int], case_ids: list[int]
) -> AdvocacyEvent:
    """A new event in the actor's organization's log, with its figures, contacts and linked cases."""
    chosen = _linkable(actor, actor.org_id, case_ids)
    contacts = _check_contacts(actor.org_id, contact_ids)
    event = AdvocacyEvent(org_id=actor.org_id, created_by_id=actor.id, **data)
    _set_figures(event, figures, new=True)
    db.session.add(event)
    db.session.flush()
    fields = [k for k, v in data.items() if v not in (None, "")]
    if figures:
        fields.append("figures")
    if _set_contacts(event, contacts, []):
        fields.append("contacts")
    if _set_cases(actor, event, chosen, {}):
        fields.append("linked_cases")
    audit.record(actor, "advocacy.created", event, fields=fields)
    return event


def update_event(
    actor: User,
    event: AdvocacyEvent,
    data: dict,
    figures: list[tuple[str, int]],
    contact_ids: list[int],
    case_ids: list[int],
    expected_version: int | None,
) -> list[str]:
    """Apply an edit made from `expected_version` (EditConflict if the event moved on); the changed fields."""
    check_version(event, expected_version, data)
    chosen = _linkable(actor, event.org_id, case_ids)
    contacts = _check_contacts(event.org_id, contact_ids)
    current_contacts = queries.contact_ids(event)
    seen = {p.id: p for p in queries.linkable_cases(actor, event.org_id, queries.linked_case_ids(event))}
    changed = apply_changes(event, data)
    if _set_figures(event, figures):
        changed.append("figures")
    links_change = sorted(current_contacts) != contacts or chosen.keys() != seen.keys()
    if not changed and not links_change:
        return []
    event.updated_at = utcnow()  # the row is written, and its version moves, even when only links change
    flush_versioned(data)
    if _set_contacts(event, contacts, current_contacts):
        changed.append("contacts")
    if _set_cases(actor, event, chosen, seen):
        changed.append("linked_cases")
    audit.record(actor, "advocacy.updated", event, fields=changed)
    return changed


def delete_event(actor: User, event: AdvocacyEvent) -> None:
    """Remove an event for good (its figures and links with it)."""
    audit.record(actor, "advocacy.deleted", event)
    for table in (advocacy_event_person, advocacy_event_contact):
        db.session.execute(sa.delete(table).where(table.c.event_id == event.id))
    db.session.delete(event)
    try:
        flush_versioned()  # the DELETE checks the version
    except EditConflict:
        raise OperationError(CHANGED_MEANWHILE) from None


def record_export(actor: User, count: int, filters: dict) -> None:
    """Audit a CSV of the log: how many events, and the names of the filters used (never their values)."""
    audit.record(
        actor,
        "advocacy.exported",
        org_id=actor.org_id,
        fields=[name for name, value in filters.items() if value],
        detail=f"advocacy log CSV, {count} events",
    )

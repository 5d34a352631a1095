"""Changes to the background: related people, places lived, incarceration, rehabilitation. Operations flush
and audit (field names only); the request's unit of work commits once.

A link between two cases is one row for the pair, stored from the case with the smaller id with the kind read
from that case (casework.background.queries.seen_from): the unique constraint on (person_id,
related_person_id) then holds one link per pair whichever side linked first, also when two people link the
same pair at the same moment (the second insert fails at the database and is refused with a message).
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from casework import audit
from casework.background import queries
from casework.editing import check_version, flush_versioned, versioned_update
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import (
    Conviction,
    Incarceration,
    Person,
    Rehabilitation,
    Relation,
    RelationKind,
    Residence,
    User,
)

CHANGED_MEANWHILE = "Someone else changed this meanwhile; nothing was changed. Look at it again, then retry."
ALREADY_LINKED = (
    "These two cases are already linked. "
    "To change how they are related, edit the link shown on the case page."
)


def _filled(data: dict) -> list[str]:
    """Names of the fields given a value (for the audit row of a creation)."""
    return [name for name, value in data.items() if value not in (None, "", False)]


def _delete(actor: User, person: Person, obj: object, action: str) -> None:
    """Delete a versioned row; refused if someone changed it since it was loaded."""
    audit.record(actor, action, obj, person=person)
    db.session.delete(obj)
    try:
        flush_versioned()  # the DELETE checks the version
    except EditConflict:
        raise OperationError(CHANGED_MEANWHILE) from None


# ---------------------------------------------------------------- related people


def stored_kind(relation: Relation, person: Person, kind: RelationKind) -> RelationKind:
    """The kind to store for a relation edited from `person`'s case (the inverse from the other side)."""
    if relation.related_person_id is not None and relation.person_id != person.id:
        return kind.inverse
    return kind


def link_cases(actor: User, person: Person, other: Person, kind: RelationKind, notes: str | None) -> Relation:
    """Link two cases of one organization: `other` is `person`'s `kind` (shown on both, read from each side)."""
    if other.id == person.id:
        raise OperationError(gettext("A case cannot be linked to itself: choose another case."))
    if other.org_id != person.org_id:
        raise OperationError(gettext("Only cases of the same organization can be linked."))
    if queries.existing_link(person.id, other.id) is not None:
        raise OperationError(ALREADY_LINKED)
    first, second = (person, other) if person.id < other.id else (other, person)
    relation = Relation(
        person_id=first.id,
        related_person_id=second.id,
        kind=kind if first is person else kind.inverse,
        notes=notes,
    )
    db.session.add(relation)
    try:
        db.session.flush()
    except IntegrityError:  # the same pair linked at the same moment: the unique constraint kept one
        raise OperationError(ALREADY_LINKED) from None
    fields = _filled({"kind": kind, "related_person_id": other.id, "notes": notes})
    audit.record(actor, "relation.linked", relation, person=person, fields=fields)
    audit.record(actor, "relation.linked", relation, person=other, fields=fields)
    return relation


def add_relative(actor: User, person: Person, data: dict) -> Relation:
    """Record a relative or co-defendant who is not a case, by name."""
    relation = Relation(person_id=person.id, related_person_id=None, **data)
    db.session.add(relation)
    db.session.flush()
    audit.record(actor, "relation.created", relation, person=person, fields=_filled(data))
    return relation


def update_relation(
    actor: User, person: Person, relation: Relation, data: dict, expected_version: int | None
) -> list[str]:
    """Edit a relation from `person`'s case (`data["kind"]` read from that case); refused if it moved on."""
    data = dict(data)
    if data.get("kind") is not None:
        data["kind"] = stored_kind(relation, person, RelationKind(data["kind"]))
    changed = versioned_update(
        actor, relation, data, expected_version, action="relation.updated", person=person
    )
    _kind, other_id = queries.seen_from(relation, person.id)
    if changed and other_id is not None:
        audit.record(actor, "relation.updated", relation, person=queries.case_of(other_id), fields=changed)
    return changed


def delete_relation(actor: User, person: Person, relation: Relation) -> None:
    """Remove a relation (a link disappears from both cases)."""
    _kind, other_id = queries.seen_from(relation, person.id)
    if other_id is not None:
        audit.record(actor, "relation.deleted", relation, person=queries.case_of(other_id))
    _delete(actor, person, relation, "relation.deleted")


# ---------------------------------------------------------------- places lived


def add_residence(actor: User, person: Person, data: dict) -> Residence:
    """Record a place the person lived."""
    residence = Residence(person_id=person.id, **data)
    db.session.add(residence)
    db.session.flush()
    audit.record(actor, "residence.created", residence, person=person, fields=_filled(data))
    return residence


def update_residence(
    actor: User, person: Person, residence: Residence, data: dict, expected_version: int | None
) -> list[str]:
    """Edit a place lived, made from `expected_version`."""
    return versioned_update(
        actor, residence, data, expected_version, action="residence.updated", person=person
    )


def delete_residence(actor: User, person: Person, residence: Residence) -> None:
    """Delete a place lived."""
    _delete(actor, person, residence, "residence.deleted")


# ---------------------------------------------------------------- incarceration


def _check_conviction(person: Person, conviction_id: int | None) -> None:
    if conviction_id is None:
        return
    conviction = db.session.get(Conviction, conviction_id)
    if conviction is None or conviction.person_id != person.id:
        raise OperationError(gettext("Choose one of this case’s convictions, or “None or not known”."))


def add_incarceration(actor: User, person: Person, data: dict) -> Incarceration:
    """Record a time in jail or prison."""
    _check_conviction(person, data.get("conviction_id"))
    incarceration = Incarceration(person_id=person.id, **data)
    db.session.add(incarceration)
    db.session.flush()
    audit.record(actor, "incarceration.created", incarceration, person=person, fields=_filled(data))
    return incarceration


def update_incarceration(
    actor: User, person: Person, incarceration: Incarceration, data: dict, expected_version: int | None
) -> list[str]:
    """Edit a time in jail or prison, made from `expected_version`."""
    check_version(incarceration, expected_version, data)
    if data.get("conviction_id") != incarceration.conviction_id:
        _check_conviction(person, data.get("conviction_id"))
    return versioned_update(
        actor, incarceration, data, expected_version, action="incarceration.updated", person=person
    )


def delete_incarceration(actor: User, person: Person, incarceration: Incarceration) -> None:
    """Delete a time in jail or prison."""
    _delete(actor, person, incarceration, "incarceration.deleted")


# ---------------------------------------------------------------- rehabilitation


def add_rehabilitation(actor: User, person: Person, data: dict) -> Rehabilitation:
    """Record a diploma, a program, work or service."""
    item = Rehabilitation(person_id=person.id, **data)
    db.session.add(item)
    db.session.flush()
    audit.record(actor, "rehabilitation.created", item, person=person, fields=_filled(data))
    return item


def update_rehabilitation(
    actor: User, person: Person, item: Rehabilitation, data: dict, expected_version: int | None
) -> list[str]:
    """Edit a record of rehabilitation, made from `expected_version`."""
    return versioned_update(
        actor, item, data, expected_version, action="rehabilitation.updated", person=person
    )


def delete_rehabilitation(actor: User, person: Person, item: Rehabilitation) -> None:
    """Delete a record of rehabilitation."""
    _delete(actor, person, item, "rehabilitation.deleted")

"""Writing, editing and deleting case notes. The body never reaches the audit trail, only field names."""

from __future__ import annotations

from dataclasses import dataclass

from casework import audit
from casework.extensions import db
from casework.models import Note, Person, User
from casework.models.base import apply_changes, differing_fields


@dataclass
class EditConflict(Exception):
    """The note was saved (from another tab or window) after the user opened the form."""

    fields: list[str]


def write_note(actor: User, person: Person, data: dict) -> Note:
    """A new note on the case, by the actor."""
    note = Note(
        person_id=person.id,
        author_id=actor.id,
        body=data["body"],
        privileged=bool(data.get("privileged", False)),
    )
    db.session.add(note)
    db.session.flush()
    audit.record(actor, "note.created", note, person=person, fields=["body", "privileged"])
    return note


def update_note(actor: User, person: Person, note: Note, data: dict, expected_version: int) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the note has moved on since."""
    if note.version != expected_version:
        raise EditConflict(differing_fields(note, data))
    changed = apply_changes(note, data)
    if changed:
        db.session.flush()  # raises StaleDataError if another save slipped in since we loaded
        audit.record(actor, "note.updated", note, person=person, fields=changed)
    return changed


def delete_note(actor: User, person: Person, note: Note) -> None:
    """Remove a note for good."""
    audit.record(actor, "note.deleted", note, person=person)
    db.session.delete(note)
    db.session.flush()

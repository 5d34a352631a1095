"""Writing, editing and deleting case notes. The body never reaches the audit trail, only field names."""

from __future__ import annotations

from casework import audit
from casework.editing import flush_versioned, versioned_update
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import Note, Person, User


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
    return versioned_update(actor, note, data, expected_version, action="note.updated", person=person)


def delete_note(actor: User, person: Person, note: Note) -> None:
    """Remove a note for good; refused if it was changed since the user read it."""
    audit.record(actor, "note.deleted", note, person=person)
    db.session.delete(note)
    try:
        flush_versioned()  # the DELETE checks the version
    except EditConflict:
        raise OperationError(
            gettext("This note was changed meanwhile and was NOT deleted. Read it again, then decide.")
        ) from None

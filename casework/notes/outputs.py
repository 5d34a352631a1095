"""Notes in the PDF summary and packets (privileged ones only in an attorney's PDF) and in the case file (those
the exporting user may read)."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access, row_sets
from casework.case_file import Reading, Writing, dump, read, records
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import Note, User

NOTE = ("body", "privileged", "created_at")


def pdf_note_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The notes this audience may read, oldest first, and their authors."""
    readable = sa.and_(Note.person_id == request.person.id, access.notes_filter(request.user))
    if not request.privileged:
        readable = sa.and_(readable, Note.privileged.is_(False))
    return {
        "pdf_notes": sa.select(Note).where(readable).order_by(Note.created_at, Note.id),
        "pdf_note_authors": sa.select(User).where(User.id.in_(sa.select(Note.author_id).where(readable))),
    }


def pdf_notes(request: PdfRequest) -> dict:
    """The notes this audience may read, oldest first, each with its author."""
    notes = request.rows["pdf_notes"]
    row_sets.attach(notes, "author", request.rows["pdf_note_authors"])
    return {"notes": notes}


def dump_notes(writing: Writing) -> dict:
    """The notes the exporting user may read, each with its author's name (which does not travel)."""
    notes = db.session.scalars(
        sa.select(Note)
        .where(Note.person_id == writing.person.id, access.notes_filter(writing.user))
        .order_by(Note.id)
    )
    return {
        "notes": [{**dump(n, NOTE), "author": n.author.display_name if n.author else None} for n in notes]
    }


def read_notes(reading: Reading) -> None:
    """The notes (their authors stay with the sending organization)."""
    for i, record in enumerate(records(reading.data, "notes")):
        db.session.add(
            Note(person_id=reading.person.id, **read(Note, record, NOTE, f"notes[{i}]", required=("body",)))
        )

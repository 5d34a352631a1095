"""The notes part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access, case_page, row_sets
from casework.case_page import CaseFilePart, PdfPart
from casework.models import Note, Person, User
from casework.notes import outputs
from casework.notes.forms import note_form


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The notes this user may read, newest first, and their authors."""
    readable = sa.and_(Note.person_id == person.id, access.notes_filter(user))
    return {
        "notes": sa.select(Note).where(readable).order_by(Note.created_at.desc(), Note.id.desc()),
        "note_authors": sa.select(User).where(User.id.in_(sa.select(Note.author_id).where(readable))),
    }


def _load_section(person: Person, user: User, rows: case_page.Rows) -> dict:
    """The notes this user may read, each with its author."""
    notes = rows["notes"]
    row_sets.attach(notes, "author", rows["note_authors"])
    can_edit = access.can(user, "edit", person)
    return {
        "notes": notes,
        "can_edit": can_edit,
        "can_manage": access.can(user, "manage", person),
        "form": note_form(person, user, version=0, formdata=None) if can_edit else None,
    }


def _timeline(section: dict) -> list[case_page.TimelineEntry]:
    entries = []
    for note in section["notes"]:
        author = note.author.display_name if note.author else "a former user"
        kind = "Privileged note" if note.privileged else "Note"
        entries.append(
            case_page.TimelineEntry(
                day=note.created_at.date(),
                kind="Note",
                text=f"{kind} written by {author}",
                anchor=f"note-{note.id}",
            )
        )
    return entries


SECTION = case_page.CaseSection(
    key="notes",
    title="Notes",
    template="notes/_section_notes.html",
    order=60,
    load=_load_section,
    rows=_rows,
    timeline=_timeline,
    pdf=(
        PdfPart("notes", "Notes", "pdf/sections/_notes.html", outputs.pdf_notes, rows=outputs.pdf_note_rows),
    ),
    case_file=CaseFilePart(("notes",), outputs.dump_notes, outputs.read_notes, order=40),
)

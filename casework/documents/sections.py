"""The documents part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access, case_page, row_sets
from casework.case_page import CaseFilePart, PdfPart, TimelineEntry
from casework.documents import outputs
from casework.models import Document, Person, User


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The documents this user may see, newest first, and who uploaded them."""
    seen = sa.and_(Document.person_id == person.id, access.documents_filter(user))
    return {
        "documents": sa.select(Document).where(seen).order_by(Document.created_at.desc(), Document.id.desc()),
        "document_uploaders": sa.select(User).where(
            User.id.in_(sa.select(Document.uploaded_by_id).where(seen))
        ),
    }


def _load_section(person: Person, user: User, rows: case_page.Rows) -> dict:
    documents = rows["documents"]
    row_sets.attach(documents, "uploaded_by", rows["document_uploaders"])
    return {
        "documents": documents,
        "can_edit": access.can(user, "edit", person),
        "can_print": access.can_print(user, person),
    }


def _timeline(context: dict) -> list[TimelineEntry]:
    return [
        TimelineEntry(d.created_at.date(), "Document", f"Uploaded: {d.title}", "documents")
        for d in context["documents"]
    ]


SECTION = case_page.CaseSection(
    key="documents",
    title="Documents",
    template="documents/_section_documents.html",
    order=45,
    load=_load_section,
    rows=_rows,
    timeline=_timeline,
    pdf=(
        PdfPart(
            "documents",
            "Documents on file",
            "pdf/sections/_documents.html",
            outputs.pdf_documents,
            rows=outputs.pdf_document_rows,
        ),
    ),
    case_file=CaseFilePart(("documents",), outputs.dump_documents, outputs.read_documents, order=42),
)

"""An application's counsel and records of support in the outputs: as each PDF audience may see them, and in the
case file (contacts by ref; a linked document by its SHA-256, with its title to keep in the notes when the
document does not come with the file).

Why the public see what they see: see casework.relief.outputs.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from casework import access
from casework.case_file import TEXT_LIMIT, Reading, Writing, dump, field_value, read, records, rejected
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import CounselRole, Document, ReliefCounsel, SupportKind, SupportRecord

SHA256 = re.compile(r"[0-9a-fA-F]{64}")
SUPPORT_RECORD = ("kind", "author", "given_on", "summary", "notes")
# Records that are public acts: their authors may be named to the public (with the person's consent to "relief").
PUBLIC_ACTS = (SupportKind.RESOLUTION, SupportKind.STATEMENT)


@dataclass(frozen=True)
class SupportLine:
    """One record of support as a PDF shows it."""

    kind: str
    author: str
    given_on: date | None = None
    summary: str | None = None
    document: str | None = None  # the linked document's title, when this audience may know of it


@dataclass
class SupportForPdf:
    """An application's records of support for one audience: how many, and those it may read about."""

    count: int = 0
    lines: list[SupportLine] = field(default_factory=list)
    unnamed: int = 0  # counted but not named (letters, for the public)


def for_pdf(request: PdfRequest, support: list[SupportRecord]) -> SupportForPdf:
    """The records as the audience may see them: all of them for the team (a privileged document's title only
    in an attorney's PDF); for the public, the count and the authors of public acts only."""
    out = SupportForPdf(count=len(support))
    for record in support:
        kind = SupportKind(record.kind)
        if request.public:
            if kind in PUBLIC_ACTS:
                out.lines.append(SupportLine(kind.label, record.author, record.given_on))
            else:
                out.unnamed += 1
            continue
        document = record.document
        title = None
        if document is not None:
            title = (
                document.title if request.privileged or not document.privileged else "a privileged document"
            )
        out.lines.append(SupportLine(kind.label, record.author, record.given_on, record.summary, title))
    return out


# ---------------------------------------------------------------- the case file


def dump_support(writing: Writing, support: list[SupportRecord]) -> list[dict]:
    """The records, their author's contact by ref and their document by SHA-256 (with its title) when the
    reader may see that document; a document the reader may not see is left out, title and all."""
    out = []
    for record in support:
        item = {
            **dump(record, SUPPORT_RECORD),
            "author_contact_ref": writing.refs.number("contact", record.author_contact_id)
            if record.author_contact_id
            else None,
            "document_sha256": None,
            "document_title": None,
        }
        document = record.document
        if document is not None and (
            not document.privileged or access.can(writing.user, "view_privileged", writing.person)
        ):
            item.update(document_sha256=document.sha256, document_title=document.title)
        out.append(item)
    return out


def read_counsel(reading: Reading, application: dict, where: str) -> list[ReliefCounsel]:
    """The counsel of an application record ("attorney_ref", from files written before counsel, is the lead)."""
    counsel: list[ReliefCounsel] = []
    rows = records(application, "counsel", where)
    if not rows and application.get("attorney_ref") is not None:
        contact = reading.refs.resolve("contact", application["attorney_ref"], f"{where}.attorney_ref")
        return [ReliefCounsel(contact_id=contact.id, role=CounselRole.LEAD)]
    seen = set()
    for j, row in enumerate(rows):
        place = f"{where}.counsel[{j}]"
        fields = read(ReliefCounsel, row, ("role",), place, required=("role",))
        contact = reading.refs.resolve("contact", row.get("contact_ref"), f"{place}.contact_ref")
        if (contact.id, fields["role"]) in seen:
            raise rejected(place, "the same counsel in the same role is listed twice.")
        seen.add((contact.id, fields["role"]))
        counsel.append(ReliefCounsel(contact_id=contact.id, **fields))
    return counsel


def read_support(reading: Reading, application: dict, where: str) -> list[SupportRecord]:
    """The records of support; a document comes back linked when the case file brought it (documents are read
    before the applications), else its title is kept in the record's notes."""
    out = []
    for j, row in enumerate(records(application, "support_records", where)):
        place = f"{where}.support_records[{j}]"
        fields = read(SupportRecord, row, SUPPORT_RECORD, place, required=("kind", "author"))
        record = SupportRecord(**fields)
        if row.get("author_contact_ref") is not None:
            record.author_contact_id = reading.refs.resolve(
                "contact", row["author_contact_ref"], f"{place}.author_contact_ref"
            ).id
        _link_document(reading, row, record, place)
        out.append(record)
    return out


def _link_document(reading: Reading, row: dict, record: SupportRecord, place: str) -> None:
    sha256, title = row.get("document_sha256"), row.get("document_title")
    if sha256 is None:
        return
    if not isinstance(sha256, str) or not SHA256.fullmatch(sha256):
        raise rejected(f"{place}.document_sha256", "must be a SHA-256: 64 hexadecimal digits.")
    document = db.session.scalar(
        sa.select(Document)
        .where(Document.person_id == reading.person.id, Document.sha256 == sha256.lower())
        .order_by(Document.id)
        .limit(1)
    )
    if document is not None:
        record.document_id = document.id
        return
    if title is not None:
        title = field_value(Document, "title", title, f"{place}.document_title")
    if not title or not title.strip():
        title = "untitled"
    line = f"The linked document “{title.strip()[:200]}” did not come with the case file."
    record.notes = "\n\n".join(filter(None, [record.notes, line]))[:TEXT_LIMIT]

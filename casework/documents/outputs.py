"""Documents in the PDF summary and packets (a list; a packet attaches them as exhibits) and in the case file.

The case file carries each document's metadata; a bundle (a ZIP of the case file and the files) carries the
files too, named `documents/<sha256>`. At import a document comes back with its file; a document listed
without its file (a plain JSON case file) cannot be restored, and the new case gets a note saying which.
"""

from __future__ import annotations

import hashlib
import re

import sqlalchemy as sa

from casework import access
from casework.case_file import CaseFileRejected, Reading, Writing, dump, read, records, rejected
from casework.case_page import PdfRequest
from casework.documents import storage
from casework.extensions import db
from casework.models import Document, Note

SHA256 = re.compile(r"[0-9a-f]{64}")
DOCUMENT = ("title", "kind", "filename", "content_type", "size", "sha256", "privileged", "created_at")


def _readable(person_id: int, user, privileged_ok: bool) -> sa.Select:
    query = sa.select(Document).where(Document.person_id == person_id, access.documents_filter(user))
    if not privileged_ok:
        query = query.where(Document.privileged.is_(False))
    return query.order_by(Document.created_at, Document.id)


def _documents(person_id: int, user, privileged_ok: bool) -> list[Document]:
    return list(db.session.scalars(_readable(person_id, user, privileged_ok)))


def pdf_document_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The documents on file this audience may know of, in the order they were added."""
    return {"pdf_documents": _readable(request.person.id, request.user, request.privileged)}


def pdf_documents(request: PdfRequest) -> dict:
    """The documents on file this audience may know of (privileged ones only in an attorney's PDF)."""
    return {"documents": request.rows["pdf_documents"]}


def file_name(document: Document) -> str:
    """A document's file in a bundle."""
    return f"documents/{document.sha256}"


def dump_documents(writing: Writing) -> dict:
    """The documents the exporting user may see; in a bundle, their files too."""
    documents = _documents(writing.person.id, writing.user, True)
    if writing.bundle:
        for document in documents:
            try:
                writing.files[file_name(document)] = storage.read_document(document)
            except FileNotFoundError:
                continue  # the metadata still travels; the import says the file is missing
    return {"documents": [dump(d, DOCUMENT) for d in documents]}


def read_documents(reading: Reading) -> None:
    """The documents whose files came with the case file; a note lists those that did not."""
    missing = []
    for i, record in enumerate(records(reading.data, "documents")):
        where = f"documents[{i}]"
        fields = read(Document, record, DOCUMENT, where, required=("title", "sha256"))
        if not SHA256.fullmatch(fields["sha256"]):
            raise rejected(f"{where}.sha256", "must be a SHA-256: 64 hexadecimal digits, in lower case.")
        data = reading.files.get(f"documents/{fields['sha256']}")
        if data is None:
            missing.append(fields["title"])
            continue
        if hashlib.sha256(data).hexdigest() != fields["sha256"]:
            raise CaseFileRejected(f"{where}: the file does not match its SHA-256: the bundle is damaged.")
        try:
            stored = storage.save(data)
        except storage.UploadRejected as exc:
            raise CaseFileRejected(f"{where}: {exc}") from None
        fields.update(  # a file from another instance is cleaned like any upload: the row describes what is stored
            content_type=stored.content_type,
            size=stored.size,
            sha256=stored.sha256,
            storage_name=stored.storage_name,
            file_key=stored.file_key,
        )
        fields.setdefault("filename", "document")
        db.session.add(Document(person_id=reading.person.id, uploaded_by_id=reading.user.id, **fields))
    if missing:
        listed = "; ".join(missing[:20]) + ("…" if len(missing) > 20 else "")
        db.session.add(
            Note(
                person_id=reading.person.id,
                author_id=reading.user.id,
                body=f"The case file listed {len(missing)} document(s) without their files, which were not "
                f"imported: {listed}. Ask the sending organization for the bundle (ZIP) export.",
            )
        )

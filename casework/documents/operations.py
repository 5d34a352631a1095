"""Documents on a case: upload, edit, delete. A file is written (as `.part`) before its row and named once
the request commits (casework.documents.storage)."""

from __future__ import annotations

from casework import audit
from casework.documents import storage
from casework.editing import versioned_update
from casework.extensions import db
from casework.models import Document, Person, User


def upload(actor: User, person: Person, data: bytes, filename: str, fields: dict) -> Document:
    """Check, clean, store and record an uploaded file (UploadRejected when it is not acceptable)."""
    stored = storage.save(data)
    document = Document(
        person_id=person.id,
        uploaded_by_id=actor.id,
        filename=(filename or "upload")[:255],
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        file_key=stored.file_key,
        **fields,
    )
    db.session.add(document)
    db.session.flush()
    # Names of what was removed, never what it said (casework.documents.cleaning).
    detail = "removed: " + ", ".join(stored.removed) if stored.removed else None
    audit.record(actor, "document.uploaded", document, person=person, fields=sorted(fields), detail=detail)
    return document


def update(actor: User, person: Person, document: Document, fields: dict, expected_version: int) -> list[str]:
    """Change title, kind or privilege of a document edited from `expected_version`."""
    return versioned_update(
        actor, document, fields, expected_version, action="document.updated", person=person
    )


def delete(actor: User, person: Person, document: Document) -> str:
    """Delete the row; returns the storage name, whose file is removed once the deletion is committed."""
    audit.record(actor, "document.deleted", document, person=person)
    name = document.storage_name
    db.session.delete(document)
    db.session.flush()
    return name


def record_download(actor: User, person: Person, document: Document) -> None:
    """Every download is on the audit trail."""
    audit.record(actor, "document.downloaded", document, person=person)

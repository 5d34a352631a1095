"""Documents on a case: upload, edit, delete. Files are written before the row; the view commits."""

from __future__ import annotations

from casework import audit
from casework.documents import storage
from casework.extensions import db
from casework.models import Document, Person, User
from casework.models.base import apply_changes


class EditConflict(Exception):
    """The document was changed by someone else since the form was opened."""


def upload(actor: User, person: Person, data: bytes, filename: str, fields: dict) -> Document:
    """Check, store and record an uploaded file (UploadRejected when it is not acceptable)."""
    stored = storage.save(data)
    document = Document(
        person_id=person.id,
        uploaded_by_id=actor.id,
        filename=(filename or "upload")[:255],
        content_type=stored.content_type,
        size=stored.size,
        sha256=stored.sha256,
        storage_name=stored.storage_name,
        **fields,
    )
    db.session.add(document)
    db.session.flush()
    audit.record(actor, "document.uploaded", document, person=person, fields=sorted(fields))
    return document


def update(actor: User, person: Person, document: Document, fields: dict, expected_version: int) -> list[str]:
    """Change title, kind or privilege of a document edited from `expected_version`."""
    if document.version != expected_version:
        raise EditConflict()
    changed = apply_changes(document, fields)
    if changed:
        db.session.flush()
        audit.record(actor, "document.updated", document, person=person, fields=changed)
    return changed


def delete(actor: User, person: Person, document: Document) -> str:
    """Delete the row; returns the storage name, whose file the view removes after the commit."""
    audit.record(actor, "document.deleted", document, person=person)
    name = document.storage_name
    db.session.delete(document)
    db.session.flush()
    return name


def record_download(actor: User, person: Person, document: Document) -> None:
    """Every download is on the audit trail."""
    audit.record(actor, "document.downloaded", document, person=person)

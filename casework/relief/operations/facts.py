"""Counsel, the prosecutor's position and records of support on an application.

Each change is written to the application's history in words (who was added, what the prosecutor's office
said) and to the audit trail by field names only. Contacts come from the case owner's directory and documents
from the case's own; a privileged document is linked only by someone who may read privileged material.
"""

from __future__ import annotations

from sqlalchemy.exc import IntegrityError

from casework import access, audit
from casework.editing import versioned_update
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import (
    Contact,
    CounselRole,
    Document,
    Person,
    ProsecutorPosition,
    ReliefApplication,
    ReliefCounsel,
    SupportKind,
    SupportRecord,
    User,
)
from casework.relief import queries
from casework.relief.history import record_event

DUPLICATE_COUNSEL = "This contact already has that role on the application: choose another contact or role."
NOT_IN_DIRECTORY = "Choose a contact of the case organization's contacts directory."
SUPPORT_LABELS = {
    "kind": "kind",
    "author": "from",
    "author_contact_id": "contact",
    "given_on": "date",
    "summary": "summary",
    "document_id": "document",
    "notes": "notes",
}


def _who(contact: Contact) -> str:
    return ", ".join(filter(None, [contact.name, contact.organization]))


# ---------------------------------------------------------------- counsel


def add_counsel(
    actor: User, person: Person, application: ReliefApplication, contact: Contact, role: CounselRole
) -> ReliefCounsel:
    """Add a counsel with a role; the same contact in the same role twice is refused, even at the same moment
    (the unique constraint holds it)."""
    if contact.org_id != person.org_id:
        raise OperationError(NOT_IN_DIRECTORY)
    if queries.counsel_exists(application, contact.id, role):
        raise OperationError(DUPLICATE_COUNSEL)
    counsel = ReliefCounsel(application_id=application.id, contact_id=contact.id, role=role)
    db.session.add(counsel)
    try:
        db.session.flush()
    except IntegrityError:  # added by someone else a moment ago: the caller rolls the request back
        raise OperationError(DUPLICATE_COUNSEL) from None
    record_event(actor, application, "counsel_added", f"Counsel added: {_who(contact)} — {role.label}")
    audit.record(
        actor,
        "relief.counsel_added",
        counsel,
        person=person,
        fields=["contact_id", "role"],
        detail=f"application {application.id}",
    )
    db.session.flush()
    return counsel


def remove_counsel(
    actor: User, person: Person, application: ReliefApplication, counsel: ReliefCounsel
) -> None:
    """Take a counsel off the application (the contact stays in the directory)."""
    role = CounselRole(counsel.role)
    record_event(
        actor, application, "counsel_removed", f"Counsel removed: {_who(counsel.contact)} — {role.label}"
    )
    audit.record(
        actor, "relief.counsel_removed", counsel, person=person, detail=f"application {application.id}"
    )
    db.session.delete(counsel)
    db.session.flush()


# ---------------------------------------------------------------- the prosecutor's position


def update_prosecutor(
    actor: User, person: Person, application: ReliefApplication, data: dict, expected_version: int | None
) -> list[str]:
    """Record the prosecutor's position (an edit of the application, from `expected_version`)."""
    position = ProsecutorPosition(data["prosecutor_position"])
    if data.get("prosecutor_position_on") and position == ProsecutorPosition.UNKNOWN:
        raise OperationError(
            gettext("A date goes with a position: choose what the prosecutor's office said.")
        )
    contact = _directory_contact(actor, person, data.get("prosecutor_contact_id"))
    changed = versioned_update(
        actor, application, data, expected_version, action="relief.prosecutor_updated", person=person
    )
    if changed:
        words = f"Prosecutor's position: {position.label.lower()}"
        if data.get("prosecutor_position_on"):
            words += f" (stated {data['prosecutor_position_on'].isoformat()})"
        if contact is not None:
            words += f" — {_who(contact)}"
        record_event(actor, application, "prosecutor", words)
        db.session.flush()
    return changed


# ---------------------------------------------------------------- records of support


def add_support(actor: User, person: Person, application: ReliefApplication, data: dict) -> SupportRecord:
    """Attach a record of support (a letter, a resolution, an official's statement) to the application."""
    _check_support(actor, person, data)
    record = SupportRecord(application_id=application.id, **data)
    db.session.add(record)
    db.session.flush()
    kind = SupportKind(record.kind)
    record_event(
        actor, application, "support_added", f"Record of support added: {kind.label} — {record.author}"
    )
    audit.record(
        actor,
        "relief.support_added",
        record,
        person=person,
        fields=[k for k, v in data.items() if v not in (None, "")],
        detail=f"application {application.id}",
    )
    db.session.flush()
    return record


def update_support(
    actor: User,
    person: Person,
    application: ReliefApplication,
    record: SupportRecord,
    data: dict,
    expected_version: int | None,
) -> list[str]:
    """Apply an edit made from `expected_version`; someone else's save in the meantime is a conflict."""
    _check_support(actor, person, data, record)
    changed = versioned_update(
        actor, record, data, expected_version, action="relief.support_updated", person=person
    )
    if changed:
        what = ", ".join(SUPPORT_LABELS[name] for name in changed if name in SUPPORT_LABELS)
        record_event(
            actor, application, "support_updated", f"Record of support from {record.author} changed: {what}"
        )
        db.session.flush()
    return changed


def delete_support(
    actor: User, person: Person, application: ReliefApplication, record: SupportRecord
) -> None:
    """Remove a record of support (its linked document stays on the case)."""
    kind = SupportKind(record.kind)
    record_event(
        actor, application, "support_removed", f"Record of support removed: {kind.label} — {record.author}"
    )
    audit.record(
        actor, "relief.support_deleted", record, person=person, detail=f"application {application.id}"
    )
    db.session.delete(record)
    db.session.flush()


def _check_support(actor: User, person: Person, data: dict, record: SupportRecord | None = None) -> None:
    """The author's contact is the directory's; the document is the case's, and one the actor may read (a
    privileged document already linked stays, whoever saves)."""
    _directory_contact(actor, person, data.get("author_contact_id"))
    document_id = data.get("document_id")
    if document_id is None or (record is not None and record.document_id == document_id):
        return
    document = db.session.get(Document, document_id)
    if document is None or document.person_id != person.id:
        raise OperationError(gettext("Choose one of the case's documents, or none."))
    if document.privileged and not access.can(actor, "view_privileged", person):
        raise OperationError(gettext("Choose one of the case's documents, or none."))


def _directory_contact(actor: User, person: Person, contact_id: int | None) -> Contact | None:
    if contact_id is None:
        return None
    contact = queries.directory_contact(person, contact_id, actor)
    if contact is None:
        raise OperationError(NOT_IN_DIRECTORY)
    return contact

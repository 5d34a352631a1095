"""Changes to the contacts directory and to contacts' roles on cases. Operations flush; the request commits."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from casework import audit
from casework.contacts.queries import usage
from casework.editing import flush_versioned, versioned_update
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import CaseContact, Contact, Person, User

SAME_ROLE = "This contact already has that role on the case; type another role."


def create_contact(actor: User, org_id: int, data: dict) -> Contact:
    """A new entry in an organization's directory."""
    contact = Contact(org_id=org_id, **data)
    db.session.add(contact)
    db.session.flush()
    audit.record(
        actor,
        "contact.created",
        contact,
        org_id=org_id,
        fields=[k for k, v in data.items() if v not in (None, "")],
    )
    return contact


def update_contact(actor: User, contact: Contact, data: dict, expected_version: int) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the contact has moved on since."""
    return versioned_update(actor, contact, data, expected_version, action="contact.updated")


def delete_contact(actor: User, contact: Contact) -> None:
    """Remove an entry from the directory; refused while the contact is in use."""
    in_use = usage(contact)
    if in_use.in_use:
        raise OperationError(in_use.explain())
    audit.record(actor, "contact.deleted", contact)
    # The delete cascade would load `roles` (lazy="raise"); it was just counted empty, so say so.
    set_committed_value(contact, "roles", [])
    db.session.delete(contact)
    flush_versioned()  # the DELETE checks the version: EditConflict if someone saved the contact meanwhile


def link(actor: User, person: Person, contact: Contact, role: str) -> CaseContact:
    """Give a contact of the case owner's directory a role on the case."""
    if contact.org_id != person.org_id:
        raise OperationError(gettext("Only contacts of the case's own organization can be added to it."))
    exists = db.session.scalar(
        sa.select(CaseContact.id).where(
            CaseContact.person_id == person.id, CaseContact.contact_id == contact.id, CaseContact.role == role
        )
    )
    if exists:
        raise OperationError(SAME_ROLE)
    case_contact = CaseContact(person_id=person.id, contact_id=contact.id, role=role)
    db.session.add(case_contact)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # the same role saved by someone else a moment ago
        raise OperationError(SAME_ROLE) from None
    audit.record(
        actor,
        "contact.linked",
        case_contact,
        person=person,
        fields=["contact_id", "role"],
        detail=f"contact {contact.id}",
    )
    return case_contact


def create_and_link(actor: User, person: Person, data: dict, role: str) -> CaseContact:
    """Add a new contact to the case owner's directory and give it a role on the case, in one step."""
    contact = create_contact(actor, person.org_id, data)
    return link(actor, person, contact, role)


def unlink(actor: User, person: Person, case_contact: CaseContact) -> None:
    """Take a contact's role off a case (the directory entry stays)."""
    audit.record(
        actor,
        "contact.unlinked",
        case_contact,
        person=person,
        fields=["contact_id", "role"],
        detail=f"contact {case_contact.contact_id}",
    )
    db.session.delete(case_contact)
    db.session.flush()

"""Changes to the contacts directory and to contacts' roles on cases. Operations flush; the view commits."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm.attributes import set_committed_value

from casework import audit
from casework.extensions import db
from casework.models import CaseContact, Contact, Person, ReliefApplication, User
from casework.models.base import apply_changes, differing_fields


class OperationError(ValueError):
    """A request that cannot be carried out; the message tells the user why and what to do."""


@dataclass
class EditConflict(Exception):
    """Someone saved the contact after the user opened the form."""

    fields: list[str]


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
    if contact.version != expected_version:
        raise EditConflict(differing_fields(contact, data))
    changed = apply_changes(contact, data)
    if changed:
        db.session.flush()  # raises StaleDataError if another save slipped in since we loaded
        audit.record(actor, "contact.updated", contact, fields=changed)
    return changed


@dataclass
class Usage:
    """Where a contact is in use; a contact in use cannot be deleted."""

    roles: int = 0
    roles_on_deleted_cases: int = 0
    relief_attorney: int = 0

    @property
    def in_use(self) -> bool:
        return bool(self.roles or self.relief_attorney)

    def explain(self) -> str:
        """Why the contact cannot be deleted, and what to do instead."""
        parts = []
        if self.roles:
            text = f"has {self.roles} role{'s' if self.roles != 1 else ''} on cases"
            if self.roles_on_deleted_cases:
                text += (
                    f" ({self.roles_on_deleted_cases} on deleted cases, which an administrator can restore)"
                )
            parts.append(text)
        if self.relief_attorney:
            parts.append(
                f"is the attorney on {self.relief_attorney} relief application"
                f"{'s' if self.relief_attorney != 1 else ''}"
            )
        return (
            "This contact cannot be deleted while it "
            + " and ".join(parts)
            + ". Remove it from those cases first, or edit the entry instead."
        )


def usage(contact: Contact) -> Usage:
    """Count the contact's roles on cases (deleted cases included) and relief applications naming it."""
    row = db.session.execute(
        sa.select(
            sa.func.count(CaseContact.id), sa.func.count(Person.deleted_at)
        )  # counts only non-NULL: the deleted cases
        .join(Person, Person.id == CaseContact.person_id)
        .where(CaseContact.contact_id == contact.id)
    ).one()
    relief = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(ReliefApplication)
        .where(ReliefApplication.attorney_contact_id == contact.id)
    )
    return Usage(roles=row[0], roles_on_deleted_cases=row[1], relief_attorney=relief or 0)


def delete_contact(actor: User, contact: Contact) -> None:
    """Remove an entry from the directory; refused while the contact is in use."""
    in_use = usage(contact)
    if in_use.in_use:
        raise OperationError(in_use.explain())
    audit.record(actor, "contact.deleted", contact)
    # The delete cascade would load `roles` (lazy="raise"); it was just counted empty, so say so.
    set_committed_value(contact, "roles", [])
    db.session.delete(contact)
    db.session.flush()  # the DELETE checks the version: StaleDataError if someone saved meanwhile


def link(actor: User, person: Person, contact: Contact, role: str) -> CaseContact:
    """Give a contact of the case owner's directory a role on the case."""
    if contact.org_id != person.org_id:
        raise OperationError("Only contacts of the case's own organization can be added to it.")
    exists = db.session.scalar(
        sa.select(CaseContact.id).where(
            CaseContact.person_id == person.id, CaseContact.contact_id == contact.id, CaseContact.role == role
        )
    )
    if exists:
        raise OperationError("This contact already has that role on the case; type another role.")
    case_contact = CaseContact(person_id=person.id, contact_id=contact.id, role=role)
    db.session.add(case_contact)
    db.session.flush()
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

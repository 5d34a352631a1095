"""Reads of the contacts directory: a contact's roles on cases, the contacts a case may link, what a
contact is used for."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import CaseContact, Contact, Person, ReliefCounsel, User


def roles_on_visible_cases(contact: Contact, user: User) -> list:
    """The contact's roles on the cases this user may open (and on no others), by the person's name."""
    return list(
        db.session.execute(
            sa.select(
                CaseContact.id,
                CaseContact.role,
                Person.id.label("person_id"),
                Person.legal_name,
                Person.preferred_name,
            )
            .join(Person, Person.id == CaseContact.person_id)
            .where(CaseContact.contact_id == contact.id, access.visible_people_filter(user))
            .order_by(Person.sort_name, Person.id, CaseContact.role)
        ).all()
    )


def linkable_contacts(person: Person) -> list[Contact]:
    """The contacts of the case owner's directory, by name (the caller checked the user may edit the case)."""
    return list(db.session.scalars(access.linkable_contacts(person).order_by(Contact.sort_name, Contact.id)))


def linkable_contact(person: Person, contact_id: int | None) -> Contact | None:
    """One contact of the case owner's directory, or None (never another organization's)."""
    return db.session.scalar(access.linkable_contacts(person).where(Contact.id == contact_id))


@dataclass
class Usage:
    """Where a contact is in use; a contact in use cannot be deleted."""

    roles: int = 0
    roles_on_deleted_cases: int = 0
    relief_counsel: int = 0

    @property
    def in_use(self) -> bool:
        """Whether anything still refers to the contact."""
        return bool(self.roles or self.relief_counsel)

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
        if self.relief_counsel:
            parts.append(
                f"is counsel on {self.relief_counsel} relief application"
                f"{'s' if self.relief_counsel != 1 else ''}"
            )
        return (
            "This contact cannot be deleted while it "
            + " and ".join(parts)
            + ". Remove it from those cases first, or edit the entry instead."
        )


def usage(contact: Contact) -> Usage:
    """Count the contact's roles on cases (deleted cases included) and the relief applications it is counsel on."""
    row = db.session.execute(
        # count(deleted_at) counts only non-NULL values: the roles on deleted cases
        sa.select(sa.func.count(CaseContact.id), sa.func.count(Person.deleted_at))
        .join(Person, Person.id == CaseContact.person_id)
        .where(CaseContact.contact_id == contact.id)
    ).one()
    relief = db.session.scalar(
        sa.select(sa.func.count(sa.distinct(ReliefCounsel.application_id))).where(
            ReliefCounsel.contact_id == contact.id
        )
    )
    return Usage(roles=row[0], roles_on_deleted_cases=row[1], relief_counsel=relief or 0)

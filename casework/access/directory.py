"""The contacts directory: it belongs to one organization; for every other one its contacts do not exist."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort, has_request_context
from flask_login import current_user

from casework.access.cases import ORG_WIDE_ROLES
from casework.extensions import db
from casework.models import CaseContact, Contact, Person, User

# A directory belongs to one organization: its admins and staff manage it, its volunteers and attorneys
# read it, and for every other organization its contacts do not exist (404).

DIRECTORY_MANAGERS = ORG_WIDE_ROLES


def _signed_in_and_active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.active


def visible_contacts(user: User) -> sa.Select:
    """SELECT of the contacts in this user's organization's directory (add ordering and filters on top)."""
    if not _signed_in_and_active(user):
        return sa.select(Contact).where(sa.false())
    return sa.select(Contact).where(Contact.org_id == user.org_id)


def can_manage_contacts(user: User) -> bool:
    """Whether the user may add, change and delete entries of their organization's directory."""
    return _signed_in_and_active(user) and user.role in DIRECTORY_MANAGERS


def get_contact_or_404(contact_id: int, need: str = "view"):
    """Load a contact of the current user's directory (404 otherwise); need="manage" answers 403 to readers."""
    if need not in ("view", "manage"):
        raise ValueError(f"unknown need {need!r}")
    contact = db.session.scalar(visible_contacts(current_user).where(Contact.id == contact_id))
    if contact is None:
        abort(404)
    if need == "manage" and not can_manage_contacts(current_user):
        abort(403)
    return contact


def linkable_contacts(person: Person, user: User | None = None) -> sa.Select:
    """SELECT of the contacts the user (by default the signed-in one) may link to a case: for a member of the
    owning organization, its directory; for a partner with an edit share, only the contacts already on the
    case (the owner's directory stays the owner's, and never the partner organization's own).

    The caller must already have checked that the user may edit the case."""
    owners = sa.select(Contact).where(Contact.org_id == person.org_id)
    if user is None:
        if (
            not has_request_context()
        ):  # the command line (demo data, imports) acts for the owning organization
            return owners
        user = current_user
    if not getattr(user, "is_authenticated", False):
        return owners.where(sa.false())
    if user.org_id == person.org_id:
        return owners
    on_the_case = sa.select(CaseContact.contact_id).where(CaseContact.person_id == person.id)
    return owners.where(Contact.id.in_(on_the_case))

"""What the account pages and commands read: users by e-mail, organizations by name, admins left."""

from __future__ import annotations

import sqlalchemy as sa

from casework.extensions import db
from casework.models import Organization, Role, User


def normalize_email(email: str) -> str:
    """E-mail addresses are compared case-insensitively, without surrounding spaces."""
    return email.strip().lower()


def user_by_email(email: str) -> User | None:
    """The user who signs in with this e-mail address, active or not."""
    return db.session.scalar(sa.select(User).where(User.email == normalize_email(email)))


def email_taken(email: str) -> bool:
    """Whether some user already signs in with this e-mail."""
    return bool(db.session.scalar(sa.select(sa.func.count()).where(User.email == normalize_email(email))))


def organization_named(name: str) -> Organization | None:
    """The organization with exactly this name, compared case-insensitively."""
    return db.session.scalar(sa.select(Organization).where(sa.func.lower(Organization.name) == name.lower()))


def active_admins(org_id: int) -> int:
    """How many active admins an organization has (it must keep at least one)."""
    count = db.session.scalar(
        sa.select(sa.func.count()).where(
            User.org_id == org_id, User.role == Role.ADMIN, User.active.is_(True)
        )
    )
    return count or 0

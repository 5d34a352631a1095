"""What the people pages read besides the case sections: the team, the shares, the owner, users to choose."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import CaseAssignment, CaseShare, Organization, Person, User


def team_of(person: Person) -> Sequence[CaseAssignment]:
    """The users assigned to a case, in the order they joined."""
    return db.session.scalars(
        sa.select(CaseAssignment)
        .where(CaseAssignment.person_id == person.id)
        .order_by(CaseAssignment.created_at)
    ).all()


def shares_of(person: Person) -> Sequence[CaseShare]:
    """The case's shares with partners, oldest first."""
    return db.session.scalars(
        sa.select(CaseShare).where(CaseShare.person_id == person.id).order_by(CaseShare.created_at)
    ).all()


def owner_of(person: Person) -> Organization | None:
    """The organization that owns the case."""
    return db.session.get(Organization, person.org_id)


def active_colleagues(user: User) -> Sequence[User]:
    """The active users of the user's organization, by name (the "assigned to" filter)."""
    return db.session.scalars(
        access.org_users(user).where(User.active.is_(True)).order_by(User.name, User.email)
    ).all()

"""Reads for tasks: who a task may be assigned to."""

from __future__ import annotations

import sqlalchemy as sa

from casework.extensions import db
from casework.models import Person, User


def assignable_users(person: Person, keep_user_id: int | None = None) -> list[User]:
    """Active users of the case's organization, by name (plus the current assignee, kept when unchanged)."""
    condition = sa.and_(User.org_id == person.org_id, User.active.is_(True))
    if keep_user_id is not None:
        condition = sa.or_(condition, User.id == keep_user_id)
    return list(db.session.scalars(sa.select(User).where(condition).order_by(User.name, User.email)))

"""What the administration pages read: the organization's users, its audit trail, its deleted cases."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa
from sqlalchemy.orm import joinedload

from casework import access
from casework.extensions import db
from casework.forms import day_after
from casework.models import AuditEvent, Organization, Person, User


def organization_of(admin: User) -> Organization:
    """The admin's own organization, as stored now (its settings page edits it)."""
    return db.session.get_one(Organization, admin.org_id)


def users_of_org(admin: User) -> Sequence[User]:
    """The organization's users: active ones first, then by name."""
    return db.session.scalars(
        access.org_users(admin).order_by(User.active.desc(), User.name, User.email)
    ).all()


def users_by_name(admin: User) -> Sequence[User]:
    """The organization's users by name (the audit trail's "who" filter)."""
    return db.session.scalars(access.org_users(admin).order_by(User.name, User.email)).all()


def audit_actions(org_id: int) -> Sequence[str]:
    """The actions that occur in an organization's audit trail, alphabetically."""
    return db.session.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.org_id == org_id).distinct().order_by(AuditEvent.action)
    ).all()


@dataclass(frozen=True)
class AuditFilters:
    """What the audit trail is narrowed to (each None when not used)."""

    actor_id: int | None = None
    person_id: int | None = None
    action: str | None = None
    start: date | None = None
    end: date | None = None


def _filtered(query: sa.Select, filters: AuditFilters) -> sa.Select:
    if filters.actor_id is not None:
        query = query.where(AuditEvent.actor_id == filters.actor_id)
    if filters.person_id:
        query = query.where(AuditEvent.person_id == filters.person_id)
    if filters.action:
        query = query.where(AuditEvent.action == filters.action)
    if filters.start:
        query = query.where(AuditEvent.at >= datetime.combine(filters.start, time.min, UTC))
    if filters.end:
        query = query.where(AuditEvent.at < datetime.combine(day_after(filters.end), time.min, UTC))
    return query


def audit_page(
    org_id: int, filters: AuditFilters, *, before: int | None, size: int
) -> tuple[list[AuditEvent], bool]:
    """One page of the organization's audit trail, newest first, before the event id `before` (keyset);
    and whether more events follow."""
    query = _filtered(sa.select(AuditEvent).where(AuditEvent.org_id == org_id), filters)
    if before:
        query = query.where(AuditEvent.id < before)
    rows = db.session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(size + 1).options(joinedload(AuditEvent.actor))
    ).all()
    return list(rows[:size]), len(rows) > size


def deleted_cases(admin: User) -> Sequence[Person]:
    """The organization's deleted cases, most recently deleted first."""
    return db.session.scalars(access.deleted_people(admin).order_by(Person.deleted_at.desc())).all()

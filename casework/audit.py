"""record(actor, action, obj): an audit row written in the same transaction as the change it describes."""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import Session

from casework.extensions import db
from casework.models import AuditEvent, Person, User


def record(
    actor: User | None,
    action: str,
    obj: object | None = None,
    *,
    fields: Iterable[str] | None = None,
    person: Person | None = None,
    org_id: int | None = None,
    detail: str | None = None,
) -> AuditEvent:
    """Add an audit event to the current transaction. Field names only, never values."""
    if person is None and isinstance(obj, Person):
        person = obj
    if obj is not None and getattr(obj, "id", None) is None:
        db.session.flush()  # the object needs its id before the event can point at it
    if org_id is None:
        if person is not None:
            org_id = person.org_id
        elif obj is not None and hasattr(obj, "org_id"):
            org_id = obj.org_id
        elif actor is not None:
            org_id = actor.org_id
    event_ = AuditEvent(
        actor_id=actor.id if actor is not None else None,
        org_id=org_id,
        action=action,
        object_type=getattr(obj, "__tablename__", None) if obj is not None else None,
        object_id=getattr(obj, "id", None) if obj is not None else None,
        person_id=person.id if person is not None else None,
        fields=",".join(sorted(fields)) if fields else None,
        detail=detail,
    )
    db.session.add(event_)
    return event_


@event.listens_for(Session, "before_flush")
def _audit_is_append_only(session: Session, flush_context, instances) -> None:
    for obj in list(session.dirty) + list(session.deleted):
        if isinstance(obj, AuditEvent) and (obj in session.deleted or session.is_modified(obj)):
            raise sa.exc.InvalidRequestError("audit events are append-only")

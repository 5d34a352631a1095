"""The audit trail: who did what to which object, and when. Names of fields, never their values."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import User
from casework.models.base import Base, utcnow


class AuditEvent(Base):
    """One audited action. Append-only: the ORM refuses updates and deletes of these rows."""

    __tablename__ = "audit_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    # The organization whose trail this event belongs to: the owner of the object, else the actor's.
    org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    action: Mapped[str] = mapped_column(sa.String(50), index=True)
    object_type: Mapped[str | None] = mapped_column(sa.String(50))
    object_id: Mapped[int | None]
    person_id: Mapped[int | None] = mapped_column(index=True)  # the case it concerns, kept after deletion
    fields: Mapped[str | None] = mapped_column(sa.Text)  # comma-separated field names
    detail: Mapped[str | None] = mapped_column(
        sa.String(200)
    )  # a non-personal qualifier (e.g. "bad password")

    actor: Mapped[User | None] = relationship(lazy="raise")

    __table_args__ = (sa.Index("ix_audit_event_org_at", "org_id", "at"),)

    @property
    def field_list(self) -> list[str]:
        return [f for f in (self.fields or "").split(",") if f]

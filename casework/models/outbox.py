"""Outgoing e-mail: waiting to be sent by `flask send-outbox`, or sent and kept a while."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, enum_column, utcnow


class OutboxStatus(LabelledEnum):
    """Where an outgoing e-mail stands."""

    PENDING = "pending"
    SENT = "sent"
    FAILED = "failed"  # gave up after the last retry


class OutboxEmail(Base):
    """An e-mail waiting to be sent (flask send-outbox), or sent and kept a while; the address is encrypted."""

    __tablename__ = "outbox_email"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="SET NULL"), index=True
    )
    purpose: Mapped[str] = mapped_column(sa.String(50))
    to_ct: Mapped[bytes] = mapped_column(sa.LargeBinary)
    subject: Mapped[str] = mapped_column(sa.String(200))
    body: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[OutboxStatus] = mapped_column(enum_column(OutboxStatus), default=OutboxStatus.PENDING)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    next_attempt_at: Mapped[datetime] = mapped_column(default=utcnow)
    sent_at: Mapped[datetime | None]

    __table_args__ = (sa.Index("ix_outbox_email_status_next", "status", "next_attempt_at"),)

    def __repr__(self) -> str:
        return f"<OutboxEmail {self.id} {self.status}>"

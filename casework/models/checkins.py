"""ICE check-ins: scheduled reporting appointments and how they went."""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column


class CheckInOutcome(LabelledEnum):
    """How an ICE check-in went."""

    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    RESCHEDULED = "rescheduled"
    REDETAINED = "redetained"
    MISSED = "missed"

    @property
    def english_label(self) -> str:
        return {
            "scheduled": "Scheduled (not yet held)",
            "attended": "Attended, released the same day",
            "redetained": "Re-detained at the check-in",
        }.get(self.value, super().english_label)


class CheckIn(TimestampMixin, Base):
    """A scheduled reporting appointment with ICE."""

    __tablename__ = "check_in"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scheduled_on: Mapped[date] = mapped_column(index=True)
    scheduled_time: Mapped[time | None]
    office: Mapped[str | None] = mapped_column(sa.String(200))
    outcome: Mapped[CheckInOutcome] = mapped_column(
        enum_column(CheckInOutcome), default=CheckInOutcome.SCHEDULED
    )
    accompanied_by: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    custody_event_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("custody_event.id", ondelete="SET NULL")
    )
    version: Mapped[int] = mapped_column(default=1)

    # What's due and the dashboard count scheduled check-ins by day from this index alone.
    __table_args__ = (sa.Index("ix_check_in_outcome_day", "outcome", "scheduled_on", "person_id"),)
    __mapper_args__ = {"version_id_col": version}

"""The removal case: where the proceedings stand, the order, the stay, and the appeal deadline they give."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column


class RemovalStage(LabelledEnum):
    """Where the removal case stands."""

    NO_PROCEEDINGS = "no_proceedings"
    NTA_ISSUED = "nta_issued"
    HEARINGS = "hearings"
    FINAL_ORDER = "final_order"
    APPEAL = "appeal"
    REOPENED = "reopened"
    TERMINATED = "terminated"

    @property
    def label(self) -> str:
        return {
            "no_proceedings": "No proceedings",
            "nta_issued": "Notice to Appear issued",
            "hearings": "Hearings in immigration court",
            "final_order": "Final order of removal",
            "appeal": "On appeal",
            "reopened": "Reopened",
            "terminated": "Proceedings terminated",
        }[self.value]


class OrderType(LabelledEnum):
    """The kind of order an immigration judge (or DHS) entered."""

    REMOVAL = "removal"
    DEPORTATION = "deportation"
    EXCLUSION = "exclusion"
    STIPULATED = "stipulated"
    ADMINISTRATIVE = "administrative"
    VOLUNTARY_DEPARTURE = "voluntary_departure"


class StayStatus(LabelledEnum):
    """Whether removal is stayed."""

    NONE = "none"
    REQUESTED = "requested"
    GRANTED = "granted"
    DENIED = "denied"
    ENDED = "ended"

    @property
    def label(self) -> str:
        return {"none": "No stay", "ended": "Stay ended"}.get(self.value, super().label)


APPEAL_WINDOW_DAYS = 30  # BIA appeal: 30 calendar days from the immigration judge's decision


class RemovalCase(TimestampMixin, Base):
    """The person's removal proceedings (at most one per person)."""

    __tablename__ = "removal_case"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), unique=True)
    stage: Mapped[RemovalStage] = mapped_column(
        enum_column(RemovalStage), default=RemovalStage.NO_PROCEEDINGS
    )
    court: Mapped[str | None] = mapped_column(sa.String(200))
    nta_date: Mapped[date | None]
    next_hearing_on: Mapped[date | None] = mapped_column(index=True)
    order_date: Mapped[date | None]
    order_type: Mapped[OrderType | None] = mapped_column(enum_column(OrderType))
    stay_status: Mapped[StayStatus] = mapped_column(enum_column(StayStatus), default=StayStatus.NONE)
    stay_granted_on: Mapped[date | None]
    stay_ended_on: Mapped[date | None]
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def appeal_deadline(self) -> date | None:
        """Last day to appeal an immigration judge's order to the BIA."""
        if (
            self.order_date
            and self.stage == RemovalStage.FINAL_ORDER
            and self.order_type != OrderType.STIPULATED
        ):
            return self.order_date + timedelta(days=APPEAL_WINDOW_DAYS)
        return None

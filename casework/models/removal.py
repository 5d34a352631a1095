"""The removal case: where the proceedings stand, the order, the stay, and the appeal deadline they give."""

from __future__ import annotations

from dataclasses import dataclass
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
    def english_label(self) -> str:
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

    @property
    def appealable(self) -> bool:
        """An immigration judge's decision the BIA hears on appeal: not a stipulated order (its appeal is
        waived in the stipulation), not an administrative order (DHS's, no judge)."""
        return self not in (OrderType.STIPULATED, OrderType.ADMINISTRATIVE)


class StayStatus(LabelledEnum):
    """Whether removal is stayed."""

    NONE = "none"
    REQUESTED = "requested"
    GRANTED = "granted"
    DENIED = "denied"
    ENDED = "ended"

    @property
    def english_label(self) -> str:
        return {"none": "No stay", "ended": "Stay ended"}.get(self.value, super().english_label)


APPEAL_WINDOW_DAYS = 30  # BIA appeal: 30 calendar days from the immigration judge's decision


@dataclass(frozen=True)
class AppealDeadline:
    """The last day to appeal an immigration judge's order to the BIA, and the rule that gives it."""

    day: date
    order_date: date

    @property
    def rule(self) -> str:
        """The rule in words, with the order it counts from."""
        return (
            f"{APPEAL_WINDOW_DAYS} days after the immigration judge's order of {self.order_date.isoformat()}"
        )

    @property
    def rule_in_full(self) -> str:
        """The rule, and what a weekend does to it when the last day falls on one."""
        if self.day.weekday() < 5:
            return self.rule
        return f"{self.rule} (a {self.day:%A}: an appeal filed on the next business day is still on time)"


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
    # The person waived appeal at the hearing: the judge's order is final when entered, no appeal deadline.
    appeal_waived: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    # What's due reads hearings by day and appeal deadlines by stage and order date from these alone (each
    # row then costs an index entry, not a table row); the custody clocks a granted stay holds, whatever their
    # dates, from the few cases that have one (clock_bounds.py).
    __table_args__ = (
        sa.Index("ix_removal_case_hearing_person", "next_hearing_on", "person_id"),
        sa.Index("ix_removal_case_stage_order", "stage", "order_date"),
        sa.Index(
            "ix_removal_case_stayed",
            "stage",
            "order_date",
            sqlite_where=sa.text("stay_granted_on IS NOT NULL"),
            postgresql_where=sa.text("stay_granted_on IS NOT NULL"),
        ),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def appeal(self) -> AppealDeadline | None:
        """The BIA appeal deadline while one runs: the case stands at an immigration judge's order (not one
        whose appeal is waived, not a stipulated or administrative order) that has its date. Gone once the
        appeal is filed (stage "On appeal") or the case moves on."""
        if self.stage != RemovalStage.FINAL_ORDER or self.order_date is None or self.appeal_waived:
            return None
        if self.order_type is not None and not OrderType(self.order_type).appealable:
            return None
        return AppealDeadline(self.order_date + timedelta(days=APPEAL_WINDOW_DAYS), self.order_date)

    @property
    def appeal_deadline(self) -> date | None:
        """Last day to appeal an immigration judge's order to the BIA (see `appeal`)."""
        return self.appeal.day if self.appeal else None

    @property
    def no_appeal_reason(self) -> str | None:
        """Why an order on record gives no appeal deadline, in words (None when it gives one, or no order)."""
        if self.stage != RemovalStage.FINAL_ORDER or self.order_date is None:
            return None
        if self.appeal_waived:
            return "Appeal waived: the order was final when the immigration judge entered it."
        if self.order_type == OrderType.STIPULATED:
            return "No BIA appeal: a stipulated order waives appeal."
        if self.order_type == OrderType.ADMINISTRATIVE:
            return "No BIA appeal: an administrative order is DHS's, not an immigration judge's."
        return None

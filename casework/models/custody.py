"""The custody timeline (append-only events) and what is derived from it: the custody state and the
post-order custody clock. `derive_custody` and `custody_clock` are pure functions: no database, no Flask."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, enum_column, utcnow
from casework.models.removal import RemovalCase, RemovalStage, StayStatus


class CustodyKind(LabelledEnum):
    """What happened, in the custody timeline."""

    ICE_ARREST = "ice_arrest"
    BOOKED = "booked"
    TRANSFERRED = "transferred"
    BOND_HEARING = "bond_hearing"
    RELEASED_SUPERVISION = "released_supervision"
    RELEASED_BOND = "released_bond"
    RELEASED_OTHER = "released_other"
    REDETAINED = "redetained"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return {
            "ice_arrest": "ICE arrest",
            "booked": "Booked into detention",
            "transferred": "Transferred to another facility",
            "bond_hearing": "Bond hearing",
            "released_supervision": "Released on an order of supervision",
            "released_bond": "Released on bond",
            "released_other": "Released (other)",
            "redetained": "Re-detained",
            "removed": "Removed from the United States",
        }[self.value]

    @property
    def starts_detention(self) -> bool:
        """Events that put a free person in detention."""
        return self in (CustodyKind.ICE_ARREST, CustodyKind.REDETAINED)

    @property
    def needs_detention(self) -> bool:
        """Events that only make sense while the person is detained."""
        return self in (
            CustodyKind.BOOKED,
            CustodyKind.TRANSFERRED,
            CustodyKind.BOND_HEARING,
            CustodyKind.RELEASED_SUPERVISION,
            CustodyKind.RELEASED_BOND,
            CustodyKind.RELEASED_OTHER,
        )

    @property
    def ends_detention(self) -> bool:
        """Events after which the person is no longer detained."""
        return self in (
            CustodyKind.RELEASED_SUPERVISION,
            CustodyKind.RELEASED_BOND,
            CustodyKind.RELEASED_OTHER,
            CustodyKind.REMOVED,
        )


class CustodyStatus(LabelledEnum):
    """The person's custody today, derived from the timeline."""

    FREE = "free"
    DETAINED = "detained"
    RELEASED = "released"
    REMOVED = "removed"

    @property
    def label(self) -> str:
        return {"free": "Not detained", "released": "Released"}.get(self.value, super().label)


class CustodyEvent(Base):
    """One event of the custody timeline. Append-only: a mistaken entry is voided, never edited."""

    __tablename__ = "custody_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[CustodyKind] = mapped_column(enum_column(CustodyKind))
    occurred_on: Mapped[date]
    facility: Mapped[str | None] = mapped_column(sa.String(200))
    field_office: Mapped[str | None] = mapped_column(sa.String(200))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    voided_at: Mapped[datetime | None]
    voided_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    void_reason: Mapped[str | None] = mapped_column(sa.String(300))

    __table_args__ = (sa.Index("ix_custody_event_person_order", "person_id", "occurred_on", "id"),)


@dataclass(frozen=True)
class CustodyState:
    """Custody derived from a timeline: status, since when, where."""

    status: CustodyStatus
    since: date | None = None
    facility: str | None = None


def derive_custody(events: list[CustodyEvent]) -> CustodyState:
    """Replay the (non-voided) events in order; raise ValueError at the first impossible step."""
    state = CustodyState(CustodyStatus.FREE)
    for event in sorted((e for e in events if e.voided_at is None), key=lambda e: (e.occurred_on, e.id or 0)):
        kind = CustodyKind(event.kind)
        detained = state.status == CustodyStatus.DETAINED
        if state.status == CustodyStatus.REMOVED:
            raise ValueError(f"{kind.label} on {event.occurred_on}: the person was already removed.")
        if kind.starts_detention:
            if detained:
                raise ValueError(
                    f"{kind.label} on {event.occurred_on}: the person was already detained "
                    f"(since {state.since}). Record a transfer instead."
                )
            state = CustodyState(CustodyStatus.DETAINED, event.occurred_on, event.facility)
        elif kind.needs_detention and not detained:
            raise ValueError(
                f"{kind.label} on {event.occurred_on}: the person was not detained then. "
                "Record the ICE arrest or re-detention first, with an earlier date."
            )
        elif kind == CustodyKind.REMOVED:
            state = CustodyState(CustodyStatus.REMOVED, event.occurred_on, None)
        elif kind.ends_detention:
            state = CustodyState(CustodyStatus.RELEASED, event.occurred_on, None)
        elif kind in (CustodyKind.BOOKED, CustodyKind.TRANSFERRED):
            state = CustodyState(CustodyStatus.DETAINED, state.since, event.facility or state.facility)
    return state


@dataclass(frozen=True)
class CustodyClock:
    """The post-order custody clock (Zadvydas): days in custody after a final order, marks at 90 and 180."""

    start: date
    days: int
    paused: bool
    day_90: date
    day_180: date


def custody_clock(
    removal: RemovalCase | None, status: CustodyStatus, since: date | None, today: date
) -> CustodyClock | None:
    """The clock for a detained person with a final order; a stay of removal pauses it."""
    if removal is None or status != CustodyStatus.DETAINED or since is None or removal.order_date is None:
        return None
    if removal.stage not in (RemovalStage.FINAL_ORDER, RemovalStage.APPEAL, RemovalStage.REOPENED):
        return None
    start = max(removal.order_date, since)
    if start > today:
        return None
    paused_days = 0
    paused = False
    if removal.stay_granted_on and removal.stay_status in (StayStatus.GRANTED, StayStatus.ENDED):
        stay_end = removal.stay_ended_on or today
        overlap_from, overlap_to = max(start, removal.stay_granted_on), min(today, stay_end)
        if overlap_to > overlap_from:
            paused_days = (overlap_to - overlap_from).days
        paused = removal.stay_status == StayStatus.GRANTED and removal.stay_ended_on is None
    days = (today - start).days - paused_days
    if paused:
        # the marks move day by day while the stay lasts
        return CustodyClock(
            start,
            days,
            True,
            today + timedelta(days=max(0, 90 - days)),
            today + timedelta(days=max(0, 180 - days)),
        )
    return CustodyClock(
        start,
        days,
        False,
        start + timedelta(days=90 + paused_days),
        start + timedelta(days=180 + paused_days),
    )

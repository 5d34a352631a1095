"""The custody timeline (append-only events) and what is derived from it: the custody state and the
post-order custody clock. `derive_custody` and `custody_clock` are pure functions: no database, no Flask.

Entries may be made in any order: the state is derived by date, so an earlier detention can be recorded
after later entries as long as the timeline, read by date, makes sense."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime
from itertools import groupby, permutations

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, enum_column, utcnow
from casework.models.custody_clock import CustodyClock, Stay, post_order_clock
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
    def english_label(self) -> str:
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
    def english_label(self) -> str:
        return {"free": "Not detained", "released": "Released"}.get(self.value, super().english_label)


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


class TimelineError(ValueError):
    """An entry that cannot follow the entries before it (by date): which one, what is wrong, what to do."""

    def __init__(self, event: CustodyEvent, problem: str, advice: str = ""):
        self.event = event
        self.problem = problem
        label = CustodyKind(event.kind).label
        super().__init__(f"{label} on {event.occurred_on}: {problem}." + (f" {advice}" if advice else ""))


SAME_DAY_ORDERS = 6  # up to this many entries on one day, every order is tried; beyond, the entry order


def _step(state: CustodyState, event: CustodyEvent) -> CustodyState:
    """The state after one event; ValueError, in words, when the event cannot follow that state."""
    kind = CustodyKind(event.kind)
    detained = state.status == CustodyStatus.DETAINED
    if state.status == CustodyStatus.REMOVED:
        raise TimelineError(event, "the person was already removed")
    if kind.starts_detention:
        if detained:
            raise TimelineError(
                event, f"the person was already detained (since {state.since})", "Record a transfer instead."
            )
        return CustodyState(CustodyStatus.DETAINED, event.occurred_on, event.facility)
    if kind.needs_detention and not detained:
        raise TimelineError(
            event,
            "the person was not detained then",
            "Record the ICE arrest or re-detention first, with an earlier date.",
        )
    if kind == CustodyKind.REMOVED:
        return CustodyState(CustodyStatus.REMOVED, event.occurred_on, None)
    if kind.ends_detention:
        return CustodyState(CustodyStatus.RELEASED, event.occurred_on, None)
    if kind in (CustodyKind.BOOKED, CustodyKind.TRANSFERRED):
        return CustodyState(CustodyStatus.DETAINED, state.since, event.facility or state.facility)
    return state


def _replay_day(state: CustodyState, day: list[CustodyEvent]) -> CustodyState:
    """The state after one day's events, in the first order that makes sense (the entry order if it does):
    an arrest and a release entered on the same day, in whichever order, make a detention of one day."""
    orders = permutations(day) if len(day) <= SAME_DAY_ORDERS else iter([tuple(day)])
    errors: list[TimelineError] = []
    for order in orders:
        try:
            after = state
            for event in order:
                after = _step(after, event)
            return after
        except TimelineError as exc:
            errors.append(exc)
    raise errors[0]  # the entry order's error: it names what the user did last


def derive_custody(events: Sequence[CustodyEvent]) -> CustodyState:
    """Replay the (non-voided) events by date, whatever order they were entered in; raise TimelineError (a
    ValueError) at the first day that cannot follow the days before it."""
    standing = sorted((e for e in events if e.voided_at is None), key=lambda e: (e.occurred_on, e.id or 0))
    state = CustodyState(CustodyStatus.FREE)
    for _, day in groupby(standing, key=lambda e: e.occurred_on):
        state = _replay_day(state, list(day))
    return state


CLOCK_STAGES = (RemovalStage.FINAL_ORDER, RemovalStage.APPEAL, RemovalStage.REOPENED)


def custody_clock(
    removal: RemovalCase | None, status: CustodyStatus, since: date | None, today: date
) -> CustodyClock | None:
    """The post-order clock of a detained person under a final order (casework.models.custody_clock); a
    stay of removal pauses it. A final order whose date is not recorded counts from the detention."""
    if removal is None or status != CustodyStatus.DETAINED or since is None:
        return None
    if removal.stage not in CLOCK_STAGES:
        return None
    if removal.order_date is None and removal.stage != RemovalStage.FINAL_ORDER:
        return None
    return post_order_clock(removal.order_date, since, today, stay_of(removal))


def stay_of(removal: RemovalCase) -> Stay | None:
    """The stay of removal that holds the clock, if one was granted."""
    if removal.stay_granted_on is None or removal.stay_status not in (StayStatus.GRANTED, StayStatus.ENDED):
        return None
    return Stay(removal.stay_granted_on, removal.stay_ended_on)

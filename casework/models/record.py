"""The legal record of a case: convictions, the removal case, custody, check-ins and travel documents."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column, utcnow


class TriState(LabelledEnum):
    """Yes, no, or not known (records are often incomplete)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class ConvictionLevel(LabelledEnum):
    """The grade of the offense."""

    FELONY = "felony"
    GROSS_MISDEMEANOR = "gross_misdemeanor"
    MISDEMEANOR = "misdemeanor"
    JUVENILE_ADJUDICATION = "juvenile_adjudication"
    INFRACTION = "infraction"
    OTHER = "other"


class Plea(LabelledEnum):
    """How the conviction came about."""

    PLEA_BARGAIN = "plea_bargain"
    OPEN_PLEA = "open_plea"
    NO_CONTEST = "no_contest"
    TRIAL = "trial"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "plea_bargain": "Plea bargain (guilty plea)",
            "open_plea": "Guilty plea without agreement",
            "no_contest": "No contest (nolo contendere)",
            "trial": "Convicted at trial",
        }.get(self.value, super().label)


class RemovalGround(LabelledEnum):
    """Grounds of removal a conviction may create (INA §237(a)(2) and related)."""

    AGGRAVATED_FELONY = "aggravated_felony"
    FIREARM = "firearm"
    CIMT = "cimt"
    CONTROLLED_SUBSTANCE = "controlled_substance"
    DOMESTIC_VIOLENCE = "domestic_violence"
    OTHER = "other"

    @property
    def label(self) -> str:
        return {
            "cimt": "Crime involving moral turpitude (CIMT)",
            "firearm": "Firearm offense",
            "domestic_violence": "Domestic violence, stalking or child abuse",
        }.get(self.value, super().label)


class Conviction(TimestampMixin, Base):
    """One conviction of the person."""

    __tablename__ = "conviction"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    state: Mapped[str | None] = mapped_column(sa.String(2))
    county: Mapped[str | None] = mapped_column(sa.String(100))
    court: Mapped[str | None] = mapped_column(sa.String(200))
    docket_number: Mapped[str | None] = mapped_column(sa.String(100))
    statute: Mapped[str | None] = mapped_column(sa.String(200))
    offense: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[ConvictionLevel | None] = mapped_column(enum_column(ConvictionLevel))
    offense_date: Mapped[date | None]
    conviction_date: Mapped[date | None]
    plea: Mapped[Plea | None] = mapped_column(enum_column(Plea))
    sentence: Mapped[str | None] = mapped_column(sa.Text)
    time_served: Mapped[str | None] = mapped_column(sa.String(200))
    removal_grounds: Mapped[str | None] = mapped_column(
        sa.String(300)
    )  # comma-separated RemovalGround values
    consequences_advised: Mapped[TriState] = mapped_column(enum_column(TriState), default=TriState.UNKNOWN)
    interpreter_at_plea: Mapped[TriState] = mapped_column(enum_column(TriState), default=TriState.UNKNOWN)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def ground_list(self) -> list[RemovalGround]:
        return [RemovalGround(g) for g in (self.removal_grounds or "").split(",") if g]

    def __repr__(self) -> str:
        return f"<Conviction {self.id}>"


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


class CheckInOutcome(LabelledEnum):
    """How an ICE check-in went."""

    SCHEDULED = "scheduled"
    ATTENDED = "attended"
    RESCHEDULED = "rescheduled"
    REDETAINED = "redetained"
    MISSED = "missed"

    @property
    def label(self) -> str:
        return {
            "scheduled": "Scheduled (not yet held)",
            "attended": "Attended, released the same day",
            "redetained": "Re-detained at the check-in",
        }.get(self.value, super().label)


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

    __mapper_args__ = {"version_id_col": version}


class TravelDocumentOutcome(LabelledEnum):
    """What the consulate decided."""

    PENDING = "pending"
    ISSUED = "issued"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def label(self) -> str:
        return {"pending": "Requested, no decision", "withdrawn": "Request withdrawn"}.get(
            self.value, super().label
        )


REPATRIATION_AGREEMENTS = [
    "Cambodia (2002 memorandum)",
    "Vietnam (2008 agreement: arrivals from 1995)",
    "Vietnam (2020 memorandum: arrivals before 1995)",
    "Laos (no written agreement)",
    "Other or none",
]


class TravelDocument(TimestampMixin, Base):
    """A request by ICE to a consulate for a travel document, and its fate."""

    __tablename__ = "travel_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(sa.String(100))
    agreement: Mapped[str | None] = mapped_column(sa.String(200))
    requested_on: Mapped[date | None]
    interview_on: Mapped[date | None]
    outcome: Mapped[TravelDocumentOutcome] = mapped_column(
        enum_column(TravelDocumentOutcome), default=TravelDocumentOutcome.PENDING
    )
    decided_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    refusal_reason: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

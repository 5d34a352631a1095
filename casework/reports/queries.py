"""The counts behind the reports, grouped in the database over the cases the user may see.

Every query joins the person and keeps only `access.visible_people_filter(user)`: a figure never counts a
case the user could not open (deleted cases, other organizations' cases unless shared, unassigned cases for
roles that see only their own). Rows come back already grouped; Python only orders and labels them.
"""

from __future__ import annotations

from typing import NamedTuple

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import (
    CheckIn,
    CheckInOutcome,
    CustodyEvent,
    CustodyKind,
    CustodyStatus,
    Person,
    ReliefApplication,
    ReliefKind,
    ReliefStatus,
    TravelDocument,
    TravelDocumentOutcome,
    User,
)
from casework.record.custody_queries import DETENTION_STARTS, detained_between
from casework.reports.filters import ReportFilters, month_parts

CUSTODY_ORDER = (CustodyStatus.DETAINED, CustodyStatus.RELEASED, CustodyStatus.FREE, CustodyStatus.REMOVED)
RELEASES = tuple(k for k in CustodyKind if k.ends_detention and k != CustodyKind.REMOVED)
CLOSED = (ReliefStatus.GRANTED, ReliefStatus.DENIED, ReliefStatus.WITHDRAWN)


def _how_many(condition):
    """SUM of 1 for the rows of the group where `condition` holds."""
    return sa.func.coalesce(sa.func.sum(sa.case((condition, 1), else_=0)), 0)


def _month(year, month) -> str:
    return f"{int(year):04d}-{int(month):02d}"


def _visible(user: User, filters: ReportFilters) -> list:
    """The conditions on Person every report starts from: visible to the user, community, case status."""
    return [access.visible_people_filter(user), *filters.on_people()]


# ---------------------------------------------------------------- people by citizenship and custody


class CitizenshipCustody(NamedTuple):
    """How many people of one citizenship are in one custody situation today."""

    citizenship: str | None
    custody: CustodyStatus
    people: int


def people_by_citizenship_and_custody(user: User, filters: ReportFilters) -> list[CitizenshipCustody]:
    """People by country of citizenship and custody today; `start`/`end`: detained at some moment between."""
    query = (
        sa.select(Person.citizenship, Person.custody_status, sa.func.count(Person.id))
        .where(*_visible(user, filters))
        .group_by(Person.citizenship, Person.custody_status)
    )
    if filters.start or filters.end:
        query = query.where(detained_between(filters.start, filters.end))
    rows = [CitizenshipCustody(c, CustodyStatus(s), n) for c, s, n in db.session.execute(query)]
    return sorted(
        rows, key=lambda r: (r.citizenship is None, r.citizenship or "", CUSTODY_ORDER.index(r.custody))
    )


# ---------------------------------------------------------------- travel documents


class TravelMonth(NamedTuple):
    """Travel documents requested in one month from one country, by their outcome today."""

    country: str
    month: str  # YYYY-MM
    requested: int
    issued: int
    refused: int
    withdrawn: int

    @property
    def pending(self) -> int:
        """Requested and not yet decided."""
        return self.requested - self.issued - self.refused - self.withdrawn


def travel_documents_by_month(user: User, filters: ReportFilters) -> list[TravelMonth]:
    """Travel documents by country and month requested (`start`/`end`: requested between), counted under
    their current outcome. Documents without a request date have no month and are not counted here."""
    year, month = month_parts(TravelDocument.requested_on)
    outcome = TravelDocument.outcome
    query = (
        sa.select(
            TravelDocument.country,
            year,
            month,
            sa.func.count(TravelDocument.id),
            _how_many(outcome == TravelDocumentOutcome.ISSUED),
            _how_many(outcome == TravelDocumentOutcome.REFUSED),
            _how_many(outcome == TravelDocumentOutcome.WITHDRAWN),
        )
        .join(Person, Person.id == TravelDocument.person_id)
        .where(
            *_visible(user, filters),
            TravelDocument.requested_on.is_not(None),
            *filters.within(TravelDocument.requested_on),
        )
        .group_by(TravelDocument.country, year, month)
    )
    rows = [
        TravelMonth(country, _month(y, m), int(n), int(i), int(r), int(w))
        for country, y, m, n, i, r, w in db.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r.month, r.country))


def undated_travel_documents(user: User, filters: ReportFilters) -> int:
    """How many visible travel documents have no request date (left out of the months)."""
    return (
        db.session.scalar(
            sa.select(sa.func.count(TravelDocument.id))
            .join(Person, Person.id == TravelDocument.person_id)
            .where(*_visible(user, filters), TravelDocument.requested_on.is_(None))
        )
        or 0
    )


# ---------------------------------------------------------------- detentions, releases, removals


class CustodyMonth(NamedTuple):
    """Detentions, releases and removals of one month among people of one citizenship."""

    country: str | None
    month: str  # YYYY-MM
    detentions: int
    releases: int
    removals: int


def custody_events_by_month(user: User, filters: ReportFilters) -> list[CustodyMonth]:
    """From the custody timelines (voided entries left out): arrests and re-detentions, releases and
    removals, by month and the person's country of citizenship (`start`/`end`: the events' days)."""
    year, month = month_parts(CustodyEvent.occurred_on)
    kind = CustodyEvent.kind
    query = (
        sa.select(
            Person.citizenship,
            year,
            month,
            _how_many(kind.in_(DETENTION_STARTS)),
            _how_many(kind.in_(RELEASES)),
            _how_many(kind == CustodyKind.REMOVED),
        )
        .join(Person, Person.id == CustodyEvent.person_id)
        .where(
            *_visible(user, filters),
            CustodyEvent.voided_at.is_(None),
            kind.in_(DETENTION_STARTS + RELEASES + (CustodyKind.REMOVED,)),
            *filters.within(CustodyEvent.occurred_on),
        )
        .group_by(Person.citizenship, year, month)
    )
    rows = [
        CustodyMonth(c, _month(y, m), int(d), int(r), int(x))
        for c, y, m, d, r, x in db.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r.month, r.country is None, r.country or ""))


# ---------------------------------------------------------------- relief applications


class ReliefCount(NamedTuple):
    """Applications of one kind, in one jurisdiction, at one status."""

    kind: ReliefKind
    jurisdiction: str
    status: ReliefStatus
    applications: int


class ReliefYear(NamedTuple):
    """Applications closed with a decision dated in one year (None: the decision date is not recorded)."""

    year: int | None
    granted: int
    denied: int
    withdrawn: int


def relief_by_kind_and_status(user: User, filters: ReportFilters) -> list[ReliefCount]:
    """Relief applications by kind, jurisdiction and status."""
    query = (
        sa.select(
            ReliefApplication.kind,
            ReliefApplication.jurisdiction,
            ReliefApplication.status,
            sa.func.count(ReliefApplication.id),
        )
        .join(Person, Person.id == ReliefApplication.person_id)
        .where(*_visible(user, filters))
        .group_by(ReliefApplication.kind, ReliefApplication.jurisdiction, ReliefApplication.status)
    )
    statuses = list(ReliefStatus)
    rows = [ReliefCount(ReliefKind(k), j, ReliefStatus(s), n) for k, j, s, n in db.session.execute(query)]
    return sorted(rows, key=lambda r: (r.kind.label, r.jurisdiction, statuses.index(r.status)))


def relief_outcomes_by_year(user: User, filters: ReportFilters) -> list[ReliefYear]:
    """Closed applications (granted, denied, withdrawn) by the year of their decision."""
    year = sa.extract("year", ReliefApplication.decided_on)
    status = ReliefApplication.status
    query = (
        sa.select(
            year,
            _how_many(status == ReliefStatus.GRANTED),
            _how_many(status == ReliefStatus.DENIED),
            _how_many(status == ReliefStatus.WITHDRAWN),
        )
        .join(Person, Person.id == ReliefApplication.person_id)
        .where(*_visible(user, filters), status.in_(CLOSED))
        .group_by(year)
    )
    rows = [
        ReliefYear(int(y) if y is not None else None, int(g), int(d), int(w))
        for y, g, d, w in db.session.execute(query)
    ]
    return sorted(rows, key=lambda r: (r.year is None, r.year or 0))


# ---------------------------------------------------------------- check-ins


class OfficeCheckIns(NamedTuple):
    """Check-ins at one ICE office, by how they went."""

    office: str | None
    check_ins: int
    attended: int
    rescheduled: int
    missed: int
    redetained: int
    scheduled: int


def check_ins_by_office(user: User, filters: ReportFilters) -> list[OfficeCheckIns]:
    """Check-ins by office (`start`/`end`: their days), with the re-detentions at a check-in."""
    outcome = CheckIn.outcome
    query = (
        sa.select(
            CheckIn.office,
            sa.func.count(CheckIn.id),
            _how_many(outcome == CheckInOutcome.ATTENDED),
            _how_many(outcome == CheckInOutcome.RESCHEDULED),
            _how_many(outcome == CheckInOutcome.MISSED),
            _how_many(outcome == CheckInOutcome.REDETAINED),
            _how_many(outcome == CheckInOutcome.SCHEDULED),
        )
        .join(Person, Person.id == CheckIn.person_id)
        .where(*_visible(user, filters), *filters.within(CheckIn.scheduled_on))
        .group_by(CheckIn.office)
    )
    rows = [OfficeCheckIns(o, *(int(v) for v in counts)) for o, *counts in db.session.execute(query)]
    return sorted(rows, key=lambda r: (-r.check_ins, r.office is None, r.office or ""))

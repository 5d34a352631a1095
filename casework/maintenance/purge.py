"""Retention: purge closed cases and old audit events as each organization's policy says.

A case is due when it is closed with a closing day (`outcome_on`) at least `purge_closed_after_years` years
ago and is not on legal hold. Its row goes with everything it holds (the database cascades every table that
hangs off a case; the petitions' signatures are deleted first, by name, since they are what signers trusted
us with), its documents' files are removed after the commit, and an audit tombstone ("person.purged", the
case id only) stays. Each case is one transaction: one that fails is reported and the others go on.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from casework import audit, clock, unit_of_work
from casework.documents import storage
from casework.extensions import db
from casework.locking import lock_row
from casework.models import AuditEvent, Document, Organization, Person, Petition, Signature
from casework.models.base import utcnow
from casework.people.operations import CLOSED_STATUSES

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class DueCase:
    """A case the policy purges: its id and closing day, never a name."""

    org_id: int
    person_id: int
    closed_on: date


@dataclass(frozen=True)
class DueAudit:
    """The audit events of one organization older than its policy keeps."""

    org_id: int
    before: datetime
    count: int


@dataclass
class PurgeReport:
    """What a purge (or a dry run) found and did."""

    cases: list[DueCase] = field(default_factory=list)
    audits: list[DueAudit] = field(default_factory=list)
    failed: list[tuple[DueCase, str]] = field(default_factory=list)
    failed_audits: list[DueAudit] = field(default_factory=list)


def years_before(day: date, years: int) -> date:
    """The same day `years` years earlier (29 February becomes the 28th)."""
    try:
        return day.replace(year=day.year - years)
    except ValueError:
        return day.replace(year=day.year - years, day=28)


def _due_cases(org: Organization, today: date) -> list[DueCase]:
    if org.purge_closed_after_years is None:
        return []
    last_day = years_before(today, org.purge_closed_after_years)
    rows = db.session.execute(
        sa.select(Person.id, Person.outcome_on)
        .where(
            Person.org_id == org.id,
            Person.case_status.in_(CLOSED_STATUSES),
            Person.outcome_on.is_not(None),
            Person.outcome_on <= last_day,
            Person.legal_hold.is_(False),
        )
        .order_by(Person.id)
    )
    return [DueCase(org.id, person_id, closed_on) for person_id, closed_on in rows if closed_on is not None]


def _due_audit(org: Organization, now: datetime) -> DueAudit | None:
    if org.audit_retention_years is None:
        return None
    day = years_before(now.date(), org.audit_retention_years)
    before = datetime.combine(day, time(), tzinfo=UTC)
    count = db.session.scalar(
        sa.select(sa.func.count()).where(AuditEvent.org_id == org.id, AuditEvent.at < before)
    )
    return DueAudit(org.id, before, count or 0)


def find_due(now: datetime | None = None) -> PurgeReport:
    """Every case and audit event the organizations' policies purge now; reads only."""
    # A case closes on a calendar day, counted from the application's today; audit events carry UTC times.
    today = now.date() if now else clock.today()
    now = now or utcnow()
    report = PurgeReport()
    orgs = db.session.scalars(sa.select(Organization).order_by(Organization.id)).all()
    for org in orgs:
        report.cases.extend(_due_cases(org, today))
        due_audit = _due_audit(org, now)
        if due_audit is not None and due_audit.count:
            report.audits.append(due_audit)
    return report


def _still_due(case: DueCase) -> bool:
    """Read again under the row's lock: a hold placed or a case reopened since the listing wins."""
    lock_row(Person, case.person_id)
    row = db.session.execute(
        sa.select(Person.case_status, Person.outcome_on, Person.legal_hold).where(Person.id == case.person_id)
    ).first()
    return (
        row is not None
        and row.case_status in CLOSED_STATUSES
        and row.outcome_on == case.closed_on
        and not row.legal_hold
    )


def purge_case(case: DueCase) -> bool:
    """Delete one case and all it holds, leave a tombstone; files go after the commit. Call inside a
    transaction. False when the case is no longer due."""
    if not _still_due(case):
        return False
    files = db.session.scalars(sa.select(Document.storage_name).where(Document.person_id == case.person_id))
    storage_names = list(files)
    petitions = sa.select(Petition.id).where(Petition.person_id == case.person_id)
    db.session.execute(sa.delete(Signature).where(Signature.petition_id.in_(petitions)))
    # Every other table of a case has ON DELETE CASCADE to the person (tests/test_retention.py checks it).
    db.session.execute(sa.delete(Person).where(Person.id == case.person_id))
    tombstone = audit.record(None, "person.purged", org_id=case.org_id)
    tombstone.object_type, tombstone.object_id = Person.__tablename__, case.person_id
    tombstone.person_id = case.person_id
    db.session.flush()
    for name in storage_names:
        unit_of_work.after_commit(_file_remover(name))
    return True


def _file_remover(storage_name: str) -> Callable[[], None]:
    return lambda: storage.remove(storage_name)


def purge_audit(due: DueAudit) -> int:
    """Delete the organization's audit events older than its policy keeps. Call inside a transaction."""
    result = db.session.execute(
        sa.delete(AuditEvent).where(AuditEvent.org_id == due.org_id, AuditEvent.at < due.before)
    )
    return int(getattr(result, "rowcount", 0) or 0)


def run_purge(now: datetime | None = None) -> PurgeReport:
    """Purge every due case (one transaction each, failures reported) and then the old audit events."""
    with unit_of_work.transaction():
        found = find_due(now)
    report = PurgeReport()
    for case in found.cases:
        try:
            with unit_of_work.transaction():
                purged = purge_case(case)
        except Exception as exc:  # one case that cannot go must not keep the others
            log.exception("purge of case %s failed", case.person_id)
            report.failed.append((case, type(exc).__name__))
            continue
        if purged:
            report.cases.append(case)
    for due in found.audits:
        try:
            with unit_of_work.transaction():
                count = purge_audit(due)
        except Exception:
            log.exception("audit retention of organization %s failed", due.org_id)
            report.failed_audits.append(due)
            continue
        report.audits.append(DueAudit(due.org_id, due.before, count))
    return report

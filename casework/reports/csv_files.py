"""The reports as CSV: fixed header columns (a contract for whoever reads them), one row per group, every cell
made safe for spreadsheets, and an audit record naming the report (never a figure or a filter value).

Codes, not labels: custody is detained, released, never_detained or removed; relief kinds and statuses are
their stored values; a month is YYYY-MM; an unknown country, office or year is an empty cell.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from casework.csv_safe import safe_cell
from casework.models import CustodyStatus, User
from casework.reports import operations, queries
from casework.reports.filters import ReportFilters
from casework.reports.pages import (
    CHECK_INS_REPORT,
    CITIZENSHIP_CUSTODY,
    CUSTODY_EVENTS,
    RELIEF,
    TRAVEL_DOCUMENTS,
    Report,
)

CUSTODY_CODES = {
    CustodyStatus.DETAINED: "detained",
    CustodyStatus.RELEASED: "released",
    CustodyStatus.FREE: "never_detained",
    CustodyStatus.REMOVED: "removed",
}


@dataclass(frozen=True)
class CsvFile:
    """One CSV download: its name (the file name without .csv), its report, its header and its rows."""

    name: str
    report: Report
    header: tuple[str, ...]
    rows: Callable[[User, ReportFilters], Iterable[tuple]]


def _citizenship_custody(user: User, filters: ReportFilters):
    for r in queries.people_by_citizenship_and_custody(user, filters):
        yield (r.citizenship, CUSTODY_CODES[r.custody], r.people)


def _travel_documents(user: User, filters: ReportFilters):
    for r in queries.travel_documents_by_month(user, filters):
        yield (r.country, r.month, r.requested, r.issued, r.refused, r.withdrawn)


def _custody_events(user: User, filters: ReportFilters):
    for r in queries.custody_events_by_month(user, filters):
        yield (r.country, r.month, r.detentions, r.releases, r.removals)


def _relief(user: User, filters: ReportFilters):
    for r in queries.relief_by_kind_and_status(user, filters):
        yield (r.kind.value, r.jurisdiction, r.status.value, r.applications)


def _relief_outcomes(user: User, filters: ReportFilters):
    for r in queries.relief_outcomes_by_year(user, filters):
        yield (r.year, r.granted, r.denied, r.withdrawn)


def _check_ins(user: User, filters: ReportFilters):
    for r in queries.check_ins_by_office(user, filters):
        yield (r.office, r.check_ins, r.attended, r.rescheduled, r.missed, r.redetained, r.scheduled)


FILES = {
    f.name: f
    for f in (
        CsvFile(
            "people-by-citizenship-and-custody",
            CITIZENSHIP_CUSTODY,
            ("citizenship", "custody", "people"),
            _citizenship_custody,
        ),
        CsvFile(
            "travel-documents",
            TRAVEL_DOCUMENTS,
            ("country", "month", "requested", "issued", "refused", "withdrawn"),
            _travel_documents,
        ),
        CsvFile(
            "custody-events",
            CUSTODY_EVENTS,
            ("country", "month", "detentions", "releases", "removals"),
            _custody_events,
        ),
        CsvFile("relief-applications", RELIEF, ("kind", "jurisdiction", "status", "applications"), _relief),
        CsvFile("relief-decisions", RELIEF, ("year", "granted", "denied", "withdrawn"), _relief_outcomes),
        CsvFile(
            "check-ins",
            CHECK_INS_REPORT,
            ("office", "check_ins", "attended", "rescheduled", "missed", "redetained", "scheduled"),
            _check_ins,
        ),
    )
}


def csv_text(user: User, file: CsvFile, filters: ReportFilters) -> str:
    """The CSV of one report under its filters (audited: the report's name, never its figures)."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(file.header)
    for row in file.rows(user, filters):
        writer.writerow([safe_cell(value) for value in row])
    operations.record_export(user, file.name, filtered=filters.any)
    return out.getvalue()

"""The reports: what each one asks, how it is filtered, and the table and chart its page shows.

Each builder takes the user and the validated filters, reads the grouped counts (casework.reports.queries)
and returns its template's context: the table's rows and totals and the chart's geometry.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from casework.models import CheckInOutcome, CustodyStatus, ReliefStatus, User
from casework.reports import queries
from casework.reports.charts import Series, bar_chart, column_chart, periods
from casework.reports.filters import ReportFilters

NOT_RECORDED = "Not recorded"

CUSTODY = (
    Series(CustodyStatus.DETAINED.value, "Detained", "#d55e00"),
    Series(CustodyStatus.RELEASED.value, "Released on supervision or bond", "#0072b2"),
    Series(CustodyStatus.FREE.value, "Never detained", "#9aaab3"),
    Series(CustodyStatus.REMOVED.value, "Removed", "#3b3b3b"),
)
TRAVEL = (
    Series("issued", "Issued", "#d55e00"),
    Series("refused", "Refused", "#009e73"),
    Series("withdrawn", "Withdrawn", "#56b4e9"),
    Series("pending", "No decision yet", "#b8c2c8"),
)
MOVES = (
    Series("detentions", "Detentions", "#d55e00"),
    Series("releases", "Releases", "#0072b2"),
    Series("removals", "Removals", "#3b3b3b"),
)
OUTCOMES = (
    Series(ReliefStatus.GRANTED.value, "Granted", "#009e73"),
    Series(ReliefStatus.DENIED.value, "Denied", "#d55e00"),
    Series(ReliefStatus.WITHDRAWN.value, "Withdrawn", "#b8c2c8"),
)
CHECK_INS = (
    Series(CheckInOutcome.ATTENDED.value, "Attended", "#009e73"),
    Series(CheckInOutcome.RESCHEDULED.value, "Rescheduled", "#56b4e9"),
    Series(CheckInOutcome.MISSED.value, "Missed", "#e69f00"),
    Series(CheckInOutcome.REDETAINED.value, "Re-detained", "#d55e00"),
    Series(CheckInOutcome.SCHEDULED.value, "Not yet held", "#b8c2c8"),
)


@dataclass(frozen=True)
class Report:
    """One report: its page and CSV endpoints, its question, and the meaning of its two days."""

    endpoint: str  # the page's endpoint in the reports blueprint
    title: str
    question: str
    build: Callable[[User, ReportFilters], dict]
    dates: tuple[str, str] | None = None  # labels of the first and last day, None: no day filter
    dates_help: str = ""
    csv_files: tuple[tuple[str, str], ...] = ()  # (CSV endpoint, button label)

    @property
    def template(self) -> str:
        return f"reports/{self.endpoint}.html"


def _totals(rows: list[dict], keys) -> dict:
    return {k: sum(r[k] for r in rows) for k in keys}


def citizenship_custody(user: User, filters: ReportFilters) -> dict:
    """People by country of citizenship (rows) and custody today (columns)."""
    by_country: dict[str, dict] = {}
    for row in queries.people_by_citizenship_and_custody(user, filters):
        label = row.citizenship or NOT_RECORDED
        counts = by_country.setdefault(label, {"label": label, **{s.key: 0 for s in CUSTODY}})
        counts[row.custody.value] += row.people
    rows = list(by_country.values())
    for r in rows:
        r["total"] = sum(r[s.key] for s in CUSTODY)
    rows.sort(key=lambda r: (-r["total"], r["label"] == NOT_RECORDED, r["label"]))
    chart = bar_chart(
        "People by country of citizenship and custody", [(r["label"], r) for r in rows], CUSTODY, "people"
    )
    return {
        "rows": rows,
        "columns": CUSTODY,
        "totals": _totals(rows, [s.key for s in CUSTODY] + ["total"]),
        "chart": chart,
    }


def travel_documents(user: User, filters: ReportFilters) -> dict:
    """Travel documents by month requested and country, under their outcome today."""
    rows = queries.travel_documents_by_month(user, filters)
    by_month: dict[str, dict[str, int]] = {}
    for r in rows:
        month = by_month.setdefault(r.month, {s.key: 0 for s in TRAVEL} | {"requested": 0})
        for key in ("requested", "issued", "refused", "withdrawn", "pending"):
            month[key] += getattr(r, key)
    unit, columns = periods(by_month)
    chart = column_chart(
        f"Travel documents requested each {unit}, by outcome today", columns, TRAVEL, "documents"
    )
    busiest = max(by_month.items(), key=lambda kv: (kv[1]["requested"], kv[0]), default=None)
    keys = ("requested", "issued", "refused", "withdrawn", "pending")
    totals = {k: sum(getattr(r, k) for r in rows) for k in keys}
    undated = 0 if filters.start or filters.end else queries.undated_travel_documents(user, filters)
    return {
        "rows": rows,
        "totals": totals,
        "chart": chart,
        "busiest": busiest,
        "undated": undated,
        "months": len(by_month),
    }


def custody_events(user: User, filters: ReportFilters) -> dict:
    """Detentions, releases and removals by month and country of citizenship."""
    rows = queries.custody_events_by_month(user, filters)
    by_month: dict[str, dict[str, int]] = {}
    for r in rows:
        month = by_month.setdefault(r.month, {s.key: 0 for s in MOVES})
        for s in MOVES:
            month[s.key] += getattr(r, s.key)
    unit, columns = periods(by_month)
    chart = column_chart(
        f"Detentions, releases and removals each {unit}", columns, MOVES, "people", stacked=False
    )
    totals = {s.key: sum(getattr(r, s.key) for r in rows) for s in MOVES}
    return {"rows": rows, "totals": totals, "chart": chart, "not_recorded": NOT_RECORDED}


def relief(user: User, filters: ReportFilters) -> dict:
    """Relief applications by kind, jurisdiction and status; decisions by year."""
    grouped: dict[tuple, dict] = {}
    for r in queries.relief_by_kind_and_status(user, filters):
        row = grouped.setdefault((r.kind, r.jurisdiction), {"kind": r.kind, "jurisdiction": r.jurisdiction})
        row[r.status.value] = r.applications
    rows = list(grouped.values())
    for row in rows:
        row["total"] = sum(row.get(s.value, 0) for s in ReliefStatus)
    statuses = [s for s in ReliefStatus if any(row.get(s.value) for row in rows)]
    years = queries.relief_outcomes_by_year(user, filters)
    dated = {str(y.year): y._asdict() for y in years if y.year is not None}
    span = [str(y) for y in range(min(map(int, dated)), max(map(int, dated)) + 1)] if dated else []
    chart = column_chart(
        "Decisions on relief applications by year",
        [(y, dated.get(y, {})) for y in span],
        OUTCOMES,
        "applications",
    )
    return {
        "rows": rows,
        "statuses": statuses,
        "total": sum(r["total"] for r in rows),
        "years": years,
        "outcomes": OUTCOMES,
        "chart": chart,
    }


def check_ins(user: User, filters: ReportFilters) -> dict:
    """Check-ins by ICE office and how they went, re-detentions first among them."""
    rows = queries.check_ins_by_office(user, filters)
    chart = bar_chart(
        "Check-ins by office and how they went",
        [(r.office or NOT_RECORDED, r._asdict()) for r in rows],
        CHECK_INS,
        "check-ins",
    )
    keys = ("check_ins", "attended", "rescheduled", "missed", "redetained", "scheduled")
    totals = {k: sum(getattr(r, k) for r in rows) for k in keys}
    return {"rows": rows, "totals": totals, "chart": chart, "not_recorded": NOT_RECORDED}


CITIZENSHIP_CUSTODY = Report(
    endpoint="citizenship_custody",
    title="People by citizenship and custody",
    question="How many people of each country of citizenship are detained, released, never detained or removed?",
    build=citizenship_custody,
    dates=("Detained from", "Detained to"),
    dates_help="Only people held at some moment between the two days (by their custody timeline); one day "
    "alone leaves that end open.",
    csv_files=(("citizenship_custody_csv", "Download CSV"),),
)
TRAVEL_DOCUMENTS = Report(
    endpoint="travel_documents",
    title="Travel documents by month",
    question="How many travel documents were requested each month, from which country, and what became of them?",
    build=travel_documents,
    dates=("Requested from", "Requested to"),
    dates_help="Documents requested between the two days; one day alone leaves that end open.",
    csv_files=(("travel_documents_csv", "Download CSV"),),
)
CUSTODY_EVENTS = Report(
    endpoint="custody_events",
    title="Detentions, releases and removals",
    question="How many people were detained, released or removed each month, by country of citizenship?",
    build=custody_events,
    dates=("From", "To"),
    dates_help="Custody events dated between the two days; one day alone leaves that end open.",
    csv_files=(("custody_events_csv", "Download CSV"),),
)
RELIEF = Report(
    endpoint="relief",
    title="Relief applications",
    question="Which relief is sought where, where do the applications stand, and how were they decided each year?",
    build=relief,
    csv_files=(
        ("relief_csv", "Download applications CSV"),
        ("relief_outcomes_csv", "Download decisions CSV"),
    ),
)
CHECK_INS_REPORT = Report(
    endpoint="check_ins",
    title="Check-ins by office",
    question="How do check-ins go at each ICE office, and how many ended in a re-detention?",
    build=check_ins,
    dates=("From", "To"),
    dates_help="Check-ins scheduled between the two days; one day alone leaves that end open.",
    csv_files=(("check_ins_csv", "Download CSV"),),
)

REPORTS = {
    r.endpoint: r for r in (CITIZENSHIP_CUSTODY, TRAVEL_DOCUMENTS, CUSTODY_EVENTS, RELIEF, CHECK_INS_REPORT)
}

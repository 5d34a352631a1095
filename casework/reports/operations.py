"""Reading a report is audited like any other read of case data: the report's name, never a figure and never a
filter value (a community or a date could narrow a count down to one person)."""

from __future__ import annotations

from casework import audit
from casework.models import User


def record_view(user: User, report: str, *, filtered: bool) -> None:
    """A report page was read."""
    audit.record(user, "report.viewed", None, detail=_detail(report, filtered))


def record_export(user: User, report: str, *, filtered: bool) -> None:
    """A report was downloaded as CSV."""
    audit.record(user, "report.exported", None, detail=_detail(report, filtered) + ", csv")


def _detail(report: str, filtered: bool) -> str:
    return report + (", filtered" if filtered else "")

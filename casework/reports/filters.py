"""What a report is filtered by: the people's community and case status, and a span of days.

The filters hold no name and no number, only a community, a status and dates: they may travel in the query
string (bookmarkable reports, CSV links that follow the page).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

import sqlalchemy as sa

from casework.models import CaseStatus, Person


@dataclass(frozen=True)
class ReportFilters:
    """The filters of one report; `start`/`end` are the report's own days (detained, requested...)."""

    community: str | None = None
    case_status: CaseStatus | None = None
    start: date | None = None
    end: date | None = None

    def on_people(self) -> list:
        """SQL conditions on Person for the community and case status."""
        conditions: list = []
        if self.community:
            conditions.append(Person.community == self.community)
        if self.case_status:
            conditions.append(Person.case_status == self.case_status)
        return conditions

    def within(self, column) -> list:
        """SQL conditions keeping `column` (a date) between `start` and `end`, both included."""
        conditions: list = []
        if self.start is not None:
            conditions.append(column >= self.start)
        if self.end is not None:
            conditions.append(column <= self.end)
        return conditions

    def query_args(self) -> dict[str, str]:
        """The filters as query-string arguments (the CSV link of a filtered page follows it)."""
        args = {
            "community": self.community or "",
            "case_status": self.case_status.value if self.case_status else "",
            "start": self.start.isoformat() if self.start else "",
            "end": self.end.isoformat() if self.end else "",
        }
        return {k: v for k, v in args.items() if v}

    @property
    def any(self) -> bool:
        """Whether any filter is set."""
        return bool(self.query_args())


NO_FILTERS = ReportFilters()


def month_parts(column):
    """(year, month) of a date column as SQL integers, on SQLite and PostgreSQL alike."""
    return sa.extract("year", column), sa.extract("month", column)

"""The people list as CSV: the current search and filters, the columns the user's role may see."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import sqlalchemy as sa

from casework import access, audit
from casework.csv_safe import safe_cell
from casework.extensions import db
from casework.models import Person, User
from casework.models.people import a_number_display
from casework.people import search

NAMES = [
    ("Case", "id"),
    ("Legal name", "legal_name"),
    ("Preferred name", "preferred_name"),
    ("Name in native script", "native_name"),
]
A_NUMBER = [("A-number", "a_number_display")]
DETAILS = [
    ("Citizenship", "citizenship"),
    ("Community", "community"),
    ("City", "city"),
    ("State", "state"),
    ("Case status", "case_status"),
    ("Outcome", "outcome"),
    ("Custody", "custody_status"),
    ("Custody since", "custody_since"),
    ("Immigration status", "immigration_status"),
    ("Arrived", "arrival_date"),
]


def columns_for(user: User) -> list[tuple[str, str]]:
    """(header, attribute) of each column; the A-number only for those who may see it."""
    return NAMES + (A_NUMBER if access.can(user, "see_a_number") else []) + DETAILS


BATCH = 1000  # rows read, written and sent at a time: memory stays flat whatever the number of people


def _encode(rows: list[list[str]]) -> str:
    out = io.StringIO()
    csv.writer(out).writerows(rows)
    return out.getvalue()


def people_csv(user: User, filters: dict) -> Iterator[str]:
    """The people the user may see under the list's filters, sorted by name, as CSV text in chunks.

    Audited when called (with the number of rows); the rows are then read and sent a batch at a time, only the
    columns the CSV shows (through the ORM's columns, so their types decode them), never whole objects."""
    columns = columns_for(user)
    query = search.filtered(user, filters)
    count = db.session.scalar(query.with_only_columns(sa.func.count(), maintain_column_froms=True))
    audit.record(user, "people.exported", None, detail=f"csv, {count} rows")
    # A shared case's A-number is left blank (and not even read) unless its share includes it.
    selected = [
        access.a_number_shown(user) if attr == "a_number_display" else getattr(Person, attr)
        for _, attr in columns
    ]
    rows = query.with_only_columns(*selected, maintain_column_froms=True).order_by(
        search.SORTS["name"][0][0], search.SORTS["name"][0][1]
    )
    attrs = [attr for _, attr in columns]
    a_number_at = attrs.index("a_number_display") if "a_number_display" in attrs else None
    return _chunks([label for label, _ in columns], rows, a_number_at)


def _chunks(header: list[str], query: sa.Select, a_number_at: int | None) -> Iterator[str]:
    yield _encode([header])
    batch: list[list[str]] = []
    for row in db.session.execute(query.execution_options(yield_per=BATCH)):
        values = list(row)
        if a_number_at is not None:
            values[a_number_at] = a_number_display(values[a_number_at])
        batch.append([safe_cell(value) for value in values])
        if len(batch) == BATCH:
            yield _encode(batch)
            batch = []
    if batch:
        yield _encode(batch)

"""The people list as CSV: the current search and filters, the columns the user's role may see."""

from __future__ import annotations

import csv
import io

from casework import access, audit
from casework.csv_safe import safe_cell
from casework.extensions import db
from casework.models import User
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


def people_csv(user: User, filters: dict) -> str:
    """The people the user may see under the list's filters, sorted by name, as CSV text (audited)."""
    columns = columns_for(user)
    query = search.filtered(user, filters).order_by(search.SORTS["name"][0][0], search.SORTS["name"][0][1])
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for label, _ in columns])
    count = 0
    # A shared case's A-number is left blank unless its share includes it.
    query = query.add_columns(access.a_number_visible(user).label("a_number_visible"))
    for person, a_number_visible in db.session.execute(query.execution_options(yield_per=1000)):
        writer.writerow(
            [
                safe_cell(getattr(person, attr) if attr != "a_number_display" or a_number_visible else None)
                for _, attr in columns
            ]
        )
        count += 1
    audit.record(user, "people.exported", None, detail=f"csv, {count} rows")
    return out.getvalue()

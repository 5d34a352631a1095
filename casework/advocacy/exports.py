"""The advocacy log as CSV: the filtered list, every cell safe from spreadsheet formulas."""

from __future__ import annotations

import csv
import io

from casework.advocacy.search import CSV_HEADER, csv_rows
from casework.csv_safe import safe_cell
from casework.models import User


def log_csv(user: User, filters: dict) -> tuple[str, int]:
    """(the CSV text, how many events it holds) for the user's filtered log."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    found = csv_rows(user, filters)
    for row in found.rows:
        writer.writerow([safe_cell(cell) for cell in row])
    return out.getvalue(), found.count

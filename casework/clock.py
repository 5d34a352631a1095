"""today(): the one place the application asks what day it is (due dates, overdue, What's due, retention).

The day is the server's local date, asked at run time, never kept at import. UTC timestamps (created_at,
audit times, expiries measured in hours) come from `models.base.utcnow` and are not days. The test suite
pins the day for a whole run (`pinned`), so that a run crossing midnight sees one day throughout; a server
never pins it. Imports nothing from casework: models may use it.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

_pinned: date | None = None


def today() -> date:
    """The server's local date, or the pinned day while one is pinned."""
    return _pinned if _pinned is not None else date.today()


@contextmanager
def pinned(day: date) -> Iterator[date]:
    """Make `today()` answer `day` inside the block, in every thread (a test's live server too)."""
    global _pinned
    before, _pinned = _pinned, day
    try:
        yield day
    finally:
        _pinned = before

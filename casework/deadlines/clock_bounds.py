"""Which detained people's post-order custody clocks can have a mark for What's due today, decided by the
database from stored dates, so that only those clocks are computed (casework.models.custody_clock)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from casework.models import Person, RemovalCase
from casework.models.custody_clock import MARKS, NOTICE_DAYS


def clock_candidates(today: date) -> tuple[sa.ColumnElement[bool], ...]:
    """What the database can rule out before the clock is computed in Python (the result is the same): the
    clock starts on the later of the final order and the detention, and without a stay a mark falls exactly
    its day after that start (a stay only moves it later). A mark is listed in the NOTICE_DAYS before it falls
    and never once it has passed, so without a stay only a clock that started between (day) and (day -
    NOTICE_DAYS) days ago can list that mark; with a stay, any clock that started at least (first mark -
    NOTICE_DAYS) days ago may."""

    def starts_by(day: date) -> sa.ColumnElement[bool]:
        return sa.and_(
            Person.custody_since <= day,
            sa.or_(RemovalCase.order_date.is_(None), RemovalCase.order_date <= day),
        )

    def starts_from(day: date) -> sa.ColumnElement[bool]:
        return sa.or_(Person.custody_since >= day, RemovalCase.order_date >= day)

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    return (
        starts_by(ago(min(m.day for m in MARKS) - NOTICE_DAYS)),
        sa.or_(
            RemovalCase.stay_granted_on.is_not(None),
            *(sa.and_(starts_by(ago(m.day - NOTICE_DAYS)), starts_from(ago(m.day))) for m in MARKS),
        ),
    )

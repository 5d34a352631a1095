"""Which detained people's post-order custody clocks can have a mark for What's due today, decided by the
database from stored dates, so that only those clocks are computed (casework.models.custody_clock)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from casework import access
from casework.models import CustodyStatus, Person, RemovalCase, User
from casework.models.custody import CLOCK_STAGES
from casework.models.custody_clock import MARKS, NOTICE_DAYS

# What the custody clock reads of a removal case: plain columns, not an ORM object per detained person.
CLOCK_COLUMNS = (
    RemovalCase.id,
    RemovalCase.stage,
    RemovalCase.order_date,
    RemovalCase.stay_status,
    RemovalCase.stay_granted_on,
    RemovalCase.stay_ended_on,
)


def clock_rows(
    user: User, visible: sa.ColumnElement[bool], today: date
) -> tuple[sa.Select, tuple[sa.ColumnElement[bool], ...]]:
    """(the detained people's clocks `user` may see that may have a mark today, the cases of which each of
    them meets at least one): the caller reads the query under each case, as one UNION ALL, a row once."""
    every_candidate, cases = clock_candidates(today)
    query = (
        sa.select(*CLOCK_COLUMNS, Person.id.label("person_id"), Person.legal_name, Person.custody_since)
        .join(Person, Person.id == RemovalCase.person_id)
        .where(
            visible,
            Person.custody_status == CustodyStatus.DETAINED,
            _from_the_detained(user),
            RemovalCase.stage.in_(CLOCK_STAGES),
            *every_candidate,
        )
    )
    return query, cases


def _from_the_detained(user: User) -> sa.ColumnElement[bool]:
    """A condition that makes the database start the custody clocks' query from the detained, who are few.

    A user who sees exactly their organization's live cases is served by ix_person_org_detained (the org,
    detained, then the clock's start bounded by custody_since); anyone else's visibility is no such prefix,
    so the detained are named first (by the index on custody_status)."""
    if access.whole_org_scope(user) is not None:
        return sa.true()
    return RemovalCase.person_id.in_(
        sa.select(Person.id).where(Person.custody_status == CustodyStatus.DETAINED)
    )


def clock_candidates(
    today: date,
) -> tuple[tuple[sa.ColumnElement[bool], ...], tuple[sa.ColumnElement[bool], ...]]:
    """What the database can rule out before the clock is computed in Python (the result is the same), as
    (what every candidate meets, the cases of which a candidate meets at least one).

    The clock starts on the later of the final order and the detention, and without a stay a mark falls
    exactly its day after that start (a stay only moves it later). A mark is listed in the NOTICE_DAYS before
    it falls and never once it has passed, so without a stay only a clock that started between (day) and
    (day - NOTICE_DAYS) days ago can list that mark; with a stay, any clock that started at least (first mark
    - NOTICE_DAYS) days ago may. Each case is a range of one indexed column (the detention's start in
    ix_person_org_detained, the order's date in ix_removal_case_stage_order, a granted stay in
    ix_removal_case_stayed), so that the database seeks each one where their OR had it read every detained
    person and their removal case."""

    def ago(days: int) -> date:
        return today - timedelta(days=days)

    def order_by(day: date) -> sa.ColumnElement[bool]:
        return sa.or_(RemovalCase.order_date.is_(None), RemovalCase.order_date <= day)

    earliest = ago(min(m.day for m in MARKS) - NOTICE_DAYS)
    cases: list[sa.ColumnElement[bool]] = [RemovalCase.stay_granted_on.is_not(None)]
    for mark in MARKS:
        first, last = ago(mark.day), ago(mark.day - NOTICE_DAYS)
        # The clock started in [first, last]: the later of the two dates is in it, the other one is not after
        # `last`. Either the detention started in it (and the order, if dated, came no later) ...
        cases.append(sa.and_(Person.custody_since >= first, Person.custody_since <= last, order_by(last)))
        # ... or the order is dated in it (and the detention started no later).
        cases.append(
            sa.and_(
                RemovalCase.order_date >= first, RemovalCase.order_date <= last, Person.custody_since <= last
            )
        )
    return (Person.custody_since <= earliest, order_by(earliest)), tuple(cases)

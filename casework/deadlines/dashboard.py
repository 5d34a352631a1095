"""The dashboard's figures, each from one query over the cases the user may see."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from casework import access
from casework.deadlines import due, kept
from casework.deadlines.due import gather_limited
from casework.extensions import db
from casework.models import (
    CheckIn,
    CheckInOutcome,
    CustodyStatus,
    Person,
    ReliefApplication,
    ReliefKind,
    ReliefStatus,
    RemovalCase,
    TravelDocument,
    TravelDocumentOutcome,
    User,
)
from casework.models.custody import custody_clock

LIST_LIMIT = 10  # the dashboard shows the first rows of each list and links to the full view


def _by_stage(label: str, first, second, person_id, visible) -> sa.Select:
    """(label, first, second, count) for each pair of values of two columns present in their table (a relief
    application's kind and status; a travel document's country and outcome), with the visible rows of each
    pair counted up to COUNT_CAP + 1 (`due.capped_count`).

    The pairs are found by a loose scan of the (first, second, person_id) index (migration 0024): each step of
    the recursive query counts the pair it stands on and seeks the next one, so the table costs what its pairs
    do however many rows it holds, where a GROUP BY read every row and looked up its person. (Counting within
    the steps also keeps PostgreSQL's estimate of the statement low: a count per row of the finished pairs was
    costed at a hundred guessed pairs, enough to have the statement compiled by JIT, 130 ms.)"""
    table = first.class_

    def first_of(column, *where) -> sa.Select:
        """`column` of the first row in index order that meets `where`: one seek in the index (the pairs found
        so far are the enclosing query's, at whatever depth)."""
        return sa.select(column).where(*where).order_by(first, second).limit(1).correlate_except(table)

    start = first_of(first).add_columns(second).subquery()
    pairs = sa.select(
        start.c[0].label("first"),
        start.c[1].label("second"),
        sa.cast(sa.null(), first.type).label("counted_first"),
        sa.cast(sa.null(), second.type).label("counted_second"),
        sa.cast(sa.null(), sa.BigInteger).label("count"),
    ).cte(f"{label}_pairs", recursive=True)
    # The next pair: the next value of `second` under the same `first`, else the first pair of the next `first`
    # (not one comparison of the two columns as a row, which SQLite seeks by `first` alone: it would read every
    # row of the current `first` to get past it).
    next_second_here = first_of(second, first == pairs.c.first, second > pairs.c.second).scalar_subquery()
    next_first = first_of(first, first > pairs.c.first).scalar_subquery()
    rows_of_pair = (
        sa.select(sa.literal(1))
        .select_from(table)
        .join(Person, Person.id == person_id)
        .where(first == pairs.c.first, second == pairs.c.second, visible)
        .correlate(pairs)
    )
    pairs = pairs.union_all(
        sa.select(
            sa.case((next_second_here.is_not(None), pairs.c.first), else_=next_first),
            sa.func.coalesce(next_second_here, first_of(second, first == next_first).scalar_subquery()),
            pairs.c.first,
            pairs.c.second,
            due.capped_count(rows_of_pair),
        ).where(pairs.c.first.is_not(None))  # the step after the last pair found nothing: stop there
    )
    return sa.select(
        sa.literal(label).label("table"),
        sa.cast(pairs.c.counted_first, sa.String).label("first"),
        sa.cast(pairs.c.counted_second, sa.String).label("second"),
        pairs.c.count,
    ).where(pairs.c.counted_first.is_not(None))


def _statements(visible, today: date) -> tuple[sa.Select, sa.Select, sa.CompoundSelect]:
    """The dashboard's statements but What's due's: the detained, the check-ins soon, the counts by stage."""
    is_detained = (visible, Person.custody_status == CustodyStatus.DETAINED)
    detained = (
        sa.select(Person, RemovalCase, due.capped_count(sa.select(Person.id).where(*is_detained)))
        .outerjoin(RemovalCase, RemovalCase.person_id == Person.id)
        .where(*is_detained)
        .order_by(Person.custody_since, Person.id)
        .limit(LIST_LIMIT)
    )
    soon = (
        visible,
        CheckIn.outcome == CheckInOutcome.SCHEDULED,
        CheckIn.scheduled_on >= today,
        CheckIn.scheduled_on <= today + timedelta(days=14),
    )
    counted = sa.select(CheckIn.id).join(Person, Person.id == CheckIn.person_id).where(*soon)
    check_ins = (
        sa.select(CheckIn, Person.id, Person.legal_name, due.capped_count(counted))
        .join(Person, Person.id == CheckIn.person_id)
        .where(*soon)
        .order_by(CheckIn.scheduled_on, CheckIn.scheduled_time, CheckIn.id)
        .limit(LIST_LIMIT)
    )
    by_stage = sa.union_all(
        _by_stage(
            "relief", ReliefApplication.kind, ReliefApplication.status, ReliefApplication.person_id, visible
        ),
        _by_stage(
            "travel", TravelDocument.country, TravelDocument.outcome, TravelDocument.person_id, visible
        ),
    )
    return detained, check_ins, by_stage


def load(user: User, today: date) -> dict:
    """Everything the dashboard shows: each list cut to its first LIST_LIMIT rows in the database, with its
    total counted in the same statement up to COUNT_CAP (past it the total reads "1,000+"), so the page costs
    the same at any size."""
    visible = access.visible_people_filter(user)
    shape = kept.fingerprint(visible)
    built_from = ("dashboard", shape, today, LIST_LIMIT, due.COUNT_CAP)  # everything, limits included
    detained_rows, check_ins_soon, by_stage = kept.kept(
        None if shape is None else built_from, lambda: _statements(visible, today)
    )

    detained = []
    rows = db.session.execute(detained_rows).all()
    detained_total = rows[0][2] if rows else 0
    for person, removal, _ in rows:
        clock = custody_clock(removal, person.custody_status, person.custody_since, today)
        days = (today - person.custody_since).days if person.custody_since else None
        detained.append({"person": person, "days": days, "clock": clock})

    check_ins_rows = db.session.execute(check_ins_soon).all()
    check_ins = [(check_in, person_id, name) for check_in, person_id, name, _ in check_ins_rows]
    check_ins_total = check_ins_rows[0][3] if check_ins_rows else 0

    relief: defaultdict[ReliefKind, dict[ReliefStatus, str]] = defaultdict(dict)
    travel: defaultdict[str, dict[TravelDocumentOutcome, str]] = defaultdict(dict)
    for table, key, status, count in db.session.execute(by_stage):
        if not count:  # every row of the pair belongs to cases the user may not see
            continue
        if table == "relief":
            relief[ReliefKind(key)][ReliefStatus(status)] = due.shown_count(count)
        else:
            travel[key][TravelDocumentOutcome(status)] = due.shown_count(count)

    found = gather_limited(user, LIST_LIMIT, today=today, until=today + timedelta(days=7))
    overdue = [i for i in found.items if i.overdue(today)]
    return {
        "today": today,
        "limit": LIST_LIMIT,
        "detained_total": detained_total,
        "detained_shown": due.shown_count(detained_total),
        "detained": detained,
        "check_ins": check_ins,
        "check_ins_total": check_ins_total,
        "check_ins_shown": due.shown_count(check_ins_total),
        "relief": dict(sorted(relief.items(), key=lambda kv: kv[0].label)),
        "relief_statuses": list(ReliefStatus),
        "travel": dict(sorted(travel.items())),
        "overdue": overdue,
        "overdue_total": found.overdue_total,
        "this_week_total": found.upcoming_total,
        "overdue_shown": found.shown(found.overdue_total, found.overdue_more),
        "this_week_shown": found.shown(found.upcoming_total, found.upcoming_more),
    }

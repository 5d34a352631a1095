"""What is due across every case a user may see: one query per kind of dated item, however many rows (the
kinds and their queries: sources.py), sorted, limited and counted in the database."""

from __future__ import annotations

import heapq
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from casework import access, clock
from casework.deadlines import kept, sources
from casework.deadlines.items import DueItem, DueKind, DueList
from casework.extensions import db
from casework.models import User

COUNT_CAP = 1000  # rows counted on each side, and for each dashboard total; past it a total reads "1,000+"


def _nth(days: list[date], n: int) -> date | None:
    """The n-th earliest of `days` (None when there are fewer)."""
    return heapq.nsmallest(n, days)[-1] if 0 < n <= len(days) else None


def _order(items: list[DueItem], today: date) -> list[DueItem]:
    return sorted(items, key=lambda i: (not i.overdue(today), i.day, i.person_name, i.uid))


def gather(
    user: User,
    *,
    today: date | None = None,
    until: date | None = None,
    mine: bool = False,
    kinds: set[DueKind] | None = None,
) -> list[DueItem]:
    """Every due item of the cases `user` may see, overdue first, then by date."""
    today = today or clock.today()
    items = []
    for source in sources.sources(user, access.visible_people_filter(user), today, until, mine, kinds):
        if source.date is None:
            rows = sources.computed_rows(source, sources.computed_statement(source))
        else:
            rows = list(db.session.execute(source.query))
        items += [item for item in map(source.to_item, rows) if item is not None]
    return _order(items, today)


def _sides(day, today: date, until: date | None) -> tuple[tuple, tuple]:
    """The conditions on `day` of the overdue side and of the side to come, up to `until` (None: no end): one
    bound of each direction on each side, as SQLite ranges an index by one bound only (given `day < today`
    and `day <= until`, it may seek by the second and read every row to come to find those overdue)."""
    if until is None:
        return (day < today,), (day >= today,)
    return (day <= min(until, today - timedelta(days=1)),), (day >= today, day <= until)


def capped_count(query: sa.Select | sa.CompoundSelect) -> sa.ScalarSelect:
    """How many rows `query` has, counted up to COUNT_CAP + 1, as a column of another statement: the
    database stops at the cap, so a count costs the same at any size (past it the total reads "1,000+",
    `shown_count`)."""
    capped = query.order_by(None).limit(COUNT_CAP + 1).subquery()
    return sa.select(sa.func.count()).select_from(capped).scalar_subquery()


def shown_count(count: int) -> str:
    """A count made by `capped_count`, in figures: "12", "1,204", or "1,000+" past COUNT_CAP."""
    return f"{COUNT_CAP:,}+" if count > COUNT_CAP else f"{count:,}"


def gather_limited(
    user: User,
    limit: int,
    *,
    today: date | None = None,
    until: date | None = None,
    mine: bool = False,
    kinds: set[DueKind] | None = None,
) -> DueList:
    """The `limit` oldest overdue and `limit` soonest upcoming items, with the totals: the database sorts,
    limits and counts (the dated kinds together up to COUNT_CAP on each side), so a page costs the same with
    ten items or a hundred thousand. The kinds dated by a column share one row shape and are read in two
    statements (their counts, then their first rows)."""
    today = today or clock.today()
    visible = access.visible_people_filter(user)
    shape = kept.fingerprint(visible)
    # Everything the statements are built from (`kept`), the limits baked into them included.
    chosen = None if kinds is None else tuple(sorted(kinds))
    key = ("due", shape, access.whole_org_scope(user), user.id, today, until, mine, chosen, limit, COUNT_CAP)
    plan = kept.kept(
        None if shape is None else key, lambda: _plan(user, visible, today, until, mine, kinds, limit)
    )
    items: list[DueItem] = []
    overdue_total = upcoming_total = 0
    for source, statement in plan.computed:  # computed dates: few (the detained, recent orders)
        found = [i for i in map(source.to_item, sources.computed_rows(source, statement)) if i is not None]
        overdue = [i for i in found if i.overdue(today)]
        overdue_total += len(overdue)
        upcoming_total += len(found) - len(overdue)
        items += found
    overdue_more = upcoming_more = False
    if plan.counts is not None and plan.firsts is not None:
        late_count, coming_count = db.session.execute(plan.counts).one()
        overdue_total += min(late_count, COUNT_CAP)
        overdue_more = late_count > COUNT_CAP
        upcoming_total += min(coming_count, COUNT_CAP)
        upcoming_more = coming_count > COUNT_CAP
        rows = db.session.execute(plan.firsts).all()
        # A row past the `limit`-th day of its side cannot be shown (`limit` rows come before it): it never
        # becomes an item. Each kind reads up to `limit` rows per side, a page shows `limit` in all.
        last_day = {
            late: _nth([r.day for r in rows if (r.day < today) == late], limit) for late in (True, False)
        }
        for row in rows:
            last = last_day[row.day < today]
            if last is None or row.day <= last:
                items.append(plan.dated[row.source].to_item(row))
    ordered = _order(items, today)
    overdue = [i for i in ordered if i.overdue(today)][:limit]
    upcoming = [i for i in ordered if not i.overdue(today)][:limit]
    return DueList(overdue + upcoming, overdue_total, upcoming_total, overdue_more, upcoming_more)


@dataclass
class _Plan:
    """The statements of `gather_limited`: each kind computed in Python with its own, then the counts and the
    first rows of the kinds dated by a column (None when the filters leave none of them)."""

    computed: list[tuple[sources.Source, sa.Select | sa.CompoundSelect]]
    dated: list[sources.Source]
    counts: sa.Select | None
    firsts: sa.CompoundSelect | None


def _plan(user, visible, today: date, until: date | None, mine: bool, kinds, limit: int) -> _Plan:
    """The statements of `gather_limited` for these inputs, built."""
    found = sources.sources(user, visible, today, until, mine, kinds, by_sides=True)
    computed = [(s, sources.computed_statement(s)) for s in found if s.date is None]
    dated = [s for s in found if s.date is not None]
    if not dated:
        return _Plan(computed, dated, None, None)

    # One count per side over every dated kind (a UNION ALL under one LIMIT): the database stops at
    # COUNT_CAP + 1 rows in all. Each kind keeps a LIMIT of its own so that PostgreSQL plans it to stop
    # early (without one it may hash every row of a kind before the first comes out).
    def side(late: bool) -> sa.ColumnElement:
        rows = [
            sa.select(sa.literal(1)).select_from(
                s.query.with_only_columns(sa.literal(1), maintain_column_froms=True)
                .where(*_sides(s.date, today, until)[0 if late else 1])
                .limit(COUNT_CAP + 1)
                .subquery()
            )
            for s in dated
            if s.can_be_overdue or not late
        ]
        if not rows:
            return sa.literal(0)
        return capped_count(rows[0] if len(rows) == 1 else sa.union_all(*rows))

    firsts = []
    for number, s in enumerate(dated):
        for condition in _sides(s.date, today, until)[0 if s.can_be_overdue else 1 :]:
            first = s.query.where(*condition).order_by(s.date).limit(limit).subquery()
            firsts.append(sa.select(sa.literal(number).label("source"), first))
    return _Plan(computed, dated, sa.select(side(True), side(False)), sa.union_all(*firsts))

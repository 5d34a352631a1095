"""What is due across every case a user may see: one query per kind of dated item, however many rows.

Sources: scheduled ICE check-ins, immigration-court hearings, BIA appeal deadlines (with their rule), relief
steps, post-order custody clock marks (day 90, day 180: each in the NOTICE_DAYS before it falls, never once
passed), open tasks and expiring travel documents.
"""

from __future__ import annotations

import heapq
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa

from casework import access
from casework.deadlines.clock_bounds import clock_rows
from casework.deadlines.items import DueItem, DueKind, DueList
from casework.extensions import db
from casework.models import (
    CaseAssignment,
    CheckIn,
    CheckInOutcome,
    CustodyStatus,
    Person,
    ReliefApplication,
    ReliefKind,
    ReliefStatus,
    ReliefStep,
    RemovalCase,
    RemovalStage,
    Task,
    TravelDocument,
    TravelDocumentOutcome,
    User,
)
from casework.models.custody import custody_clock
from casework.models.removal import APPEAL_WINDOW_DAYS

COUNT_CAP = 1000  # rows counted on each side, and for each dashboard total; past it a total reads "1,000+"


def _people_columns():
    return Person.id.label("person_id"), Person.legal_name


def _dated_columns(id_column, day, text, extra=None, assignee=None) -> tuple:
    """The one row shape of every kind dated by a column (so that their pages read as one UNION ALL):
    id, day, text, extra, assignee_id, person_id, legal_name."""
    return (
        id_column.label("id"),
        day.label("day"),
        sa.cast(text, sa.String).label("text"),
        sa.cast(extra if extra is not None else sa.null(), sa.String).label("extra"),
        sa.cast(assignee if assignee is not None else sa.null(), sa.Integer).label("assignee_id"),
        *_people_columns(),
    )


@dataclass
class _Source:
    """One kind of dated item: its query, the column that dates it, and how a row becomes an item."""

    kind: DueKind
    query: sa.Select
    date: sa.ColumnElement | None  # None: the date is computed in Python (custody clock)
    to_item: Callable
    # The query's rows under any of these conditions, read as one UNION ALL (each row once): a condition per
    # index range where the whole would be no range at all (`_computed_rows`). Empty: the query as it is.
    split: tuple[sa.ColumnElement[bool], ...] = ()
    can_be_overdue: bool = True  # False: the query keeps only days to come (the overdue side is not asked)


def _sources(
    user: User, today: date, until: date | None, mine: bool, kinds: set[DueKind] | None, by_sides=False
) -> list[_Source]:
    """The kinds of due item `user` may see; `by_sides`: the caller bounds the kinds dated by a column by
    `_sides` (`until` included)."""
    visible = access.visible_people_filter(user)
    on_my_team = sa.exists().where(CaseAssignment.person_id == Person.id, CaseAssignment.user_id == user.id)
    sources: list[_Source] = []

    def add(kind, query, date_column, to_item, mine_filter=on_my_team, split=(), can_be_overdue=True):
        """One source of due items, unless the filters leave its kind out."""
        if kinds is not None and kind not in kinds:
            return
        if mine:
            query = query.where(mine_filter)
        if until is not None and date_column is not None and not by_sides:
            query = query.where(date_column <= until)
        sources.append(_Source(kind, query, date_column, to_item, split, can_be_overdue))

    def check_in(row):
        """A scheduled check-in, with a reminder to record the outcome once it has passed."""
        title = "ICE check-in" + (f" at {row.text}" if row.text else "")
        if row.day < today:
            title += " (record the outcome)"
        return DueItem(
            row.day,
            DueKind.CHECK_IN,
            title,
            row.person_id,
            row.legal_name,
            "checkins",
            f"check-in-{row.id}",
        )

    add(
        DueKind.CHECK_IN,
        sa.select(*_dated_columns(CheckIn.id, CheckIn.scheduled_on, CheckIn.office))
        .join(Person, Person.id == CheckIn.person_id)
        .where(visible, CheckIn.outcome == CheckInOutcome.SCHEDULED),
        CheckIn.scheduled_on,
        check_in,
    )

    add(
        DueKind.HEARING,
        sa.select(*_dated_columns(RemovalCase.id, RemovalCase.next_hearing_on, RemovalCase.court))
        .join(Person, Person.id == RemovalCase.person_id)
        .where(visible, RemovalCase.next_hearing_on.is_not(None)),
        RemovalCase.next_hearing_on,
        lambda row: DueItem(
            row.day,
            DueKind.HEARING,
            "Immigration court hearing" + (f" ({row.text})" if row.text else ""),
            row.person_id,
            row.legal_name,
            "removal",
            f"hearing-{row.id}",
        ),
    )

    def appeal_item(row):
        """The BIA appeal deadline of an immigration judge's order, with its rule, while it runs."""
        removal = row[0]
        appeal = removal.appeal
        if appeal is None or appeal.day < today or (until and appeal.day > until):
            return None
        return DueItem(
            appeal.day,
            DueKind.APPEAL,
            f"Last day to appeal the removal order to the BIA: {appeal.rule_in_full}",
            row.person_id,
            row.legal_name,
            "removal",
            f"appeal-{removal.id}",
        )

    add(
        DueKind.APPEAL,
        sa.select(RemovalCase, *_people_columns())
        .join(Person, Person.id == RemovalCase.person_id)
        .where(
            visible,
            RemovalCase.stage == RemovalStage.FINAL_ORDER,
            RemovalCase.appeal_waived.is_(False),
            RemovalCase.order_date >= today - timedelta(days=APPEAL_WINDOW_DAYS),
            RemovalCase.order_date <= (until - timedelta(days=APPEAL_WINDOW_DAYS)) if until else sa.true(),
        ),
        None,
        appeal_item,
    )

    add(
        DueKind.RELIEF_STEP,
        sa.select(
            *_dated_columns(
                ReliefStep.id,
                ReliefStep.due_on,
                ReliefStep.title,
                ReliefApplication.kind,
                ReliefStep.assignee_id,
            )
        )
        .join(ReliefApplication, ReliefApplication.id == ReliefStep.application_id)
        .join(Person, Person.id == ReliefApplication.person_id)
        .where(
            visible,
            ReliefStep.done_on.is_(None),
            ReliefStep.due_on.is_not(None),
            ReliefApplication.status.not_in(
                [ReliefStatus.GRANTED, ReliefStatus.DENIED, ReliefStatus.WITHDRAWN]
            ),
        ),
        ReliefStep.due_on,
        lambda row: DueItem(
            row.day,
            DueKind.RELIEF_STEP,
            f"{ReliefKind(row.extra).label}: {row.text}",
            row.person_id,
            row.legal_name,
            "relief",
            f"relief-step-{row.id}",
            row.assignee_id,
        ),
        mine_filter=ReliefStep.assignee_id == user.id,
    )

    def clock_item(row):
        """A mark of a detained person's post-order custody clock, in the NOTICE_DAYS before it falls (never
        once it has passed: then it is a fact on the case page, not something overdue)."""
        clock = custody_clock(cast(RemovalCase, row), CustodyStatus.DETAINED, row.custody_since, today)
        announced = clock.announced(today) if clock is not None else []
        if not announced or (until and announced[0].falls_on > until):
            return None
        mark = announced[0]
        return DueItem(
            mark.falls_on,
            DueKind.CUSTODY_CLOCK,
            f"{mark.mark.title}: {mark.mark.meaning}",
            row.person_id,
            row.legal_name,
            "removal",
            f"clock-{row.id}-{mark.day}",
        )

    clocks, candidate_cases = clock_rows(user, visible, today)
    add(DueKind.CUSTODY_CLOCK, clocks, None, clock_item, split=candidate_cases)

    add(
        DueKind.TASK,
        sa.select(*_dated_columns(Task.id, Task.due_on, Task.title, None, Task.assignee_id))
        .join(Person, Person.id == Task.person_id)
        .where(visible, Task.done_on.is_(None), Task.due_on.is_not(None)),
        Task.due_on,
        lambda row: DueItem(
            row.day,
            DueKind.TASK,
            row.text,
            row.person_id,
            row.legal_name,
            "tasks",
            f"task-{row.id}",
            row.assignee_id,
        ),
        mine_filter=Task.assignee_id == user.id,
    )

    add(
        DueKind.TRAVEL_DOCUMENT,
        sa.select(*_dated_columns(TravelDocument.id, TravelDocument.expires_on, TravelDocument.country))
        .join(Person, Person.id == TravelDocument.person_id)
        .where(
            visible,
            TravelDocument.outcome == TravelDocumentOutcome.ISSUED,
            TravelDocument.expires_on >= today,
        ),
        TravelDocument.expires_on,
        lambda row: DueItem(
            row.day,
            DueKind.TRAVEL_DOCUMENT,
            f"Travel document from {row.text} expires",
            row.person_id,
            row.legal_name,
            "travel-documents",
            f"travel-document-{row.id}",
        ),
        can_be_overdue=False,  # a document is listed until it expires
    )
    return sources


def _computed_rows(source: _Source) -> list:
    """The rows of a source whose dates are computed in Python: its query, or the UNION ALL of its split
    (a row met by two of its conditions is kept once, by its id)."""
    if not source.split:
        return list(db.session.execute(source.query))
    rows = db.session.execute(sa.union_all(*(source.query.where(case) for case in source.split)))
    return list({row.id: row for row in rows}.values())


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
    today = today or date.today()
    items = []
    for source in _sources(user, today, until, mine, kinds):
        rows = _computed_rows(source) if source.date is None else db.session.execute(source.query)
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
    today = today or date.today()
    items: list[DueItem] = []
    overdue_total = upcoming_total = 0
    sources = _sources(user, today, until, mine, kinds, by_sides=True)
    for source in (s for s in sources if s.date is None):  # computed dates: few (the detained, recent orders)
        found = [i for i in map(source.to_item, _computed_rows(source)) if i is not None]
        overdue = [i for i in found if i.overdue(today)]
        overdue_total += len(overdue)
        upcoming_total += len(found) - len(overdue)
        items += found
    dated = [(s, s.date) for s in sources if s.date is not None]
    overdue_more = upcoming_more = False
    if dated:
        # One count per side over every dated kind (a UNION ALL under one LIMIT): the database stops at
        # COUNT_CAP + 1 rows in all. Each kind keeps a LIMIT of its own so that PostgreSQL plans it to stop
        # early (without one it may hash every row of a kind before the first comes out).
        def side(late: bool) -> sa.ColumnElement:
            rows = [
                sa.select(sa.literal(1)).select_from(
                    s.query.with_only_columns(sa.literal(1), maintain_column_froms=True)
                    .where(*_sides(day, today, until)[0 if late else 1])
                    .limit(COUNT_CAP + 1)
                    .subquery()
                )
                for s, day in dated
                if s.can_be_overdue or not late
            ]
            if not rows:
                return sa.literal(0)
            return capped_count(rows[0] if len(rows) == 1 else sa.union_all(*rows))

        late_count, coming_count = db.session.execute(sa.select(side(True), side(False))).one()
        overdue_total += min(late_count, COUNT_CAP)
        overdue_more = late_count > COUNT_CAP
        upcoming_total += min(coming_count, COUNT_CAP)
        upcoming_more = coming_count > COUNT_CAP
        firsts = []
        for number, (s, day) in enumerate(dated):
            for condition in _sides(day, today, until)[0 if s.can_be_overdue else 1 :]:
                first = s.query.where(*condition).order_by(day).limit(limit).subquery()
                firsts.append(sa.select(sa.literal(number).label("source"), first))
        rows = db.session.execute(sa.union_all(*firsts)).all()
        # A row past the `limit`-th day of its side cannot be shown (`limit` rows come before it): it never
        # becomes an item. Each kind reads up to `limit` rows per side, a page shows `limit` in all.
        last_day = {
            late: _nth([r.day for r in rows if (r.day < today) == late], limit) for late in (True, False)
        }
        for row in rows:
            last = last_day[row.day < today]
            if last is None or row.day <= last:
                items.append(dated[row.source][0].to_item(row))
    ordered = _order(items, today)
    overdue = [i for i in ordered if i.overdue(today)][:limit]
    upcoming = [i for i in ordered if not i.overdue(today)][:limit]
    return DueList(overdue + upcoming, overdue_total, upcoming_total, overdue_more, upcoming_more)

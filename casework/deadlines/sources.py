"""The kinds of due item and the query of each (What's due, the dashboard, the calendar feed).

Sources: scheduled ICE check-ins, immigration-court hearings, BIA appeal deadlines (with their rule), relief
steps, post-order custody clock marks (day 90, day 180: each in the NOTICE_DAYS before it falls, never once
passed), open tasks and expiring travel documents.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import cast

import sqlalchemy as sa

from casework.deadlines.clock_bounds import clock_rows
from casework.deadlines.items import DueItem, DueKind
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
class Source:
    """One kind of dated item: its query, the column that dates it, and how a row becomes an item."""

    kind: DueKind
    query: sa.Select
    date: sa.ColumnElement | None  # None: the date is computed in Python (custody clock)
    to_item: Callable
    # The query's rows under any of these conditions, read as one UNION ALL (each row once): a condition per
    # index range where the whole would be no range at all (`computed_rows`). Empty: the query as it is.
    split: tuple[sa.ColumnElement[bool], ...] = ()
    can_be_overdue: bool = True  # False: the query keeps only days to come (the overdue side is not asked)


def sources(
    user: User,
    visible: sa.ColumnElement[bool],
    today: date,
    until: date | None,
    mine: bool,
    kinds: set[DueKind] | None,
    by_sides=False,
) -> list[Source]:
    """The kinds of due item `user` may see (`visible`: `access.visible_people_filter(user)`); `by_sides`: the
    caller bounds the kinds dated by a column by `_sides` (`until` included)."""
    on_my_team = sa.exists().where(CaseAssignment.person_id == Person.id, CaseAssignment.user_id == user.id)
    sources: list[Source] = []

    def add(kind, query, date_column, to_item, mine_filter=on_my_team, split=(), can_be_overdue=True):
        """One source of due items, unless the filters leave its kind out."""
        if kinds is not None and kind not in kinds:
            return
        if mine:
            query = query.where(mine_filter)
        if until is not None and date_column is not None and not by_sides:
            query = query.where(date_column <= until)
        sources.append(Source(kind, query, date_column, to_item, split, can_be_overdue))

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


def computed_statement(source: Source) -> sa.Select | sa.CompoundSelect:
    """What reads a source whose dates are computed in Python: its query, or the UNION ALL of its split."""
    if not source.split:
        return source.query
    return sa.union_all(*(source.query.where(case) for case in source.split))


def computed_rows(source: Source, statement: sa.Select | sa.CompoundSelect) -> list:
    """The rows of `computed_statement(source)`, a row met by two conditions of its split kept once."""
    rows = db.session.execute(statement)
    return list({row.id: row for row in rows}.values()) if source.split else list(rows)

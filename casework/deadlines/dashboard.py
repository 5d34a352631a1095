"""The dashboard's figures, each from one query over the cases the user may see."""

from __future__ import annotations

from collections import defaultdict
from datetime import date, timedelta

import sqlalchemy as sa

from casework import access
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


def _total(query: sa.Select) -> sa.ScalarSelect:
    """The number of rows of `query`, as a column of another statement: an uncorrelated subquery, counted
    once from the indexes, while the outer statement stops at its LIMIT (a window count would make the
    database read every row in full before the first one comes out)."""
    return sa.select(sa.func.count()).select_from(query.subquery()).scalar_subquery()


def load(user: User, today: date) -> dict:
    """Everything the dashboard shows: each list cut to its first LIST_LIMIT rows in the database, with its
    total counted in the same statement, so the page costs the same at any size."""
    visible = access.visible_people_filter(user)

    detained = []
    is_detained = (visible, Person.custody_status == CustodyStatus.DETAINED)
    rows = db.session.execute(
        sa.select(Person, RemovalCase, _total(sa.select(Person.id).where(*is_detained)))
        .outerjoin(RemovalCase, RemovalCase.person_id == Person.id)
        .where(*is_detained)
        .order_by(Person.custody_since, Person.id)
        .limit(LIST_LIMIT)
    ).all()
    detained_total = rows[0][2] if rows else 0
    for person, removal, _ in rows:
        clock = custody_clock(removal, person.custody_status, person.custody_since, today)
        days = (today - person.custody_since).days if person.custody_since else None
        detained.append({"person": person, "days": days, "clock": clock})

    soon = (
        visible,
        CheckIn.outcome == CheckInOutcome.SCHEDULED,
        CheckIn.scheduled_on >= today,
        CheckIn.scheduled_on <= today + timedelta(days=14),
    )
    counted = sa.select(CheckIn.id).join(Person, Person.id == CheckIn.person_id).where(*soon)
    check_ins_rows = db.session.execute(
        sa.select(CheckIn, Person.id, Person.legal_name, _total(counted))
        .join(Person, Person.id == CheckIn.person_id)
        .where(*soon)
        .order_by(CheckIn.scheduled_on, CheckIn.scheduled_time, CheckIn.id)
        .limit(LIST_LIMIT)
    ).all()
    check_ins = [(check_in, person_id, name) for check_in, person_id, name, _ in check_ins_rows]

    relief: defaultdict[ReliefKind, dict[ReliefStatus, int]] = defaultdict(dict)
    travel: defaultdict[str, dict[TravelDocumentOutcome, int]] = defaultdict(dict)
    by_stage = sa.union_all(
        sa.select(
            sa.literal("relief").label("table"),
            sa.cast(ReliefApplication.kind, sa.String),
            sa.cast(ReliefApplication.status, sa.String),
            sa.func.count(),
        )
        .join(Person, Person.id == ReliefApplication.person_id)
        .where(visible)
        .group_by(ReliefApplication.kind, ReliefApplication.status),
        sa.select(
            sa.literal("travel").label("table"),
            sa.cast(TravelDocument.country, sa.String),
            sa.cast(TravelDocument.outcome, sa.String),
            sa.func.count(),
        )
        .join(Person, Person.id == TravelDocument.person_id)
        .where(visible)
        .group_by(TravelDocument.country, TravelDocument.outcome),
    )
    for table, key, status, count in db.session.execute(by_stage):
        if table == "relief":
            relief[ReliefKind(key)][ReliefStatus(status)] = count
        else:
            travel[key][TravelDocumentOutcome(status)] = count

    due = gather_limited(user, LIST_LIMIT, today=today, until=today + timedelta(days=7))
    overdue = [i for i in due.items if i.overdue(today)]
    return {
        "today": today,
        "limit": LIST_LIMIT,
        "detained_total": detained_total,
        "detained": detained,
        "check_ins": check_ins,
        "check_ins_total": check_ins_rows[0][3] if check_ins_rows else 0,
        "relief": dict(sorted(relief.items(), key=lambda kv: kv[0].label)),
        "relief_statuses": list(ReliefStatus),
        "travel": dict(sorted(travel.items())),
        "overdue": overdue,
        "overdue_total": due.overdue_total,
        "this_week_total": due.upcoming_total,
        "overdue_shown": due.shown(due.overdue_total, due.overdue_more),
        "this_week_shown": due.shown(due.upcoming_total, due.upcoming_more),
    }

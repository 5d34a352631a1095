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

LIST_LIMIT = 25  # the dashboard shows the first rows of each list and links to the full view


def load(user: User, today: date) -> dict:
    """Everything the dashboard shows."""
    visible = access.visible_people_filter(user)

    detained = []
    detained_total = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Person)
        .where(visible, Person.custody_status == CustodyStatus.DETAINED)
    )
    rows = db.session.execute(
        sa.select(Person, RemovalCase)
        .outerjoin(RemovalCase, RemovalCase.person_id == Person.id)
        .where(visible, Person.custody_status == CustodyStatus.DETAINED)
        .order_by(Person.custody_since, Person.id)
        .limit(LIST_LIMIT)
    ).all()
    for person, removal in rows:
        clock = custody_clock(removal, person.custody_status, person.custody_since, today)
        days = (today - person.custody_since).days if person.custody_since else None
        detained.append({"person": person, "days": days, "clock": clock})

    check_ins = db.session.execute(
        sa.select(CheckIn, Person.id, Person.legal_name)
        .join(Person, Person.id == CheckIn.person_id)
        .where(
            visible,
            CheckIn.outcome == CheckInOutcome.SCHEDULED,
            CheckIn.scheduled_on >= today,
            CheckIn.scheduled_on <= today + timedelta(days=14),
        )
        .order_by(CheckIn.scheduled_on, CheckIn.scheduled_time, CheckIn.id)
    ).all()

    relief: defaultdict[ReliefKind, dict[ReliefStatus, int]] = defaultdict(dict)
    for kind, status, count in db.session.execute(
        sa.select(ReliefApplication.kind, ReliefApplication.status, sa.func.count())
        .join(Person, Person.id == ReliefApplication.person_id)
        .where(visible)
        .group_by(ReliefApplication.kind, ReliefApplication.status)
    ):
        relief[kind][status] = count

    travel: defaultdict[str, dict[TravelDocumentOutcome, int]] = defaultdict(dict)
    for country, outcome, count in db.session.execute(
        sa.select(TravelDocument.country, TravelDocument.outcome, sa.func.count())
        .join(Person, Person.id == TravelDocument.person_id)
        .where(visible)
        .group_by(TravelDocument.country, TravelDocument.outcome)
    ):
        travel[country][outcome] = count

    due = gather_limited(user, LIST_LIMIT, today=today, until=today + timedelta(days=7))
    overdue = [i for i in due.items if i.overdue(today)]
    return {
        "today": today,
        "limit": LIST_LIMIT,
        "detained_total": detained_total,
        "detained": detained,
        "check_ins": check_ins,
        "relief": dict(sorted(relief.items(), key=lambda kv: kv[0].label)),
        "relief_statuses": list(ReliefStatus),
        "travel": dict(sorted(travel.items())),
        "overdue": overdue,
        "overdue_total": due.overdue_total,
        "this_week_total": due.upcoming_total,
    }

"""Conditions on a person read from their custody timeline in SQL, shared by the people list and the reports.

Each condition is one SQL expression on Person (correlated subqueries over the standing, non-voided custody
events), so that a list or a count can filter with it in the database, on SQLite as on PostgreSQL.
"""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from casework.models import CustodyEvent, CustodyKind, Person

DETENTION_STARTS = tuple(k for k in CustodyKind if k.starts_detention)  # ICE arrest, re-detention
DETENTION_ENDS = tuple(k for k in CustodyKind if k.ends_detention)  # releases, removal


def _standing_events_of_person():
    return sa.and_(CustodyEvent.person_id == Person.id, CustodyEvent.voided_at.is_(None))


def detained_at_start_of(day: date):
    """True when the person was detained as `day` began: the timeline's events before that day hold more
    detention starts than ends.

    A timeline that makes sense alternates starts (arrest, re-detention) and ends (release, removal), so the
    difference is 1 exactly while detained (a removal of a free person makes it -1, and nothing follows a
    removal); counting needs no order among the events of one day."""
    balance = (
        sa.select(
            sa.func.coalesce(
                sa.func.sum(sa.case((CustodyEvent.kind.in_(DETENTION_STARTS), 1), else_=-1)),
                0,
            )
        )
        .where(
            _standing_events_of_person(),
            CustodyEvent.kind.in_(DETENTION_STARTS + DETENTION_ENDS),
            CustodyEvent.occurred_on < day,
        )
        .correlate(Person)
        .scalar_subquery()
    )
    return balance > 0


def detention_started_between(start: date | None, end: date | None):
    """True when an arrest or re-detention of the person's timeline falls on a day in [start, end] (an
    open end when a date is None)."""
    window = []
    if start is not None:
        window.append(CustodyEvent.occurred_on >= start)
    if end is not None:
        window.append(CustodyEvent.occurred_on <= end)
    return sa.exists().where(_standing_events_of_person(), CustodyEvent.kind.in_(DETENTION_STARTS), *window)


def detained_between(start: date | None, end: date | None):
    """True when the person was detained at some moment of the days from `start` to `end`, both included,
    according to the custody timeline: detained as `start` began (whether released that day or later), or
    arrested or re-detained on one of the days. Either date may be None for an open end; both None is no
    condition at all."""
    if start is None and end is None:
        return sa.true()
    began_within = detention_started_between(start, end)
    if start is None:
        return began_within
    return sa.or_(detained_at_start_of(start), began_within)

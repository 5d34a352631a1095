"""The people list: search, filters, sort and keyset paging, over what the user may see."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import access
from casework.extensions import db
from casework.forms import normalize_a_number
from casework.models import CaseAssignment, Person, User
from casework.models.text import fold

SORTS = {
    # name: (columns, descending)
    "name": ((Person.sort_name, Person.id), False),
    "updated": ((Person.updated_at, Person.id), True),
    "created": ((Person.created_at, Person.id), True),
}


@dataclass
class Page:
    """One page of people, with the anchors of its neighbours."""

    rows: list[Person]
    total: int
    next_after: int | None = None
    prev_before: int | None = None
    filters: dict = field(default_factory=dict)


def filtered(user: User, filters: dict) -> sa.Select:
    """The visible people matching the filters (no ordering)."""
    query = access.visible_people(user)
    q = (filters.get("q") or "").strip()
    if q:
        a_number = normalize_a_number(q)
        if a_number and access.can(user, "see_a_number"):
            query = query.where(Person.a_number == a_number)
        else:
            for token in fold(q).split():
                query = query.where(Person.search_text.contains(token, autoescape=True))
    if filters.get("case_status"):
        query = query.where(Person.case_status == filters["case_status"])
    if filters.get("custody"):
        query = query.where(Person.custody_status == filters["custody"])
    if filters.get("citizenship"):
        query = query.where(Person.citizenship == filters["citizenship"])
    if filters.get("community"):
        query = query.where(Person.community == filters["community"])
    if filters.get("assigned"):
        try:
            assignee = int(filters["assigned"])
        except (TypeError, ValueError):
            assignee = None
        query = query.where(
            sa.exists().where(CaseAssignment.person_id == Person.id, CaseAssignment.user_id == assignee)
        )
    return query


def page_of_people(user: User, filters: dict, *, after: int | None = None, before: int | None = None,
                   size: int = 50) -> Page:
    """A page of the list; `after`/`before` are ids of the rows that bound it (keyset paging)."""
    columns, descending = SORTS.get(filters.get("sort") or "name", SORTS["name"])
    base = filtered(user, filters)
    total = db.session.scalar(base.with_only_columns(sa.func.count(Person.id)).order_by(None))

    anchor_id = after or before
    backwards = before is not None and after is None
    query = base
    if anchor_id:
        anchor = db.session.execute(
            sa.select(*columns).where(Person.id == anchor_id, access.visible_people_filter(user))
        ).first()
        if anchor is not None:
            key = sa.tuple_(*columns)
            value = sa.tuple_(*[sa.literal(v, type_=c.type) for v, c in zip(anchor, columns, strict=True)])
            forward_is_greater = not descending
            if forward_is_greater != backwards:
                query = query.where(key > value)
            else:
                query = query.where(key < value)
        else:
            backwards = False
            anchor_id = None
    reverse = descending != backwards
    order = [c.desc() if reverse else c.asc() for c in columns]
    rows = list(db.session.scalars(
        query.order_by(*order).limit(size + 1).options(selectinload(Person.assignments))
    ))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = Page(rows=rows, total=total, filters=filters)
    if rows:
        has_next = more if not backwards else True
        has_prev = (anchor_id is not None) if not backwards else more
        page.next_after = rows[-1].id if has_next else None
        page.prev_before = rows[0].id if has_prev else None
    return page


def filter_choices(user: User) -> dict[str, list[str]]:
    """Distinct citizenship and community values among the people this user sees."""
    org_id = access.whole_org_scope(user)
    visible = access.visible_people_filter(user)
    out = {}
    for name, column in (("citizenship", Person.citizenship), ("community", Person.community)):
        if org_id is not None:
            out[name] = _distinct_by_skipping(column, org_id)
        else:
            out[name] = list(db.session.scalars(
                sa.select(column).where(visible, column.is_not(None)).distinct().order_by(column)))
    return out


def _distinct_by_skipping(column, org_id: int) -> list[str]:
    """The distinct values of an indexed column of an organization's live cases, one index probe per value
    (a "loose index scan"): DISTINCT would read every row's entry, 100,000 of them in a large organization."""
    live = sa.and_(Person.org_id == org_id, Person.deleted_at.is_(None))
    # MIN over the index, not ORDER BY .. LIMIT: SQLite refuses a parenthesized member in a recursive CTE.
    walk = sa.select(sa.func.min(column).label("value")).where(live).cte("walk", recursive=True)
    following = sa.select(sa.func.min(column)).where(live, column > walk.c.value).scalar_subquery()
    walk = walk.union_all(sa.select(following.label("value")).where(walk.c.value.is_not(None)))
    return [v for v in db.session.scalars(sa.select(walk.c.value).where(walk.c.value.is_not(None))) if v]

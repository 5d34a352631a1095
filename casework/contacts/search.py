"""The directory list: search by name or organization (accents optional), filter by kind, keyset paging."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import Contact, ContactKind, User
from casework.models.text import fold

ORDER = (Contact.sort_name, Contact.id)


@dataclass
class Page:
    """One page of contacts, with the anchors of its neighbours."""

    rows: list[Contact]
    total: int
    next_after: int | None = None
    prev_before: int | None = None


def _organizations_matching(user: User, token: str) -> list[str]:
    """Firm names of the user's directory that contain `token` once folded.

    Contact has no folded copy of its organization, so the distinct names (far fewer than contacts) are
    folded here; the list then goes back into SQL, which keeps paging and counting in the database."""
    names = db.session.scalars(
        access.visible_contacts(user).with_only_columns(Contact.organization)
        .where(Contact.organization.is_not(None)).distinct()
    )
    return [name for name in names if token in fold(name)]


def filtered(user: User, filters: dict) -> sa.Select:
    """The user's directory narrowed by the search words and kind (no ordering)."""
    query = access.visible_contacts(user)
    for token in fold(filters.get("q") or "").split():
        firms = _organizations_matching(user, token)
        by_name = Contact.sort_name.contains(token, autoescape=True)
        query = query.where(sa.or_(by_name, Contact.organization.in_(firms)) if firms else by_name)
    kind = filters.get("kind")
    if kind in {k.value for k in ContactKind}:
        query = query.where(Contact.kind == ContactKind(kind))
    return query


def page_of_contacts(user: User, filters: dict, *, after: int | None = None, before: int | None = None,
                     size: int = 50) -> Page:
    """A page of the directory by name; `after`/`before` are ids of the rows that bound it (keyset paging)."""
    base = filtered(user, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery()))
    anchor_id = after or before
    backwards = before is not None and after is None
    query = base
    if anchor_id:
        anchor = db.session.execute(
            access.visible_contacts(user).with_only_columns(*ORDER).where(Contact.id == anchor_id)
        ).first()
        if anchor is None:  # a stale or foreign id: start from the top rather than guess
            anchor_id, backwards = None, False
        else:
            key = sa.tuple_(*ORDER)
            value = sa.tuple_(*[sa.literal(v, type_=c.type) for v, c in zip(anchor, ORDER, strict=True)])
            query = query.where(key < value if backwards else key > value)
    order = [c.desc() if backwards else c.asc() for c in ORDER]
    rows = list(db.session.scalars(query.order_by(*order).limit(size + 1)))
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page = Page(rows=rows, total=total)
    if rows:
        has_next = more if not backwards else True
        has_prev = (anchor_id is not None) if not backwards else more
        page.next_after = rows[-1].id if has_next else None
        page.prev_before = rows[0].id if has_prev else None
    return page

"""The directory list: search by name or organization (accents optional), filter by kind, keyset paging."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import Contact, ContactKind, User
from casework.models.text import fold
from casework.paging import Ordering, Page, keyset_page

ORDER = (Contact.sort_name, Contact.id)


def _organizations_matching(user: User, token: str) -> list[str]:
    """Firm names of the user's directory that contain `token` once folded.

    Contact has no folded copy of its organization, so the distinct names (far fewer than contacts) are
    folded here; the list then goes back into SQL, which keeps paging and counting in the database."""
    names = db.session.scalars(
        access.visible_contacts(user)
        .with_only_columns(Contact.organization)
        .where(Contact.organization.is_not(None))
        .distinct()
    )
    return [name for name in names if name is not None and token in fold(name)]


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


def page_of_contacts(
    user: User, filters: dict, *, after: int | None = None, before: int | None = None, size: int = 50
) -> Page[Contact]:
    """A page of the directory by name; `after`/`before` are ids of the rows that bound it (keyset paging)."""
    base = filtered(user, filters)
    total = db.session.scalar(sa.select(sa.func.count()).select_from(base.subquery())) or 0
    return keyset_page(
        base,
        id_column=Contact.id,
        ordering=Ordering(ORDER),
        anchor_query=access.visible_contacts(user),
        after=after,
        before=before,
        size=size,
        total=total,
        filters=filters,
    )

"""The people list's filter choices (countries, communities, colleagues), cached per organization.

For a user who sees exactly their organization's live cases, the choices are the same for everyone in that
organization, so each server process keeps one copy per organization with the stamp it was read under
(`ListChoicesStamp`, changed by database triggers on every write that can change a choice). A page reads
the stamp (one indexed row) and recomputes only when it moved: a change shows at once, in every process.
The stamp is read before the choices, so a copy is never older than the stamp it is kept with.
"""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from flask import current_app

from casework import access
from casework.extensions import db
from casework.models import ListChoicesStamp, User
from casework.people import queries, search

MAX_ORGANIZATIONS = 512  # copies kept per process; the oldest goes first


@dataclass(frozen=True)
class Choices:
    """What the filter form offers."""

    citizenship: list[str]
    community: list[str]
    colleagues: list[tuple[int, str]]  # (user id, name shown)


def _compute(user: User) -> Choices:
    found = search.filter_choices(user)
    colleagues = [(u.id, u.display_name) for u in queries.active_colleagues(user)]
    return Choices(found["citizenship"], found["community"], colleagues)


def filter_choices(user: User) -> Choices:
    """The choices for this user's filter form: from the cache while the organization's stamp stands."""
    org_id = access.whole_org_scope(user)
    if org_id is None:  # a narrower or wider view (assigned cases, shares): computed for the user
        return _compute(user)
    stamp = db.session.scalar(sa.select(ListChoicesStamp.stamp).where(ListChoicesStamp.org_id == org_id))
    cache: dict[int, tuple[int | None, Choices]] = current_app.extensions.setdefault("list_choices", {})
    kept = cache.get(org_id)
    if kept is not None and kept[0] == stamp:
        return kept[1]
    choices = _compute(user)
    cache.pop(org_id, None)
    if len(cache) >= MAX_ORGANIZATIONS:
        cache.pop(next(iter(cache)), None)
    cache[org_id] = (stamp, choices)
    return choices

"""The people list's filter choices (countries, communities, colleagues), cached per organization.

For a user who sees exactly their organization's live cases, the choices are the same for everyone in that
organization, so each server process keeps one copy per organization with the stamp it was read under
(`ListChoicesStamp`, changed by database triggers on every write that can change a choice). A page reads
the stamp (one indexed row) and recomputes only when it moved: a change shows at once, in every process.
The stamp is read before the choices, so a copy is never older than the stamp it is kept with.

What is made from the choices alone (the filter form's fields, for given filters and language) is kept
beside them (`kept_fragment`) and goes with them when the stamp moves.

Whole pages of the list are kept the same way (`LIST_PAGES`, casework.kept_pages), under both the choices'
stamp and the list's own (`PeopleListStamp`, moved by triggers on every write that can change what a page
shows): a page read under those two stamps is good for every staff member and admin of the organization until
either moves.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Hashable
from dataclasses import dataclass, field

import sqlalchemy as sa
from flask import current_app, has_request_context
from markupsafe import Markup

from casework import access, page_reads
from casework.extensions import db
from casework.kept_pages import KeptPages, keeping
from casework.models import ListChoicesStamp, PeopleListStamp, User
from casework.people import queries, search

MAX_ORGANIZATIONS = 512  # copies kept per process; the oldest goes first
MAX_FRAGMENTS = 256  # pieces of HTML kept per organization; the oldest goes first
_changing = threading.Lock()  # a worker's threads share the copies: one of them changes them at a time


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


@dataclass
class _Kept:
    stamp: int | None
    choices: Choices
    fragments: dict[Hashable, Markup] = field(default_factory=dict)


def _kept(user: User) -> _Kept | None:
    """This organization's copy, read again when its stamp moved; None for a user who does not see exactly
    their organization's live cases."""
    org_id = access.whole_org_scope(user)
    if org_id is None:
        return None
    read = page_reads.read_with_session(LIST_ENDPOINT, user.id) if has_request_context() else None
    if read is not None:
        stamp = read[1]  # read with the session's row, or by LIST_PAGES, in this request before anything else
    else:
        stamp = db.session.scalar(sa.select(ListChoicesStamp.stamp).where(ListChoicesStamp.org_id == org_id))
    if not keeping():
        return _Kept(stamp, _compute(user))  # made as it would be kept, but for this request alone
    cache: dict[int, _Kept] = current_app.extensions.setdefault("list_choices", {})
    kept = cache.get(org_id)
    if kept is not None and kept.stamp == stamp:
        return kept
    kept = _Kept(stamp, _compute(user))
    with _changing:
        cache.pop(org_id, None)
        if len(cache) >= MAX_ORGANIZATIONS:
            cache.pop(next(iter(cache)), None)
        cache[org_id] = kept
    return kept


def filter_choices(user: User) -> Choices:
    """The choices for this user's filter form: from the cache while the organization's stamp stands."""
    kept = _kept(user)
    return kept.choices if kept is not None else _compute(user)


def kept_fragment(user: User, key: Hashable, make: Callable[[Choices], Markup]) -> Markup:
    """HTML made by `make` from this user's choices and nothing else but `key`, kept with the choices while
    the stamp stands (made afresh each time for a user whose choices are their own)."""
    kept = _kept(user)
    if kept is None:
        return make(_compute(user))
    fragment = kept.fragments.get(key)
    if fragment is None:
        fragment = make(kept.choices)
        with _changing:
            if len(kept.fragments) >= MAX_FRAGMENTS:
                kept.fragments.pop(next(iter(kept.fragments)), None)
            kept.fragments[key] = fragment
    return fragment


# Whole pages of the list, kept under the choices' stamp and the list's own (casework.kept_pages).
LIST_ENDPOINT = "people.index"
LIST_PAGES = KeptPages(
    "people_list", [LIST_ENDPOINT], [ListChoicesStamp, PeopleListStamp], "PEOPLE_LIST_PAGES_KEPT"
)

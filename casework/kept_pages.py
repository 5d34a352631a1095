"""Whole pages kept for staff and admins until a write changes them: the people list, What's due, the dashboard.

A staff member or admin sees exactly their organization's live cases (unless shares reach them: then their
pages are their own and never kept), so a page made from the database, their organization and what its key
holds is good for every such user of the organization until one of its stamps moves: database triggers give
a stamp a new value on every write that can change what it covers (casework/models/list_choices.py). The
stamps, and whether shares reach the user, are read with the session's row (casework.page_reads), before the
page reads anything, so a kept page is never older than the stamps it is kept under. Only the CSRF token,
each session's own, is put in per request; a page with a message to flash is made afresh. A page one worker
made is also kept for the server's other workers, sealed, under the same stamps (casework.shared_pages).

Only for requests that write nothing before the page is made: a request's own uncommitted writes never reach
a kept page.
"""

from __future__ import annotations

import secrets
import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable, Iterator, Sequence
from contextlib import contextmanager
from contextvars import ContextVar

import sqlalchemy as sa
from flask import current_app, g, render_template, request, session
from flask_babel import get_locale
from flask_wtf.csrf import generate_csrf

from casework import access, clock, page_reads
from casework.extensions import db
from casework.models import User
from casework.shared_pages import shared_pages

# What stands for the CSRF token in a kept page: a value of this process that no page's data can hold.
CSRF_MARKER = f"csrf-{secrets.token_hex(16)}"
_changing = threading.Lock()  # a worker's threads share the pages: one of them changes them at a time
_keeping = ContextVar("casework_keeping", default=True)


@contextmanager
def keeping_nothing() -> Iterator[None]:
    """Within it (on this thread), kept pages, the list's choices and kept statements are made afresh and not
    kept: a worker's warm-up (casework.warm_up) makes pages for nobody, which no one should be served."""
    token = _keeping.set(False)
    try:
        yield
    finally:
        _keeping.reset(token)


def keeping() -> bool:
    """Whether what is made now may be kept (see keeping_nothing)."""
    return _keeping.get()


class KeptPages:
    """The pages of some endpoints, kept per organization under stamps (models with `org_id` and `stamp`), at
    most `app.config[limit_setting]` of them per process (0 keeps none)."""

    def __init__(
        self, name: str, endpoints: Sequence[str], stamps: Sequence[type], limit_setting: str
    ) -> None:
        self.name, self.endpoints, self.limit_setting = name, tuple(endpoints), limit_setting
        # Whether shares reach a staff member or admin, and the organization's stamps: read with the session's
        # row on a GET of one of the endpoints, else by this statement (built once).
        self._statement = sa.select(
            access.shares_reach(org_wide=True).label("shares"),
            *[self._stamp_of(stamp, sa.bindparam("org_id")) for stamp in stamps],
        )
        columns = [
            access.shares_reach(org_wide=True, user_id=User.id, org_id=User.org_id).label(f"{name}_shares"),
            *[
                self._stamp_of(stamp, User.org_id).label(f"{name}_{stamp.__tablename__}")  # type: ignore[attr-defined]
                for stamp in stamps
            ],
        ]
        for endpoint in self.endpoints:
            page_reads.read_with_session_row(endpoint, columns, params=lambda: {"today": clock.today()})

    @staticmethod
    def _stamp_of(stamp, org_id) -> sa.ScalarSelect:
        return sa.select(stamp.stamp).where(stamp.org_id == org_id).scalar_subquery()

    def shares_and_stamps(self, user: User) -> tuple:
        """(whether shares reach `user`, each stamp of their organization), as read in this request."""
        read = None
        if request.endpoint in self.endpoints:
            read = page_reads.read_with_session(request.endpoint, user.id)
        if read is None:
            read = tuple(db.session.execute(self._statement, access.shares_reach_params(user)).one())
            page_reads.note(request.endpoint or "", user.id, read)  # for what else the page reads of them
        return read

    def page(self, user: User, key: Hashable, make: Callable[[], str]) -> tuple[str, ...]:
        """The page `make` makes from the database, `user`'s organization and `key` alone, cut at each
        CSRF_MARKER: kept while none of the organization's stamps moves (made afresh for a user whose pages
        are their own)."""
        limit = current_app.config[self.limit_setting]
        if not limit or not keeping() or not access.sees_whole_org_by_role(user):
            return _cut(make())
        shares, *stamps = self.shares_and_stamps(user)
        access.note_shares_reach(user, shares)
        if shares:
            return _cut(make())
        pages: OrderedDict = current_app.extensions.setdefault(f"kept_pages.{self.name}", OrderedDict())
        found = pages.get((user.org_id, key))
        if found is not None and found[0] == stamps:
            return found[1]
        shared = shared_pages()
        made = shared.get(self.name, (user.org_id, key), stamps) if shared else None
        if made is None:
            made = _cut(make())
            if shared:
                shared.put(self.name, (user.org_id, key), stamps, made)
        with _changing:
            pages.pop((user.org_id, key), None)
            while len(pages) >= limit:
                pages.popitem(last=False)
            pages[(user.org_id, key)] = (stamps, made)
        return made

    def render(self, user: User, key: tuple, template: str, context: Callable[[], dict]) -> str:
        """`template` rendered with `context()`, kept under `key` and everything the page's frame shows of the
        user (`page_key`); the CSRF token (`csrf_token()`, or CSRF_MARKER in what `context` makes) put in per
        request. A page with a message to flash is made afresh and not kept."""
        user = access.resolved(user)

        def make() -> str:
            return render_template(template, **context(), csrf_token=lambda: CSRF_MARKER)

        parts = _cut(make()) if session.get("_flashes") else self.page(user, page_key(user, *key), make)
        return csrf_token().join(parts)


def _cut(page: str) -> tuple[str, ...]:
    """The page in the parts between its CSRF markers: joined with each request's token, without searching
    the page again (a kept page is tens of kilobytes)."""
    return tuple(page.split(CSRF_MARKER))


# The signed CSRF token of each session secret this process has signed lately (Flask-WTF signs it afresh on
# every request, a third of the work of serving a kept page). Only while tokens never expire
# (WTF_CSRF_TIME_LIMIT None: they live as long as the server-side session), so that a token given again is
# exactly as good as a new one; a new secret (at every sign-in) gets a new token.
_SIGNED_TOKENS_KEPT = 1024
_signed_tokens: OrderedDict[tuple[str, str], str] = OrderedDict()


def csrf_token() -> str:
    """This session's CSRF token, as Flask-WTF's generate_csrf gives it (signed once per secret while tokens
    never expire)."""
    config = current_app.config
    field = config.get("WTF_CSRF_FIELD_NAME", "csrf_token")
    secret = session.get(field)
    if not isinstance(secret, str) or config.get("WTF_CSRF_TIME_LIMIT", 3600) is not None:
        return generate_csrf()
    key = (str(config.get("WTF_CSRF_SECRET_KEY") or current_app.secret_key), secret)
    token = _signed_tokens.get(key)
    if token is None:
        token = generate_csrf()
        with _changing:
            _signed_tokens[key] = token
            while len(_signed_tokens) > _SIGNED_TOKENS_KEPT:
                _signed_tokens.popitem(last=False)
    # Where Flask-WTF keeps the request's token: any other form of the page reuses it.
    setattr(g, field, token)
    return token


def page_key(user: User, *extra: Hashable) -> tuple:
    """What every kept page shows of its user and request besides its own content: who, in which role and
    organization, in which language, on which day, under which address; then `extra`."""
    return (
        user.id,
        user.display_name,
        user.role,
        user.organization.name,
        str(get_locale()),
        request.script_root,
        clock.today(),
        *extra,
    )

"""Values a page reads in the same statement as its session row (casework.sessions): one round trip fewer.

A feature registers, for one endpoint, labeled SQL expressions correlated with the session's `User` (its id,
its organization) and a function giving the parameters they are bound to. The session's statement for a GET
(or HEAD) of that endpoint carries them, and the page finds what was read with `read_with_session`: None when
nothing was (no signed-in user, another endpoint, a POST), and the page then reads them itself (and may
`note` them, for the rest of the request). What was read is kept on the request itself, never in `g`: an
application context may outlive one request (a test's, a command's).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from flask import request

_READ = "casework.page_read"  # in the request's environ: (endpoint, user id, the values read)


@dataclass(frozen=True)
class _PageRead:
    columns: tuple
    params: Callable[[], dict]


_registered: dict[str, _PageRead] = {}
_statements: dict[str, sa.Select] = {}


def read_with_session_row(endpoint: str, columns: Sequence, params: Callable[[], dict] = dict) -> None:
    """Have a GET of `endpoint` read `columns` (expressions on the session's User) with the session's row."""
    _registered[endpoint] = _PageRead(tuple(columns), params)


def session_statement(base: sa.Select, endpoint: str | None) -> tuple[sa.Select, dict]:
    """The session's statement `base` with the columns `endpoint` reads, and the parameters they need."""
    name = endpoint or ""
    found = _registered.get(name)
    if found is None:
        return base, {}
    statement = _statements.get(name)
    if statement is None:  # built once per endpoint (the session's row is read by one statement)
        statement = _statements[name] = base.add_columns(*found.columns)
    return statement, found.params()


def keep(endpoint: str | None, user_id: int | None, row: Any) -> None:
    """Note what the session's statement read for `endpoint` (the last columns of `row`) for this request."""
    found = _registered.get(endpoint or "")
    if found is not None and user_id is not None:
        note(endpoint or "", user_id, tuple(row[-len(found.columns) :]))


def note(endpoint: str, user_id: int, values: tuple) -> None:
    """Keep, for the rest of this request, the values `endpoint` reads for this user (read here or elsewhere)."""
    request.environ[_READ] = (endpoint, user_id, values)


def read_with_session(endpoint: str, user_id: int) -> tuple | None:
    """The values `endpoint` registered, read in this request for this user (with the session's row, or
    noted since), or None."""
    read = request.environ.get(_READ)
    if read is None or read[0] != endpoint or read[1] != user_id:
        return None
    return read[2]

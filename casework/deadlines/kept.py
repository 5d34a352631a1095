"""The statements of What's due and the dashboard, kept between requests once built.

Building these statements of a dozen branches, and the key under which SQLAlchemy finds their compiled form,
took more CPU than running them (at 100,000 people, about 6 of the 8.5 ms What's due spent in Python). A
statement is kept under everything it is built from: the visibility condition's own structure and bound
values (so that a kept statement is exactly the one that would be built now, whatever `access` decides and
from whatever it decides it) and each of the caller's other inputs. It holds SQL only, never a row.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import TypeVar

import sqlalchemy as sa

from casework.kept_pages import keeping

T = TypeVar("T")

SIZE = 128  # kept per worker process: a few per user and day (each filter of What's due is one)

_kept: OrderedDict[Hashable, object] = OrderedDict()
_lock = threading.Lock()  # gthread workers serve requests on several threads


def fingerprint(condition: sa.ColumnElement) -> Hashable | None:
    """The structure and the bound values of a SQL condition, equal for two conditions that say the same (None
    when SQLAlchemy cannot key it: then nothing built from it is kept)."""
    key = condition._generate_cache_key()
    if key is None:
        return None
    return key.key, tuple(repr(param.effective_value) for param in key.bindparams)


def kept(key: Hashable | None, build: Callable[[], T]) -> T:
    """What `build` returns, built once per `key` and kept for the next request (None: built every time)."""
    if key is None or not keeping():
        return build()
    with _lock:
        found = _kept.get(key)
        if found is not None:
            _kept.move_to_end(key)
            return found  # type: ignore[return-value]
    made = build()
    with _lock:
        _kept[key] = made
        while len(_kept) > SIZE:
            _kept.popitem(last=False)
    return made

"""Keyset paging: page 2,000 costs what page 1 costs, and rows added meanwhile never shift a page.

A page is bounded by the ids of its first and last rows; the next page starts after the last row's sort
key, the previous one ends before the first row's. The anchor row is looked up within the same visible
set, so a stale or foreign id starts from the top rather than reveal or guess anything.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any, Generic, TypeVar

import sqlalchemy as sa
from flask import request

from casework.extensions import db
from casework.forms import MAX_ID, parse_id

T = TypeVar("T")

__all__ = ["MAX_ID", "Ordering", "Page", "anchor_arg", "keyset_page"]


@dataclass
class Page(Generic[T]):
    """One page of rows, with the anchors of its neighbours."""

    rows: list[T]
    total: int
    next_after: int | None = None
    prev_before: int | None = None
    filters: dict = field(default_factory=dict)
    at_least: bool = False  # `total` is a floor: the count stopped there (lists too long to count each time)


@dataclass(frozen=True)
class Ordering:
    """The sort key of a list: its columns (the row id last, to make it unique) and its direction."""

    columns: Sequence[Any]  # mapped attributes or column expressions
    descending: bool = False


def anchor_arg(name: str) -> int | None:
    """A paging anchor from the query string, or None when absent, malformed or out of range."""
    return parse_id(request.args.get(name, ""))


def keyset_page(
    query: sa.Select,
    *,
    id_column: Any,  # the mapped id attribute of the listed model
    ordering: Ordering,
    anchor_query: sa.Select,
    after: int | None = None,
    before: int | None = None,
    size: int = 50,
    total: int,
    filters: dict | None = None,
    as_rows: bool = False,
    keyed_by: Sequence[Any] | None = None,
    widen: Callable[[sa.Subquery], sa.Select] | None = None,
) -> Page:
    """The page of `query` after (or before) the row with id `after` (`before`) in `ordering`.

    `anchor_query` selects rows of the same visible set (the anchor's sort key is read through it), and
    `total` is the count the caller computed for the whole filtered list. The page holds the mapped objects
    `query` selects, or with `as_rows` its rows of columns (one of them named `id`). `keyed_by`: where
    `query` selects from a subquery, its columns that carry `ordering`'s (the anchor is still read through
    `anchor_query`). `widen(page)`: where `query` selects only the sort keys and the id, the unordered
    statement that reads the page's other columns for the rows of `page` (that narrow page as a subquery),
    ordered here by the page's keys: the wide columns are read for one page of rows, not for every row
    sorted."""
    columns = list(ordering.columns)
    keys = list(keyed_by) if keyed_by is not None else columns
    anchor_id = after or before
    backwards = before is not None and after is None
    if anchor_id:
        anchor = db.session.execute(
            anchor_query.with_only_columns(*columns).where(id_column == anchor_id).order_by(None)
        ).first()
        if anchor is None:
            anchor_id, backwards = None, False
        else:
            key = sa.tuple_(*keys)
            value = sa.tuple_(*[sa.literal(v, type_=c.type) for v, c in zip(anchor, columns, strict=True)])
            forward_is_greater = not ordering.descending
            query = query.where(key > value if forward_is_greater != backwards else key < value)
    reverse = ordering.descending != backwards
    statement = query.order_by(*_in_order(keys, reverse)).limit(size + 1)
    if widen is not None:
        keyed = statement.subquery("keyed")
        statement = widen(keyed).order_by(*_in_order([keyed.c[c.key] for c in keys], reverse))
    found = db.session.execute(statement)
    rows = list(found if as_rows else found.scalars())
    more = len(rows) > size
    rows = rows[:size]
    if backwards:
        rows.reverse()
    page: Page = Page(rows=rows, total=total, filters=filters or {})
    if rows:
        has_next = more if not backwards else True
        has_prev = (anchor_id is not None) if not backwards else more
        page.next_after = _row_id(rows[-1]) if has_next else None
        page.prev_before = _row_id(rows[0]) if has_prev else None
    return page


def _in_order(columns: Sequence[Any], reverse: bool) -> list:
    return [c.desc() if reverse else c.asc() for c in columns]


def _row_id(row: object) -> int:
    return row.id  # type: ignore[attr-defined]

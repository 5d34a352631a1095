"""The people list: search, filters, sort and keyset paging, over what the user may see."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from casework import access, sealing
from casework.extensions import db
from casework.forms import normalize_a_number, parse_day, parse_id
from casework.models import CaseAssignment, CaseOutcome, CaseStatus, CustodyStatus, Person, User
from casework.models.name_search import MIN_INDEXED, fts_query, fts_table
from casework.models.text import fold
from casework.paging import Ordering, Page, keyset_page
from casework.record.custody_queries import detained_between

COUNT_CAP = 1000  # the list counts its matches up to here, then shows "1,000+"

SORTS = {
    # name: (columns, descending)
    "name": ((Person.sort_name, Person.id), False),
    "updated": ((Person.updated_at, Person.id), True),
    "created": ((Person.created_at, Person.id), True),
}

# What a row of the list shows. Read as plain rows, not whole people: the rest of a person (their story,
# their family, sealed values the list never shows) is neither read nor opened, and no object is built per row.
LIST_COLUMNS = (
    Person.id,
    Person.org_id,
    Person.legal_name,
    Person.preferred_name,
    Person.native_name,
    Person.citizenship,
    Person.community,
    Person.city,
    Person.state,
    Person.case_status,
    Person.custody_status,
    Person.custody_since,
)


# Filters on a status column: (key, column, enum); a value outside the enum is ignored, never queried.
ENUM_FILTERS = (
    ("case_status", Person.case_status, CaseStatus),
    ("outcome", Person.outcome, CaseOutcome),
    ("custody", Person.custody_status, CustodyStatus),
)


def filtered(user: User, filters: dict, *, many: bool = False) -> sa.Select:
    """The visible people matching the filters (no ordering); `many`: the names match more than COUNT_CAP
    people (see names_match)."""
    query = access.visible_people(user)
    q = (filters.get("q") or "").strip()
    if q:
        a_number = _a_number_searched(user, q)
        if a_number:
            matches = Person.a_number_index.in_(sealing.a_number_indexes(a_number))
            query = query.where(matches, access.a_number_visible(user))
        else:
            query = query.where(names_match(fold(q).split(), many=many))
    for key, column, enum in ENUM_FILTERS:
        if filters.get(key) in {e.value for e in enum}:
            query = query.where(column == enum(filters[key]))
    if filters.get("citizenship"):
        query = query.where(Person.citizenship == filters["citizenship"])
    if filters.get("community"):
        query = query.where(Person.community == filters["community"])
    if filters.get("assigned"):
        assignee = parse_id(filters["assigned"])
        query = query.where(
            sa.exists().where(CaseAssignment.person_id == Person.id, CaseAssignment.user_id == assignee)
        )
    detained_from, detained_to = (
        stored_day(filters.get("detained_from")),
        stored_day(filters.get("detained_to")),
    )
    if detained_from or detained_to:
        query = query.where(detained_between(detained_from, detained_to))
    return query


def names_match(words: list[str], *, many: bool = False) -> sa.ColumnElement[bool]:
    """People whose folded names hold every folded word (a substring, in any script), through the name index:
    FTS5 trigrams on SQLite, the pg_trgm index on PostgreSQL (which serves the LIKE itself). Words shorter
    than a trigram are matched by LIKE alone, among the rows the longer words found.

    SQLite reads the matches first and sorts them, right for a few matches; with `many` (thousands) it walks
    the list's sort index instead and checks each row against the matches (`id + 0` keeps the planner from
    reading them first), stopping after one page."""
    if not words:
        return sa.true()
    sqlite = db.session.get_bind().dialect.name == "sqlite"
    indexed = [w for w in words if len(w) >= MIN_INDEXED] if sqlite else []
    conditions = [Person.search_text.contains(w, autoescape=True) for w in words if w not in indexed]
    if indexed:
        matched = sa.select(fts_table.c.rowid).where(fts_table.c.search_text.match(fts_query(indexed)))
        conditions.append((Person.id + 0 if many else Person.id).in_(matched))
    return sa.and_(*conditions)


def stored_day(value) -> date | None:
    """A date kept in the session's filters (YYYY-MM-DD text); None when empty, not a date or out of range."""
    return parse_day(value)


def page_of_people(
    user: User, filters: dict, *, after: int | None = None, before: int | None = None, size: int = 50
) -> Page[sa.Row]:
    """A page of the list, as rows of LIST_COLUMNS, `a_number` (None where this user may not see it) and
    `a_number_visible`; `after`/`before` are ids of the rows that bound it (keyset paging)."""
    ordering = Ordering(*SORTS.get(filters.get("sort") or "name", SORTS["name"]))
    shown = (
        *LIST_COLUMNS,
        access.a_number_shown(user),
        access.a_number_visible(user).label("a_number_visible"),
    )
    paging = Paging(access.visible_people(user), after, before, size)
    if _searches_names(user, filters):
        page = _page_of_few_matches(user, filters, ordering, shown, paging)
        if page is not None:
            return page
    base = filtered(user, filters)
    # Counted up to COUNT_CAP + 1 rows only: past the cap the page says "1,000+", so a load costs the same
    # with ten thousand people or a million.
    capped = base.with_only_columns(Person.id).order_by(None).limit(COUNT_CAP + 1).subquery()
    total = db.session.scalar(sa.select(sa.func.count()).select_from(capped)) or 0
    if total > COUNT_CAP:
        base = filtered(user, filters, many=True)
    page = keyset_page(
        base.with_only_columns(*shown),
        id_column=Person.id,
        ordering=ordering,
        total=min(total, COUNT_CAP),
        filters=filters,
        as_rows=True,
        **paging._asdict(),
    )
    page.at_least = total > COUNT_CAP
    return page


def _a_number_searched(user: User, q: str) -> str | None:
    """The A-number the search text names, where this user may search by A-number (else it is names)."""
    a_number = normalize_a_number(q)
    return a_number if a_number and access.can(user, "see_a_number") else None


def _searches_names(user: User, filters: dict) -> bool:
    q = (filters.get("q") or "").strip()
    return bool(q) and not _a_number_searched(user, q)


class Paging(NamedTuple):
    """Where a page of the list starts, and its length (see paging.keyset_page)."""

    anchor_query: sa.Select
    after: int | None
    before: int | None
    size: int


def _page_of_few_matches(user: User, filters: dict, ordering: Ordering, shown: tuple, paging: Paging):
    """A name search's page and count in one statement, the names matched once: up to COUNT_CAP + 1
    matches are read (their ids and sort keys only, in no order), counted and sorted, and the page's other
    columns read for its own rows alone. None when they are more than COUNT_CAP (the page must then come
    from every match) or when the page is empty (nothing to count on)."""
    keys = {column.key: column for column in (*ordering.columns, Person.id)}
    matches = filtered(user, filters).with_only_columns(*keys.values()).limit(COUNT_CAP + 1).subquery()
    counted = sa.select(matches, sa.func.count().over().label("matches_total")).subquery("counted")

    def widen(keyed: sa.Subquery) -> sa.Select:
        return sa.select(*shown, keyed.c.matches_total).join_from(Person, keyed, Person.id == keyed.c.id)

    page = keyset_page(
        sa.select(counted),
        id_column=Person.id,
        ordering=ordering,
        keyed_by=[counted.c[column.key] for column in ordering.columns],
        total=0,
        filters=filters,
        as_rows=True,
        widen=widen,
        **paging._asdict(),
    )
    if not page.rows or page.rows[0].matches_total > COUNT_CAP:
        return None
    page.total = page.rows[0].matches_total
    return page


def teams_of(rows: Sequence[sa.Row]) -> dict[int, list[str]]:
    """The names of each listed case's team (person id -> names), in one statement."""
    if not rows:
        return {}
    teams: dict[int, list[str]] = {}
    found = db.session.execute(
        sa.select(CaseAssignment.person_id, User.name, User.email)
        .join(User, User.id == CaseAssignment.user_id)
        .where(CaseAssignment.person_id.in_([row.id for row in rows]))
        .order_by(CaseAssignment.person_id, CaseAssignment.created_at, CaseAssignment.id)
    )
    for person_id, name, email in found:
        teams.setdefault(person_id, []).append(name or email)
    return teams


def filter_choices(user: User) -> dict[str, list[str]]:
    """Distinct citizenship and community values among the people this user sees."""
    org_id = access.whole_org_scope(user)
    visible = access.visible_people_filter(user)
    out = {}
    for name, column in (("citizenship", Person.citizenship), ("community", Person.community)):
        if org_id is not None:
            out[name] = _distinct_by_skipping(column, org_id)
        else:
            out[name] = list(
                db.session.scalars(
                    sa.select(column).where(visible, column.is_not(None)).distinct().order_by(column)
                )
            )
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

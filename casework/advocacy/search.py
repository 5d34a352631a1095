"""The advocacy log's list: filters (kind, dates, a case, words), newest first, keyset paging; the same list as
CSV rows."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import access
from casework.advocacy.forms import stored_day, stored_kind
from casework.advocacy.queries import LINK, event_contacts, figures_text, linked_cases
from casework.extensions import db
from casework.forms import parse_id
from casework.models import AdvocacyEvent, Person, User
from casework.paging import Ordering, Page, keyset_page

ORDERING = Ordering((AdvocacyEvent.occurred_on, AdvocacyEvent.id), descending=True)


def _person_id(value) -> int | None:
    return parse_id(str(value or ""))


def filtered(user: User, filters: dict) -> sa.Select:
    """The events this user may see, narrowed by the filters (no ordering)."""
    query = access.visible_advocacy_events(user)
    kind = stored_kind(filters.get("kind"))
    if kind is not None:
        query = query.where(AdvocacyEvent.kind == kind)
    day_from, day_to = stored_day(filters.get("date_from")), stored_day(filters.get("date_to"))
    if day_from:
        query = query.where(AdvocacyEvent.occurred_on >= day_from)
    if day_to:
        query = query.where(AdvocacyEvent.occurred_on <= day_to)
    person_id = _person_id(filters.get("person"))
    if person_id is not None:
        # linked to that case, and only if the user may open it (a guessed id finds nothing)
        query = query.where(
            sa.exists(
                sa.select(LINK.event_id)
                .join(Person, Person.id == LINK.person_id)
                .where(
                    LINK.event_id == AdvocacyEvent.id,
                    LINK.person_id == person_id,
                    access.advocacy_cases_filter(user),
                )
            )
        )
    for word in (filters.get("q") or "").split():
        query = query.where(
            sa.or_(
                AdvocacyEvent.title.icontains(word, autoescape=True),
                AdvocacyEvent.description.icontains(word, autoescape=True),
            )
        )
    return query


def page_of_events(
    user: User, filters: dict, *, after: int | None = None, before: int | None = None, size: int = 50
) -> tuple[Page[AdvocacyEvent], dict[int, list[Person]]]:
    """A page of the log, newest first, with each event's linked cases the user may open (fixed queries)."""
    base = filtered(user, filters)
    total = db.session.scalar(base.with_only_columns(sa.func.count(AdvocacyEvent.id)).order_by(None)) or 0
    page = keyset_page(
        base.options(selectinload(AdvocacyEvent.figures)),
        id_column=AdvocacyEvent.id,
        ordering=ORDERING,
        anchor_query=access.visible_advocacy_events(user),
        after=after,
        before=before,
        size=size,
        total=total,
        filters=filters,
    )
    cases = linked_cases(user, [e.id for e in page.rows]) if page.rows else {}
    return page, cases


def cases_with_events(user: User) -> list[Person]:
    """The cases this user may open that have events linked, by name (the list's case filter)."""
    return list(
        db.session.scalars(
            sa.select(Person)
            .where(
                access.advocacy_cases_filter(user),
                Person.id.in_(sa.select(LINK.person_id)),
            )
            .order_by(Person.sort_name, Person.id)
        )
    )


CSV_HEADER = [
    "Date",
    "Kind",
    "Title",
    "Source address",
    "Description",
    "Figures",
    "Contacts",
    "Linked cases",
]


@dataclass
class CsvRows:
    """The filtered log as CSV rows, and how many events they hold."""

    rows: list[list[object]]
    count: int


def csv_rows(user: User, filters: dict) -> CsvRows:
    """Every event of the filtered list, newest first, as raw cells (the caller makes them safe): contacts only
    for the organization's own users, linked cases only those the user may open."""
    base = filtered(user, filters)
    events = list(
        db.session.scalars(
            base.options(selectinload(AdvocacyEvent.figures)).order_by(
                AdvocacyEvent.occurred_on.desc(), AdvocacyEvent.id.desc()
            )
        )
    )
    ids = base.with_only_columns(AdvocacyEvent.id).order_by(None)
    cases = linked_cases(user, ids) if events else {}
    contacts = event_contacts(ids) if events else {}
    rows = []
    for event in events:
        own = access.sees_advocacy_contacts(user, event)
        rows.append(
            [
                event.occurred_on.isoformat(),
                event.kind,
                event.title,
                event.source_url,
                event.description,
                figures_text(event),
                "; ".join(c.name for c in contacts.get(event.id, [])) if own else "",
                "; ".join(p.legal_name for p in cases.get(event.id, [])),
            ]
        )
    return CsvRows(rows=rows, count=len(events))

"""Reads for the advocacy log's pages: an event's linked cases and contacts (only what the user may see), the
choices of the event form, the cases a search finds to link."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import (
    AdvocacyEvent,
    AdvocacyFigure,
    Contact,
    Person,
    User,
    advocacy_event_contact,
    advocacy_event_person,
)
from casework.models.text import fold
from casework.people.search import names_match

FIND_LIMIT = 20  # cases a search offers to link at once
LINK = advocacy_event_person.c
CONTACT_LINK = advocacy_event_contact.c


def linked_cases(user: User, event_ids: Iterable[int] | sa.Select) -> dict[int, list[Person]]:
    """{event id: the linked cases this user may open, by name}; cases they may not open are left out entirely."""
    ids = event_ids if isinstance(event_ids, sa.Select) else list(event_ids)
    rows = db.session.execute(
        sa.select(LINK.event_id, Person)
        .join(Person, Person.id == LINK.person_id)
        .where(LINK.event_id.in_(ids), access.advocacy_cases_filter(user))
        .order_by(Person.sort_name, Person.id)
    ).all()
    out: dict[int, list[Person]] = defaultdict(list)
    for event_id, person in rows:
        out[event_id].append(person)
    return out


def event_contacts(event_ids: Iterable[int] | sa.Select) -> dict[int, list[Contact]]:
    """{event id: its contacts, by name} (the caller checked the user may see them)."""
    ids = event_ids if isinstance(event_ids, sa.Select) else list(event_ids)
    rows = db.session.execute(
        sa.select(CONTACT_LINK.event_id, Contact)
        .join(Contact, Contact.id == CONTACT_LINK.contact_id)
        .where(CONTACT_LINK.event_id.in_(ids))
        .order_by(Contact.sort_name, Contact.id)
    ).all()
    out: dict[int, list[Contact]] = defaultdict(list)
    for event_id, contact in rows:
        out[event_id].append(contact)
    return out


def event_page(event: AdvocacyEvent, user: User) -> dict:
    """What the event page shows this user: its visible linked cases, its contacts (its organization's users
    only), who recorded it."""
    sees_contacts = access.sees_advocacy_contacts(user, event)
    author = db.session.get(User, event.created_by_id) if event.created_by_id and sees_contacts else None
    return {
        "cases": linked_cases(user, [event.id]).get(event.id, []),
        "contacts": event_contacts([event.id]).get(event.id, []) if sees_contacts else [],
        "sees_contacts": sees_contacts,
        "author": author,
        "can_write": access.can_write_advocacy(user, event),
    }


def directory(user: User) -> list[Contact]:
    """The contacts an event of the user's organization may involve: its directory, by name."""
    return list(db.session.scalars(access.visible_contacts(user).order_by(Contact.sort_name, Contact.id)))


def contact_ids(event: AdvocacyEvent) -> list[int]:
    """The ids of an event's contacts."""
    return list(
        db.session.scalars(sa.select(CONTACT_LINK.contact_id).where(CONTACT_LINK.event_id == event.id))
    )


def linked_case_ids(event: AdvocacyEvent) -> set[int]:
    """The ids of every case linked to the event (for operations: including those the user may not open)."""
    return set(db.session.scalars(sa.select(LINK.person_id).where(LINK.event_id == event.id)))


def linkable_cases(user: User, org_id: int, ids: Iterable[int]) -> list[Person]:
    """Those of `ids` that this user may link to an event of organization `org_id`, by name."""
    wanted = list(ids)
    if not wanted:
        return []
    query = access.advocacy_linkable_people(user, org_id).where(Person.id.in_(wanted))
    return list(db.session.scalars(query.order_by(Person.sort_name, Person.id)))


def find_cases(
    user: User, org_id: int, text: str | None, exclude: Iterable[int] = ()
) -> tuple[list[Person], bool]:
    """Cases to link whose names (or aliases) hold every word of `text`; (the first FIND_LIMIT, whether there
    are more)."""
    tokens = fold(text or "").split()
    if not tokens:
        return [], False
    query = access.advocacy_linkable_people(user, org_id)
    query = query.where(names_match(tokens))
    skip = list(exclude)
    if skip:
        query = query.where(Person.id.not_in(skip))
    found = list(db.session.scalars(query.order_by(Person.sort_name, Person.id).limit(FIND_LIMIT + 1)))
    return found[:FIND_LIMIT], len(found) > FIND_LIMIT


def case_event_rows(person: Person) -> dict[str, sa.Select]:
    """The row sets of the events linked to a case (newest first) and of their figures (in their order)."""
    linked = sa.select(LINK.event_id).where(LINK.person_id == person.id)
    return {
        "advocacy_events": sa.select(AdvocacyEvent)
        .where(AdvocacyEvent.id.in_(linked))
        .order_by(AdvocacyEvent.occurred_on.desc(), AdvocacyEvent.id.desc()),
        "advocacy_figures": sa.select(AdvocacyFigure)
        .where(AdvocacyFigure.event_id.in_(linked))
        .order_by(AdvocacyFigure.position, AdvocacyFigure.id),
    }


def figures_text(event: AdvocacyEvent) -> str:
    """The figures on one line: "Cambodians detained: 100; Vietnamese detained: 95"."""
    return "; ".join(f"{f.label}: {f.value:,}" for f in event.figures)


def conflict(event: AdvocacyEvent, typed: dict, user: User) -> dict[str, object]:
    """What someone else saved meanwhile, readable, for each field where it differs from what was typed."""
    contacts = event_contacts([event.id]).get(event.id, [])
    cases = linked_cases(user, [event.id]).get(event.id, [])
    saved: dict[str, tuple[object, object]] = {
        name: (getattr(event, name), getattr(event, name)) for name in ("title", "occurred_on", "source_url")
    }
    saved["kind"] = (event.kind, event.kind.label)
    saved["description"] = (event.description, event.description)
    saved["figures"] = ([(f.label, f.value) for f in event.figures], figures_text(event) or "no figures")
    saved["contacts"] = (sorted(c.id for c in contacts), "; ".join(c.name for c in contacts) or "none")
    saved["cases"] = (sorted(p.id for p in cases), "; ".join(p.legal_name for p in cases) or "none")
    return {name: shown for name, (value, shown) in saved.items() if typed.get(name) != value}

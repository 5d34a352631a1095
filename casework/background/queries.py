"""Reads for the background: related people seen from one case, the cases a user may link, the case's own
convictions, places lived, incarceration and rehabilitation (each a fixed number of queries)."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Generic, TypeVar

import sqlalchemy as sa

from casework import access, row_sets
from casework.background.fields import PartialDate, normalized, span_text
from casework.extensions import db
from casework.models import (
    Conviction,
    ImmigrationStatus,
    Incarceration,
    Person,
    Rehabilitation,
    Relation,
    RelationKind,
    Residence,
    User,
)

KIND_ORDER = {kind: i for i, kind in enumerate(RelationKind)}
# A linked case's relative faces removal while their own case says so (derived, never stored on the link).
FACING_REMOVAL = (
    ImmigrationStatus.IN_PROCEEDINGS,
    ImmigrationStatus.FINAL_ORDER,
    ImmigrationStatus.ORDER_OF_SUPERVISION,
)


def seen_from(relation: Relation, person_id: int) -> tuple[RelationKind, int | None]:
    """How the relation reads from one of its two cases (see Relation.seen_from)."""
    return relation.seen_from(person_id)


@dataclass(frozen=True)
class RelatedPerson:
    """A relation as one case shows it."""

    relation: Relation
    kind: RelationKind  # read from the case it is shown on: "they are this person's parent"
    other: Person | None  # the linked case; None for a relative who is not a case
    can_open: bool  # whether the viewer may open the linked case (its name is shown only then)

    @property
    def is_link(self) -> bool:
        """Whether the relative is another case of the organization."""
        return self.other is not None

    @property
    def name(self) -> str | None:
        """The relative's name as the viewer may read it (None: a case the viewer may not open)."""
        if self.other is None:
            return self.relation.related_name
        return self.other.legal_name if self.can_open else None

    @property
    def faces_removal(self) -> bool:
        """Whether the relative faces removal too: as recorded for a relative who is not a case; as their own
        case says for a linked case (told only to those who may open it)."""
        if self.other is None:
            return bool(self.relation.faces_removal)
        return self.can_open and self.other.immigration_status in FACING_REMOVAL


def relation_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The row sets `related_from` reads: the person's relations, the cases they link and those of them the
    viewer may open."""
    of_person = sa.or_(Relation.person_id == person.id, Relation.related_person_id == person.id)
    other_ids = sa.select(
        sa.case((Relation.person_id == person.id, Relation.related_person_id), else_=Relation.person_id)
    ).where(of_person)
    return {
        "relations": sa.select(Relation).where(of_person),
        "related_cases": sa.select(Person).where(Person.id.in_(other_ids)),
        "related_cases_open": sa.select(Person).where(
            Person.id.in_(other_ids), access.visible_people_filter(user)
        ),
    }


def related_people(person: Person, user: User) -> list[RelatedPerson]:
    """The person's relatives and co-defendants (see related_from), read in one statement."""
    return related_from(person, user, row_sets.fetch(relation_rows(person, user)))


def related_from(person: Person, user: User, rows: Mapping[str, list]) -> list[RelatedPerson]:
    """The person's relatives and co-defendants, linked cases first by kind, then by name, from the row sets
    of `relation_rows`.

    A linked case the viewer may not open shows without its name, and only to members of its own
    organization; a link to a deleted case is not shown at all."""
    may_open = {p.id for p in rows["related_cases_open"]}
    others = {p.id: p for p in rows["related_cases"]}
    out = []
    for row in rows["relations"]:
        kind, other_id = seen_from(row, person.id)
        if other_id is None:
            out.append(RelatedPerson(row, kind, None, False))
            continue
        other = others.get(other_id)
        if other is None or other.deleted_at is not None:
            continue
        if other_id in may_open or other.org_id == user.org_id:
            out.append(RelatedPerson(row, kind, other, other_id in may_open))
    return sorted(
        out, key=lambda r: (not r.is_link, KIND_ORDER[r.kind], (r.name or "~").lower(), r.relation.id)
    )


def linkable_cases(user: User, person: Person) -> list[Person]:
    """The cases this user may link to `person`: of the same organization, visible to and editable by the
    user, not the case itself, not linked to it already."""
    linked = (
        sa.select(Relation.person_id)
        .where(Relation.related_person_id == person.id)
        .union(
            sa.select(Relation.related_person_id).where(
                Relation.person_id == person.id, Relation.related_person_id.is_not(None)
            )
        )
    )
    candidates = db.session.scalars(
        access.visible_people(user)
        .where(Person.org_id == person.org_id, Person.id != person.id, Person.id.not_in(linked))
        .order_by(Person.legal_name, Person.id)
    ).all()
    return [p for p in candidates if access.can(user, "edit", p)]


def existing_link(first_id: int, second_id: int) -> Relation | None:
    """The link between two cases, stored either way round."""
    low, high = sorted((first_id, second_id))
    return db.session.scalar(
        sa.select(Relation).where(
            sa.or_(
                sa.and_(Relation.person_id == low, Relation.related_person_id == high),
                sa.and_(Relation.person_id == high, Relation.related_person_id == low),
            )
        )
    )


def case_of(person_id: int) -> Person | None:
    """A case by id, whatever the viewer may do with it (operations check the organization)."""
    return db.session.get(Person, person_id)


def convictions_of(person: Person) -> list[Conviction]:
    """The case's own convictions, oldest first (the choices of an incarceration's conviction)."""
    return list(
        db.session.scalars(
            sa.select(Conviction)
            .where(Conviction.person_id == person.id)
            .order_by(
                sa.func.coalesce(Conviction.conviction_date, Conviction.offense_date).is_(None),
                sa.func.coalesce(Conviction.conviction_date, Conviction.offense_date),
                Conviction.id,
            )
        )
    )


def conviction_label(conviction: Conviction) -> str:
    """A conviction as a choice: the offense and the year."""
    day = conviction.conviction_date or conviction.offense_date
    return conviction.offense + (f" ({day.year})" if day else "")


# ---------------------------------------------------------------- dated items


T = TypeVar("T", Residence, Incarceration, Rehabilitation)


@dataclass(frozen=True)
class Dated(Generic[T]):
    """A background item with its from–to dates as far as they are known."""

    item: T
    start: PartialDate
    end: PartialDate

    @property
    def span(self) -> str:
        """ "1981–1983", "from 1996", "until 2004-11", or ""."""
        return span_text(self.start, self.end)


def dated(item: Any) -> Dated:
    """An item with its partial dates."""
    return Dated(
        item, normalized(item.from_on, item.from_precision), normalized(item.to_on, item.to_precision)
    )


def dated_items(model: type[T], person_id: int) -> list[Dated[T]]:
    """Every item of `model` on the case, in the order of their start (unknown starts last), one query."""
    return [dated(row) for row in db.session.scalars(dated_rows(model, person_id))]


def dated_rows(model: type[T], person_id: int) -> sa.Select:
    """Every item of `model` on the case, in the order of their start (unknown starts last)."""
    return (
        sa.select(model)
        .where(model.person_id == person_id)
        .order_by(model.from_on.is_(None), model.from_on, model.to_on.is_(None), model.to_on, model.id)
    )


def has_background(person: Person) -> bool:
    """Whether anything of the background is recorded on the case (a relation, from either side, or a place)."""
    related = sa.or_(Relation.person_id == person.id, Relation.related_person_id == person.id)
    return bool(
        db.session.scalar(sa.select(sa.exists().where(related)))
        or db.session.scalar(sa.select(sa.exists().where(Residence.person_id == person.id)))
    )

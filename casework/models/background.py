"""The person's background: related people, places lived (refugee camps among them), incarceration and
rehabilitation. Dates may be known to the year or month only (a `*_precision` beside each date)."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, DatePrecision, LabelledEnum, TimestampMixin, enum_column


class RelationKind(LabelledEnum):
    """How two people are related (read from the first person: "Dara's sibling")."""

    SIBLING = "sibling"
    SPOUSE = "spouse"
    PARENT = "parent"
    CHILD = "child"
    CO_DEFENDANT = "co_defendant"
    OTHER_RELATIVE = "other_relative"

    @property
    def inverse(self) -> RelationKind:
        """The same relation read from the other side (a parent's child)."""
        return {RelationKind.PARENT: RelationKind.CHILD, RelationKind.CHILD: RelationKind.PARENT}.get(
            self, self
        )

    @property
    def english_label(self) -> str:
        return {"co_defendant": "Co-defendant"}.get(self.value, super().english_label)


class Relation(TimestampMixin, Base):
    """A relative or co-defendant of the person: another case of the organization (shown on both cases), or a
    person who is not a case, by name."""

    __tablename__ = "relation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RelationKind] = mapped_column(enum_column(RelationKind))
    related_person_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("person.id", ondelete="CASCADE"), index=True
    )
    related_name: Mapped[str | None] = mapped_column(sa.String(200))  # a relative who is not a case
    faces_removal: Mapped[bool] = mapped_column(default=False)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.CheckConstraint("related_person_id IS NOT NULL OR related_name IS NOT NULL", name="names_someone"),
        sa.CheckConstraint("related_person_id IS NULL OR related_person_id <> person_id", name="not_oneself"),
        sa.UniqueConstraint("person_id", "related_person_id"),
    )

    def seen_from(self, person_id: int) -> tuple[RelationKind, int | None]:
        """How the relation reads from one of its two cases: the kind (a parent's child) and the other case's id.

        A link between two cases is one row, stored from the case with the smaller id (so that the unique
        constraint on the pair holds whichever side linked first); the other side reads the inverse kind."""
        kind = RelationKind(self.kind)
        if self.related_person_id is None or self.person_id == person_id:
            return kind, self.related_person_id
        return kind.inverse, self.person_id


class PlaceKind(LabelledEnum):
    """What kind of place a person lived in."""

    HOME = "home"
    REFUGEE_CAMP = "refugee_camp"
    OTHER = "other"


class Residence(TimestampMixin, Base):
    """A place the person lived: a city, a refugee camp; from–to, each known to the year, month or day."""

    __tablename__ = "residence"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PlaceKind] = mapped_column(enum_column(PlaceKind), default=PlaceKind.HOME)
    place: Mapped[str] = mapped_column(sa.String(200))  # "Stockton", "Khao-I-Dang"
    state: Mapped[str | None] = mapped_column(sa.String(20))  # a US state code, for places in the US
    country: Mapped[str | None] = mapped_column(sa.String(100))
    from_on: Mapped[date | None]
    from_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    to_on: Mapped[date | None]
    to_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class Incarceration(TimestampMixin, Base):
    """A time in jail or prison: from–to, the facility, whether it was pretrial (bail unaffordable)."""

    __tablename__ = "incarceration"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    conviction_id: Mapped[int | None] = mapped_column(sa.ForeignKey("conviction.id", ondelete="SET NULL"))
    facility: Mapped[str | None] = mapped_column(sa.String(200))
    pretrial: Mapped[bool] = mapped_column(default=False)
    from_on: Mapped[date | None]
    from_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    to_on: Mapped[date | None]
    to_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}


class RehabilitationKind(LabelledEnum):
    """What the person achieved: inside or after."""

    DIPLOMA = "diploma"
    PROGRAM = "program"
    WORK = "work"
    SERVICE = "service"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {
            "diploma": "Diploma or degree",
            "program": "Program or course",
            "work": "Work",
            "service": "Community service",
        }.get(self.value, super().english_label)


class Rehabilitation(TimestampMixin, Base):
    """Evidence of rehabilitation: a diploma, a program, work inside or after, community service."""

    __tablename__ = "rehabilitation"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[RehabilitationKind] = mapped_column(enum_column(RehabilitationKind))
    title: Mapped[str] = mapped_column(sa.String(300))  # "GED", "Anger management, 12 weeks"
    provider: Mapped[str | None] = mapped_column(sa.String(200))
    during_incarceration: Mapped[bool] = mapped_column(default=False)
    from_on: Mapped[date | None]
    from_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    to_on: Mapped[date | None]
    to_precision: Mapped[DatePrecision | None] = mapped_column(enum_column(DatePrecision))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

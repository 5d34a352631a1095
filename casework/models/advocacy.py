"""The advocacy log: events at the level of the organization (an official's statement, a raid, a deportation
flight, an agreement such as a repatriation MOU, press coverage, legislation, a community action), with their
figures, the contacts involved and the cases they touch."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column


class AdvocacyKind(LabelledEnum):
    """What kind of event."""

    STATEMENT = "statement"
    ENFORCEMENT = "enforcement"
    FLIGHT = "flight"
    AGREEMENT = "agreement"
    PRESS = "press"
    LEGISLATION = "legislation"
    ACTION = "action"

    @property
    def english_label(self) -> str:
        return {
            "statement": "Statement by an official",
            "enforcement": "Raid or enforcement action",
            "flight": "Deportation flight",
            "agreement": "Agreement (such as a repatriation MOU)",
            "press": "Press coverage",
            "legislation": "Legislation",
            "action": "Community action",
        }[self.value]


advocacy_event_person = sa.Table(
    "advocacy_event_person",
    Base.metadata,
    sa.Column("event_id", sa.ForeignKey("advocacy_event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("person_id", sa.ForeignKey("person.id", ondelete="CASCADE"), primary_key=True, index=True),
)
advocacy_event_contact = sa.Table(
    "advocacy_event_contact",
    Base.metadata,
    sa.Column("event_id", sa.ForeignKey("advocacy_event.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("contact_id", sa.ForeignKey("contact.id", ondelete="CASCADE"), primary_key=True),
)


class AdvocacyEvent(TimestampMixin, Base):
    """One event of the organization's advocacy log."""

    __tablename__ = "advocacy_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id", ondelete="CASCADE"))
    kind: Mapped[AdvocacyKind] = mapped_column(enum_column(AdvocacyKind))
    occurred_on: Mapped[date]
    title: Mapped[str] = mapped_column(sa.String(300))
    source_url: Mapped[str | None] = mapped_column(sa.String(500))
    description: Mapped[str | None] = mapped_column(sa.Text)
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    figures: Mapped[list[AdvocacyFigure]] = relationship(
        back_populates="event", lazy="raise", order_by="AdvocacyFigure.position", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.Index("ix_advocacy_event_org_day", "org_id", "occurred_on", "id"),)


class AdvocacyFigure(Base):
    """A number an event gives: "Cambodians detained: 100"."""

    __tablename__ = "advocacy_figure"

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("advocacy_event.id", ondelete="CASCADE"), index=True)
    position: Mapped[int] = mapped_column(default=0)
    label: Mapped[str] = mapped_column(sa.String(200))
    value: Mapped[int] = mapped_column(sa.BigInteger)

    event: Mapped[AdvocacyEvent] = relationship(back_populates="figures", lazy="raise")

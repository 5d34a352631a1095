"""Convictions: what the person was convicted of, how, and the grounds of removal it creates."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column


class TriState(LabelledEnum):
    """Yes, no, or not known (records are often incomplete)."""

    YES = "yes"
    NO = "no"
    UNKNOWN = "unknown"


class ConvictionLevel(LabelledEnum):
    """The grade of the offense."""

    FELONY = "felony"
    GROSS_MISDEMEANOR = "gross_misdemeanor"
    MISDEMEANOR = "misdemeanor"
    JUVENILE_ADJUDICATION = "juvenile_adjudication"
    INFRACTION = "infraction"
    OTHER = "other"


class Plea(LabelledEnum):
    """How the conviction came about."""

    PLEA_BARGAIN = "plea_bargain"
    OPEN_PLEA = "open_plea"
    NO_CONTEST = "no_contest"
    TRIAL = "trial"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {
            "plea_bargain": "Plea bargain (guilty plea)",
            "open_plea": "Guilty plea without agreement",
            "no_contest": "No contest (nolo contendere)",
            "trial": "Convicted at trial",
        }.get(self.value, super().english_label)


class RemovalGround(LabelledEnum):
    """Grounds of removal a conviction may create (INA §237(a)(2) and related)."""

    AGGRAVATED_FELONY = "aggravated_felony"
    FIREARM = "firearm"
    CIMT = "cimt"
    CONTROLLED_SUBSTANCE = "controlled_substance"
    DOMESTIC_VIOLENCE = "domestic_violence"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {
            "cimt": "Crime involving moral turpitude (CIMT)",
            "firearm": "Firearm offense",
            "domestic_violence": "Domestic violence, stalking or child abuse",
        }.get(self.value, super().english_label)


class Conviction(TimestampMixin, Base):
    """One conviction of the person."""

    __tablename__ = "conviction"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    state: Mapped[str | None] = mapped_column(sa.String(2))
    county: Mapped[str | None] = mapped_column(sa.String(100))
    court: Mapped[str | None] = mapped_column(sa.String(200))
    docket_number: Mapped[str | None] = mapped_column(sa.String(100))
    statute: Mapped[str | None] = mapped_column(sa.String(200))
    offense: Mapped[str] = mapped_column(sa.String(300))
    level: Mapped[ConvictionLevel | None] = mapped_column(enum_column(ConvictionLevel))
    offense_date: Mapped[date | None]
    conviction_date: Mapped[date | None]
    plea: Mapped[Plea | None] = mapped_column(enum_column(Plea))
    sentence: Mapped[str | None] = mapped_column(sa.Text)
    time_served: Mapped[str | None] = mapped_column(sa.String(200))
    removal_grounds: Mapped[str | None] = mapped_column(
        sa.String(300)
    )  # comma-separated RemovalGround values
    consequences_advised: Mapped[TriState] = mapped_column(enum_column(TriState), default=TriState.UNKNOWN)
    interpreter_at_plea: Mapped[TriState] = mapped_column(enum_column(TriState), default=TriState.UNKNOWN)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}

    @property
    def ground_list(self) -> list[RemovalGround]:
        """The grounds of removal the conviction creates (stored comma-separated)."""
        return [RemovalGround(g) for g in (self.removal_grounds or "").split(",") if g]

    def __repr__(self) -> str:
        return f"<Conviction {self.id}>"

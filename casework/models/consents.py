"""A person's recorded consent to make some facts public (petitions, public packets)."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import User
from casework.models.base import Base, utcnow

# Facts a person may consent to make public, by key, with the label shown to staff.
PUBLIC_FIELDS: dict[str, str] = {
    "preferred_name": "Preferred name",
    "legal_name": "Legal name",
    "photo": "Photograph",
    "age": "Age",
    "city": "City and state of residence",
    "country_of_birth": "Country and place of birth",
    "arrival": "When and how they came to the United States",
    "family": "Family (spouse, children, U.S.-citizen relatives)",
    "work": "Work",
    "community_ties": "Community ties",
    "conviction_summary": "That there is an old conviction, in general terms (no docket numbers)",
    "custody": "Whether they are detained (never the facility)",
    "relief": "The pardon or other relief sought",
}


class PublicConsent(Base):
    """The person's recorded consent to make some facts public (for petitions and public packets).

    The current consent is the latest one not withdrawn; withdrawing it takes public material down at once.
    """

    __tablename__ = "public_consent"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    scope: Mapped[str] = mapped_column(sa.String(500))  # comma-separated PUBLIC_FIELDS keys
    given_by: Mapped[str] = mapped_column(sa.String(200))  # who consented and how: "Dara, in person"
    given_on: Mapped[datetime] = mapped_column(default=utcnow)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    recorded_at: Mapped[datetime] = mapped_column(default=utcnow)
    notes: Mapped[str | None] = mapped_column(sa.Text)
    withdrawn_at: Mapped[datetime | None]
    withdrawn_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))

    recorded_by: Mapped[User | None] = relationship(foreign_keys=[recorded_by_id], lazy="joined")

    @property
    def fields(self) -> list[str]:
        return [f for f in (self.scope or "").split(",") if f in PUBLIC_FIELDS]

    @property
    def active(self) -> bool:
        return self.withdrawn_at is None

"""Travel documents: ICE's requests to a consulate, and what the consulate decided."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column


class TravelDocumentOutcome(LabelledEnum):
    """What the consulate decided."""

    PENDING = "pending"
    ISSUED = "issued"
    REFUSED = "refused"
    WITHDRAWN = "withdrawn"

    @property
    def english_label(self) -> str:
        return {"pending": "Requested, no decision", "withdrawn": "Request withdrawn"}.get(
            self.value, super().english_label
        )


REPATRIATION_AGREEMENTS = [
    "Cambodia (2002 memorandum)",
    "Vietnam (2008 agreement: arrivals from 1995)",
    "Vietnam (2020 memorandum: arrivals before 1995)",
    "Laos (no written agreement)",
    "Other or none",
]


class TravelDocument(TimestampMixin, Base):
    """A request by ICE to a consulate for a travel document, and its fate."""

    __tablename__ = "travel_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    country: Mapped[str] = mapped_column(sa.String(100))
    agreement: Mapped[str | None] = mapped_column(sa.String(200))
    requested_on: Mapped[date | None]
    interview_on: Mapped[date | None]
    outcome: Mapped[TravelDocumentOutcome] = mapped_column(
        enum_column(TravelDocumentOutcome), default=TravelDocumentOutcome.PENDING
    )
    decided_on: Mapped[date | None]
    expires_on: Mapped[date | None]
    refusal_reason: Mapped[str | None] = mapped_column(sa.String(300))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    # What's due (issued documents by expiry) and the dashboard (by country and outcome) read these alone.
    __table_args__ = (
        sa.Index("ix_travel_document_outcome_expiry", "outcome", "expires_on", "person_id"),
        sa.Index("ix_travel_document_country_outcome", "country", "outcome", "person_id"),
    )
    __mapper_args__ = {"version_id_col": version}

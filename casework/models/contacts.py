"""The directory of contacts (attorneys, officials, family...) and their roles on cases; case notes."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column, utcnow


class ContactKind(LabelledEnum):
    """What a contact is to the organization's work."""

    IMMIGRATION_ATTORNEY = "immigration_attorney"
    CRIMINAL_DEFENSE_ATTORNEY = "criminal_defense_attorney"
    POST_CONVICTION_ATTORNEY = "post_conviction_attorney"
    PROSECUTOR = "prosecutor"
    DEPORTATION_OFFICER = "deportation_officer"
    CONSULATE = "consulate"
    OFFICIAL = "official"
    FAMILY = "family"
    SUPPORTER = "supporter"
    PRESS = "press"
    OTHER = "other"

    @property
    def is_attorney(self) -> bool:
        return self.value.endswith("_attorney")

    @property
    def english_label(self) -> str:
        return {
            "deportation_officer": "Deportation officer (ICE)",
            "official": "Elected or public official",
            "prosecutor": "Prosecutor / District Attorney's office",
        }.get(self.value, super().english_label)


class Contact(TimestampMixin, Base):
    """A person or office the organization deals with; one contact serves many cases."""

    __tablename__ = "contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    organization: Mapped[str | None] = mapped_column(sa.String(200))  # firm, office, consulate
    kind: Mapped[ContactKind] = mapped_column(enum_column(ContactKind))
    bar_number: Mapped[str | None] = mapped_column(sa.String(50))
    bar_state: Mapped[str | None] = mapped_column(sa.String(2))
    phone: Mapped[str | None] = mapped_column(sa.String(50))
    email: Mapped[str | None] = mapped_column(sa.String(254))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    sort_name: Mapped[str] = mapped_column(sa.String(200), default="", index=True)
    version: Mapped[int] = mapped_column(default=1)

    roles: Mapped[list[CaseContact]] = relationship(
        back_populates="contact", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Contact {self.id}>"


@sa.event.listens_for(Contact, "before_insert")
@sa.event.listens_for(Contact, "before_update")
def _contact_sort_name(mapper, connection, contact: Contact) -> None:
    from casework.models.text import fold

    contact.sort_name = fold(contact.name)[:200]


class CaseContact(Base):
    """A contact's role on one case (for example: pro bono counsel for the pardon)."""

    __tablename__ = "case_contact"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(200))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    contact: Mapped[Contact] = relationship(back_populates="roles", lazy="joined")

    __table_args__ = (sa.UniqueConstraint("person_id", "contact_id", "role"),)

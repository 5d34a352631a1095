"""Petitions of a case (tracked on outside platforms, or hosted here), their signatures, deliveries, and the
outbox of e-mail waiting to be sent.

Signatures are kept apart from case data: they hold no link to anything but their petition, their name,
e-mail address and comment are encrypted by the application (casework.petitions.crypto), and the
de-duplication keys are keyed HMACs, never the address itself. A hosted petition's public facts are a
snapshot copied from the consented fields of the person at publish time (the `public_*` columns), so
the public pages never read a person.
"""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import User
from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column, utcnow


class PetitionKind(LabelledEnum):
    """Where a petition collects its signatures."""

    HOSTED = "hosted"  # on this site's public pages
    EXTERNAL = "external"  # on an outside platform; counts are entered by hand

    @property
    def english_label(self) -> str:
        return {"hosted": "Hosted here", "external": "Outside platform"}[self.value]


class PetitionStatus(LabelledEnum):
    """A petition's life: a hosted one is public only while `active`."""

    DRAFT = "draft"
    ACTIVE = "active"
    UNPUBLISHED = "unpublished"  # taken down (consent withdrawn, or by staff): the public page is gone
    CLOSED = "closed"  # signing has ended
    ARCHIVED = "archived"

    @property
    def english_label(self) -> str:
        return {"draft": "Draft (not public)", "active": "Open"}.get(self.value, super().english_label)


class SignatureState(LabelledEnum):
    """pending -> validated by the e-mailed link; over the rate limit or invalidated: kept, never counted."""

    PENDING = "pending"
    VALIDATED = "validated"
    OVER_LIMIT = "over_limit"
    INVALIDATED = "invalidated"


class DeliveryOutcome(LabelledEnum):
    """What came of delivering a petition to its decision maker."""

    AWAITING = "awaiting"
    ACKNOWLEDGED = "acknowledged"
    MEETING = "meeting"
    GRANTED = "granted"
    REFUSED = "refused"
    NO_RESPONSE = "no_response"

    @property
    def english_label(self) -> str:
        return {
            "awaiting": "Awaiting a response",
            "acknowledged": "Receipt acknowledged",
            "meeting": "Meeting granted",
            "granted": "Request granted",
        }.get(self.value, super().english_label)


class Petition(TimestampMixin, Base):
    """A petition of a case: tracked on an outside platform, or hosted on the public pages here."""

    __tablename__ = "petition"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"))
    # The owning organization, copied from the case: the public pages and the outbox need it without
    # reading the person.
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True)
    kind: Mapped[PetitionKind] = mapped_column(enum_column(PetitionKind))
    status: Mapped[PetitionStatus] = mapped_column(enum_column(PetitionStatus), default=PetitionStatus.DRAFT)
    title: Mapped[str] = mapped_column(sa.String(200))
    # Who is behind the petition, shown on its public page ("Riverbend Southeast Asian Defense Project").
    organizer: Mapped[str | None] = mapped_column(sa.String(200))
    targets: Mapped[str] = mapped_column(sa.Text)  # one decision maker per line
    goal: Mapped[int | None]

    # external petitions
    external_url: Mapped[str | None] = mapped_column(sa.String(500))
    platform: Mapped[str | None] = mapped_column(sa.String(100))

    # hosted petitions: the public address, the public story (a text of its own, never the private story)
    slug: Mapped[str | None] = mapped_column(sa.String(80), unique=True)
    story: Mapped[str | None] = mapped_column(sa.Text)
    public_fields: Mapped[str] = mapped_column(
        sa.String(300), default=""
    )  # comma-separated PUBLIC_FIELDS keys
    consent_id: Mapped[int | None] = mapped_column(sa.ForeignKey("public_consent.id", ondelete="SET NULL"))

    # The snapshot of consented facts, copied at publish time and wiped when consent is withdrawn.
    public_name: Mapped[str | None] = mapped_column(sa.String(200))
    public_legal_name: Mapped[str | None] = mapped_column(sa.String(200))
    public_age: Mapped[int | None]
    public_city: Mapped[str | None] = mapped_column(sa.String(200))
    public_origin: Mapped[str | None] = mapped_column(sa.String(300))
    public_arrival: Mapped[str | None] = mapped_column(sa.String(300))
    public_family: Mapped[str | None] = mapped_column(sa.Text)
    public_work: Mapped[str | None] = mapped_column(sa.Text)
    public_community: Mapped[str | None] = mapped_column(sa.Text)

    # Confirmed signatures: changed only by atomic UPDATEs (confirmation, invalidation, reconciliation).
    signature_count: Mapped[int] = mapped_column(default=0)

    published_at: Mapped[datetime | None]
    published_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    unpublished_at: Mapped[datetime | None]
    closed_at: Mapped[datetime | None]
    archived_at: Mapped[datetime | None]
    delivered_at: Mapped[datetime | None]  # the latest delivery: signatures are anonymized some time after
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    counts: Mapped[list[PetitionCount]] = relationship(
        back_populates="petition",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(PetitionCount.counted_on, PetitionCount.id)",
    )
    deliveries: Mapped[list[PetitionDelivery]] = relationship(
        back_populates="petition",
        lazy="raise",
        cascade="all, delete-orphan",
        order_by="(PetitionDelivery.delivered_on, PetitionDelivery.id)",
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.Index("ix_petition_person_status", "person_id", "status"),)

    @property
    def target_list(self) -> list[str]:
        return [t.strip() for t in (self.targets or "").splitlines() if t.strip()]

    @property
    def field_list(self) -> list[str]:
        return [f for f in (self.public_fields or "").split(",") if f]

    @property
    def is_public(self) -> bool:
        return self.kind == PetitionKind.HOSTED and self.status == PetitionStatus.ACTIVE

    def __repr__(self) -> str:
        return f"<Petition {self.id}>"


class PetitionCount(Base):
    """A signature count of an outside petition, entered by hand on a day."""

    __tablename__ = "petition_count"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    counted_on: Mapped[date]
    count: Mapped[int]
    entered_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    petition: Mapped[Petition] = relationship(back_populates="counts", lazy="raise")


class PetitionDelivery(TimestampMixin, Base):
    """A delivery of a petition to its decision maker, and what came of it."""

    __tablename__ = "petition_delivery"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petition.id", ondelete="CASCADE"), index=True)
    delivered_on: Mapped[date]
    delivered_to: Mapped[str] = mapped_column(sa.String(300))
    method: Mapped[str | None] = mapped_column(sa.String(200))  # "in person at the field office", "by e-mail"
    signature_count: Mapped[int] = mapped_column(default=0)
    text_sha256: Mapped[str | None] = mapped_column(sa.String(64))
    outcome: Mapped[DeliveryOutcome] = mapped_column(
        enum_column(DeliveryOutcome), default=DeliveryOutcome.AWAITING
    )
    response: Mapped[str | None] = mapped_column(sa.Text)
    recorded_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    petition: Mapped[Petition] = relationship(back_populates="deliveries", lazy="raise")
    recorded_by: Mapped[User | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}


# The signatures the public page may name (the latest few, newest first), word for word the predicate of
# ix_signature_shown: a query that says the same reads them from that index, a few rows, not every confirmed
# signature of the petition (both databases use a partial index only for a query whose WHERE holds its own).
SHOWN_SIGNERS = f"state = '{SignatureState.VALIDATED.value}' AND show_name = true AND name_ct IS NOT NULL"


class Signature(Base):
    """A signature of a hosted petition. Never joined to case data; name, e-mail and comment encrypted."""

    __tablename__ = "signature"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petition.id", ondelete="CASCADE"))
    state: Mapped[SignatureState] = mapped_column(enum_column(SignatureState), default=SignatureState.PENDING)
    name_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    email_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    comment_ct: Mapped[bytes | None] = mapped_column(sa.LargeBinary)
    zip_code: Mapped[str | None] = mapped_column(sa.String(10))
    show_name: Mapped[bool] = mapped_column(default=False)
    send_updates: Mapped[bool] = mapped_column(default=False)
    # HMACs (hex) under a key of their own: canonical e-mail + name (one signature each), e-mail alone
    # (a cap per address), and the e-mail's domain (bulk invalidation).
    dedupe_hmac: Mapped[str | None] = mapped_column(sa.String(64))
    email_hmac: Mapped[str | None] = mapped_column(sa.String(64))
    domain_hmac: Mapped[str | None] = mapped_column(sa.String(64))
    ip_network: Mapped[str | None] = mapped_column(sa.String(64))  # truncated at once: /24 or /48
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    token_expires_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    confirmed_at: Mapped[datetime | None]
    invalidated_at: Mapped[datetime | None]
    anonymized_at: Mapped[datetime | None]
    # The language the signer read the page in ("km"): their confirmation and updates are written in it.
    locale: Mapped[str | None] = mapped_column(sa.String(10))
    # Which of its mailbox's PETITION_SIGNATURES_PER_EMAIL places on the petition this signature holds (1..cap;
    # None when over a limit or anonymized). Unique per mailbox: the cap is held by the constraint, so that
    # signers of one mailbox signing at the same moment need no lock (casework.petitions.signing).
    mailbox_slot: Mapped[int | None]

    __table_args__ = (
        sa.UniqueConstraint("petition_id", "dedupe_hmac"),
        # The mailbox first: signing probes its places through this index, the only one that holds it.
        sa.UniqueConstraint("email_hmac", "petition_id", "mailbox_slot"),
        sa.Index("ix_signature_petition_state", "petition_id", "state"),
        sa.Index("ix_signature_created_at", "created_at"),
        sa.Index(
            "ix_signature_shown",
            "petition_id",
            "confirmed_at",
            "id",
            postgresql_where=sa.text(SHOWN_SIGNERS),
            sqlite_where=sa.text(SHOWN_SIGNERS),
        ),
    )

    def __repr__(self) -> str:  # never a name: reprs end up in logs
        return f"<Signature {self.id} {self.state}>"


class PetitionTranslation(TimestampMixin, Base):
    """A hosted petition's title and story in another language, written by staff for the public page.

    It is public exactly when the petition's own story is (the petition is published); the consented facts
    stay the petition's snapshot, shown with their labels in the visitor's language."""

    __tablename__ = "petition_translation"

    id: Mapped[int] = mapped_column(primary_key=True)
    petition_id: Mapped[int] = mapped_column(sa.ForeignKey("petition.id", ondelete="CASCADE"))
    locale: Mapped[str] = mapped_column(sa.String(10))
    title: Mapped[str] = mapped_column(sa.String(200))
    story: Mapped[str | None] = mapped_column(sa.Text)
    updated_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    version: Mapped[int] = mapped_column(default=1)

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.UniqueConstraint("petition_id", "locale", name="uq_petition_translation_locale"),)

    def __repr__(self) -> str:
        return f"<PetitionTranslation {self.id} {self.locale}>"

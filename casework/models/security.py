"""Second factors, sign-in failures and the networks a user signed in from."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from casework.models.base import Base, LabelledEnum, utcnow


class MfaRequirement(LabelledEnum):
    """Who in an organization must use a second factor to sign in."""

    NOBODY = "nobody"
    ADMINS = "admins"
    STAFF = "staff"
    ATTORNEYS = "attorneys"
    EVERYONE = "everyone"

    @property
    def english_label(self) -> str:
        return {
            "nobody": "Nobody (each user may still turn it on)",
            "admins": "Admins",
            "staff": "Admins and staff",
            "attorneys": "Admins, staff and attorneys",
            "everyone": "Everyone",
        }[self.value]


class TotpFactor(Base):
    """A user's authenticator app: the shared secret (encrypted) and the last time step accepted."""

    __tablename__ = "totp_factor"

    user_id: Mapped[int] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), primary_key=True
    )
    secret_ct: Mapped[bytes] = mapped_column(sa.LargeBinary)
    # Set once the user typed a first code: before that the factor is being enrolled, not in use.
    confirmed_at: Mapped[datetime | None]
    # A code is accepted once: a step at or before this one is refused.
    last_step: Mapped[int] = mapped_column(sa.BigInteger, default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RecoveryCode(Base):
    """One single-use recovery code, kept as a salted Argon2id hash; `used_at` is set when it is spent."""

    __tablename__ = "recovery_code"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    code_hash: Mapped[str] = mapped_column(sa.String(255))
    used_at: Mapped[datetime | None]


class SignInFailure(Base):
    """A failed password or code for an e-mail address, whatever the client address (per-account throttling).

    Keyed by a keyed hash of the address, whether or not an account has it: an address without an account is
    slowed down exactly like one with, so the answers never tell which addresses have accounts."""

    __tablename__ = "sign_in_failure"

    id: Mapped[int] = mapped_column(primary_key=True)
    account_key: Mapped[str] = mapped_column(sa.String(64))
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    failed_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)

    __table_args__ = (sa.Index("ix_sign_in_failure_key_time", "account_key", "failed_at"),)


class SeenNetwork(Base):
    """A network (/24 or /64, keyed hash) a user signed in from; a new one earns a notice."""

    __tablename__ = "seen_network"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"))
    network_hash: Mapped[str] = mapped_column(sa.String(64))
    first_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)

    __table_args__ = (sa.UniqueConstraint("user_id", "network_hash", name="uq_seen_network_user_hash"),)

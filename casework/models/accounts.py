"""Organizations, users and their server-side sessions."""

from __future__ import annotations

from datetime import datetime
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column, utcnow
from casework.models.security import MfaRequirement

if TYPE_CHECKING:
    from casework.models.people import Person


class Role(LabelledEnum):
    """What a user is in their organization."""

    ADMIN = "admin"
    STAFF = "staff"
    VOLUNTEER = "volunteer"
    ATTORNEY = "attorney"

    @property
    def description(self) -> str:
        return {
            "admin": "Users, settings, audit trail and every case of the organization",
            "staff": "Every case of the organization",
            "volunteer": "Assigned cases only; no privileged material; no exports",
            "attorney": "Assigned cases, privileged material and packets",
        }[self.value]


class Organization(TimestampMixin, Base):
    """An advocacy organization, law firm or legal organization using Casework."""

    __tablename__ = "organization"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(200), unique=True)
    # Field-level rule: volunteers see that a person is detained, but not the A-number, unless allowed.
    volunteers_see_a_number: Mapped[bool] = mapped_column(default=False)
    volunteers_build_packets: Mapped[bool] = mapped_column(default=False)
    # Who must sign in with a second factor; those without one are sent to enrolment for `mfa_grace_days`
    # after `mfa_required_since`, then can use nothing but the enrolment page.
    mfa_required_for: Mapped[MfaRequirement] = mapped_column(
        enum_column(MfaRequirement), default=MfaRequirement.NOBODY, server_default="nobody"
    )
    mfa_grace_days: Mapped[int] = mapped_column(default=7, server_default="7")
    mfa_required_since: Mapped[datetime | None]
    # Retention (None: keep): closed cases are purged this many years after closing, unless on legal hold;
    # audit events older than `audit_retention_years` are deleted (flask --app casework purge).
    purge_closed_after_years: Mapped[int | None]
    audit_retention_years: Mapped[int | None]
    # The settings are edited like every versioned record: a save from an older version is refused.
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    users: Mapped[list[User]] = relationship(back_populates="organization", lazy="raise")
    people: Mapped[list[Person]] = relationship(back_populates="organization", lazy="raise")

    __mapper_args__ = {"version_id_col": version}

    def __repr__(self) -> str:
        return f"<Organization {self.id}>"


class User(TimestampMixin, Base):
    """A person who signs in to Casework; belongs to exactly one organization."""

    __tablename__ = "user_account"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)
    email: Mapped[str] = mapped_column(sa.String(254), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200), default="")
    role: Mapped[Role] = mapped_column(enum_column(Role))
    password_hash: Mapped[str] = mapped_column(sa.String(255))
    active: Mapped[bool] = mapped_column(default=True)
    last_login_at: Mapped[datetime | None]
    password_changed_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1)

    organization: Mapped[Organization] = relationship(back_populates="users", lazy="joined")

    # Bumped only by edits of the account itself (not by sign-ins), and checked on every UPDATE.
    __mapper_args__ = {"version_id_col": version, "version_id_generator": False}

    # Flask-Login protocol
    @property
    def is_authenticated(self) -> bool:
        return True

    @property
    def is_active(self) -> bool:
        return self.active

    @property
    def is_anonymous(self) -> bool:
        return False

    def get_id(self) -> str:
        return str(self.id)

    @property
    def display_name(self) -> str:
        return self.name or self.email

    def __repr__(self) -> str:
        return f"<User {self.id} {self.role}>"


class WebSession(Base):
    """A signed-in browser session (or one whose sign-in waits for its second step), kept on the server.

    Anonymous visitors have none: their form token travels in a signed cookie (casework.sessions).

    The browser holds only a random token; the row is keyed by its SHA-256 so that a copy of the
    database does not hand out live sessions. Deleting the row ends the session.
    """

    __tablename__ = "web_session"

    token_hash: Mapped[str] = mapped_column(sa.String(64), primary_key=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    data: Mapped[str] = mapped_column(sa.Text, default="{}")
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime] = mapped_column(index=True)
    # The absolute lifetime counts from the sign-in, which a rotated token carries over.
    signed_in_at: Mapped[datetime | None]
    # The last time the user typed their password (and code) again: dangerous acts want it recent.
    proved_at: Mapped[datetime | None]
    # What the user sees on their sessions page: a rough browser and system, the network cut to /24 or /48.
    client: Mapped[str] = mapped_column(sa.String(100), default="", server_default="")
    network: Mapped[str] = mapped_column(sa.String(64), default="", server_default="")

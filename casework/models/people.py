"""The impacted person (the case), who works on it, and whom it is shared with."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework.models.accounts import Organization, User
from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column, utcnow
from casework.models.custody import CustodyStatus
from casework.models.removal import RemovalStage
from casework.models.sealed import Sealed, sealer
from casework.models.text import fold


class CaseStatus(LabelledEnum):
    """Where the case stands for the organization."""

    INTAKE = "intake"
    ACTIVE = "active"
    MONITORING = "monitoring"
    RELIEF_GRANTED = "relief_granted"
    REMOVED = "removed"
    CLOSED = "closed"


class CaseOutcome(LabelledEnum):
    """How a closed case ended."""

    RELIEF_GRANTED = "relief_granted"
    STATUS_RESTORED = "status_restored"
    PROCEEDINGS_TERMINATED = "proceedings_terminated"
    REMOVED = "removed"
    DEPARTED = "departed"
    TRANSFERRED = "transferred"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {
            "relief_granted": "Relief granted (pardon, vacatur, commutation)",
            "status_restored": "Relief granted and immigration status restored",
            "proceedings_terminated": "Removal proceedings terminated",
            "removed": "Removed from the United States",
            "departed": "Left the United States",
            "transferred": "Transferred to another organization",
        }.get(self.value, super().english_label)


class ArrivalClass(LabelledEnum):
    """How the person first came to the United States."""

    REFUGEE = "refugee"
    ASYLEE = "asylee"
    LPR = "lpr"
    PAROLEE = "parolee"
    VISA = "visa"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {"lpr": "Lawful permanent resident (immigrant visa)"}.get(self.value, super().english_label)


class ImmigrationStatus(LabelledEnum):
    """The person's immigration status today."""

    LPR = "lpr"
    REFUGEE = "refugee"
    IN_PROCEEDINGS = "in_proceedings"
    FINAL_ORDER = "final_order"
    ORDER_OF_SUPERVISION = "order_of_supervision"
    STATUS_RESTORED = "status_restored"
    CITIZEN = "citizen"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {
            "lpr": "Lawful permanent resident",
            "in_proceedings": "In removal proceedings",
            "final_order": "Final order of removal",
            "order_of_supervision": "Final order, released on an order of supervision",
            "status_restored": "Status restored",
            "citizen": "U.S. citizen",
        }.get(self.value, super().english_label)

    @property
    def says_final_order(self) -> bool:
        """The statuses that state a final order of removal: they hold only while the removal case does."""
        return self in (ImmigrationStatus.FINAL_ORDER, ImmigrationStatus.ORDER_OF_SUPERVISION)


# The stages at which the proceedings go on (a status of "final order" no longer holds there).
PROCEEDINGS_STAGES = (
    RemovalStage.NTA_ISSUED,
    RemovalStage.HEARINGS,
    RemovalStage.APPEAL,
    RemovalStage.REOPENED,
)


def status_following(
    stage: RemovalStage | None, status: ImmigrationStatus | None
) -> ImmigrationStatus | None:
    """The person's immigration status once their removal case stands at `stage` (None: no removal case).

    "Final order of removal" is a fact of the removal case: a case at the final-order stage makes the status
    one of the final-order statuses ("Final order of removal" unless it already says "released on an order
    of supervision"); a status saying final order while the case is elsewhere becomes "In removal
    proceedings" (the proceedings go on), or "not known" (no proceedings, terminated): the team says what it
    is now. Any other status is the team's to choose."""
    if stage == RemovalStage.FINAL_ORDER:
        return status if status is not None and status.says_final_order else ImmigrationStatus.FINAL_ORDER
    if status is None or not status.says_final_order or stage is None:
        return status
    return ImmigrationStatus.IN_PROCEEDINGS if stage in PROCEEDINGS_STAGES else None


class ShareLevel(LabelledEnum):
    """What a share lets its holder do with a case."""

    VIEW = "view"
    EDIT = "edit"


# A partial index over the people not deleted (every list reads only those), on both databases.
LIVE_ROWS_ONLY: dict[str, Any] = {
    "sqlite_where": sa.text("deleted_at IS NULL"),
    "postgresql_where": sa.text("deleted_at IS NULL"),
}


def a_number_display(number: str | None) -> str | None:
    """A normalized A-number as people write it (A123-456-789); None for none."""
    return f"A{number[0:3]}-{number[3:6]}-{number[6:9]}" if number else None


class Person(TimestampMixin, Base):
    """An impacted person; everything in a case hangs off this row."""

    __tablename__ = "person"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int] = mapped_column(sa.ForeignKey("organization.id"), index=True)

    legal_name: Mapped[str] = mapped_column(sa.String(200))
    preferred_name: Mapped[str | None] = mapped_column(sa.String(200))
    aliases: Mapped[str | None] = mapped_column(sa.Text)  # one per line
    native_name: Mapped[str | None] = mapped_column(sa.String(200))
    birth_date: Mapped[date | None]
    country_of_birth: Mapped[str | None] = mapped_column(sa.String(100))
    place_of_birth: Mapped[str | None] = mapped_column(sa.String(200))
    citizenship: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    community: Mapped[str | None] = mapped_column(sa.String(100), index=True)
    arrival_date: Mapped[date | None]
    arrival_class: Mapped[ArrivalClass | None] = mapped_column(enum_column(ArrivalClass))
    immigration_status: Mapped[ImmigrationStatus | None] = mapped_column(enum_column(ImmigrationStatus))
    a_number: Mapped[str | None] = mapped_column(Sealed("person.a_number"))  # 9 digits, normalized; sealed
    # HMAC of the A-number (casework.sealing.a_number_index), set on every write: what lookups compare.
    a_number_index: Mapped[str | None] = mapped_column(sa.String(64), index=True)
    languages: Mapped[str | None] = mapped_column(sa.String(200))
    interpreter_needed: Mapped[bool] = mapped_column(default=False)
    city: Mapped[str | None] = mapped_column(sa.String(100))
    state: Mapped[str | None] = mapped_column(sa.String(2))
    spouse: Mapped[str | None] = mapped_column(sa.Text)
    children: Mapped[str | None] = mapped_column(sa.Text)
    us_citizen_relatives: Mapped[str | None] = mapped_column(sa.Text)
    work: Mapped[str | None] = mapped_column(sa.Text)
    community_ties: Mapped[str | None] = mapped_column(sa.Text)
    private_story: Mapped[str | None] = mapped_column(Sealed("person.private_story"))
    case_status: Mapped[CaseStatus] = mapped_column(
        enum_column(CaseStatus), default=CaseStatus.INTAKE, index=True
    )
    # A closed case says how it ended and when ("pardon granted; permanent residence restored").
    outcome: Mapped[CaseOutcome | None] = mapped_column(enum_column(CaseOutcome), index=True)
    outcome_on: Mapped[date | None]
    outcome_notes: Mapped[str | None] = mapped_column(sa.Text)
    # A legal hold keeps the case from every retention purge, however long ago it closed.
    legal_hold: Mapped[bool] = mapped_column(default=False, server_default=sa.false())

    # Derived from the custody timeline (casework.models.custody.derive_custody) whenever it changes, so that
    # every list can show the badge and "who is detained now" is one indexed query.
    custody_status: Mapped[CustodyStatus] = mapped_column(
        enum_column(CustodyStatus), default=CustodyStatus.FREE, index=True
    )
    custody_since: Mapped[date | None]
    custody_facility: Mapped[str | None] = mapped_column(sa.String(200))

    # Derived, for search and stable ordering: every name folded to lower case without accents.
    search_text: Mapped[str] = mapped_column(sa.Text, default="")
    sort_name: Mapped[str] = mapped_column(sa.String(200), default="")

    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    deleted_at: Mapped[datetime | None]
    version: Mapped[int] = mapped_column(default=1)

    organization: Mapped[Organization] = relationship(back_populates="people", lazy="raise")
    assignments: Mapped[list[CaseAssignment]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )
    shares: Mapped[list[CaseShare]] = relationship(
        back_populates="person", lazy="raise", cascade="all, delete-orphan"
    )

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (
        sa.Index("ix_person_org_sort", "org_id", "sort_name", "id"),
        sa.Index("ix_person_org_updated", "org_id", "updated_at", "id"),
        sa.Index("ix_person_org_created", "org_id", "created_at", "id"),
        # Partial: the filter choices and counts read only live cases, straight from the index.
        sa.Index(
            "ix_person_org_citizenship",
            "org_id",
            "citizenship",
            **LIVE_ROWS_ONLY,
        ),
        sa.Index(
            "ix_person_org_community",
            "org_id",
            "community",
            **LIVE_ROWS_ONLY,
        ),
        sa.Index(
            "ix_person_org_live",
            "org_id",
            "custody_status",
            "case_status",
            **LIVE_ROWS_ONLY,
        ),
        # Whether a row's person is visible (org and not deleted) is read from an index, not from the wide
        # person row: What's due and the dashboard check it for every row they count, a name search for
        # each of its matches, with the match's sort key (migration 0028). One seek by id into
        # ix_person_id_visible gives all of them (SQLite may also find a person in ix_person_org_deleted by
        # rowid).
        sa.Index("ix_person_org_deleted", "org_id", "deleted_at"),
        sa.Index("ix_person_id_visible", "id", "org_id", "deleted_at", "sort_name"),
        # The detained in the order the dashboard lists them, and the custody clocks that may have a mark
        # (clock_bounds.py bounds custody_since), without reading the other people.
        sa.Index(
            "ix_person_org_detained",
            "org_id",
            "custody_status",
            "custody_since",
            "id",
            **LIVE_ROWS_ONLY,
        ),
    )

    @property
    def display_name(self) -> str:
        return self.preferred_name or self.legal_name

    @property
    def alias_list(self) -> list[str]:
        return [a.strip() for a in (self.aliases or "").splitlines() if a.strip()]

    @property
    def a_number_display(self) -> str | None:
        return a_number_display(self.a_number)

    def refresh_search_fields(self) -> None:
        """Recompute the folded name columns used for search and ordering (call after name changes)."""
        names = [self.legal_name, self.preferred_name, self.native_name, *self.alias_list]
        self.search_text = " | ".join(fold(n) for n in names if n)
        self.sort_name = fold(self.legal_name)[:200]

    def age_on(self, day: date | None) -> int | None:
        """Age in whole years on a given day (None if either date is unknown)."""
        if not self.birth_date or not day:
            return None
        b = self.birth_date
        return day.year - b.year - ((day.month, day.day) < (b.month, b.day))

    @property
    def age_at_arrival(self) -> int | None:
        return self.age_on(self.arrival_date)

    def __repr__(self) -> str:  # never a name: reprs end up in logs
        return f"<Person {self.id}>"


@sa.event.listens_for(Person, "before_insert")
@sa.event.listens_for(Person, "before_update")
def _index_a_number(mapper: sa.orm.Mapper, connection: sa.Connection, person: Person) -> None:
    """The one place the blind index follows the A-number."""
    if sa.inspect(person).attrs.a_number.history.has_changes() or (
        person.a_number_index is None and person.a_number
    ):
        person.a_number_index = sealer().a_number_index(person.a_number)


class CaseAssignment(Base):
    """A user of the owning organization who works on a case (volunteers and attorneys see only these)."""

    __tablename__ = "case_assignment"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    person: Mapped[Person] = relationship(back_populates="assignments", lazy="raise")
    user: Mapped[User] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("person_id", "user_id"),)


class CaseShare(Base):
    """A case opened to a user or an organization outside its owner, at view or edit level."""

    __tablename__ = "case_share"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="CASCADE"), index=True
    )
    org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    level: Mapped[ShareLevel] = mapped_column(enum_column(ShareLevel))
    expires_on: Mapped[date | None]
    # What the owning organization lets the partner reach beyond the case record (all off unless chosen).
    includes_privileged: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    includes_a_number: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    allows_export: Mapped[bool] = mapped_column(default=False, server_default=sa.false())
    created_by_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    person: Mapped[Person] = relationship(back_populates="shares", lazy="raise")
    user: Mapped[User | None] = relationship(foreign_keys=[user_id], lazy="joined")
    organization: Mapped[Organization | None] = relationship(lazy="joined")

    __table_args__ = (
        sa.CheckConstraint("(user_id IS NULL) <> (org_id IS NULL)", name="one_grantee"),
        sa.UniqueConstraint("person_id", "user_id", "org_id"),
    )
    __mapper_args__ = {"version_id_col": version}

    @property
    def grantee_label(self) -> str:
        if self.user is not None:
            return f"{self.user.display_name} ({self.user.organization.name})"
        return f"{self.organization.name} (whole organization)" if self.organization else "?"


@sa.event.listens_for(Person, "before_insert")
@sa.event.listens_for(Person, "before_update")
def _keep_search_fields(mapper, connection, person: Person) -> None:
    person.refresh_search_fields()

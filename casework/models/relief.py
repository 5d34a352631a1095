"""Relief applications (pardons, commutations, motions to vacate...), their steps, history and templates."""

from __future__ import annotations

from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from casework import clock
from casework.models.accounts import User
from casework.models.base import Base, LabelledEnum, TimestampMixin, enum_column, utcnow
from casework.models.contacts import Contact
from casework.models.convictions import Conviction
from casework.models.documents import Document


class ReliefKind(LabelledEnum):
    """The kind of relief sought."""

    GOVERNOR_PARDON = "governor_pardon"
    PAROLE_BOARD_PARDON = "parole_board_pardon"
    COMMUTATION = "commutation"
    MOTION_TO_VACATE = "motion_to_vacate"
    RECORD_CLEARANCE = "record_clearance"
    CERTIFICATE_OF_REHABILITATION = "certificate_of_rehabilitation"
    STAY_OF_REMOVAL = "stay_of_removal"
    MOTION_TO_REOPEN = "motion_to_reopen"

    @property
    def english_label(self) -> str:
        return {
            "governor_pardon": "Governor's pardon",
            "parole_board_pardon": "Pardon through the parole board",
            "motion_to_reopen": "Motion to reopen (immigration court)",
        }.get(self.value, super().english_label)


class ReliefStatus(LabelledEnum):
    """Where an application stands."""

    PREPARING = "preparing"
    FILED = "filed"
    UNDER_REVIEW = "under_review"
    HEARING_SCHEDULED = "hearing_scheduled"
    GRANTED = "granted"
    DENIED = "denied"
    WITHDRAWN = "withdrawn"

    @property
    def is_closed(self) -> bool:
        return self in (ReliefStatus.GRANTED, ReliefStatus.DENIED, ReliefStatus.WITHDRAWN)

    @property
    def needs_filing(self) -> bool:
        return self not in (ReliefStatus.PREPARING, ReliefStatus.WITHDRAWN)


class ProsecutorPosition(LabelledEnum):
    """What the prosecutor's office says about the application (a motion to vacate, a pardon)."""

    UNKNOWN = "unknown"
    SUPPORTS = "supports"
    DOES_NOT_OPPOSE = "does_not_oppose"
    OPPOSES = "opposes"

    @property
    def english_label(self) -> str:
        return {"unknown": "Not known yet", "does_not_oppose": "Does not oppose"}.get(
            self.value, super().english_label
        )


class CounselRole(LabelledEnum):
    """A counsel's part in an application."""

    LEAD = "lead"
    CO_COUNSEL = "co_counsel"
    PRO_BONO_FIRM = "pro_bono_firm"
    PARTNER_ORGANIZATION = "partner_organization"

    @property
    def english_label(self) -> str:
        return {
            "lead": "Lead counsel",
            "co_counsel": "Co-counsel",
            "pro_bono_firm": "Pro bono firm",
            "partner_organization": "Partner organization",
        }[self.value]


class SupportKind(LabelledEnum):
    """A record of support for an application."""

    LETTER = "letter"
    RESOLUTION = "resolution"
    STATEMENT = "statement"
    OTHER = "other"

    @property
    def english_label(self) -> str:
        return {
            "letter": "Letter of support",
            "resolution": "Resolution (a board, a council)",
            "statement": "Statement by an official",
        }.get(self.value, super().english_label)


relief_conviction = sa.Table(
    "relief_conviction",
    Base.metadata,
    sa.Column("application_id", sa.ForeignKey("relief_application.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("conviction_id", sa.ForeignKey("conviction.id", ondelete="CASCADE"), primary_key=True),
)


class ReliefTemplate(Base):
    """The steps of one relief process in one jurisdiction: data that admins can add to."""

    __tablename__ = "relief_template"

    id: Mapped[int] = mapped_column(primary_key=True)
    org_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organization.id", ondelete="CASCADE"), index=True
    )
    jurisdiction: Mapped[str] = mapped_column(sa.String(20))  # a state code, or "generic"
    kind: Mapped[ReliefKind | None] = mapped_column(enum_column(ReliefKind))  # None: any kind
    name: Mapped[str] = mapped_column(sa.String(200))
    forum: Mapped[str | None] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    active: Mapped[bool] = mapped_column(default=True)
    # Counts changes to the template's content (its details and steps): an application remembers the revision
    # it was opened with, and a newer one is applied to it only by choice, after a preview.
    revision: Mapped[int] = mapped_column(default=1, server_default="1")
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    steps: Mapped[list[ReliefTemplateStep]] = relationship(
        back_populates="template",
        lazy="selectin",
        order_by="ReliefTemplateStep.position",
        cascade="all, delete-orphan",
    )

    __mapper_args__ = {"version_id_col": version}


class StepRuleColumns:
    """The rule that sets a step's due date (casework.relief.schedule computes it).

    The due date is `offset_days` after the anchor: "opened" (the application's opening day), "step" (the
    step at `anchor_position`: its done day, else its own date), "filed", "hearing" or "decided" (the
    application's day, else the step marked as that milestone). A negative offset places it before (a notice
    30 days before a hearing). With schedule "quarterly", the step falls on the first day of the next month
    listed in `schedule_months` at least `offset_days` after the anchor (boards that sit quarterly).
    `milestone` marks the step that is the application's "filing", a "hearing" or the "decision".
    """

    anchor_position: Mapped[int | None]
    offset_days: Mapped[int] = mapped_column(default=0)
    schedule: Mapped[str] = mapped_column(sa.String(20), default="offset")
    schedule_months: Mapped[str | None] = mapped_column(sa.String(40))
    milestone: Mapped[str | None] = mapped_column(sa.String(20))


class ReliefTemplateStep(StepRuleColumns, Base):
    """One step of a template and the rule that sets its due date (see StepRuleColumns)."""

    __tablename__ = "relief_template_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    template_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relief_template.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    anchor: Mapped[str] = mapped_column(sa.String(20), server_default="opened")  # see _template_step_anchor
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1, server_default="1")

    template: Mapped[ReliefTemplate] = relationship(back_populates="steps", lazy="raise")

    __mapper_args__ = {"version_id_col": version}
    __table_args__ = (sa.UniqueConstraint("template_id", "position"),)


class ReliefApplication(TimestampMixin, Base):
    """One application for relief, linked to the convictions it targets."""

    __tablename__ = "relief_application"

    id: Mapped[int] = mapped_column(primary_key=True)
    person_id: Mapped[int] = mapped_column(sa.ForeignKey("person.id", ondelete="CASCADE"), index=True)
    kind: Mapped[ReliefKind] = mapped_column(enum_column(ReliefKind))
    jurisdiction: Mapped[str] = mapped_column(sa.String(20))
    forum: Mapped[str | None] = mapped_column(sa.String(200))
    status: Mapped[ReliefStatus] = mapped_column(
        enum_column(ReliefStatus), default=ReliefStatus.PREPARING, index=True
    )
    opened_on: Mapped[date] = mapped_column(default=clock.today)
    filed_on: Mapped[date | None]
    hearing_on: Mapped[date | None]  # the hearing's day: set when the hearing step is scheduled or held
    decided_on: Mapped[date | None]
    outcome: Mapped[str | None] = mapped_column(sa.Text)
    lead_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    prosecutor_position: Mapped[ProsecutorPosition] = mapped_column(
        enum_column(ProsecutorPosition), default=ProsecutorPosition.UNKNOWN, server_default="unknown"
    )
    prosecutor_contact_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("contact.id", ondelete="SET NULL")
    )
    prosecutor_position_on: Mapped[date | None]
    template_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relief_template.id", ondelete="SET NULL"))
    template_revision: Mapped[int | None]  # the template's revision its step rules were copied from
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    lead: Mapped[User | None] = relationship(foreign_keys=[lead_id], lazy="joined")
    prosecutor: Mapped[Contact | None] = relationship(foreign_keys=[prosecutor_contact_id], lazy="joined")
    convictions: Mapped[list[Conviction]] = relationship(secondary=relief_conviction, lazy="raise")
    steps: Mapped[list[ReliefStep]] = relationship(
        back_populates="application",
        lazy="raise",
        order_by="ReliefStep.position",
        cascade="all, delete-orphan",
    )
    events: Mapped[list[ReliefEvent]] = relationship(
        back_populates="application", lazy="raise", order_by="ReliefEvent.id", cascade="all, delete-orphan"
    )
    # Several counsel (an attorney, a firm pro bono, a partner organization) and the records of support; the
    # database deletes them with the application.
    counsel: Mapped[list[ReliefCounsel]] = relationship(
        lazy="raise", order_by="ReliefCounsel.id", cascade="all, delete-orphan", passive_deletes=True
    )
    support_records: Mapped[list[SupportRecord]] = relationship(
        lazy="raise", order_by="SupportRecord.id", cascade="all, delete-orphan", passive_deletes=True
    )

    # The dashboard counts applications by kind and status from this index alone.
    __table_args__ = (sa.Index("ix_relief_application_kind_status", "kind", "status", "person_id"),)
    __mapper_args__ = {"version_id_col": version}


class ReliefStep(StepRuleColumns, TimestampMixin, Base):
    """A step of an application: the volunteer's log, and the rule its due date follows.

    `anchor` None: a step with no rule (added by hand). `due_override_on` is a due date set by hand, which the
    rule does not move. `due_on` is the engine's answer (casework.relief.dates.refresh writes it in the same
    flush as any change to what it counts from), kept so that What's due can sort and limit in the database.
    """

    __tablename__ = "relief_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relief_application.id", ondelete="CASCADE"), index=True
    )
    position: Mapped[int]
    title: Mapped[str] = mapped_column(sa.String(300))
    anchor: Mapped[str | None] = mapped_column(sa.String(20))
    due_override_on: Mapped[date | None]
    due_on: Mapped[date | None] = mapped_column(index=True)
    done_on: Mapped[date | None]
    assignee_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("user_account.id", ondelete="SET NULL"), index=True
    )
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    application: Mapped[ReliefApplication] = relationship(back_populates="steps", lazy="raise")
    assignee: Mapped[User | None] = relationship(lazy="joined")

    # One step per position: two steps added at the same moment cannot both become "step 11". What's due
    # counts open steps by day from ix_relief_step_open_due alone.
    __table_args__ = (
        sa.UniqueConstraint("application_id", "position"),
        sa.Index("ix_relief_step_open_due", "done_on", "due_on", "application_id"),
    )
    __mapper_args__ = {"version_id_col": version}


class ReliefEvent(Base):
    """The application's history: status changes and step work, in order."""

    __tablename__ = "relief_event"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relief_application.id", ondelete="CASCADE"), index=True
    )
    at: Mapped[datetime] = mapped_column(default=utcnow)
    actor_id: Mapped[int | None] = mapped_column(sa.ForeignKey("user_account.id", ondelete="SET NULL"))
    kind: Mapped[str] = mapped_column(sa.String(40))
    step_id: Mapped[int | None] = mapped_column(sa.ForeignKey("relief_step.id", ondelete="SET NULL"))
    from_status: Mapped[str | None] = mapped_column(sa.String(30))
    to_status: Mapped[str | None] = mapped_column(sa.String(30))
    summary: Mapped[str] = mapped_column(sa.String(400))

    application: Mapped[ReliefApplication] = relationship(back_populates="events", lazy="raise")
    actor: Mapped[User | None] = relationship(lazy="joined")


@sa.event.listens_for(ReliefTemplateStep, "before_insert")
def _template_step_anchor(mapper, connection, step: ReliefTemplateStep) -> None:
    """A template step given an anchor step but no anchor kind counts from that step."""
    if step.anchor is None:
        step.anchor = "step" if step.anchor_position is not None else "opened"


@sa.event.listens_for(ReliefStep, "before_insert")
def _ruleless_step_keeps_its_date(mapper, connection, step: ReliefStep) -> None:
    """A step with no rule keeps the date it was given as a date set by hand (the engine never moves it)."""
    if step.anchor is None and step.due_override_on is None and step.due_on is not None:
        step.due_override_on = step.due_on


class ReliefCounsel(Base):
    """A counsel on an application: a contact (attorney, law firm, legal organization) and their role."""

    __tablename__ = "relief_counsel"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relief_application.id", ondelete="CASCADE"), index=True
    )
    contact_id: Mapped[int] = mapped_column(sa.ForeignKey("contact.id", ondelete="CASCADE"), index=True)
    role: Mapped[CounselRole] = mapped_column(enum_column(CounselRole))

    contact: Mapped[Contact] = relationship(lazy="joined")

    __table_args__ = (sa.UniqueConstraint("application_id", "contact_id", "role"),)


class SupportRecord(TimestampMixin, Base):
    """A record of support attached to an application: a letter, a resolution, an official's statement."""

    __tablename__ = "support_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    application_id: Mapped[int] = mapped_column(
        sa.ForeignKey("relief_application.id", ondelete="CASCADE"), index=True
    )
    kind: Mapped[SupportKind] = mapped_column(enum_column(SupportKind))
    author: Mapped[str] = mapped_column(sa.String(200))  # who: "Board of Supervisors of Stanislaus County"
    author_contact_id: Mapped[int | None] = mapped_column(sa.ForeignKey("contact.id", ondelete="SET NULL"))
    given_on: Mapped[date | None]
    summary: Mapped[str | None] = mapped_column(sa.String(500))
    document_id: Mapped[int | None] = mapped_column(sa.ForeignKey("document.id", ondelete="SET NULL"))
    notes: Mapped[str | None] = mapped_column(sa.Text)
    version: Mapped[int] = mapped_column(default=1)

    author_contact: Mapped[Contact | None] = relationship(lazy="joined")
    document: Mapped[Document | None] = relationship(lazy="joined")

    __mapper_args__ = {"version_id_col": version}

"""What the relief pages read: an application's steps, history, convictions, counsel and records of support, the
templates offered, and the people, contacts, documents and convictions the forms offer to choose from."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import sqlalchemy as sa

from casework import access, row_sets
from casework.extensions import db
from casework.models import (
    Contact,
    ContactKind,
    Conviction,
    CounselRole,
    Document,
    Person,
    ReliefApplication,
    ReliefCounsel,
    ReliefEvent,
    ReliefKind,
    ReliefStep,
    ReliefTemplate,
    SupportRecord,
    User,
    relief_conviction,
)

# ---------------------------------------------------------------- an application and its case


def application_rows(person: Person) -> dict[str, sa.Select]:
    """The row sets of the case's applications (newest first), their steps, counsel and records of support, and
    the users, contacts and documents these name (see applications_from)."""
    ids = sa.select(ReliefApplication.id).where(ReliefApplication.person_id == person.id)
    steps = sa.select(ReliefStep).where(ReliefStep.application_id.in_(ids))
    counsel = sa.select(ReliefCounsel).where(ReliefCounsel.application_id.in_(ids))
    support = sa.select(SupportRecord).where(SupportRecord.application_id.in_(ids))
    user_ids: sa.CompoundSelect = sa.union(
        sa.select(ReliefApplication.lead_id).where(ReliefApplication.person_id == person.id),
        steps.with_only_columns(ReliefStep.assignee_id),
    )
    contact_ids: sa.CompoundSelect = sa.union(
        sa.select(ReliefApplication.prosecutor_contact_id).where(ReliefApplication.person_id == person.id),
        counsel.with_only_columns(ReliefCounsel.contact_id),
        support.with_only_columns(SupportRecord.author_contact_id),
    )
    return {
        "relief_applications": sa.select(ReliefApplication)
        .where(ReliefApplication.person_id == person.id)
        .order_by(ReliefApplication.opened_on.desc(), ReliefApplication.id.desc()),
        "relief_steps": steps.order_by(ReliefStep.position, ReliefStep.id),
        "relief_counsel": counsel.order_by(ReliefCounsel.id),
        "relief_support": support.order_by(SupportRecord.id),
        "relief_users": sa.select(User).where(User.id.in_(user_ids)),
        "relief_contacts": sa.select(Contact).where(Contact.id.in_(contact_ids)),
        "relief_documents": sa.select(Document).where(
            Document.id.in_(support.with_only_columns(SupportRecord.document_id))
        ),
    }


def applications_from(rows: Mapping[str, list]) -> list[ReliefApplication]:
    """The applications of `application_rows` with their steps, counsel and records of support, and whom and
    what these name, attached."""
    applications = rows["relief_applications"]
    row_sets.attach(applications, "lead", rows["relief_users"])
    row_sets.attach(applications, "prosecutor", rows["relief_contacts"])
    row_sets.attach(applications, "steps", rows["relief_steps"])
    row_sets.attach(rows["relief_steps"], "assignee", rows["relief_users"])
    row_sets.attach(applications, "counsel", rows["relief_counsel"])
    row_sets.attach(rows["relief_counsel"], "contact", rows["relief_contacts"])
    row_sets.attach(applications, "support_records", rows["relief_support"])
    row_sets.attach(rows["relief_support"], "author_contact", rows["relief_contacts"])
    row_sets.attach(rows["relief_support"], "document", rows["relief_documents"])
    return applications


def steps_of(application: ReliefApplication) -> Sequence[ReliefStep]:
    """The application's checklist, in order."""
    return db.session.scalars(
        sa.select(ReliefStep)
        .where(ReliefStep.application_id == application.id)
        .order_by(ReliefStep.position, ReliefStep.id)
    ).all()


def events_of(application: ReliefApplication) -> Sequence[ReliefEvent]:
    """The application's history, newest first."""
    return db.session.scalars(
        sa.select(ReliefEvent)
        .where(ReliefEvent.application_id == application.id)
        .order_by(ReliefEvent.at.desc(), ReliefEvent.id.desc())
    ).all()


def targeted_convictions(application: ReliefApplication) -> Sequence[Conviction]:
    """The convictions the application targets, in the order they were recorded."""
    return db.session.scalars(
        sa.select(Conviction)
        .join(relief_conviction, relief_conviction.c.conviction_id == Conviction.id)
        .where(relief_conviction.c.application_id == application.id)
        .order_by(Conviction.id)
    ).all()


# ---------------------------------------------------------------- choices of the forms


def case_org_users(person: Person) -> list[User]:
    """Active users of the case's organization, who may lead the application or do its steps."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.org_id == person.org_id, User.active.is_(True))
            .order_by(User.name, User.email)
        )
    )


# Who may be counsel: attorneys, and the firms and organizations a directory files as "other" or "supporter".
COUNSEL_KINDS = (*(k for k in ContactKind if k.is_attorney), ContactKind.OTHER, ContactKind.SUPPORTER)


def directory_contacts(person: Person, kinds: Sequence[ContactKind] | None = None) -> list[Contact]:
    """Contacts of the case owner's directory (of these kinds), by name: a partner with an edit share links the
    owner's contacts, never its own organization's (casework.access.linkable_contacts)."""
    query = access.linkable_contacts(person)
    if kinds is not None:
        query = query.where(Contact.kind.in_(kinds))
    return list(db.session.scalars(query.order_by(Contact.sort_name, Contact.id)))


def directory_contact(person: Person, contact_id: int | None, user: User | None = None) -> Contact | None:
    """One contact `user` (by default the signed-in one) may link to the case, or None (never another
    organization's)."""
    if contact_id is None:
        return None
    return db.session.scalar(access.linkable_contacts(person, user).where(Contact.id == contact_id))


def case_documents(person: Person, user: User) -> list[Document]:
    """The case's documents this user may see (privileged ones only for those who may), by title."""
    return list(
        db.session.scalars(
            sa.select(Document)
            .where(Document.person_id == person.id, access.documents_filter(user))
            .order_by(Document.title, Document.id)
        )
    )


def counsel_of(application: ReliefApplication) -> Sequence[ReliefCounsel]:
    """The application's counsel, in the order they were added (their contacts joined)."""
    return db.session.scalars(
        sa.select(ReliefCounsel)
        .where(ReliefCounsel.application_id == application.id)
        .order_by(ReliefCounsel.id)
    ).all()


def counsel_exists(application: ReliefApplication, contact_id: int, role: CounselRole) -> bool:
    """Whether this contact already has this role on the application."""
    return bool(
        db.session.scalar(
            sa.select(sa.literal(1)).where(
                ReliefCounsel.application_id == application.id,
                ReliefCounsel.contact_id == contact_id,
                ReliefCounsel.role == role,
            )
        )
    )


def support_of(application: ReliefApplication) -> Sequence[SupportRecord]:
    """The application's records of support, oldest first (undated ones last), with authors and documents."""
    return db.session.scalars(
        sa.select(SupportRecord)
        .where(SupportRecord.application_id == application.id)
        .order_by(SupportRecord.given_on.is_(None), SupportRecord.given_on, SupportRecord.id)
    ).all()


def person_convictions(person: Person) -> list[Conviction]:
    """The person's convictions, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Conviction)
            .where(Conviction.person_id == person.id)
            .order_by(Conviction.conviction_date.is_(None), Conviction.conviction_date, Conviction.id)
        )
    )


# ---------------------------------------------------------------- templates


def offered_templates(user: User) -> list[ReliefTemplate]:
    """Active templates offered to the user's organization: built-in ones and its own."""
    return list(
        db.session.scalars(
            access.relief_templates_offered(user)
            .where(ReliefTemplate.active.is_(True))
            .order_by(ReliefTemplate.jurisdiction, ReliefTemplate.name, ReliefTemplate.id)
        )
    )


def templates_to_manage(user: User) -> Sequence[ReliefTemplate]:
    """Every template the admin's organization sees, active or not: its own first, then the built-in ones."""
    return db.session.scalars(
        access.relief_templates_offered(user).order_by(
            ReliefTemplate.org_id.is_(None),
            ReliefTemplate.jurisdiction,
            ReliefTemplate.name,
            ReliefTemplate.id,
        )
    ).all()


def best_template(
    templates: list[ReliefTemplate], kind: ReliefKind | None, jurisdiction: str | None, org_id: int
) -> ReliefTemplate | None:
    """The template fitting a kind and jurisdiction best, else a generic one (an organization's own first)."""

    def rank(t: ReliefTemplate) -> tuple | None:
        if t.jurisdiction == jurisdiction:
            place = 0 if t.kind == kind else (1 if t.kind is None else None)
        elif t.jurisdiction == "generic":
            place = 2 if t.kind == kind else (3 if t.kind is None else None)
        else:
            place = None
        return None if place is None else (place, t.org_id != org_id, t.id)

    candidates = [(r, t) for t in templates if (r := rank(t)) is not None]
    return min(candidates, key=lambda pair: pair[0])[1] if candidates else None


def template_of(application: ReliefApplication) -> ReliefTemplate | None:
    """The template the application was opened from, if it still exists."""
    if application.template_id is None:
        return None
    return db.session.get(ReliefTemplate, application.template_id)

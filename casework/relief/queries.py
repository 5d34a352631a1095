"""What the relief pages read: an application's steps, history and convictions, the templates offered, and
the people, attorneys and convictions the forms offer to choose from."""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import access
from casework.extensions import db
from casework.models import (
    Contact,
    ContactKind,
    Conviction,
    Person,
    ReliefApplication,
    ReliefEvent,
    ReliefKind,
    ReliefStep,
    ReliefTemplate,
    User,
    relief_conviction,
)

# ---------------------------------------------------------------- an application and its case


def applications_with_steps(person: Person) -> Sequence[ReliefApplication]:
    """The case's applications, newest first, with their steps (two queries)."""
    return db.session.scalars(
        sa.select(ReliefApplication)
        .where(ReliefApplication.person_id == person.id)
        .options(selectinload(ReliefApplication.steps))
        .order_by(ReliefApplication.opened_on.desc(), ReliefApplication.id.desc())
    ).all()


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


def attorney_contacts(person: Person) -> list[Contact]:
    """Attorneys in the directory of the case's organization."""
    kinds = [k for k in ContactKind if k.is_attorney]
    return list(
        db.session.scalars(
            sa.select(Contact)
            .where(Contact.org_id == person.org_id, Contact.kind.in_(kinds))
            .order_by(Contact.sort_name, Contact.id)
        )
    )


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

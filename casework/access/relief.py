"""Relief templates (built-in and the organization's own) and the steps of a case's applications."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from casework.access.cases import get_case_item_or_404
from casework.extensions import db
from casework.models import Person, ReliefApplication, ReliefStep, ReliefTemplate, ReliefTemplateStep, User


def relief_templates_offered(user: User) -> sa.Select:
    """SELECT of the relief templates offered to this user's organization: the built-in ones and its own."""
    return sa.select(ReliefTemplate).where(
        sa.or_(ReliefTemplate.org_id.is_(None), ReliefTemplate.org_id == user.org_id)
    )


def get_relief_template_or_404(template_id: int, need: str = "view"):
    """Load a relief template offered to the current user's organization (404 for another organization's);
    need="edit" is for the organization's own templates only (403 for the read-only built-in ones)."""

    offered = relief_templates_offered(current_user)
    template = db.session.scalar(offered.where(ReliefTemplate.id == template_id))
    if template is None:
        abort(404)
    if need != "view" and template.org_id != current_user.org_id:
        abort(403)
    return template


def get_relief_template_step_or_404(step_id: int, template_id: int, need: str = "edit"):
    """Load (template, step) for a step of a template the current user's organization may `need`."""
    template = get_relief_template_or_404(template_id, need=need)
    return template, get_step_of_template_or_404(template, step_id)


def get_step_of_template_or_404(template: ReliefTemplate, step_id: int) -> ReliefTemplateStep:
    """A step of a template already loaded through this module (404 if it is another template's)."""
    step = db.session.get(ReliefTemplateStep, step_id)
    if step is None or step.template_id != template.id:
        abort(404)
    return step


def get_relief_step_or_404(step_id: int, application_id: int, person_id: int, need: str = "view"):
    """Load (case, application, step): 404 unless the step belongs to that application of a visible case."""
    person, application = get_case_item_or_404(ReliefApplication, application_id, person_id, need=need)
    return person, application, get_step_of_application_or_404(application, step_id)


def get_step_of_application_or_404(application: ReliefApplication, step_id: int) -> ReliefStep:
    """A step of an application already loaded through access (404 if it is another application's)."""
    step = db.session.get(ReliefStep, step_id)
    if step is None or step.application_id != application.id:
        abort(404)
    return step


def get_relief_application_or_404(
    person: Person, application_id: int, *, with_convictions: bool = False
) -> ReliefApplication:
    """An application of a case already loaded through access (404 if it is another case's); with the
    convictions it targets, read afresh, when asked (the relationship is lazy="raise")."""
    query = sa.select(ReliefApplication).where(
        ReliefApplication.id == application_id, ReliefApplication.person_id == person.id
    )
    if with_convictions:
        query = query.options(selectinload(ReliefApplication.convictions)).execution_options(
            populate_existing=True
        )
    application = db.session.scalar(query)
    if application is None:
        abort(404)
    return application


def get_case_org_user_or_404(person: Person, user_id: int) -> User:
    """A user of the case's organization (a step's assignee): 404 for anyone else, whoever is asking."""
    user = db.session.get(User, user_id)
    if user is None or user.org_id != person.org_id:
        abort(404)
    return user

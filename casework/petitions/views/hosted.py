"""Petitions hosted here: writing one, publishing it (with the person's consent) and taking it down."""

from __future__ import annotations

from flask import flash, request
from flask_login import current_user

from casework import access, editing
from casework.errors import OperationError
from casework.i18n import gettext
from casework.models import PUBLIC_FIELDS, Person, Petition, PetitionKind
from casework.petitions import operations, queries
from casework.petitions.forms import HostedPetitionForm
from casework.petitions.views import CASE, PETITION, bp, petition_url, require_kind, to_petition
from casework.petitions.views.page import field_refused, petition_form_page


@bp.route(CASE + "/hosted/new", methods=["GET", "POST"])
def new_hosted(person_id: int):
    """Write a petition to host here; it stays a draft until published."""
    person = access.get_person_or_404(person_id, need="manage")
    form = HostedPetitionForm(version=0)
    if form.validate_on_submit():
        petition = editing.submit(
            form,
            lambda: operations.create_hosted(current_user, person, form.petition_data()),
            on_refused=field_refused,
        )
        if petition is not None:
            flash(gettext("The petition was saved as a draft. Check it, then publish it."), "success")
            return to_petition(person, petition)
    elif request.method == "POST":
        flash(gettext("The petition was not saved: correct the fields marked below."), "error")
    return petition_form_page(person, None, form)


def _publish_problem(person: Person, petition: Petition) -> str | None:
    """Why the petition cannot be published now, or None."""
    try:
        operations.check_publishable(person, petition)
    except OperationError as exc:
        return str(exc)
    return None


@bp.route(PETITION + "/publish", methods=["GET", "POST"])
def publish(person_id: int, petition_id: int):
    """Preview what will be public, then publish (needs the person's consent, covering every fact shown)."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    require_kind(petition, PetitionKind.HOSTED)
    return editing.confirm_view(
        template="petitions/publish.html",
        context={
            "person": person,
            "petition": petition,
            "consent": queries.current_consent(person),
            "problem": _publish_problem(person, petition),
            "preview": operations.snapshot_for(person, petition.field_list),
            "field_labels": PUBLIC_FIELDS,
        },
        act=lambda: operations.publish(current_user, person, petition),
        done_url=petition_url(person, petition),
        message="The petition is public.",
        refused_prefix="The petition was not published. ",
    )


@bp.route(PETITION + "/unpublish", methods=["GET", "POST"])
def unpublish(person_id: int, petition_id: int):
    """Confirm, then take the public page down at once (it answers 410 Gone)."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    return editing.confirm_view(
        template="petitions/confirm.html",
        context={
            "person": person,
            "petition": petition,
            "title": "Take this petition off the public pages?",
            "text": "Its public page will answer “gone” at once, and the facts copied from the "
            "record are wiped. Signatures stay here; you can publish it again later.",
            "button": "Unpublish",
            "danger": True,
        },
        act=lambda: operations.unpublish(current_user, person, petition),
        done_url=petition_url(person, petition),
        message="The public page was taken down.",
    )

"""Petitions that run on outside platforms: tracking one, and the counts entered by hand as it grows."""

from __future__ import annotations

from flask import flash, request
from flask_login import current_user

from casework import access, editing
from casework.i18n import gettext
from casework.models import PetitionCount, PetitionKind
from casework.petitions import operations
from casework.petitions.forms import CountForm, ExternalPetitionForm
from casework.petitions.views import CASE, PETITION, bp, petition_url, require_kind, to_petition
from casework.petitions.views.page import petition_form_page, petition_page


@bp.route(CASE + "/external/new", methods=["GET", "POST"])
def new_external(person_id: int):
    """Track a petition that runs on an outside platform."""
    person = access.get_person_or_404(person_id, need="edit")
    form = ExternalPetitionForm(version=0)
    if form.validate_on_submit():
        petition = operations.create_external(current_user, person, form.petition_data())
        flash(gettext("The petition is tracked: enter its counts as they grow."), "success")
        return to_petition(person, petition)
    if request.method == "POST":
        flash(gettext("The petition was not saved: correct the fields marked below."), "error")
    return petition_form_page(person, None, form)


@bp.post(PETITION + "/counts")
def add_count(person_id: int, petition_id: int):
    """Enter the count an outside platform shows."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="edit")
    require_kind(petition, PetitionKind.EXTERNAL)
    form = CountForm()
    if form.validate_on_submit():
        operations.add_count(current_user, person, petition, form.count_data())
        flash(gettext("The count was added."), "success")
        return to_petition(person, petition, "#counts")
    flash(gettext("The count was not added: correct the fields marked below."), "error")
    return petition_page(person, petition, count_form=form)


@bp.route(PETITION + "/counts/<int:count_id>/delete", methods=["GET", "POST"])
def delete_count(person_id: int, petition_id: int, count_id: int):
    """Confirm, then remove a count entered by mistake."""
    person, petition, entry = access.get_petition_child_or_404(
        PetitionCount, count_id, petition_id, person_id, need="edit"
    )
    return editing.confirm_view(
        template="petitions/confirm.html",
        context={
            "person": person,
            "petition": petition,
            "title": "Remove this count?",
            "text": f"{entry.count:,} signatures on {entry.counted_on.isoformat()}.",
            "button": "Remove the count",
            "danger": True,
        },
        act=lambda: operations.delete_count(current_user, person, petition, entry),
        done_url=petition_url(person, petition, "#counts"),
        message="The count was removed.",
    )

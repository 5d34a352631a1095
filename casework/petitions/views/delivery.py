"""Delivering a petition: the delivery PDF, and the log of deliveries with their responses and outcomes."""

from __future__ import annotations

from flask import Response, flash, render_template, request
from flask_login import current_user

from casework import access, clock, editing
from casework.i18n import gettext
from casework.models import Person, Petition, PetitionDelivery, PetitionKind, PetitionStatus
from casework.pdf import RenderFailed
from casework.petitions import exports, operations
from casework.petitions.forms import DeliveryForm
from casework.petitions.views import PETITION, Loader, bp, petition_url, require_kind, to_petition
from casework.petitions.views.signatures import export_allowed

UNDELIVERABLE = (
    "A draft or unpublished petition cannot be delivered: publish it (with the person's consent) first."
)


@bp.get(PETITION + "/delivery.pdf")
def delivery_pdf(person_id: int, petition_id: int):
    """The delivery document: a cover page (text and its SHA-256, targets, count, dates), then the signatures."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    export_allowed(person)
    require_kind(petition, PetitionKind.HOSTED)
    if petition.status in (PetitionStatus.DRAFT, PetitionStatus.UNPUBLISHED):
        flash(UNDELIVERABLE, "error")
        return to_petition(person, petition)
    try:
        document = exports.delivery_pdf(petition, owner=f"user-{current_user.id}")
    except RenderFailed as exc:
        page = render_template("packets/failed.html", person=person, message=str(exc), busy=exc.status == 429)
        return page, exc.status, {"Retry-After": "30"}
    operations.record_export(current_user, person, petition, "delivery PDF")
    return Response(
        document,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="petition-{petition.id}-delivery.pdf"'},
    )


def _delivery_form_page(
    person: Person, petition: Petition, form: DeliveryForm, delivery=None, conflict: dict | None = None
):
    return render_template(
        "petitions/delivery_form.html",
        form=form,
        person=person,
        petition=petition,
        delivery=delivery,
        conflict=conflict,
    )


@bp.route(PETITION + "/deliveries/new", methods=["GET", "POST"])
def new_delivery(person_id: int, petition_id: int):
    """Log a delivery to a decision maker (the count and the text's SHA-256 are recorded with it)."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
    form = DeliveryForm(version=0)
    if request.method == "GET":
        form.delivered_on.data = clock.today()
        form.delivered_to.data = "; ".join(petition.target_list)[:300] or None
    if form.validate_on_submit():
        operations.record_delivery(current_user, person, petition, form.delivery_data())
        flash(gettext("The delivery was logged."), "success")
        return to_petition(person, petition, "#deliveries")
    if request.method == "POST":
        flash(gettext("The delivery was not logged: correct the fields marked below."), "error")
    return _delivery_form_page(person, petition, form)


@bp.route(PETITION + "/deliveries/<int:delivery_id>/edit", methods=["GET", "POST"])
def edit_delivery(person_id: int, petition_id: int, delivery_id: int):
    """Record the response and outcome of a delivery."""
    load: Loader[PetitionDelivery] = Loader(
        lambda: access.get_petition_child_or_404(
            PetitionDelivery, delivery_id, petition_id, person_id, need="steward"
        )
    )
    return editing.edit_view(
        load=load,
        make_form=lambda delivery: DeliveryForm(obj=delivery),
        save=lambda delivery, form: operations.update_delivery(
            current_user, load.person, load.petition, delivery, form.delivery_data(), form.version.data
        ),
        render=lambda delivery, form, conflict: _delivery_form_page(
            load.person, load.petition, form, delivery, conflict
        ),
        saved_url=lambda delivery: petition_url(load.person, load.petition, "#deliveries"),
        what="delivery",
        data=lambda form: form.delivery_data(),
    )

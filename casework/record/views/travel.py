"""Travel documents: ICE's requests to a consulate and the consulate's decisions."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user

from casework import access, editing
from casework.i18n import gettext
from casework.models import TravelDocument
from casework.record import operations
from casework.record.forms import TravelDocumentForm
from casework.record.views import bp
from casework.record.views.flows import NOT_SAVED, case_url, edit_item


@bp.route("/<int:person_id>/travel-documents/new", methods=["GET", "POST"])
def add_travel_document(person_id: int):
    """Record a travel-document request."""
    person = access.get_person_or_404(person_id, need="edit")
    form = TravelDocumentForm(version=0)
    if form.validate_on_submit():
        operations.create_travel_document(current_user, person, form.record_data())
        flash(gettext("The travel document request was added."), "success")
        return redirect(case_url(person.id, "travel-documents"))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("record/travel_form.html", form=form, person=person, document=None, conflict=None)


@bp.route("/<int:person_id>/travel-documents/<int:document_id>/edit", methods=["GET", "POST"])
def edit_travel_document(person_id: int, document_id: int):
    """Edit a travel-document request or record the consulate's decision."""
    return edit_item(
        load=lambda: access.get_case_item_or_404(TravelDocument, document_id, person_id, need="edit"),
        make_form=lambda loaded: TravelDocumentForm(obj=loaded.item),
        save=lambda loaded, form: operations.update_travel_document(
            current_user, loaded.person, loaded.item, form.record_data(), form.version.data
        ),
        template="record/travel_form.html",
        name="document",
        anchor="travel-documents",
    )


@bp.route("/<int:person_id>/travel-documents/<int:document_id>/delete", methods=["GET", "POST"])
def delete_travel_document(person_id: int, document_id: int):
    """Confirm, then delete a travel-document request."""
    person, document = access.get_case_item_or_404(TravelDocument, document_id, person_id, need="edit")
    return editing.confirm_view(
        template="record/confirm_delete.html",
        context={
            "person": person,
            "anchor": "travel-documents",
            "title": "Delete this travel document request?",
            "what": f"{document.country}: {document.outcome.label}",
            "consequence": None,
            "button": "Delete the request",
        },
        act=lambda: operations.delete_travel_document(current_user, person, document),
        done_url=case_url(person.id, "travel-documents"),
        message="The travel document request was deleted.",
    )

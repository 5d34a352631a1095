"""Places lived (refugee camps among them): add, edit (with conflict detection) and delete (after a
confirmation), from the case page."""

from __future__ import annotations

from flask_login import current_user

from casework import access
from casework.background import operations, queries
from casework.background.forms import ResidenceForm
from casework.background.views import bp
from casework.background.views.flows import add_view, delete_view, edit_view
from casework.models import Residence
from casework.reference import COUNTRY_SUGGESTIONS

PLACES = "places-lived"
PLACE_CONTEXT = {"countries": COUNTRY_SUGGESTIONS}


@bp.route("/places/new", methods=["GET", "POST"])
def add_place(person_id: int):
    """Record a place the person lived (a refugee camp among them)."""
    person = access.get_person_or_404(person_id, need="edit")
    return add_view(
        person=person,
        form=ResidenceForm(version=0),
        act=lambda form: operations.add_residence(current_user, person, form.record_data()),
        template="background/residence_form.html",
        anchor=PLACES,
        added="The place was added.",
        context=PLACE_CONTEXT,
    )


@bp.route("/places/<int:residence_id>/edit", methods=["GET", "POST"])
def edit_place(person_id: int, residence_id: int):
    """Edit a place lived; a save from an outdated version is refused and what was typed kept."""
    return edit_view(
        load=lambda: access.get_case_item_or_404(Residence, residence_id, person_id, need="edit"),
        make_form=lambda loaded: ResidenceForm(obj=loaded.item),
        save=lambda loaded, form: operations.update_residence(
            current_user, loaded.person, loaded.item, form.record_data(), form["version"].data
        ),
        template="background/residence_form.html",
        anchor=PLACES,
        context=lambda loaded: PLACE_CONTEXT,
    )


@bp.route("/places/<int:residence_id>/delete", methods=["GET", "POST"])
def delete_place(person_id: int, residence_id: int):
    """Confirm, then delete a place lived."""
    loaded = access.get_case_item_or_404(Residence, residence_id, person_id, need="edit")
    residence = queries.dated(loaded.item)
    return delete_view(
        loaded=loaded,
        act=lambda: operations.delete_residence(current_user, loaded.person, loaded.item),
        anchor=PLACES,
        title="Delete this place lived?",
        what=", ".join(
            filter(None, [loaded.item.place, loaded.item.state, loaded.item.country, residence.span])
        ),
        button="Delete the place",
        done="The place was deleted.",
    )

"""Evidence of rehabilitation (diplomas, programs, work, service): add, edit (with conflict detection) and
delete (after a confirmation), from the case page."""

from __future__ import annotations

from flask_login import current_user

from casework import access
from casework.background import operations, queries
from casework.background.forms import RehabilitationForm
from casework.background.views import bp
from casework.background.views.flows import add_view, delete_view, edit_view
from casework.models import Rehabilitation

REHABILITATION = "rehabilitation"


@bp.route("/rehabilitation/new", methods=["GET", "POST"])
def add_rehabilitation(person_id: int):
    """Record a diploma, a program, work or community service."""
    person = access.get_person_or_404(person_id, need="edit")
    return add_view(
        person=person,
        form=RehabilitationForm(version=0),
        act=lambda form: operations.add_rehabilitation(current_user, person, form.record_data()),
        template="background/rehabilitation_form.html",
        anchor=REHABILITATION,
        added="The record of rehabilitation was added.",
    )


@bp.route("/rehabilitation/<int:rehabilitation_id>/edit", methods=["GET", "POST"])
def edit_rehabilitation(person_id: int, rehabilitation_id: int):
    """Edit a record of rehabilitation; a save from an outdated version is refused and what was typed kept."""
    return edit_view(
        load=lambda: access.get_case_item_or_404(Rehabilitation, rehabilitation_id, person_id, need="edit"),
        make_form=lambda loaded: RehabilitationForm(obj=loaded.item),
        save=lambda loaded, form: operations.update_rehabilitation(
            current_user, loaded.person, loaded.item, form.record_data(), form["version"].data
        ),
        template="background/rehabilitation_form.html",
        anchor=REHABILITATION,
    )


@bp.route("/rehabilitation/<int:rehabilitation_id>/delete", methods=["GET", "POST"])
def delete_rehabilitation(person_id: int, rehabilitation_id: int):
    """Confirm, then delete a record of rehabilitation."""
    loaded = access.get_case_item_or_404(Rehabilitation, rehabilitation_id, person_id, need="edit")
    item = queries.dated(loaded.item)
    return delete_view(
        loaded=loaded,
        act=lambda: operations.delete_rehabilitation(current_user, loaded.person, loaded.item),
        anchor=REHABILITATION,
        title="Delete this record of rehabilitation?",
        what=", ".join(filter(None, [loaded.item.title, loaded.item.provider, item.span])),
        button="Delete the record",
        done="The record of rehabilitation was deleted.",
    )

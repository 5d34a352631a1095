"""The removal case: one per person, recorded and edited on one page."""

from __future__ import annotations

from flask_login import current_user

from casework import access
from casework.access import CaseItem
from casework.record import operations, queries
from casework.record.forms import RemovalCaseForm
from casework.record.views import bp
from casework.record.views.flows import edit_item


def _load(person_id: int) -> CaseItem:
    """The case and its removal case (None until one is recorded)."""
    person = access.get_person_or_404(person_id, need="edit")
    return CaseItem(person, queries.removal_case_of(person))


@bp.route("/<int:person_id>/removal", methods=["GET", "POST"])
def edit_removal(person_id: int):
    """Create or edit the removal case (one per person)."""
    return edit_item(
        load=lambda: _load(person_id),
        make_form=lambda loaded: (
            RemovalCaseForm(obj=loaded.item) if loaded.item else RemovalCaseForm(version=0)
        ),
        save=lambda loaded, form: operations.save_removal_case(
            current_user, loaded.person, loaded.item, form.record_data(), form.version.data
        )[1],
        template="record/removal_form.html",
        name="removal",
        anchor="removal",
    )

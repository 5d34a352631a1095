"""The removal case: one per person, recorded and edited on one page."""

from __future__ import annotations

from typing import cast

from flask import flash
from flask_login import current_user

from casework import access
from casework.access import CaseItem
from casework.forms import BaseForm
from casework.record import operations, queries
from casework.record.forms import RemovalCaseForm
from casework.record.views import bp
from casework.record.views.flows import edit_item


def _load(person_id: int) -> CaseItem:
    """The case and its removal case (None until one is recorded)."""
    person = access.get_person_or_404(person_id, need="edit")
    return CaseItem(person, queries.removal_case_of(person))


def _save(loaded: CaseItem, form: BaseForm) -> list[str]:
    """Save the removal case; say what happened to the person's status, which follows it."""
    removal_form = cast(RemovalCaseForm, form)
    saved = operations.save_removal_case(
        current_user, loaded.person, loaded.item, removal_form.record_data(), removal_form.version.data
    )
    if saved.status_note:
        flash(saved.status_note, "info")
    return saved.changed


@bp.route("/<int:person_id>/removal", methods=["GET", "POST"])
def edit_removal(person_id: int):
    """Create or edit the removal case (one per person)."""
    return edit_item(
        load=lambda: _load(person_id),
        make_form=lambda loaded: (
            RemovalCaseForm(obj=loaded.item) if loaded.item else RemovalCaseForm(version=0)
        ),
        save=_save,
        template="record/removal_form.html",
        name="removal",
        anchor="removal",
    )

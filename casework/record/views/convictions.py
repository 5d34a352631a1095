"""Convictions: add, edit, delete."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user

from casework import access, editing
from casework.access import CaseItem
from casework.forms import BaseForm
from casework.i18n import gettext
from casework.models import Conviction, Person
from casework.record import operations, queries
from casework.record.forms import ConvictionForm
from casework.record.views import bp
from casework.record.views.flows import NOT_SAVED, case_url, edit_item


def _conviction_form(person: Person, **kwargs) -> ConvictionForm:
    """The conviction form, keeping its dates after the person's birth."""
    form = ConvictionForm(**kwargs)
    form.birth_date = person.birth_date
    return form


def _readable_conflict(loaded: CaseItem, form: BaseForm, fields: list[str]) -> dict:
    """The saved values that differ from what was typed, the removal grounds by name."""
    conviction: Conviction = loaded.item
    values = editing.conflict_values(conviction, editing.record_data(form), fields)
    if "removal_grounds" in values:
        values["removal_grounds"] = ", ".join(g.label for g in conviction.ground_list) or None
    return values


@bp.route("/<int:person_id>/convictions/new", methods=["GET", "POST"])
def add_conviction(person_id: int):
    """Add a conviction."""
    person = access.get_person_or_404(person_id, need="edit")
    form = _conviction_form(person, version=0)
    if form.validate_on_submit():
        operations.create_conviction(current_user, person, form.record_data())
        flash(gettext("The conviction was added."), "success")
        return redirect(case_url(person.id, "convictions"))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(
        "record/conviction_form.html", form=form, person=person, conviction=None, conflict=None
    )


@bp.route("/<int:person_id>/convictions/<int:conviction_id>/edit", methods=["GET", "POST"])
def edit_conviction(person_id: int, conviction_id: int):
    """Edit a conviction; a save based on an outdated version is refused and the typed values kept."""
    return edit_item(
        load=lambda: access.get_case_item_or_404(Conviction, conviction_id, person_id, need="edit"),
        make_form=lambda loaded: _conviction_form(loaded.person, obj=loaded.item),
        save=lambda loaded, form: operations.update_conviction(
            current_user, loaded.person, loaded.item, form.record_data(), form.version.data
        ),
        template="record/conviction_form.html",
        name="conviction",
        anchor="convictions",
        describe_conflict=_readable_conflict,
    )


@bp.route("/<int:person_id>/convictions/<int:conviction_id>/delete", methods=["GET", "POST"])
def delete_conviction(person_id: int, conviction_id: int):
    """Confirm, then delete a conviction."""
    person, conviction = access.get_case_item_or_404(Conviction, conviction_id, person_id, need="edit")
    targeted_by = queries.relief_applications_targeting(conviction)
    consequence = (
        f"{targeted_by} relief application(s) target this conviction; they will no longer list it."
        if targeted_by
        else None
    )
    return editing.confirm_view(
        template="record/confirm_delete.html",
        context={
            "person": person,
            "anchor": "convictions",
            "title": "Delete this conviction?",
            "what": conviction.offense,
            "consequence": consequence,
            "button": "Delete the conviction",
        },
        act=lambda: operations.delete_conviction(current_user, person, conviction),
        done_url=case_url(person.id, "convictions"),
        message="The conviction was deleted.",
    )

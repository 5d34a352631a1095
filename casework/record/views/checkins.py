"""ICE check-ins: schedule or log one, record how it went, delete one."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user

from casework import access, editing
from casework.models import CheckIn
from casework.record import operations, queries
from casework.record.forms import CheckInForm
from casework.record.views import bp
from casework.record.views.flows import NOT_SAVED, carry_out, case_url, edit_item

REDETENTION_ADDED = " The re-detention was added to the custody timeline."


@bp.route("/<int:person_id>/checkins/new", methods=["GET", "POST"])
def add_check_in(person_id: int):
    """Schedule an ICE check-in (or log one already held)."""
    person = access.get_person_or_404(person_id, need="edit")
    form = CheckInForm(version=0)
    if form.validate_on_submit():
        check_in = carry_out(
            form,
            lambda: operations.create_check_in(current_user, person, form.record_data()),
            refused="Nothing was saved: ",
            crossed="Someone else changed this case at the same moment; nothing was saved. Try again.",
        )
        if check_in is not None:
            flash(
                "The check-in was saved." + (REDETENTION_ADDED if check_in.custody_event_id else ""),
                "success",
            )
            return redirect(case_url(person.id, "checkins"))
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("record/checkin_form.html", form=form, person=person, check_in=None, conflict=None)


@bp.route("/<int:person_id>/checkins/<int:check_in_id>/edit", methods=["GET", "POST"])
def edit_check_in(person_id: int, check_in_id: int):
    """Edit a check-in or record how it went; re-detention also enters the custody timeline."""
    return edit_item(
        load=lambda: access.get_case_item_or_404(CheckIn, check_in_id, person_id, need="edit"),
        make_form=lambda loaded: CheckInForm(obj=loaded.item),
        save=lambda loaded, form: operations.update_check_in(
            current_user, loaded.person, loaded.item, form.record_data(), form.version.data
        ),
        template="record/checkin_form.html",
        name="check_in",
        anchor="checkins",
    )


@bp.route("/<int:person_id>/checkins/<int:check_in_id>/delete", methods=["GET", "POST"])
def delete_check_in(person_id: int, check_in_id: int):
    """Confirm, then delete a check-in (not one whose re-detention still stands in the timeline)."""
    person, check_in = access.get_case_item_or_404(CheckIn, check_in_id, person_id, need="edit")
    where = f" at {check_in.office}" if check_in.office else ""
    return editing.confirm_view(
        template="record/confirm_delete.html",
        context={
            "person": person,
            "anchor": "checkins",
            "title": "Delete this check-in?",
            "what": f"ICE check-in on {check_in.scheduled_on}{where}",
            "consequence": None,
            "blocked": queries.check_in_delete_blocker(check_in),
            "button": "Delete the check-in",
        },
        act=lambda: operations.delete_check_in(current_user, person, check_in),
        done_url=case_url(person.id, "checkins"),
        message="The check-in was deleted.",
        refused_prefix="Not deleted: ",
    )

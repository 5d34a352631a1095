"""The custody timeline: append an event, void a mistaken one (entries are never edited)."""

from __future__ import annotations

from flask import flash, redirect, render_template, request
from flask_login import current_user

from casework import access
from casework.i18n import gettext
from casework.models import CustodyEvent
from casework.record import operations, queries
from casework.record.forms import CustodyEventForm, CustodyPeriodForm, VoidForm
from casework.record.views import bp
from casework.record.views.flows import carry_out, case_url


@bp.route("/<int:person_id>/custody/new", methods=["GET", "POST"])
def add_custody_event(person_id: int):
    """Append an event to the custody timeline (refused, with the reason, if it would be impossible)."""
    person = access.get_person_or_404(person_id, need="edit")
    form = CustodyEventForm()
    if form.validate_on_submit():
        event = carry_out(
            form,
            lambda: operations.add_custody_event(current_user, person, form.record_data()),
            refused="Not recorded: ",
            crossed="Someone else changed this case at the same moment; nothing was recorded. Check the "
            "timeline and record the event again.",
        )
        if event is not None:
            flash(
                gettext("Recorded: %(kind)s on %(day)s.", kind=event.kind.label, day=event.occurred_on),
                "success",
            )
            return redirect(case_url(person.id, "removal"))
    elif request.method == "POST":
        flash(gettext("Not recorded: correct the fields marked below."), "error")
    events = queries.custody_events(person)
    return render_template("record/custody_form.html", form=form, person=person, events=events)


@bp.route("/<int:person_id>/custody/period", methods=["GET", "POST"])
def add_custody_period(person_id: int):
    """Record a whole detention, arrest to release, in one go: an earlier detention may come after later
    entries (refused, with the reason, if the timeline read by date would not make sense)."""
    person = access.get_person_or_404(person_id, need="edit")
    form = CustodyPeriodForm()
    if form.validate_on_submit():
        entries = carry_out(
            form,
            lambda: operations.add_custody_period(current_user, person, form.start_data(), form.end_data()),
            refused="Not recorded: ",
            crossed="Someone else changed this case at the same moment; nothing was recorded. Check the "
            "timeline and record the detention again.",
        )
        if entries is not None:
            start, end = entries
            flash(
                gettext(
                    "Recorded: detained %(start)s to %(end)s.", start=start.occurred_on, end=end.occurred_on
                ),
                "success",
            )
            return redirect(case_url(person.id, "removal"))
    elif request.method == "POST":
        flash(gettext("Not recorded: correct the fields marked below."), "error")
    events = queries.custody_events(person)
    return render_template("record/custody_period_form.html", form=form, person=person, events=events)


@bp.route("/<int:person_id>/custody/<int:event_id>/void", methods=["GET", "POST"])
def void_custody_event(person_id: int, event_id: int):
    """Confirm with a reason, then void a mistaken custody entry."""
    person, event = access.get_case_item_or_404(CustodyEvent, event_id, person_id, need="edit")
    if event.voided_at is not None:
        flash(gettext("This entry was already voided."), "info")
        return redirect(case_url(person.id, "removal"))
    form = VoidForm()
    if form.validate_on_submit():
        voided = carry_out(
            form,
            lambda: operations.void_custody_event(current_user, person, event, form.reason.data),
            refused="Not voided: ",
            crossed="Someone else changed this case at the same moment; nothing was voided. Try again.",
        )
        if voided is not None:
            flash(gettext("The entry was voided; it stays in the timeline, struck through."), "success")
            return redirect(case_url(person.id, "removal"))
    elif request.method == "POST":
        flash(gettext("Not voided: correct the field marked below."), "error")
    return render_template("record/void.html", form=form, person=person, event=event)

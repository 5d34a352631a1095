"""The legal record of a case: convictions, removal case, custody timeline, check-ins, travel documents.

Every view loads through `access` (404 for what the user cannot see, 403 for what they may not change),
validates a form, calls one operation, commits once and redirects to the case page.
"""

from __future__ import annotations

from collections.abc import Callable

import sqlalchemy as sa
from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.extensions import db
from casework.models import CheckIn, Conviction, CustodyEvent, RemovalCase, TravelDocument, relief_conviction
from casework.record import operations
from casework.record.forms import (
    CheckInForm,
    ConfirmForm,
    ConvictionForm,
    CustodyEventForm,
    RemovalCaseForm,
    TravelDocumentForm,
    VoidForm,
)

bp = Blueprint("record", __name__, url_prefix="/people")

CONFLICT_MESSAGE = (
    "Someone else saved this while you were editing. Your changes were NOT saved: compare "
    "them with the saved values shown under each field, then save again."
)
NOT_SAVED = "Nothing was saved: correct the fields marked below."


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _case_url(person_id: int, anchor: str) -> str:
    return url_for("people.show", person_id=person_id) + "#" + anchor


def _conflict_values(obj, data: dict, exc: Exception) -> dict:
    """The saved values that differ from what the user typed, as the form shows them under each field."""
    names = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
    values = {name: getattr(obj, name) for name in names if getattr(obj, name) != data[name]}
    if "removal_grounds" in values:
        values["removal_grounds"] = ", ".join(g.label for g in obj.ground_list) or None
    return values


def _save_edit(
    form,
    data: dict,
    save: Callable[[], list[str]],
    reload: Callable[[], object | None],
    done_url: str,
    what: str,
):
    """Commit an edit, or keep what the user typed when someone else saved first.

    Returns (response, conflict): a redirect once saved, else the conflicting saved values to show.
    """
    try:
        changed = save()
        db.session.commit()
    except (operations.EditConflict, StaleDataError, sa.exc.IntegrityError) as exc:
        db.session.rollback()
        fresh = reload()
        if fresh is None:
            flash(
                f"This {what} was deleted by someone else while you were editing; nothing was saved.", "error"
            )
            return redirect(done_url), None
        form.version.data = fresh.version  # saving again, after review, is the user's informed choice
        flash(CONFLICT_MESSAGE, "error")
        return None, _conflict_values(fresh, data, exc)
    except operations.OperationError as exc:
        db.session.rollback()
        flash(f"Nothing was saved: {exc}", "error")
        return None, None
    flash("Saved." if changed else "Nothing was changed.", "success")
    return redirect(done_url), None


def _reload(model, item_id: int):
    """The object as saved now (after a rollback), or None if it was deleted."""
    return lambda: db.session.get(model, item_id)


# ---------------------------------------------------------------- convictions


@bp.route("/<int:person_id>/convictions/new", methods=["GET", "POST"])
def add_conviction(person_id: int):
    """Add a conviction."""
    person = access.get_person_or_404(person_id, need="edit")
    form = ConvictionForm(version=0)
    form.birth_date = person.birth_date
    if form.validate_on_submit():
        operations.create_conviction(current_user, person, form.record_data())
        db.session.commit()
        flash("The conviction was added.", "success")
        return redirect(_case_url(person.id, "convictions"))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(
        "record/conviction_form.html", form=form, person=person, conviction=None, conflict=None
    )


@bp.route("/<int:person_id>/convictions/<int:conviction_id>/edit", methods=["GET", "POST"])
def edit_conviction(person_id: int, conviction_id: int):
    """Edit a conviction; a save based on an outdated version is refused and the typed values kept."""
    person, conviction = access.get_case_item_or_404(Conviction, conviction_id, person_id, need="edit")
    form = ConvictionForm(obj=conviction)
    form.birth_date = person.birth_date
    conflict = None
    if form.validate_on_submit():
        data = form.record_data()
        response, conflict = _save_edit(
            form,
            data,
            lambda: operations.update_conviction(current_user, person, conviction, data, form.version.data),
            _reload(Conviction, conviction_id),
            _case_url(person_id, "convictions"),
            "conviction",
        )
        if response is not None:
            return response
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(
        "record/conviction_form.html", form=form, person=person, conviction=conviction, conflict=conflict
    )


@bp.route("/<int:person_id>/convictions/<int:conviction_id>/delete", methods=["GET", "POST"])
def delete_conviction(person_id: int, conviction_id: int):
    """Confirm, then delete a conviction."""
    person, conviction = access.get_case_item_or_404(Conviction, conviction_id, person_id, need="edit")
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.delete_conviction(current_user, person, conviction)
        db.session.commit()
        flash("The conviction was deleted.", "success")
        return redirect(_case_url(person.id, "convictions"))
    targeted_by = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(relief_conviction)
        .where(relief_conviction.c.conviction_id == conviction.id)
    )
    return render_template(
        "record/confirm_delete.html",
        form=form,
        person=person,
        anchor="convictions",
        title="Delete this conviction?",
        what=conviction.offense,
        consequence=(
            f"{targeted_by} relief application(s) target this conviction; they will no longer list it."
        )
        if targeted_by
        else None,
        button="Delete the conviction",
    )


# ---------------------------------------------------------------- removal case


@bp.route("/<int:person_id>/removal", methods=["GET", "POST"])
def edit_removal(person_id: int):
    """Create or edit the removal case (one per person)."""
    person = access.get_person_or_404(person_id, need="edit")
    removal = db.session.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == person.id))
    form = RemovalCaseForm(obj=removal) if removal else RemovalCaseForm(version=0)
    conflict = None
    if form.validate_on_submit():
        data = form.record_data()

        def save():
            return operations.save_removal_case(current_user, person, removal, data, form.version.data)[1]

        def reload():
            return db.session.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == person_id))

        response, conflict = _save_edit(
            form, data, save, reload, _case_url(person_id, "removal"), "removal case"
        )
        if response is not None:
            return response
        if removal is None and conflict is not None:
            removal = reload()
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(
        "record/removal_form.html", form=form, person=person, removal=removal, conflict=conflict
    )


# ---------------------------------------------------------------- custody timeline


@bp.route("/<int:person_id>/custody/new", methods=["GET", "POST"])
def add_custody_event(person_id: int):
    """Append an event to the custody timeline (refused, with the reason, if it would be impossible)."""
    person = access.get_person_or_404(person_id, need="edit")
    form = CustodyEventForm()
    if form.validate_on_submit():
        try:
            event = operations.add_custody_event(current_user, person, form.record_data())
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            flash(f"Not recorded: {exc}", "error")
        except StaleDataError:
            db.session.rollback()
            flash(
                "Someone else changed this case at the same moment; nothing was recorded. Check the "
                "timeline and record the event again.",
                "error",
            )
        else:
            flash(f"Recorded: {event.kind.label} on {event.occurred_on}.", "success")
            return redirect(_case_url(person.id, "removal"))
    elif request.method == "POST":
        flash("Not recorded: correct the fields marked below.", "error")
    person = access.get_person_or_404(person_id, need="edit")  # reloaded: a refusal rolled back the session
    events = db.session.scalars(
        sa.select(CustodyEvent)
        .where(CustodyEvent.person_id == person.id)
        .order_by(CustodyEvent.occurred_on, CustodyEvent.id)
    ).all()
    return render_template("record/custody_form.html", form=form, person=person, events=events)


@bp.route("/<int:person_id>/custody/<int:event_id>/void", methods=["GET", "POST"])
def void_custody_event(person_id: int, event_id: int):
    """Confirm with a reason, then void a mistaken custody entry."""
    person, event = access.get_case_item_or_404(CustodyEvent, event_id, person_id, need="edit")
    if event.voided_at is not None:
        flash("This entry was already voided.", "info")
        return redirect(_case_url(person.id, "removal"))
    form = VoidForm()
    if form.validate_on_submit():
        try:
            operations.void_custody_event(current_user, person, event, form.reason.data)
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            flash(f"Not voided: {exc}", "error")
            person, event = access.get_case_item_or_404(CustodyEvent, event_id, person_id, need="edit")
        except StaleDataError:
            db.session.rollback()
            flash(
                "Someone else changed this case at the same moment; nothing was voided. Try again.", "error"
            )
            person, event = access.get_case_item_or_404(CustodyEvent, event_id, person_id, need="edit")
        else:
            flash("The entry was voided; it stays in the timeline, struck through.", "success")
            return redirect(_case_url(person.id, "removal"))
    elif request.method == "POST":
        flash("Not voided: correct the field marked below.", "error")
    return render_template("record/void.html", form=form, person=person, event=event)


# ---------------------------------------------------------------- check-ins


@bp.route("/<int:person_id>/checkins/new", methods=["GET", "POST"])
def add_check_in(person_id: int):
    """Schedule an ICE check-in (or log one already held)."""
    person = access.get_person_or_404(person_id, need="edit")
    form = CheckInForm(version=0)
    if form.validate_on_submit():
        try:
            check_in = operations.create_check_in(current_user, person, form.record_data())
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            flash(f"Nothing was saved: {exc}", "error")
            person = access.get_person_or_404(person_id, need="edit")
        except StaleDataError:
            db.session.rollback()
            flash("Someone else changed this case at the same moment; nothing was saved. Try again.", "error")
            person = access.get_person_or_404(person_id, need="edit")
        else:
            flash(
                "The check-in was saved."
                + (
                    " The re-detention was added to the custody timeline."
                    if check_in.custody_event_id
                    else ""
                ),
                "success",
            )
            return redirect(_case_url(person.id, "checkins"))
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("record/checkin_form.html", form=form, person=person, check_in=None, conflict=None)


@bp.route("/<int:person_id>/checkins/<int:check_in_id>/edit", methods=["GET", "POST"])
def edit_check_in(person_id: int, check_in_id: int):
    """Edit a check-in or record how it went; re-detention also enters the custody timeline."""
    person, check_in = access.get_case_item_or_404(CheckIn, check_in_id, person_id, need="edit")
    form = CheckInForm(obj=check_in)
    conflict = None
    if form.validate_on_submit():
        data = form.record_data()
        response, conflict = _save_edit(
            form,
            data,
            lambda: operations.update_check_in(current_user, person, check_in, data, form.version.data),
            _reload(CheckIn, check_in_id),
            _case_url(person_id, "checkins"),
            "check-in",
        )
        if response is not None:
            return response
        person, check_in = access.get_case_item_or_404(CheckIn, check_in_id, person_id, need="edit")
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(
        "record/checkin_form.html", form=form, person=person, check_in=check_in, conflict=conflict
    )


@bp.route("/<int:person_id>/checkins/<int:check_in_id>/delete", methods=["GET", "POST"])
def delete_check_in(person_id: int, check_in_id: int):
    """Confirm, then delete a check-in (not one whose re-detention still stands in the timeline)."""
    person, check_in = access.get_case_item_or_404(CheckIn, check_in_id, person_id, need="edit")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.delete_check_in(current_user, person, check_in)
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            flash(f"Not deleted: {exc}", "error")
            return redirect(_case_url(person_id, "checkins"))
        flash("The check-in was deleted.", "success")
        return redirect(_case_url(person.id, "checkins"))
    blocked = None
    if check_in.custody_event_id is not None:
        event = db.session.get(CustodyEvent, check_in.custody_event_id)
        if event is not None and event.voided_at is None:
            blocked = (
                f"This check-in created the re-detention of {event.occurred_on} in the custody "
                "timeline. Void that custody entry first, then delete the check-in."
            )
    return render_template(
        "record/confirm_delete.html",
        form=form,
        person=person,
        anchor="checkins",
        title="Delete this check-in?",
        what=f"ICE check-in on {check_in.scheduled_on}"
        + (f" at {check_in.office}" if check_in.office else ""),
        consequence=None,
        blocked=blocked,
        button="Delete the check-in",
    )


# ---------------------------------------------------------------- travel documents


@bp.route("/<int:person_id>/travel-documents/new", methods=["GET", "POST"])
def add_travel_document(person_id: int):
    """Record a travel-document request."""
    person = access.get_person_or_404(person_id, need="edit")
    form = TravelDocumentForm(version=0)
    if form.validate_on_submit():
        operations.create_travel_document(current_user, person, form.record_data())
        db.session.commit()
        flash("The travel document request was added.", "success")
        return redirect(_case_url(person.id, "travel-documents"))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("record/travel_form.html", form=form, person=person, document=None, conflict=None)


@bp.route("/<int:person_id>/travel-documents/<int:document_id>/edit", methods=["GET", "POST"])
def edit_travel_document(person_id: int, document_id: int):
    """Edit a travel-document request or record the consulate's decision."""
    person, document = access.get_case_item_or_404(TravelDocument, document_id, person_id, need="edit")
    form = TravelDocumentForm(obj=document)
    conflict = None
    if form.validate_on_submit():
        data = form.record_data()
        response, conflict = _save_edit(
            form,
            data,
            lambda: operations.update_travel_document(
                current_user, person, document, data, form.version.data
            ),
            _reload(TravelDocument, document_id),
            _case_url(person_id, "travel-documents"),
            "travel document",
        )
        if response is not None:
            return response
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(
        "record/travel_form.html", form=form, person=person, document=document, conflict=conflict
    )


@bp.route("/<int:person_id>/travel-documents/<int:document_id>/delete", methods=["GET", "POST"])
def delete_travel_document(person_id: int, document_id: int):
    """Confirm, then delete a travel-document request."""
    person, document = access.get_case_item_or_404(TravelDocument, document_id, person_id, need="edit")
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.delete_travel_document(current_user, person, document)
        db.session.commit()
        flash("The travel document request was deleted.", "success")
        return redirect(_case_url(person.id, "travel-documents"))
    return render_template(
        "record/confirm_delete.html",
        form=form,
        person=person,
        anchor="travel-documents",
        title="Delete this travel document request?",
        what=f"{document.country}: {document.outcome.label}",
        consequence=None,
        button="Delete the request",
    )

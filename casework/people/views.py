"""The people list and the case page: load through access, validate, operate, commit once, redirect."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from casework import access, case_page
from casework.extensions import db
from casework.models.base import differing_fields
from casework.forms import ConfirmForm, options
from casework.web import id_arg
from casework.models import CaseAssignment, CaseShare, CaseStatus, CustodyStatus, Organization, User
from casework.people import operations, search
from casework.people.forms import (
    COMMUNITY_SUGGESTIONS,
    COUNTRY_SUGGESTIONS,
    STATE_NAMES,
    AssignForm,
    PeopleFilterForm,
    PersonForm,
    ShareForm,
)

bp = Blueprint("people", __name__, url_prefix="/people")

FILTER_KEYS = ("q", "case_status", "custody", "citizenship", "community", "assigned", "sort")
# Filters a link may set (from the dashboard): none of them can carry a name or a number.
PRESETS = {"custody": {c.value for c in CustodyStatus}, "case_status": {c.value for c in CaseStatus}}


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _filter_form(filters: dict) -> PeopleFilterForm:
    form = PeopleFilterForm(data=filters) if request.method == "GET" else PeopleFilterForm()
    choices = search.filter_choices(current_user)
    form.citizenship.choices = options([("", "Any country")] + [(c, c) for c in choices["citizenship"]])
    form.community.choices = options([("", "Any community")] + [(c, c) for c in choices["community"]])
    users = db.session.scalars(access.org_users(current_user).where(User.active.is_(True))
                               .order_by(User.name, User.email))
    form.assigned.choices = options([("", "Anyone")] + [(u.id, u.display_name) for u in users])
    return form


@bp.route("", methods=["GET", "POST"])
def index():
    """Everyone the user may see, searchable; filters are posted and kept in the server-side session."""
    preset = {k: v for k, v in request.args.items() if k in PRESETS and v in PRESETS[k]}
    if preset:
        session["people_filters"] = preset
        return redirect(url_for("people.index"))
    filters = session.get("people_filters", {})
    form = _filter_form(filters)
    if request.method == "POST":
        if "clear" in request.form:
            session.pop("people_filters", None)
            return redirect(url_for("people.index"))
        if form.validate():
            session["people_filters"] = {k: (form[k].data or "") for k in FILTER_KEYS}
            return redirect(url_for("people.index"))
    page = search.page_of_people(current_user, filters, after=id_arg("after"), before=id_arg("before"),
                                 size=current_app.config["PEOPLE_PAGE_SIZE"])
    return render_template("people/index.html", page=page, form=form, filtered=any(filters.values()),
                           state_names=STATE_NAMES)


def _person_form(**kwargs) -> PersonForm:
    form = PersonForm(**kwargs)
    if not access.can(current_user, "see_a_number"):
        del form.a_number
    return form


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Open a new case."""
    access.require("create_person")
    form = _person_form(version=0)
    if form.validate_on_submit():
        person = operations.create_person(current_user, form.record_data())
        db.session.commit()
        flash("The person was added.", "success")
        return redirect(url_for("people.show", person_id=person.id))
    return render_template("people/form.html", form=form, person=None, conflict=None,
                           countries=COUNTRY_SUGGESTIONS, communities=COMMUNITY_SUGGESTIONS)


@bp.get("/<int:person_id>")
def show(person_id: int):
    """The case page (every view is audited)."""
    person = access.get_person_or_404(person_id)
    operations.record_view(current_user, person)
    db.session.commit()
    team = db.session.scalars(
        sa.select(CaseAssignment).where(CaseAssignment.person_id == person.id).order_by(CaseAssignment.created_at)
    ).all()
    shares = []
    assign_form = share_form = None
    if access.can(current_user, "manage", person):
        shares = db.session.scalars(
            sa.select(CaseShare).where(CaseShare.person_id == person.id).order_by(CaseShare.created_at)
        ).all()
        assign_form = AssignForm()
        assign_form.user_id.choices = options((u.id, f"{u.display_name} ({u.role.label})")
                                              for u in operations.assignable_users(person))
        share_form = ShareForm()
    owner = db.session.get(Organization, person.org_id)
    sections = case_page.load_sections(person, current_user)
    return render_template("people/show.html", person=person, owner=owner, team=team, shares=shares,
                           assign_form=assign_form, share_form=share_form, confirm_form=ConfirmForm(),
                           state_names=STATE_NAMES, sections=sections, timeline=case_page.merged_timeline(sections),
                           glances=case_page.glances(sections))


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    """Edit the record; a save based on an outdated version is refused and the typed values kept."""
    person = access.get_person_or_404(person_id, need="edit")
    form = _person_form(obj=person)
    conflict = None
    if form.validate_on_submit():
        data = form.record_data()
        try:
            changed = operations.update_person(current_user, person, data, form.version.data)
            db.session.commit()
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            person = access.get_person_or_404(person_id, need="edit")
            fields = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
            conflict = {name: getattr(person, name) for name in differing_fields(person, {f: data[f] for f in fields})}
            form.version.data = person.version  # saving again, after review, is the user's informed choice
            flash("Someone else saved this record while you were editing. Your changes were NOT saved: "
                  "compare them with the saved values shown under each field, then save again.", "error")
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("people.show", person_id=person.id))
    elif request.method == "POST":
        flash("The record was not saved: correct the fields marked below.", "error")
    return render_template("people/form.html", form=form, person=person, conflict=conflict,
                           countries=COUNTRY_SUGGESTIONS, communities=COMMUNITY_SUGGESTIONS)


@bp.route("/<int:person_id>/delete", methods=["GET", "POST"])
def delete(person_id: int):
    """Confirm, then move the case to the deleted cases (admins can restore it)."""
    person = access.get_person_or_404(person_id, need="delete")
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.delete_person(current_user, person)
        db.session.commit()
        flash("The case was deleted. An administrator can restore it from Deleted cases.", "success")
        return redirect(url_for("people.index"))
    return render_template("people/confirm_delete.html", person=person, form=form)


@bp.post("/<int:person_id>/team")
def add_to_team(person_id: int):
    """Assign a user of the organization to the case."""
    person = access.get_person_or_404(person_id, need="manage")
    form = AssignForm()
    form.user_id.choices = options((u.id, u.email) for u in operations.assignable_users(person))
    if not form.validate_on_submit():
        flash("Choose a user from the list to add to the team.", "error")
        return redirect(url_for("people.show", person_id=person.id))
    user = access.get_org_user_or_404(form.user_id.data)
    try:
        operations.assign(current_user, person, user)
    except operations.OperationError as exc:
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash("Added to the team.", "success")
    return redirect(url_for("people.show", person_id=person.id) + "#team")


@bp.post("/<int:person_id>/team/<int:assignment_id>/remove")
def remove_from_team(person_id: int, assignment_id: int):
    """Take a user off the case."""
    person = access.get_person_or_404(person_id, need="manage")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    assignment = db.session.get(CaseAssignment, assignment_id)
    if assignment is None or assignment.person_id != person.id:
        abort(404)
    operations.unassign(current_user, person, assignment)
    db.session.commit()
    flash("Removed from the team.", "success")
    return redirect(url_for("people.show", person_id=person.id) + "#team")


@bp.post("/<int:person_id>/shares")
def add_share(person_id: int):
    """Share the case with a partner outside the organization."""
    person = access.get_person_or_404(person_id, need="manage")
    form = ShareForm()
    if form.validate_on_submit():
        try:
            grantee = operations.find_grantee(person, form.grantee.data)
            operations.share(current_user, person, grantee, form.level.data, form.expires_on.data)
        except operations.OperationError as exc:
            flash(f"Not shared: {exc}", "error")
        else:
            db.session.commit()
            flash("The case is shared.", "success")
    else:
        messages = [m for errs in form.errors.values() for m in errs]
        flash("Not shared: " + " ".join(messages), "error")
    return redirect(url_for("people.show", person_id=person.id) + "#sharing")


@bp.post("/<int:person_id>/shares/<int:share_id>/remove")
def remove_share(person_id: int, share_id: int):
    """Withdraw a share at once."""
    person = access.get_person_or_404(person_id, need="manage")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    share_ = db.session.get(CaseShare, share_id)
    if share_ is None or share_.person_id != person.id:
        abort(404)
    operations.unshare(current_user, person, share_)
    db.session.commit()
    flash("The share was removed.", "success")
    return redirect(url_for("people.show", person_id=person.id) + "#sharing")


"""The people list and the case page: load through access, validate, operate, redirect.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from casework import access, case_page, editing
from casework.forms import ConfirmForm, options
from casework.i18n import gettext
from casework.models import CaseAssignment, CaseShare, CaseStatus, CustodyStatus, Person
from casework.models.base import differing_fields
from casework.paging import anchor_arg
from casework.people import choices, holdings, list_page, operations, queries
from casework.people.forms import (
    AssignForm,
    CloseCaseForm,
    PeopleFilterForm,
    PersonForm,
    ReopenCaseForm,
)
from casework.people.sharing import (
    ShareForm,
    SharePolicyForm,
    partner_view,
    share_policy_form,
    what_partner_sees,
)
from casework.record import queries as record_queries
from casework.reference import COMMUNITY_SUGGESTIONS, COUNTRY_SUGGESTIONS, STATE_NAMES

bp = Blueprint("people", __name__, url_prefix="/people")

# Filters a link may set (from the dashboard): none of them can carry a name or a number.
PRESETS = {"custody": {c.value for c in CustodyStatus}, "case_status": {c.value for c in CaseStatus}}


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


@bp.route("", methods=["GET", "POST"])
def index():
    """Everyone the user may see, searchable; filters are posted and kept in the server-side session."""
    preset = {k: v for k, v in request.args.items() if k in PRESETS and v in PRESETS[k]}
    if preset:
        session["people_filters"] = preset
        return redirect(url_for("people.index"))
    filters = PeopleFilterForm.checked_filters(session.get("people_filters"), PeopleFilterForm.KEYS)
    posted = None
    if request.method == "POST":
        if "clear" in request.form:
            session.pop("people_filters", None)
            return redirect(url_for("people.index"))
        posted = list_page.filter_form(filters, choices.filter_choices(current_user))
        if posted.validate():
            session["people_filters"] = posted.filters()
            return redirect(url_for("people.index"))
    after, before = anchor_arg("after"), anchor_arg("before")
    return list_page.page(filters, posted, after, before)


def _person_form(person: Person | None = None, **kwargs) -> PersonForm:
    """The person form; for an existing person, fitted to their removal case (the final order lives there)."""
    removal = record_queries.removal_case_of(person) if person is not None else None
    form = PersonForm(obj=person, final_order_date=removal.order_date if removal else None, **kwargs)
    form.follow_removal_case(removal)
    # For an existing case, by the case: a partner reaches its A-number only where the share includes it.
    if not access.can(current_user, "see_a_number", person):
        del form.a_number
    return form


def _person_form_page(person: Person | None, form: PersonForm, conflict: dict | None = None):
    return render_template(
        "people/form.html",
        form=form,
        person=person,
        conflict=conflict,
        countries=COUNTRY_SUGGESTIONS,
        communities=COMMUNITY_SUGGESTIONS,
    )


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Open a new case."""
    access.require("create_person")
    form = _person_form(version=0)
    if form.validate_on_submit():
        person = editing.submit(
            form, lambda: operations.create_person(current_user, form.record_data(), form.final_order_data())
        )
        if person is not None:
            flash(gettext("The person was added."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return _person_form_page(None, form)


@bp.get("/<int:person_id>")
def show(person_id: int):
    """The case page (every view is audited)."""
    person = access.get_person_or_404(person_id)
    operations.record_view(current_user, person)
    sections = case_page.load_sections(person, current_user)
    return render_template(
        "people/show.html",
        person=person,
        owner=queries.owner_of(person),
        team=queries.team_of(person),
        confirm_form=ConfirmForm(),
        state_names=STATE_NAMES,
        sections=sections,
        timeline=case_page.merged_timeline(sections),
        glances=case_page.glances(sections),
        closed=person.case_status in operations.CLOSED_STATUSES,
        **_management(person),
    )


@bp.get("/<int:person_id>/held")
def held(person_id: int):
    """What the organization holds about the person, who sees it, which shares reach it, the consents on file
    (for the person's right to know; printable). Its admins and staff only; audited as a view of the case."""
    person = access.get_owned_case_or_404(person_id)
    operations.record_view(current_user, person, detail="what we hold")
    shares = list(queries.shares_of(person))
    return render_template(
        "people/held.html",
        person=person,
        owner=queries.owner_of(person),
        team=queries.team_of(person),
        shares=shares,
        kinds=holdings.held_kinds(person, shares),
        consents=holdings.consents_on_file(person),
    )


def _management(person: Person) -> dict:
    """The team and sharing forms, for those who manage the case."""
    if not access.can(current_user, "manage", person):
        return {"shares": [], "assign_form": None, "share_form": None}
    assign_form = AssignForm()
    assignable = operations.assignable_users(person)
    assign_form.user_id.choices = options((u.id, f"{u.display_name} ({u.role.label})") for u in assignable)
    shares = queries.shares_of(person)
    return {
        "shares": shares,
        "share_forms": {s.id: share_policy_form(s) for s in shares},
        "assign_form": assign_form,
        "share_form": ShareForm(),
        "what_partner_sees": what_partner_sees,
    }


@bp.route("/<int:person_id>/edit", methods=["GET", "POST"])
def edit(person_id: int):
    """Edit the record; a save based on an outdated version is refused and the typed values kept."""
    return editing.edit_view(
        load=lambda: access.get_person_or_404(person_id, need="edit"),
        make_form=lambda person: _person_form(person),
        save=lambda person, form: operations.update_person(
            current_user, person, form.record_data(), form.version.data, form.final_order_data()
        ),
        render=_person_form_page,
        saved_url=lambda person: url_for("people.show", person_id=person.id),
    )


@bp.route("/<int:person_id>/close", methods=["GET", "POST"])
def close(person_id: int):
    """Close the case with how it ended (or change the outcome of a closed case)."""
    return editing.edit_view(
        load=lambda: access.get_person_or_404(person_id, need="edit"),
        make_form=_close_form,
        save=lambda person, form: operations.close_case(
            current_user, person, form.outcome_data(), form.version.data
        ),
        render=lambda person, form, conflict: render_template(
            "people/close.html", form=form, person=person, conflict=conflict
        ),
        saved_url=lambda person: url_for("people.show", person_id=person.id),
        what="case",
        data=lambda form: form.outcome_data(),
    )


def _close_form(person: Person) -> CloseCaseForm:
    """The close form: for an open case, "Closed" is offered first; a closed case shows how it ended."""
    form = CloseCaseForm(obj=person)
    if request.method == "GET" and person.case_status not in operations.CLOSED_STATUSES:
        form.case_status.data = CaseStatus.CLOSED
    return form


@bp.route("/<int:person_id>/reopen", methods=["GET", "POST"])
def reopen(person_id: int):
    """Reopen a closed case: its outcome, date and notes are cleared."""
    return editing.edit_view(
        load=lambda: access.get_person_or_404(person_id, need="edit"),
        make_form=lambda person: ReopenCaseForm(data={"version": person.version}),
        save=lambda person, form: operations.reopen_case(
            current_user, person, form.case_status.data, form.version.data
        ),
        render=lambda person, form, conflict: render_template(
            "people/reopen.html", form=form, person=person, conflict=conflict
        ),
        saved_url=lambda person: url_for("people.show", person_id=person.id),
        what="case",
        data=lambda form: form.outcome_data(),
    )


@bp.route("/<int:person_id>/delete", methods=["GET", "POST"])
def delete(person_id: int):
    """Confirm, then move the case to the deleted cases (admins can restore it)."""
    person = access.get_person_or_404(person_id, need="delete")
    return editing.confirm_view(
        template="people/confirm_delete.html",
        context={"person": person},
        act=lambda: operations.delete_person(current_user, person),
        done_url=url_for("people.index"),
        message="The case was deleted. An administrator can restore it from Deleted cases.",
    )


@bp.route("/<int:person_id>/legal-hold", methods=["GET", "POST"])
def legal_hold(person_id: int):
    """Confirm, then place the legal hold (or release it when the case is already on hold)."""
    person = access.get_person_or_404(person_id, need="manage")
    hold = not person.legal_hold
    return editing.confirm_view(
        template="people/confirm_legal_hold.html",
        context={"person": person, "hold": hold},
        act=lambda: operations.set_legal_hold(current_user, person, hold),
        done_url=url_for("people.show", person_id=person.id),
        message="The case is on legal hold." if hold else "The legal hold was released.",
    )


def _back_to(person: Person, anchor: str):
    return redirect(url_for("people.show", person_id=person.id) + anchor)


@bp.post("/<int:person_id>/team")
def add_to_team(person_id: int):
    """Assign a user of the organization to the case."""
    person = access.get_person_or_404(person_id, need="manage")
    form = AssignForm()
    form.user_id.choices = options((u.id, u.email) for u in operations.assignable_users(person))
    if not form.validate_on_submit():
        flash(gettext("Choose a user from the list to add to the team."), "error")
        return _back_to(person, "#team")
    user = access.get_org_user_or_404(form.user_id.data)
    if editing.attempt(lambda: operations.assign(current_user, person, user)):
        flash(gettext("Added to the team."), "success")
    return _back_to(person, "#team")


@bp.post("/<int:person_id>/team/<int:assignment_id>/remove")
def remove_from_team(person_id: int, assignment_id: int):
    """Take a user off the case."""
    person, assignment = access.get_case_item_or_404(CaseAssignment, assignment_id, person_id, need="manage")
    editing.require_confirmation()
    operations.unassign(current_user, person, assignment)
    flash(gettext("Removed from the team."), "success")
    return _back_to(person, "#team")


@bp.post("/<int:person_id>/shares")
def add_share(person_id: int):
    """Share the case with a partner outside the organization."""
    person = access.get_person_or_404(person_id, need="manage")
    form = ShareForm()
    if "preview" in request.form:
        form.validate()  # shows what to correct; nothing is saved
        return _share_page(person, form, None)
    if not form.validate_on_submit():
        messages = [m for errs in form.errors.values() for m in errs]
        flash("Not shared: " + " ".join(messages), "error")
        return _back_to(person, "#sharing")

    def share():
        grantee = operations.find_grantee(person, form.grantee.data)
        operations.share(current_user, person, grantee, form.level.data, form.expires_on.data, form.policy())

    if editing.attempt(share, refused_prefix="Not shared: "):
        flash(gettext("The case is shared."), "success")
    return _back_to(person, "#sharing")


@bp.route("/<int:person_id>/shares/<int:share_id>", methods=["GET", "POST"])
def edit_share(person_id: int, share_id: int):
    """Change what one share includes, from the version shown; "Preview" shows the result without saving."""

    def load() -> access.CaseItem:
        return access.get_case_item_or_404(CaseShare, share_id, person_id, need="manage")

    if "preview" in request.form:
        person, share_ = load()
        form = share_policy_form(share_)
        form.validate()
        return _share_page(person, form, share_)
    return editing.edit_view(
        load=load,
        make_form=lambda loaded: share_policy_form(loaded.item),
        save=lambda loaded, form: operations.update_share_policy(
            current_user, loaded.person, loaded.item, form.policy(), form.version.data
        ),
        render=lambda loaded, form, conflict: _share_page(loaded.person, form, loaded.item, conflict),
        saved_url=lambda loaded: url_for("people.show", person_id=loaded.person.id) + "#sharing",
        what="share",
        describe_conflict=lambda loaded, form, fields: _share_conflict(loaded.item, form),
    )


def _share_conflict(share_: CaseShare, form: SharePolicyForm) -> dict:
    """What someone else saved of the share, where it differs from the boxes as ticked (by field name)."""
    return {form[name].name: getattr(share_, name) for name in differing_fields(share_, form.policy())}


def _share_page(person: Person, form: ShareForm | SharePolicyForm, share_: CaseShare | None, conflict=None):
    """The share form with what the partner will see through it, as ticked (nothing saved)."""
    level = form.level.data if isinstance(form, ShareForm) else share_.level if share_ else None
    return render_template(
        "people/share.html",
        person=person,
        form=form,
        share=share_,
        conflict=conflict,
        level=level,
        view=partner_view(form.policy()),
    )


@bp.post("/<int:person_id>/shares/<int:share_id>/remove")
def remove_share(person_id: int, share_id: int):
    """Withdraw a share at once."""
    person, share_ = access.get_case_item_or_404(CaseShare, share_id, person_id, need="manage")
    editing.require_confirmation()
    operations.unshare(current_user, person, share_)
    flash(gettext("The share was removed."), "success")
    return _back_to(person, "#sharing")

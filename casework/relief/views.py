"""Relief applications on a case, their steps (the volunteer's log), and the admins' relief templates."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa
from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.extensions import db
from casework.forms import options
from casework.models import (
    Conviction,
    Person,
    ReliefApplication,
    ReliefEvent,
    ReliefStep,
    ReliefTemplate,
    Role,
    User,
    relief_conviction,
)
from casework.relief import operations
from casework.relief.forms import (
    JURISDICTION_NAMES,
    TEMPLATE_BEST_MATCH,
    TEMPLATE_NONE,
    ApplicationCreateForm,
    ApplicationEditForm,
    ConfirmForm,
    MoveForm,
    StepAssignForm,
    StepDoneForm,
    StepEditForm,
    StepForm,
    StepNoteForm,
    StepVersionForm,
    TemplateEditForm,
    TemplateForm,
    TemplateStepEditForm,
    TemplateStepForm,
)

bp = Blueprint("relief", __name__)

CASE = "/people/<int:person_id>/relief"
APPLICATION = CASE + "/<int:application_id>"
STEP = APPLICATION + "/steps/<int:step_id>"
TEMPLATES = "/admin/relief-templates"
TEMPLATE = TEMPLATES + "/<int:template_id>"

admins_only = access.role_required(Role.ADMIN)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


@bp.app_template_filter("jurisdiction_name")
def jurisdiction_name(code: str | None) -> str:
    """'MA' -> 'Massachusetts'; 'federal' -> 'Federal'."""
    return JURISDICTION_NAMES.get(code or "", code or "—")


# ---------------------------------------------------------------- choices of the forms


def _user_choices(person: Person, keep: User | None = None, blank: str = "— nobody —"):
    users = operations.case_org_users(person)
    pairs = [("", blank)] + [(u.id, u.display_name) for u in users]
    if keep is not None and keep.id not in {u.id for u in users}:
        # a deactivated lead or assignee stays selectable, so that saving other changes does not drop them
        pairs.append((keep.id, f"{keep.display_name} (deactivated)"))
    return options(pairs)


def _attorney_choices(person: Person):
    contacts = operations.attorney_contacts(person)
    return options(
        [("", "— none —")]
        + [(c.id, ", ".join(filter(None, [c.name, c.organization])) + f" ({c.kind.label})") for c in contacts]
    )


def conviction_label(conviction: Conviction) -> str:
    """'Robbery, second degree — MA, Suffolk, 1999 (docket 99-1234)'."""
    where = ", ".join(filter(None, [conviction.state, conviction.county]))
    year = conviction.conviction_date.year if conviction.conviction_date else None
    place = " ".join(filter(None, [where + ("," if where and year else ""), str(year) if year else None]))
    text = conviction.offense + (f" — {place}" if place else "")
    return text + (f" (docket {conviction.docket_number})" if conviction.docket_number else "")


def _conviction_choices(person: Person):
    return options((c.id, conviction_label(c)) for c in operations.person_convictions(person))


def _fill_application_choices(form, person: Person, application: ReliefApplication | None = None) -> None:
    form.lead_id.choices = _user_choices(person, keep=application.lead if application else None)
    form.attorney_contact_id.choices = _attorney_choices(person)
    form.convictions.choices = _conviction_choices(person)


def _template_choices(templates: list[ReliefTemplate], best: ReliefTemplate | None):
    best_label = (
        f"Best match: {best.name}" if best else "Best match for the kind and jurisdiction chosen above"
    )
    own = [(t.id, f"{t.name} (your organization)") for t in templates if t.org_id is not None]
    built_in = [(t.id, t.name) for t in templates if t.org_id is None]
    return options(
        [(TEMPLATE_BEST_MATCH, best_label), *own, *built_in, (TEMPLATE_NONE, "No steps: I will add them")]
    )


def _chosen_template(choice: str, templates: list[ReliefTemplate], best: ReliefTemplate | None):
    """The template picked in the form (already validated against the offered ones), or None for no steps."""
    if choice == TEMPLATE_BEST_MATCH:
        return best
    if choice == TEMPLATE_NONE:
        return None
    return next(t for t in templates if str(t.id) == choice)


def _with_convictions(application: ReliefApplication) -> ReliefApplication:
    """The application with its targeted convictions loaded (relationships are lazy="raise")."""
    return db.session.scalar(
        sa.select(ReliefApplication)
        .where(ReliefApplication.id == application.id)
        .options(selectinload(ReliefApplication.convictions))
        .execution_options(populate_existing=True)
    )


# ---------------------------------------------------------------- applications


@bp.route(CASE + "/new", methods=["GET", "POST"])
def new(person_id: int):
    """Open an application; the chosen template's steps are copied into it."""
    person = access.get_person_or_404(person_id, need="edit")
    form = ApplicationCreateForm()
    if request.method == "GET":
        form.jurisdiction.data = person.state or ""  # most relief is decided where the person lives
    _fill_application_choices(form, person)
    templates = operations.offered_templates(current_user)
    best = operations.best_template(templates, form.kind.data, form.jurisdiction.data, current_user.org_id)
    form.template.choices = _template_choices(
        templates, best if form.kind.data and form.jurisdiction.data else None
    )
    if form.validate_on_submit():
        template = _chosen_template(form.template.data, templates, best)
        try:
            application = operations.create_application(
                current_user, person, form.application_data(), template
            )
        except operations.OperationError as exc:
            db.session.rollback()
            form.opened_on.errors.append(str(exc))
        else:
            db.session.commit()
            if template is None:
                flash("The application was opened with no steps.", "success")
            else:
                steps = len(template.steps)
                flash(f"The application was opened with {steps} steps from “{template.name}”.", "success")
            return redirect(url_for("relief.show", person_id=person.id, application_id=application.id))
    if request.method == "POST":
        flash("The application was not opened: correct the fields marked below.", "error")
    return render_template("relief/new.html", form=form, person=person)


def _application_page(
    person: Person,
    application: ReliefApplication,
    bound: dict | None = None,
    add_form: StepForm | None = None,
):
    """The application page; `bound` holds submitted step forms to show again with their errors."""
    bound = bound or {}
    steps = db.session.scalars(
        sa.select(ReliefStep)
        .where(ReliefStep.application_id == application.id)
        .order_by(ReliefStep.position, ReliefStep.id)
    ).all()
    events = db.session.scalars(
        sa.select(ReliefEvent)
        .where(ReliefEvent.application_id == application.id)
        .order_by(ReliefEvent.at.desc(), ReliefEvent.id.desc())
    ).all()
    convictions = db.session.scalars(
        sa.select(Conviction)
        .join(relief_conviction, relief_conviction.c.conviction_id == Conviction.id)
        .where(relief_conviction.c.application_id == application.id)
        .order_by(Conviction.id)
    ).all()
    forms = {}
    if access.can(current_user, "edit", person):
        user_choices = _user_choices(person)
        for step in steps:
            prefix = _prefix(step)
            if step.done_on:
                done = bound.get((step.id, "reopen")) or StepVersionForm(
                    prefix=prefix, formdata=None, data={"version": step.version}
                )
            else:
                done = bound.get((step.id, "done")) or StepDoneForm(
                    prefix=prefix, formdata=None, data={"version": step.version, "done_on": date.today()}
                )
            note = bound.get((step.id, "note")) or StepNoteForm(prefix=prefix, formdata=None)
            assign = bound.get((step.id, "assign")) or StepAssignForm(
                prefix=prefix, formdata=None, data={"version": step.version, "assignee_id": step.assignee_id}
            )
            assign.assignee_id.choices = (
                user_choices
                if step.assignee is None or step.assignee.active
                else _user_choices(person, keep=step.assignee)
            )
            forms[step.id] = {
                "done": done,
                "note": note,
                "assign": assign,
                "open": any((step.id, k) in bound for k in ("note", "assign")),
            }
        add_form = add_form or StepForm(formdata=None)
    return render_template(
        "relief/show.html",
        person=person,
        application=application,
        steps=steps,
        events=events,
        convictions=[(c, conviction_label(c)) for c in convictions],
        forms=forms,
        add_form=add_form,
        today=date.today(),
    )


def _prefix(step: ReliefStep) -> str:
    """Field names of a step's forms: each step has its own on the application page."""
    return f"step-{step.id}"


@bp.get(APPLICATION)
def show(person_id: int, application_id: int):
    """The application: details, steps as a checklist, and its history."""
    person, application = access.get_case_item_or_404(ReliefApplication, application_id, person_id)
    operations.record_view(current_user, person, application)
    db.session.commit()
    return _application_page(person, application)


@bp.route(APPLICATION + "/edit", methods=["GET", "POST"])
def edit(person_id: int, application_id: int):
    """Status, dates, outcome and people; a save from an outdated version is refused, typed values kept."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="edit"
    )
    application = _with_convictions(application)
    form = ApplicationEditForm(obj=application, opened_on=application.opened_on)
    if request.method == "GET":
        form.convictions.data = [c.id for c in application.convictions]
    _fill_application_choices(form, person, application)
    conflict = None
    if form.validate_on_submit():
        data = form.application_data()
        try:
            changed = operations.update_application(
                current_user, person, application, data, form.version.data
            )
            db.session.commit()
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            person, application = access.get_case_item_or_404(
                ReliefApplication, application_id, person_id, need="edit"
            )
            application = _with_convictions(application)
            conflict = _conflict_values(application, data, exc)
            # saving again, after review, is the user's informed choice
            form.version.data = application.version
            flash(
                "Someone else saved this application while you were editing. Your changes were NOT saved: "
                "compare them with the saved values shown under each field, then save again.",
                "error",
            )
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("relief.show", person_id=person.id, application_id=application.id))
    elif request.method == "POST":
        flash("The application was not saved: correct the fields marked below.", "error")
    return render_template(
        "relief/edit.html", form=form, person=person, application=application, conflict=conflict
    )


def _conflict_values(application: ReliefApplication, data: dict, exc: Exception) -> dict:
    """What someone else saved, for each field where it differs from what the user typed (readable)."""
    names = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
    conflict = {}
    for name in names:
        if name in ("convictions", "conviction_ids"):
            saved = sorted(c.id for c in application.convictions)
            if saved != sorted(data["conviction_ids"]):
                conflict["convictions"] = (
                    "; ".join(conviction_label(c) for c in application.convictions) or "none"
                )
            continue
        saved = getattr(application, name)
        if saved == data.get(name):
            continue
        if name == "lead_id":
            saved = application.lead.display_name if application.lead else "nobody"
        elif name == "attorney_contact_id":
            saved = application.attorney.name if application.attorney else "none"
        conflict[name] = saved
    return conflict


@bp.route(APPLICATION + "/delete", methods=["GET", "POST"])
def delete(person_id: int, application_id: int):
    """Confirm, then delete the application with its steps and history."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="manage"
    )
    form = ConfirmForm()
    if form.validate_on_submit():
        application = db.session.scalar(
            sa.select(ReliefApplication)
            .where(ReliefApplication.id == application.id)
            .options(
                selectinload(ReliefApplication.steps),
                selectinload(ReliefApplication.events),
                selectinload(ReliefApplication.convictions),
            )
            .execution_options(populate_existing=True)
        )
        operations.delete_application(current_user, person, application)
        db.session.commit()
        flash("The application was deleted.", "success")
        return redirect(url_for("people.show", person_id=person.id) + "#relief")
    return render_template("relief/confirm_delete.html", person=person, application=application, form=form)


# ---------------------------------------------------------------- steps


def _back_to(person: Person, application: ReliefApplication, step: ReliefStep | None = None):
    anchor = f"#step-{step.id}" if step is not None else "#steps"
    return redirect(url_for("relief.show", person_id=person.id, application_id=application.id) + anchor)


def _step_action(person_id: int, application_id: int, step_id: int, key: str, form_class, act):
    """Shared flow of the step actions: load, validate, act, commit once; show the form again on a problem."""
    person, application, step = access.get_relief_step_or_404(step_id, application_id, person_id, need="edit")
    form = form_class(prefix=_prefix(step))
    if key == "assign":
        form.assignee_id.choices = _user_choices(person, keep=step.assignee)
    if not form.validate_on_submit():
        flash(f"Step {step.position} was not changed: correct the field marked below.", "error")
        return _application_page(person, application, bound={(step.id, key): form})
    try:
        message = act(person, application, step, form)
        db.session.commit()
    except (operations.EditConflict, StaleDataError):
        db.session.rollback()
        person, application, step = access.get_relief_step_or_404(
            step_id, application_id, person_id, need="edit"
        )
        if "version" in form:
            form.version.data = step.version
        flash(
            f"Someone else changed step {step.position} while you were working on it. Nothing was saved: "
            "check the step as it is now, then try again.",
            "error",
        )
        return _application_page(person, application, bound={(step.id, key): form})
    except operations.OperationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return _back_to(person, application, step)


@bp.post(STEP + "/done")
def step_done(person_id: int, application_id: int, step_id: int):
    """Mark a step done (today, unless another day is typed)."""

    def act(person, application, step, form):
        operations.mark_step_done(
            current_user, person, application, step, form.done_on.data or date.today(), form.version.data
        )
        return f"Step {step.position} marked done."

    return _step_action(person_id, application_id, step_id, "done", StepDoneForm, act)


@bp.post(STEP + "/reopen")
def step_reopen(person_id: int, application_id: int, step_id: int):
    """Undo a step's "done"."""

    def act(person, application, step, form):
        operations.reopen_step(current_user, person, application, step, form.version.data)
        return f"Step {step.position} reopened."

    return _step_action(person_id, application_id, step_id, "reopen", StepVersionForm, act)


@bp.post(STEP + "/note")
def step_note(person_id: int, application_id: int, step_id: int):
    """Append a dated, signed note to a step."""

    def act(person, application, step, form):
        operations.add_step_note(current_user, person, application, step, form.note.data)
        return f"Note added to step {step.position}."

    return _step_action(person_id, application_id, step_id, "note", StepNoteForm, act)


@bp.post(STEP + "/assign")
def step_assign(person_id: int, application_id: int, step_id: int):
    """Give a step to a user of the case's organization, or to nobody."""

    def act(person, application, step, form):
        assignee = None
        if form.assignee_id.data is not None:
            assignee = db.session.get(User, form.assignee_id.data)
            if assignee is None or assignee.org_id != person.org_id:
                abort(404)
        changed = operations.assign_step(current_user, person, application, step, assignee, form.version.data)
        if not changed:
            return "Nothing was changed."
        return (
            f"Step {step.position} assigned to {assignee.display_name}."
            if assignee
            else f"Step {step.position} is assigned to nobody now."
        )

    return _step_action(person_id, application_id, step_id, "assign", StepAssignForm, act)


@bp.post(APPLICATION + "/steps")
def add_step(person_id: int, application_id: int):
    """Add a step at the end of the checklist."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="edit"
    )
    form = StepForm()
    if not form.validate_on_submit():
        flash("The step was not added: correct the fields marked below.", "error")
        return _application_page(person, application, add_form=form)
    step = operations.add_step(current_user, person, application, form.step_data())
    db.session.commit()
    flash(f"Step {step.position} added.", "success")
    return _back_to(person, application, step)


@bp.route(STEP + "/edit", methods=["GET", "POST"])
def edit_step(person_id: int, application_id: int, step_id: int):
    """Change a step's title or due date."""
    person, application, step = access.get_relief_step_or_404(step_id, application_id, person_id, need="edit")
    form = StepEditForm(obj=step)
    conflict = None
    if form.validate_on_submit():
        data = form.step_data()
        try:
            changed = operations.update_step(current_user, person, application, step, data, form.version.data)
            db.session.commit()
        except (operations.EditConflict, StaleDataError):
            db.session.rollback()
            person, application, step = access.get_relief_step_or_404(
                step_id, application_id, person_id, need="edit"
            )
            conflict = {k: getattr(step, k) for k in data if getattr(step, k) != data[k]}
            form.version.data = step.version
            flash(
                "Someone else changed this step while you were editing. Your changes were NOT saved: compare "
                "them with the saved values shown under each field, then save again.",
                "error",
            )
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return _back_to(person, application, step)
    elif request.method == "POST":
        flash("The step was not saved: correct the fields marked below.", "error")
    return render_template(
        "relief/step_form.html",
        form=form,
        person=person,
        application=application,
        step=step,
        conflict=conflict,
    )


# ---------------------------------------------------------------- templates (admins)


@bp.get(TEMPLATES)
@admins_only
def templates():
    """Built-in templates and the organization's own."""
    rows = db.session.scalars(
        access.relief_templates_offered(current_user).order_by(
            ReliefTemplate.org_id.is_(None),
            ReliefTemplate.jurisdiction,
            ReliefTemplate.name,
            ReliefTemplate.id,
        )
    ).all()
    return render_template(
        "relief/templates.html",
        own=[t for t in rows if t.org_id is not None],
        built_in=[t for t in rows if t.org_id is None],
        form=ConfirmForm(),
    )


@bp.route(TEMPLATES + "/new", methods=["GET", "POST"])
@admins_only
def new_template():
    """Start a template of the organization; its steps are added next."""
    form = TemplateForm()
    if form.validate_on_submit():
        template = operations.create_template(current_user, form.template_data())
        db.session.commit()
        flash("The template was created: add its steps.", "success")
        return redirect(url_for("relief.template", template_id=template.id))
    if request.method == "POST":
        flash("The template was not created: correct the fields marked below.", "error")
    return render_template("relief/template_form.html", form=form, template=None)


@bp.get(TEMPLATE)
@admins_only
def template(template_id: int):
    """A template's steps, their clocks, and the due dates they give an application opened today."""
    template = access.get_relief_template_or_404(template_id)
    today = date.today()
    due, problem = operations.template_preview(template, today)
    return render_template(
        "relief/template.html",
        template=template,
        due=due,
        problem=problem,
        today=today,
        form=ConfirmForm(),
        editable=template.org_id == current_user.org_id,
        clock_text=operations.clock_text,
    )


TEMPLATE_CONFLICT = (
    "Another admin saved this template while you were editing. Your changes were NOT saved: "
    "check the current version, then save again."
)


@bp.route(TEMPLATE + "/edit", methods=["GET", "POST"])
@admins_only
def edit_template(template_id: int):
    """Change the organization's own template (built-in ones are read-only: copy them first)."""
    template = access.get_relief_template_or_404(template_id, need="edit")
    form = TemplateEditForm(obj=template)
    if form.validate_on_submit():
        try:
            if form.version.data != template.version:
                raise StaleDataError()
            changed = operations.update_template(current_user, template, form.template_data())
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            template = access.get_relief_template_or_404(template_id, need="edit")
            form.version.data = template.version
            flash(TEMPLATE_CONFLICT, "error")
            return render_template("relief/template_form.html", form=form, template=template)
        flash("Saved." if changed else "Nothing was changed.", "success")
        return redirect(url_for("relief.template", template_id=template.id))
    if request.method == "POST":
        flash("The template was not saved: correct the fields marked below.", "error")
    return render_template("relief/template_form.html", form=form, template=template)


@bp.post(TEMPLATE + "/copy")
@admins_only
def copy_template(template_id: int):
    """Copy a template (a built-in one, typically) into the organization, to adapt it."""
    source = access.get_relief_template_or_404(template_id)
    if not ConfirmForm().validate_on_submit():
        abort(400)
    copy = operations.copy_template(current_user, source)
    db.session.commit()
    flash("The template was copied to your organization: adapt it here.", "success")
    return redirect(url_for("relief.template", template_id=copy.id))


def _set_active(template_id: int, active: bool):
    template = access.get_relief_template_or_404(template_id, need="edit")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    operations.set_template_active(current_user, template, active)
    db.session.commit()
    flash(
        "The template is offered for new applications again."
        if active
        else "The template is no longer offered for new applications; applications opened from it keep "
        "their steps.",
        "success",
    )
    return redirect(url_for("relief.template", template_id=template.id))


@bp.post(TEMPLATE + "/deactivate")
@admins_only
def deactivate_template(template_id: int):
    """Stop offering a template of the organization."""
    return _set_active(template_id, False)


@bp.post(TEMPLATE + "/activate")
@admins_only
def activate_template(template_id: int):
    """Offer a deactivated template again."""
    return _set_active(template_id, True)


def _anchor_choices(template: ReliefTemplate, step=None):
    others = [s for s in template.steps if step is None or s.id != step.id]
    return options(
        [("", "The day the application is opened")]
        + [(s.position, f"Step {s.position}: {s.title}") for s in others]
    )


def _template_step_form_page(template: ReliefTemplate, form: TemplateStepForm, step=None):
    return render_template("relief/template_step_form.html", template=template, form=form, step=step)


@bp.route(TEMPLATE + "/steps/new", methods=["GET", "POST"])
@admins_only
def new_template_step(template_id: int):
    """Add a step at the end of the organization's template."""
    template = access.get_relief_template_or_404(template_id, need="edit")
    form = TemplateStepForm()
    form.anchor_position.choices = _anchor_choices(template)
    if form.validate_on_submit():
        try:
            operations.add_template_step(current_user, template, form.step_data())
        except operations.OperationError as exc:
            db.session.rollback()
            form.anchor_position.errors.append(str(exc))
        else:
            db.session.commit()
            flash("The step was added.", "success")
            return redirect(url_for("relief.template", template_id=template.id) + "#steps")
    if request.method == "POST":
        flash("The step was not added: correct the fields marked below.", "error")
    return _template_step_form_page(template, form)


@bp.route(TEMPLATE + "/steps/<int:step_id>/edit", methods=["GET", "POST"])
@admins_only
def edit_template_step(template_id: int, step_id: int):
    """Change a step of the organization's template; anchors that loop or point nowhere are refused."""
    template, step = access.get_relief_template_step_or_404(step_id, template_id)
    form = TemplateStepEditForm(obj=step)
    form.anchor_position.choices = _anchor_choices(template, step)
    if form.validate_on_submit():
        try:
            if form.version.data != step.version:
                raise StaleDataError()
            changed = operations.update_template_step(current_user, template, step, form.step_data())
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            form.anchor_position.errors.append(str(exc))
        except StaleDataError:
            db.session.rollback()
            template, step = access.get_relief_template_step_or_404(step_id, template_id)
            form.version.data = step.version
            flash(TEMPLATE_CONFLICT, "error")
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("relief.template", template_id=template.id) + "#steps")
    if request.method == "POST":
        flash("The step was not saved: correct the fields marked below.", "error")
    return _template_step_form_page(template, form, step)


@bp.route(TEMPLATE + "/steps/<int:step_id>/delete", methods=["GET", "POST"])
@admins_only
def delete_template_step(template_id: int, step_id: int):
    """Confirm, then remove a step of the organization's template."""
    template, step = access.get_relief_template_step_or_404(step_id, template_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.remove_template_step(current_user, template, step)
        except operations.OperationError as exc:
            db.session.rollback()
            flash(f"The step was not removed. {exc}", "error")
        else:
            db.session.commit()
            flash("The step was removed.", "success")
        return redirect(url_for("relief.template", template_id=template_id) + "#steps")
    return render_template("relief/confirm_remove_step.html", template=template, step=step, form=form)


@bp.post(TEMPLATE + "/steps/<int:step_id>/move")
@admins_only
def move_template_step(template_id: int, step_id: int):
    """Move a step up or down; anchors keep pointing at the same steps."""
    template, step = access.get_relief_template_step_or_404(step_id, template_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash("The step was not moved: choose up or down.", "error")
    elif operations.move_template_step(current_user, template, step, form.direction.data):
        db.session.commit()
        flash(f"The step is now step {step.position}.", "success")
    else:
        flash("The step is already at that end of the list.", "info")
    return redirect(url_for("relief.template", template_id=template_id) + "#steps")

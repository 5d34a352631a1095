"""An application on a case: open it, read it, edit it, delete it."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework import access, editing
from casework.errors import OperationError
from casework.forms import ConfirmForm
from casework.i18n import gettext
from casework.models import Person, ReliefApplication, ReliefTemplate
from casework.relief import dates, operations, queries
from casework.relief.forms import ApplicationCreateForm, ApplicationEditForm
from casework.relief.views import APPLICATION, CASE, bp, choices, pages


@bp.route(CASE + "/new", methods=["GET", "POST"])
def new(person_id: int):
    """Open an application; the chosen template's steps are copied into it."""
    person = access.get_person_or_404(person_id, need="edit")
    form, templates, best = _create_form(person)
    if form.validate_on_submit():
        template = choices.chosen_template(form.template.data, templates, best)
        application = editing.submit(
            form,
            lambda: operations.create_application(current_user, person, form.application_data(), template),
            on_refused=_under_opening_date,
        )
        if application is not None:
            flash(_opened_message(template), "success")
            return redirect(url_for("relief.show", person_id=person.id, application_id=application.id))
    if request.method == "POST":
        flash(gettext("The application was not opened: correct the fields marked below."), "error")
    return render_template("relief/new.html", form=form, person=person)


def _create_form(person: Person) -> tuple[ApplicationCreateForm, list[ReliefTemplate], ReliefTemplate | None]:
    """The opening form with its choices, the templates offered, and the best match for what was chosen."""
    form = ApplicationCreateForm()
    if request.method == "GET":
        form.jurisdiction.data = person.state or ""  # most relief is decided where the person lives
    choices.fill_application_choices(form, person)
    templates = queries.offered_templates(current_user)
    best = queries.best_template(templates, form.kind.data, form.jurisdiction.data, current_user.org_id)
    form.template.choices = choices.template_choices(
        templates, best if form.kind.data and form.jurisdiction.data else None
    )
    return form, templates, best


def _under_opening_date(form: ApplicationCreateForm, exc: OperationError) -> None:
    """Due dates that cannot be counted are a problem of the opening date: say so under it."""
    form.opened_on.errors.append(str(exc))


def _opened_message(template: ReliefTemplate | None) -> str:
    if template is None:
        return "The application was opened with no steps."
    return f"The application was opened with {len(template.steps)} steps from “{template.name}”."


@bp.get(APPLICATION)
def show(person_id: int, application_id: int):
    """The application: details, steps as a checklist, and its history."""
    person, application = access.get_case_item_or_404(ReliefApplication, application_id, person_id)
    operations.record_view(current_user, person, application)
    return pages.application_page(person, application)


@bp.route(APPLICATION + "/edit", methods=["GET", "POST"])
def edit(person_id: int, application_id: int):
    """Status, dates, outcome and people; a save from an outdated version is refused, typed values kept."""
    person = access.get_person_or_404(person_id, need="edit")
    return editing.edit_view(
        load=lambda: access.get_relief_application_or_404(person, application_id, with_convictions=True),
        make_form=lambda application: _edit_form(person, application),
        save=lambda application, form: operations.update_application(
            current_user, person, application, form.application_data(), form.version.data
        ),
        render=lambda application, form, conflict: render_template(
            "relief/edit.html", form=form, person=person, application=application, conflict=conflict
        ),
        saved_url=lambda application: url_for(
            "relief.show", person_id=person.id, application_id=application.id
        ),
        what="application",
        describe_conflict=lambda application, form, fields: saved_meanwhile(
            application, form.application_data(), fields
        ),
    )


def _edit_form(person: Person, application: ReliefApplication) -> ApplicationEditForm:
    form = ApplicationEditForm(obj=application, opened_on=application.opened_on)
    if request.method == "GET":
        form.convictions.data = [c.id for c in application.convictions]
    choices.fill_application_choices(form, person, application)
    return form


def saved_meanwhile(application: ReliefApplication, data: dict, fields: list[str]) -> dict:
    """What someone else saved, for each field where it differs from what the user typed, as people read
    it: the lead's name, the convictions' labels."""
    conflict: dict[str, object] = {}
    for name in fields:
        if name in ("convictions", "conviction_ids"):
            saved_ids = sorted(c.id for c in application.convictions)
            if saved_ids != sorted(data["conviction_ids"]):
                labels = "; ".join(choices.conviction_label(c) for c in application.convictions)
                conflict["convictions"] = labels or "none"
            continue
        saved = getattr(application, name)
        if saved == data.get(name):
            continue
        if name == "lead_id":
            saved = application.lead.display_name if application.lead else "nobody"
        conflict[name] = saved
    return conflict


@bp.route(APPLICATION + "/delete", methods=["GET", "POST"])
def delete(person_id: int, application_id: int):
    """Confirm, then delete the application with its steps and history."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="manage"
    )
    return editing.confirm_view(
        template="relief/confirm_delete.html",
        context={"person": person, "application": application},
        act=lambda: operations.delete_application(current_user, person, application),
        done_url=url_for("people.show", person_id=person.id) + "#relief",
        message="The application was deleted.",
    )


@bp.route(APPLICATION + "/template", methods=["GET", "POST"])
def template_revision(person_id: int, application_id: int):
    """Preview the dates the template's newer revision gives the application, then apply it (admins)."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="manage"
    )
    access.require("admin")
    template = queries.template_of(application)
    back = url_for("relief.show", person_id=person.id, application_id=application.id)
    if template is None or not operations.newer_revision(application, template):
        flash(gettext("The application already follows its template as it is."), "info")
        return redirect(back)
    form = ConfirmForm()
    if form.validate_on_submit():
        moved = editing.submit(
            form, lambda: operations.apply_revision(current_user, person, application, template)
        )
        if moved is not None:  # else refused, with the reason flashed
            flash(
                f"The steps follow the template's revision {template.revision}; {moved} dates moved.",
                "success",
            )
        return redirect(back + "#steps")
    rows = operations.preview(application, dates.steps_of(application), template)
    context = {"person": person, "application": application, "template": template, "rows": rows}
    return render_template("relief/template_revision.html", form=form, **context)

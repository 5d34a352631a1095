"""The admins' relief templates: the built-in ones (read-only, to copy) and the organization's own."""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework import access, clock, editing
from casework.errors import OperationError
from casework.forms import ConfirmForm
from casework.i18n import gettext
from casework.models import ReliefTemplate, ReliefTemplateStep
from casework.relief import operations, queries
from casework.relief.clocks import clock_text, template_preview
from casework.relief.forms import (
    MoveForm,
    TemplateEditForm,
    TemplateForm,
    TemplateStepEditForm,
    TemplateStepForm,
)
from casework.relief.forms.templates import anchor_choice
from casework.relief.views import TEMPLATE, TEMPLATES, admins_only, bp, choices

TEMPLATE_CONFLICT = (
    "Another admin saved this template while you were editing. Your changes were NOT saved: "
    "check the current version, then save again."
)


def _template_url(template_id: int, anchor: str = "") -> str:
    return url_for("relief.template", template_id=template_id) + anchor


@bp.get(TEMPLATES)
@admins_only
def templates():
    """Built-in templates and the organization's own."""
    rows = queries.templates_to_manage(current_user)
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
        flash(gettext("The template was created: add its steps."), "success")
        return redirect(_template_url(template.id))
    if request.method == "POST":
        flash(gettext("The template was not created: correct the fields marked below."), "error")
    return render_template("relief/template_form.html", form=form, template=None)


@bp.get(TEMPLATE)
@admins_only
def template(template_id: int):
    """A template's steps, their clocks, and the due dates they give an application opened today."""
    template = access.get_relief_template_or_404(template_id)
    today = clock.today()
    due, problem = template_preview(template, today)
    return render_template(
        "relief/template.html",
        template=template,
        due=due,
        problem=problem,
        today=today,
        form=ConfirmForm(),
        editable=template.org_id == current_user.org_id,
        clock_text=clock_text,
    )


@bp.route(TEMPLATE + "/edit", methods=["GET", "POST"])
@admins_only
def edit_template(template_id: int):
    """Change the organization's own template (built-in ones are read-only: copy them first)."""
    return editing.edit_view(
        conflict_message=TEMPLATE_CONFLICT,
        what="template",
        load=lambda: access.get_relief_template_or_404(template_id, need="edit"),
        make_form=lambda template: TemplateEditForm(obj=template),
        save=lambda template, form: operations.update_template(
            current_user, template, form.template_data(), form.version.data
        ),
        render=lambda template, form, conflict: render_template(
            "relief/template_form.html", form=form, template=template
        ),
        saved_url=lambda template: _template_url(template.id),
        data=lambda form: form.template_data(),
    )


@bp.post(TEMPLATE + "/copy")
@admins_only
def copy_template(template_id: int):
    """Copy a template (a built-in one, typically) into the organization, to adapt it."""
    source = access.get_relief_template_or_404(template_id)
    editing.require_confirmation()
    copy = operations.copy_template(current_user, source)
    flash(gettext("The template was copied to your organization: adapt it here."), "success")
    return redirect(_template_url(copy.id))


def _set_active(template_id: int, active: bool):
    template = access.get_relief_template_or_404(template_id, need="edit")
    editing.require_confirmation()
    operations.set_template_active(current_user, template, active)
    flash(
        "The template is offered for new applications again."
        if active
        else "The template is no longer offered for new applications; applications opened from it keep "
        "their steps.",
        "success",
    )
    return redirect(_template_url(template.id))


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


def _template_step_form_page(template: ReliefTemplate, form: TemplateStepForm, step=None):
    return render_template("relief/template_step_form.html", template=template, form=form, step=step)


def _under_anchor(form: TemplateStepForm, exc: OperationError) -> None:
    """An anchor that loops or points nowhere: say so under the anchor."""
    form.anchor_position.errors.append(str(exc))


@bp.route(TEMPLATE + "/steps/new", methods=["GET", "POST"])
@admins_only
def new_template_step(template_id: int):
    """Add a step at the end of the organization's template."""
    template = access.get_relief_template_or_404(template_id, need="edit")
    form = TemplateStepForm()
    form.anchor_position.choices = choices.anchor_choices(template)
    if form.validate_on_submit():
        step = editing.submit(
            form,
            lambda: operations.add_template_step(current_user, template, form.step_data()),
            on_refused=_under_anchor,
        )
        if step is not None:
            flash(gettext("The step was added."), "success")
            return redirect(_template_url(template.id, "#steps"))
    if request.method == "POST":
        flash(gettext("The step was not added: correct the fields marked below."), "error")
    return _template_step_form_page(template, form)


def _template_step_edit_form(template: ReliefTemplate, step: ReliefTemplateStep) -> TemplateStepEditForm:
    form = TemplateStepEditForm(obj=step)
    form.anchor_position.choices = choices.anchor_choices(template, step)
    if not form.is_submitted():
        form.anchor_position.data = anchor_choice(step.anchor, step.anchor_position)
    return form


@bp.route(TEMPLATE + "/steps/<int:step_id>/edit", methods=["GET", "POST"])
@admins_only
def edit_template_step(template_id: int, step_id: int):
    """Change a step of the organization's template; anchors that loop or point nowhere are refused."""
    template = access.get_relief_template_or_404(template_id, need="edit")
    return editing.edit_view(
        conflict_message=TEMPLATE_CONFLICT,
        what="step",
        load=lambda: access.get_step_of_template_or_404(template, step_id),
        make_form=lambda step: _template_step_edit_form(template, step),
        save=lambda step, form: operations.update_template_step(
            current_user, template, step, form.step_data(), form.version.data
        ),
        render=lambda step, form, conflict: _template_step_form_page(template, form, step),
        saved_url=lambda step: _template_url(template.id, "#steps"),
        data=lambda form: form.step_data(),
        on_refused=_under_anchor,
    )


@bp.route(TEMPLATE + "/steps/<int:step_id>/delete", methods=["GET", "POST"])
@admins_only
def delete_template_step(template_id: int, step_id: int):
    """Confirm, then remove a step of the organization's template."""
    template, step = access.get_relief_template_step_or_404(step_id, template_id)
    return editing.confirm_view(
        template="relief/confirm_remove_step.html",
        context={"template": template, "step": step},
        act=lambda: operations.remove_template_step(current_user, template, step),
        done_url=_template_url(template_id, "#steps"),
        message="The step was removed.",
        refused_prefix="The step was not removed. ",
    )


@bp.post(TEMPLATE + "/steps/<int:step_id>/move")
@admins_only
def move_template_step(template_id: int, step_id: int):
    """Move a step up or down; anchors keep pointing at the same steps."""
    template, step = access.get_relief_template_step_or_404(step_id, template_id)
    form = MoveForm()
    if not form.validate_on_submit():
        flash(gettext("The step was not moved: choose up or down."), "error")
    elif operations.move_template_step(current_user, template, step, form.direction.data):
        flash(gettext("The step is now step %(position)s.", position=step.position), "success")
    else:
        flash(gettext("The step is already at that end of the list."), "info")
    return redirect(_template_url(template_id, "#steps"))

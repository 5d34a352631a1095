"""The steps of an application: the volunteer's checklist and log.

Done, reopen, note and assign are buttons and small forms on the application page; they share one flow
(`_step_action`): a form with an error, or a step someone else changed meanwhile, shows the page again with
what was typed; a refusal is flashed.
"""

from __future__ import annotations

from collections.abc import Callable

from flask import flash
from flask_login import current_user

from casework import access, clock, editing, unit_of_work
from casework.errors import EditConflict, OperationError
from casework.forms import BaseForm
from casework.i18n import gettext
from casework.models import Person, ReliefApplication, ReliefStep
from casework.relief import operations
from casework.relief.forms import (
    StepAssignForm,
    StepDoneForm,
    StepEditForm,
    StepForm,
    StepNoteForm,
    StepVersionForm,
)
from casework.relief.views import APPLICATION, STEP, bp, choices, pages

# An action on a step: (person, application, step, validated form) -> the message telling what was done.
StepAct = Callable[[Person, ReliefApplication, ReliefStep, BaseForm], str]

STEP_CONFLICT = (
    "Someone else changed this step while you were editing. Your changes were NOT saved: compare "
    "them with the saved values shown under each field, then save again."
)


def _step_action(person_id: int, application_id: int, step_id: int, key: str, form_class, act: StepAct):
    """Shared flow of the step actions: load, validate, act; show the form again on a problem."""
    person, application, step = access.get_relief_step_or_404(step_id, application_id, person_id, need="edit")
    form = form_class(prefix=pages.step_prefix(step))
    if key == "assign":
        form.assignee_id.choices = choices.user_choices(person, keep=step.assignee)
    if not form.validate_on_submit():
        flash(
            gettext(
                "Step %(position)s was not changed: correct the field marked below.", position=step.position
            ),
            "error",
        )
        return pages.application_page(person, application, bound={(step.id, key): form})
    try:
        message = act(person, application, step, form)
    except EditConflict:
        unit_of_work.rollback()
        return _changed_meanwhile(person_id, application_id, step_id, key, form)
    except OperationError as exc:
        unit_of_work.rollback()
        flash(str(exc), "error")
    else:
        flash(message, "success")
    return pages.back_to(person, application, step)


def _changed_meanwhile(person_id: int, application_id: int, step_id: int, key: str, form: BaseForm):
    """The page again, with the step as it is now and the form moved on to its current version."""
    person, application, step = access.get_relief_step_or_404(step_id, application_id, person_id, need="edit")
    if "version" in form:
        form["version"].data = step.version
    flash(
        f"Someone else changed step {step.position} while you were working on it. Nothing was saved: "
        "check the step as it is now, then try again.",
        "error",
    )
    return pages.application_page(person, application, bound={(step.id, key): form})


@bp.post(STEP + "/done")
def step_done(person_id: int, application_id: int, step_id: int):
    """Mark a step done (today, unless another day is typed)."""

    def act(person, application, step, form):
        day = form.done_on.data or clock.today()
        operations.mark_step_done(
            current_user, person, application, step, day, form.version.data, form.outcome_status
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
    return _step_action(person_id, application_id, step_id, "assign", StepAssignForm, _assign)


def _assign(person: Person, application: ReliefApplication, step: ReliefStep, form) -> str:
    assignee = None
    if form.assignee_id.data is not None:
        assignee = access.get_case_org_user_or_404(person, form.assignee_id.data)
    changed = operations.assign_step(current_user, person, application, step, assignee, form.version.data)
    if not changed:
        return "Nothing was changed."
    if assignee is None:
        return f"Step {step.position} is assigned to nobody now."
    return f"Step {step.position} assigned to {assignee.display_name}."


@bp.post(APPLICATION + "/steps")
def add_step(person_id: int, application_id: int):
    """Add a step at the end of the checklist."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="edit"
    )
    form = StepForm()
    if not form.validate_on_submit():
        flash(gettext("The step was not added: correct the fields marked below."), "error")
        return pages.application_page(person, application, add_form=form)
    step = editing.submit(
        form, lambda: operations.add_step(current_user, person, application, form.step_data())
    )
    if step is None:  # refused (flashed): the checklist was too busy to find a free position
        return pages.back_to(person, application)
    flash(gettext("Step %(position)s added.", position=step.position), "success")
    return pages.back_to(person, application, step)


@bp.route(STEP + "/edit", methods=["GET", "POST"])
def edit_step(person_id: int, application_id: int, step_id: int):
    """Change a step's title or due date."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="edit"
    )
    return editing.edit_view(
        conflict_message=STEP_CONFLICT,
        what="step",
        load=lambda: access.get_step_of_application_or_404(application, step_id),
        make_form=lambda step: StepEditForm(obj=step),
        save=lambda step, form: operations.update_step(
            current_user, person, application, step, form.step_data(), form.version.data
        ),
        render=lambda step, form, conflict: pages.step_form_page(person, application, step, form, conflict),
        saved_url=lambda step: pages.step_url(person, application, step),
        data=lambda form: form.step_data(),
    )

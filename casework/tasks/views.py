"""Tasks on a case: anyone who may edit the case may add, edit, tick off, reopen and delete them.

The request's unit of work commits once when a view returns (casework.unit_of_work)."""

from __future__ import annotations

from collections.abc import Callable

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casework import access, editing, unit_of_work
from casework.access import CaseItem
from casework.errors import EditConflict, OperationError
from casework.forms import BaseForm, options
from casework.i18n import gettext
from casework.models import Person, Task, User
from casework.tasks import operations, queries
from casework.tasks.forms import TaskForm

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("tasks", __name__, url_prefix="/people/<int:person_id>/tasks")

NOT_SAVED = "The task was not saved: correct the fields marked below."


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def task_form(person: Person, task: Task | None = None, **kwargs) -> TaskForm:
    """The task form with its assignee choices: active users of the case's organization, or nobody."""
    form = TaskForm(obj=task, **kwargs) if task is not None else TaskForm(**kwargs)
    keep = task.assignee_id if task is not None else None
    form.assignee_id.choices = options(
        [("", "Nobody yet")]
        + [
            (u.id, f"{u.display_name} ({u.role.label})" + ("" if u.active else " — deactivated"))
            for u in queries.assignable_users(person, keep_user_id=keep)
        ]
    )
    return form


def _tasks_url(person: Person) -> str:
    return url_for("people.show", person_id=person.id) + "#tasks"


def _assignee_refused(form: BaseForm, exc: OperationError) -> None:
    form["assignee_id"].errors.append(str(exc))


def _not_saved(form: BaseForm, exc: OperationError) -> None:
    _assignee_refused(form, exc)
    flash(NOT_SAVED, "error")


def _readable_conflict(loaded: CaseItem, form: BaseForm, fields: list[str]) -> dict:
    """The saved values that differ from what was typed, the assignee by name rather than by id."""
    task: Task = loaded.item
    values = editing.conflict_values(task, form.task_data(), fields)
    if "assignee_id" in values:
        values["assignee_id"] = task.assignee.display_name if task.assignee else "Nobody"
    return values


@bp.route("/new", methods=["GET", "POST"])
def create(person_id: int):
    """Add a task to the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = task_form(person, version=0)
    if form.validate_on_submit() and editing.submit(
        form,
        lambda: operations.add_task(current_user, person, form.task_data()),
        on_refused=_assignee_refused,
    ):
        flash(gettext("The task was added."), "success")
        return redirect(_tasks_url(person))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("tasks/form.html", form=form, person=person, task=None, conflict=None)


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
def edit(person_id: int, task_id: int):
    """Edit a task; a save based on an outdated version is refused and the typed values kept."""
    return editing.edit_view(
        load=lambda: access.get_case_item_or_404(Task, task_id, person_id, need="edit"),
        make_form=lambda loaded: task_form(loaded.person, loaded.item),
        save=lambda loaded, form: operations.update_task(
            current_user, loaded.person, loaded.item, form.task_data(), form.version.data
        ),
        render=lambda loaded, form, conflict: render_template(
            "tasks/form.html", form=form, person=loaded.person, task=loaded.item, conflict=conflict
        ),
        saved_url=lambda loaded: _tasks_url(loaded.person),
        what="task",
        describe_conflict=_readable_conflict,
        on_refused=_not_saved,
    )


def _change_state(person_id: int, task_id: int, change: Callable[[User, Person, Task], None], success: str):
    """Tick a task off or reopen it (the CSRF token is the confirmation), then go back to the list."""
    person, task = access.get_case_item_or_404(Task, task_id, person_id, need="edit")
    editing.require_confirmation()
    try:
        change(current_user, person, task)
    except OperationError as exc:  # already done, or already open: nothing to do
        unit_of_work.rollback()
        flash(str(exc), "info")
    except EditConflict:
        unit_of_work.rollback()
        flash(operations.CHANGED_MEANWHILE, "error")
    else:
        flash(success, "success")
    return redirect(_tasks_url(person))


@bp.post("/<int:task_id>/done")
def done(person_id: int, task_id: int):
    """Tick a task off today."""
    return _change_state(person_id, task_id, operations.mark_done, "Done. The task moved to the done list.")


@bp.post("/<int:task_id>/reopen")
def reopen(person_id: int, task_id: int):
    """Put a done task back among the open ones."""
    return _change_state(person_id, task_id, operations.reopen, "The task is open again.")


@bp.route("/<int:task_id>/delete", methods=["GET", "POST"])
def delete(person_id: int, task_id: int):
    """Confirm, then delete a task."""
    person, task = access.get_case_item_or_404(Task, task_id, person_id, need="edit")
    return editing.confirm_view(
        template="tasks/confirm_delete.html",
        context={"person": person, "task": task},
        act=lambda: operations.delete_task(current_user, person, task),
        done_url=_tasks_url(person),
        message="The task was deleted.",
    )

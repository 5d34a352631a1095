"""Tasks on a case: anyone who may edit the case may add, edit, tick off, reopen and delete them."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.extensions import db
from casework.forms import options
from casework.models import Person, Task
from casework.tasks import operations
from casework.tasks.forms import ConfirmForm, TaskForm

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("tasks", __name__, url_prefix="/people/<int:person_id>/tasks")


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
            for u in operations.assignable_users(person, keep_user_id=keep)
        ]
    )
    return form


def _back_to_tasks(person: Person):
    return redirect(url_for("people.show", person_id=person.id) + "#tasks")


@bp.route("/new", methods=["GET", "POST"])
def create(person_id: int):
    """Add a task to the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = task_form(person, version=0)
    if form.validate_on_submit():
        try:
            operations.add_task(current_user, person, form.task_data())
        except operations.OperationError as exc:
            db.session.rollback()
            form.assignee_id.errors.append(str(exc))
        else:
            db.session.commit()
            flash("The task was added.", "success")
            return _back_to_tasks(person)
    if request.method == "POST":
        flash("The task was not saved: correct the fields marked below.", "error")
    return render_template("tasks/form.html", form=form, person=person, task=None, conflict=None)


@bp.route("/<int:task_id>/edit", methods=["GET", "POST"])
def edit(person_id: int, task_id: int):
    """Edit a task; a save based on an outdated version is refused and the typed values kept."""
    person, task = access.get_case_item_or_404(Task, task_id, person_id, need="edit")
    form = task_form(person, task)
    conflict = None
    if form.validate_on_submit():
        data = form.task_data()
        try:
            changed = operations.update_task(current_user, person, task, data, form.version.data)
            db.session.commit()
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            person, task = access.get_case_item_or_404(Task, task_id, person_id, need="edit")
            fields = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
            conflict = {name: _shown(task, name) for name in fields if getattr(task, name) != data[name]}
            form.version.data = task.version  # saving again, after review, is the user's informed choice
            flash(
                "Someone else saved this task while you were editing. Your changes were NOT saved: "
                "compare them with the saved values shown under each field, then save again.",
                "error",
            )
        except operations.OperationError as exc:
            db.session.rollback()
            form.assignee_id.errors.append(str(exc))
            flash("The task was not saved: correct the fields marked below.", "error")
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return _back_to_tasks(person)
    elif request.method == "POST":
        flash("The task was not saved: correct the fields marked below.", "error")
    return render_template("tasks/form.html", form=form, person=person, task=task, conflict=conflict)


def _shown(task: Task, name: str):
    """A saved value as the conflict note shows it (the assignee by name, not by id)."""
    if name == "assignee_id":
        return task.assignee.display_name if task.assignee else "Nobody"
    return getattr(task, name)


STALE = "Someone else changed this task meanwhile; nothing was changed. Look at it again, then retry."


def _change_state(person_id: int, task_id: int, change, success: str):
    """Run mark_done or reopen on a task, with the CSRF token as confirmation, and go back to the list."""
    person, task = access.get_case_item_or_404(Task, task_id, person_id, need="edit")
    if ConfirmForm().validate_on_submit():
        try:
            change(current_user, person, task)
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            flash(str(exc), "info")
        except StaleDataError:
            db.session.rollback()
            flash(STALE, "error")
        else:
            flash(success, "success")
    return _back_to_tasks(person)


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
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.delete_task(current_user, person, task)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            flash(STALE, "error")
        else:
            flash("The task was deleted.", "success")
        return _back_to_tasks(person)
    return render_template("tasks/confirm_delete.html", form=form, person=person, task=task)


# ---------------------------------------------------------------- the case page section

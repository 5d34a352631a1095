"""Routes of tasks on a case: everyone who may edit the case may do everything with its tasks."""

from datetime import date

from casework.models import Task
from tests.authz.common import CASE_EDIT

ROUTES = {
    "tasks.create": ("GET", "/people/{person}/tasks/new", CASE_EDIT),
    "tasks.edit": ("GET", "/people/{person}/tasks/{task}/edit", CASE_EDIT),
    "tasks.done": ("POST", "/people/{person}/tasks/{task}/done", CASE_EDIT),
    "tasks.reopen": ("POST", "/people/{person}/tasks/{done_task}/reopen", CASE_EDIT),
    "tasks.delete": ("GET", "/people/{person}/tasks/{task}/delete", CASE_EDIT),
}


def setup(db, users, ids):
    """An open task and a done one on the scenario's case."""
    task = db.add(
        Task(person_id=ids["person"], title="Request the plea transcript", due_on=date(2030, 1, 15))
    )
    done = db.add(Task(person_id=ids["person"], title="Send the FOIA request", done_on=date(2024, 5, 2)))
    ids.update(task=task.id, done_task=done.id)

"""Loading what hangs off an application (a counsel, a record of support) on the rules of casework.access: 404
unless it belongs to that application of a case the user may see, 403 when the user may not `need` the case."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from flask import abort

from casework import access
from casework.extensions import db
from casework.models import Contact, Person, ReliefApplication


def get_application_child_or_404(
    model: type, child_id: int, application_id: int, person_id: int, need: str = "edit"
) -> tuple[Person, ReliefApplication, Any]:
    """Load (case, application, child) for a row of `model` (ReliefCounsel, SupportRecord) of the application."""
    person, application = access.get_case_item_or_404(ReliefApplication, application_id, person_id, need=need)
    child = db.session.get(model, child_id)
    if child is None or child.application_id != application.id:
        abort(404)
    return person, application, child


class ChildLoader:
    """`load` for editing.edit_view: loads (case, application, child) and returns the child, the object whose
    version the edit tracks, keeping the case and the application of the latest load for the page."""

    person: Person
    application: ReliefApplication

    def __init__(self, load: Callable[[], tuple[Person, ReliefApplication, Any]]) -> None:
        self._load = load

    def __call__(self) -> Any:
        """Load again (edit_view reloads after a rollback): the edited object."""
        self.person, self.application, child = self._load()
        return child


def directory_contact_or_404(person: Person, contact_id: int | None) -> Contact:
    """A contact of the case owner's directory (a form already offered only those): 404 for any other."""
    contact = None
    if contact_id is not None:
        contact = db.session.scalar(access.linkable_contacts(person).where(Contact.id == contact_id))
    if contact is None:
        abort(404)
    return contact

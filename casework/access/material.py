"""What a case holds: its items loaded with their case, privileged material (notes, documents), printing."""

from __future__ import annotations

from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from casework.access.cases import Level, can, get_case_item_or_404, level_for
from casework.models import Document, Note, Person, Role, User


class CaseItem(NamedTuple):
    """An item of a case loaded with its case. It unpacks as (person, item) and carries the item's version,
    so that `editing.edit_view` can load it, check it and move the form on after a conflict."""

    person: Person
    item: Any

    @property
    def version(self) -> int:
        """The item's row version (optimistic locking)."""
        return self.item.version


def get_item_or_404(model, item_id: int, person_id: int, need: str = "view") -> CaseItem:
    """`get_case_item_or_404` as a CaseItem: 404 unless the case is visible and the item is one of its
    own, 403 if the user may see the case but not `need` it."""
    return CaseItem(*get_case_item_or_404(model, item_id, person_id, need=need))


def notes_filter(user: User):
    """SQL condition on Note: privileged notes only for admins, staff and attorneys."""
    return sa.true() if can(user, "view_privileged") else Note.privileged.is_(False)


def get_note_or_404(note_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, note); a privileged note does not exist for a user who may not read it."""
    person, note = get_case_item_or_404(Note, note_id, person_id, need=need)
    if note.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return CaseItem(person, note)


def documents_filter(user: User):
    """SQL condition on Document: privileged documents only for admins, staff and attorneys."""
    return sa.true() if can(user, "view_privileged") else Document.privileged.is_(False)


def get_document_or_404(document_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, document); a privileged document does not exist for a user who may not read it."""
    person, document = get_case_item_or_404(Document, document_id, person_id, need=need)
    if document.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return CaseItem(person, document)


def can_print(user: User, person: Person | None = None) -> bool:
    """PDF summaries and packets: everyone but volunteers, unless their organization allows volunteers."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if person is not None and level_for(user, person) < Level.VIEW:
        return False
    return user.role != Role.VOLUNTEER or user.organization.volunteers_build_packets

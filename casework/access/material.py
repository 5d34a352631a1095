"""What a case holds: its items loaded with their case, privileged material (notes, documents), printing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from casework.access.cases import CaseItem, Level, can, get_case_item_or_404, level_for
from casework.models import Document, Note, Person, Role, User


def notes_filter(user: User):
    """SQL condition on Note: privileged notes only for admins, staff and attorneys."""
    return sa.true() if can(user, "view_privileged") else Note.privileged.is_(False)


def get_note_or_404(note_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, note); a privileged note does not exist for a user who may not read it."""
    loaded = get_case_item_or_404(Note, note_id, person_id, need=need)
    person, note = loaded
    if note.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return loaded


def documents_filter(user: User):
    """SQL condition on Document: privileged documents only for admins, staff and attorneys."""
    return sa.true() if can(user, "view_privileged") else Document.privileged.is_(False)


def get_document_or_404(document_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, document); a privileged document does not exist for a user who may not read it."""
    loaded = get_case_item_or_404(Document, document_id, person_id, need=need)
    person, document = loaded
    if document.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return loaded


def can_print(user: User, person: Person | None = None) -> bool:
    """PDF summaries and packets: everyone but volunteers, unless their organization allows volunteers."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if person is not None and level_for(user, person) < Level.VIEW:
        return False
    return user.role != Role.VOLUNTEER or user.organization.volunteers_build_packets

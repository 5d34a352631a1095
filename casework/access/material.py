"""What a case holds: its items loaded with their case, privileged material (notes, documents), printing."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import aliased

from casework import clock
from casework.access.cases import (
    CaseItem,
    Level,
    _share_grants,
    can,
    get_case_item_or_404,
    level_for,
    owner_allows,
)
from casework.models import CaseShare, Document, Note, Person, Role, User

# The case whose privileged material is asked about, never correlated with a person the enclosing query reads.
# Made once: an alias built per query costs its column adaptation again each time (about a millisecond a query).
_CASE = aliased(Person, name="privileged_case")


def _privileged_readable(user: User, person_id: sa.orm.InstrumentedAttribute[int]):
    """SQL condition on a case's person id: whether this user may read the case's privileged material (their
    own organization's cases, for admins, staff and attorneys; a partner's, only where a share includes it);
    None when the user's role may read none.

    The organization's side is a correlated EXISTS on the person's primary key, not an IN over every person of
    the organization: that list is a million ids in a large organization, built in full for each query."""
    if not can(user, "view_privileged"):
        return None
    own = sa.exists().where(_CASE.id == person_id, _CASE.org_id == user.org_id)
    shared = sa.select(CaseShare.person_id).where(
        _share_grants(user, clock.today()), CaseShare.includes_privileged.is_(True)
    )
    return sa.or_(own, person_id.in_(shared))


def notes_filter(user: User):
    """SQL condition on Note: privileged notes only where the user may read the case's privileged material."""
    readable = _privileged_readable(user, Note.person_id)
    if readable is None:
        return Note.privileged.is_(False)
    return sa.or_(Note.privileged.is_(False), readable)


def get_note_or_404(note_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, note); a privileged note does not exist for a user who may not read it."""
    loaded = get_case_item_or_404(Note, note_id, person_id, need=need)
    person, note = loaded
    if note.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return loaded


def documents_filter(user: User):
    """SQL condition on Document: privileged documents only where the user may read the case's privileged
    material."""
    readable = _privileged_readable(user, Document.person_id)
    if readable is None:
        return Document.privileged.is_(False)
    return sa.or_(Document.privileged.is_(False), readable)


def get_document_or_404(document_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, document); a privileged document does not exist for a user who may not read it."""
    loaded = get_case_item_or_404(Document, document_id, person_id, need=need)
    person, document = loaded
    if document.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return loaded


def can_print(user: User, person: Person | None = None) -> bool:
    """PDF summaries and packets: everyone but volunteers, unless the owning organization allows volunteers;
    a partner only where the share allows export and printing."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if person is None:
        return _prints_in_own_org(user)
    if level_for(user, person) < Level.VIEW:
        return False
    return owner_allows(user, "print", person)


def _prints_in_own_org(user: User) -> bool:
    """Printing in general, by the rules of the user's own organization."""
    return user.role != Role.VOLUNTEER or user.organization.volunteers_build_packets

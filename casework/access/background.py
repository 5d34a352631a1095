"""Related people: a link between two cases shows on both, so it is loaded from either; changing it changes
what both cases show, so it needs `need` on both (as linking them did). A case of another organization is
never linkable."""

from __future__ import annotations

from flask import abort
from flask_login import current_user

from casework.access.cases import CaseItem, can, get_person_or_404
from casework.extensions import db
from casework.models import Person, Relation


def get_relation_or_404(relation_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, relation) for a relation shown on this case: 404 unless the case is visible and the relation
    is one of its own; 403 when the user may not `need` this case or, for a link, the other case."""
    person = get_person_or_404(person_id, need=need)
    relation = db.session.get(Relation, relation_id)
    if relation is None or person.id not in (relation.person_id, relation.related_person_id):
        abort(404)
    _kind, other_id = relation.seen_from(person.id)
    if other_id is not None and need != "view":
        other = db.session.get(Person, other_id)
        if other is None or other.deleted_at is not None:
            abort(404)
        if not can(current_user, need, other):
            abort(403)
    return CaseItem(person, relation)


def get_linkable_case_or_404(person: Person, other_id: int | None) -> Person:
    """The other case of a new link: visible to the user (404), of the same organization (404), and editable by
    the user (403)."""
    if other_id is None:
        abort(404)
    other = get_person_or_404(other_id)
    if other.org_id != person.org_id:
        abort(404)
    if not can(current_user, "edit", other):
        abort(403)
    return other

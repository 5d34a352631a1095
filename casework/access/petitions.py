"""Petitions belong to a case; hosted ones (a public page, signers' data) need "manage" to change."""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user

from casework.access.cases import can, get_case_item_or_404
from casework.extensions import db
from casework.models import OutboxEmail, Petition, PetitionKind, PublicConsent, User

# A petition belongs to a case: seeing the case shows its petitions. Hosted petitions carry a public page and
# signers' data, so changing them needs "manage" (admins and staff of the owning organization); petitions
# tracked on outside platforms need "edit", like the rest of the case. need="steward" picks between the two.


def get_petition_or_404(petition_id: int, person_id: int, need: str = "view"):
    """Load (case, petition): 404 unless the petition belongs to that visible case; 403 without `need`."""
    person, petition = get_case_item_or_404(Petition, petition_id, person_id)
    if need == "steward":
        need = "manage" if petition.kind == PetitionKind.HOSTED else "edit"
    if need != "view" and not can(current_user, need, person):
        abort(403)
    return person, petition


def get_petition_child_or_404(model, child_id: int, petition_id: int, person_id: int, need: str = "view"):
    """Load (case, petition, child) for a count or delivery of a petition of a visible case."""
    person, petition = get_petition_or_404(petition_id, person_id, need=need)
    child = db.session.get(model, child_id)
    if child is None or child.petition_id != petition.id:
        abort(404)
    return person, petition, child


def get_consent_or_404(consent_id: int, person_id: int, need: str = "manage"):
    """Load (case, public consent) of a visible case; recording and withdrawing consent need "manage"."""
    return get_case_item_or_404(PublicConsent, consent_id, person_id, need=need)


def visible_outbox(user: User) -> sa.Select:
    """SELECT of the outgoing e-mail an admin may read: their organization's only."""
    if not can(user, "admin"):
        return sa.select(OutboxEmail).where(sa.false())
    return sa.select(OutboxEmail).where(OutboxEmail.org_id == user.org_id)

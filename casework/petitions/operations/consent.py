"""The person's consent to make facts public, and what recording or withdrawing it does to the petitions.

Withdrawing consent unpublishes every hosted petition of the person and wipes their snapshots, in the same
transaction; a narrower consent unpublishes the petitions that show more than it covers.
"""

from __future__ import annotations

from datetime import UTC, datetime, time

import sqlalchemy as sa

from casework import audit
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import PUBLIC_FIELDS, Person, Petition, PetitionKind, PetitionStatus, PublicConsent, User
from casework.models.base import utcnow
from casework.petitions.operations.scope import wipe_snapshot
from casework.petitions.queries import current_consent

CONSENT_FIELDS = ("scope", "given_by", "given_on", "notes")


def record_consent(actor: User, person: Person, data: dict) -> tuple[PublicConsent, int]:
    """Record the person's consent (scope, who gave it and when). A consent in force is superseded: petitions
    published under it move to the new one when their public fields are within its scope, and are
    unpublished otherwise. Returns (consent, petitions unpublished)."""
    scope = [key for key in data["scope"] if key in PUBLIC_FIELDS]
    if not scope:
        raise OperationError(gettext("Tick at least one fact the person agreed to make public."))
    previous = current_consent(person)
    consent = PublicConsent(
        person_id=person.id,
        scope=",".join(scope),
        given_by=data["given_by"],
        given_on=datetime.combine(data["given_on"], time(12, 0), tzinfo=UTC),
        recorded_by_id=actor.id,
        notes=data.get("notes"),
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(
        actor, "consent.recorded", consent, person=person, fields=[k for k in CONSENT_FIELDS if data.get(k)]
    )
    unpublished = 0
    if previous is not None:
        previous.withdrawn_at = utcnow()
        previous.withdrawn_by_id = actor.id
        audit.record(actor, "consent.superseded", previous, person=person)
        unpublished = _move_to(actor, person, previous, consent)
    db.session.flush()
    return consent, unpublished


def _move_to(actor: User, person: Person, previous: PublicConsent, consent: PublicConsent) -> int:
    """Petitions under the superseded consent follow the new one, or are unpublished; returns how many were."""
    unpublished = 0
    for petition in _hosted_petitions(person):
        if petition.consent_id != previous.id:
            continue
        if set(petition.field_list) <= set(consent.fields):
            petition.consent_id = consent.id
        elif petition.status == PetitionStatus.ACTIVE:
            take_down(actor, person, petition, reason="consent narrowed")
            unpublished += 1
        else:
            wipe_snapshot(petition)
    return unpublished


def withdraw_consent(actor: User, person: Person, consent: PublicConsent) -> int:
    """Withdraw the consent: every hosted petition of the person is unpublished and its snapshot wiped, in
    this same transaction. Returns how many petitions were taken off the public pages."""
    if consent.withdrawn_at is not None:
        raise OperationError(gettext("This consent was already withdrawn."))
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = actor.id
    audit.record(actor, "consent.withdrawn", consent, person=person)
    taken_down = 0
    for petition in _hosted_petitions(person):
        if petition.status == PetitionStatus.ACTIVE:
            take_down(actor, person, petition, reason="consent withdrawn")
            taken_down += 1
        elif petition.status == PetitionStatus.DRAFT:
            wipe_snapshot(petition)
        else:  # closed, archived, unpublished: their pages are already gone; the facts go too
            wipe_snapshot(petition)
            petition.consent_id = None
    db.session.flush()
    return taken_down


def take_down(actor: User, person: Person, petition: Petition, reason: str) -> None:
    """Unpublish a petition at once (its page answers 410 Gone) and wipe the facts it showed."""
    petition.status = PetitionStatus.UNPUBLISHED
    petition.unpublished_at = utcnow()
    wipe_snapshot(petition)
    audit.record(actor, "petition.unpublished", petition, person=person, detail=reason)


def _hosted_petitions(person: Person) -> list[Petition]:
    """The person's hosted petitions, locked: a consent change and a publication cannot interleave."""
    return list(
        db.session.scalars(
            sa.select(Petition)
            .where(Petition.person_id == person.id, Petition.kind == PetitionKind.HOSTED)
            .order_by(Petition.id)
            .with_for_update()
        )
    )

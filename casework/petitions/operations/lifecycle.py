"""A petition from draft to archive: create, edit, publish, unpublish, close, archive, delete.

Publishing needs the person's consent in force, covering every public field; the consented facts are copied
into the petition then, and follow its public fields while it is published.
"""

from __future__ import annotations

import base64
import os

import sqlalchemy as sa

from casework import audit
from casework.editing import check_version, flush_versioned
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import Person, Petition, PetitionKind, PetitionStatus, PublicConsent, Signature, User
from casework.models.base import apply_changes, utcnow
from casework.petitions.operations.consent import take_down
from casework.petitions.operations.scope import FieldRefused, check_scope, snapshot_for
from casework.petitions.queries import current_consent

HOSTED_FIELDS = ("title", "story", "organizer", "targets", "goal", "public_fields", "slug")
EXTERNAL_FIELDS = ("title", "external_url", "platform", "organizer", "targets", "goal")
PUBLISHABLE = (PetitionStatus.DRAFT, PetitionStatus.UNPUBLISHED)


def new_slug() -> str:
    """A random public address: it says nothing about the person."""
    return base64.b32encode(os.urandom(5)).decode().lower()


def _free_slug(slug: str | None, petition: Petition | None = None) -> str | None:
    taken = db.session.scalar(sa.select(Petition.id).where(Petition.slug == slug))
    if taken is not None and (petition is None or taken != petition.id):
        raise FieldRefused(
            gettext("That address is already used by another petition: choose another."), "slug"
        )
    return slug


def _create(
    actor: User, person: Person, kind: PetitionKind, status: PetitionStatus, values: dict
) -> Petition:
    petition = Petition(
        person_id=person.id, org_id=person.org_id, kind=kind, status=status, created_by_id=actor.id, **values
    )
    db.session.add(petition)
    db.session.flush()
    audit.record(
        actor,
        "petition.created",
        petition,
        person=person,
        fields=[k for k, v in values.items() if v not in (None, "")],
    )
    return petition


def create_hosted(actor: User, person: Person, data: dict) -> Petition:
    """A hosted petition, as a draft: nothing is public until it is published."""
    values = {k: data.get(k) for k in HOSTED_FIELDS}
    values["public_fields"] = ",".join(data.get("public_fields") or [])
    values["slug"] = _free_slug(data.get("slug") or new_slug())
    return _create(actor, person, PetitionKind.HOSTED, PetitionStatus.DRAFT, values)


def create_external(actor: User, person: Person, data: dict) -> Petition:
    """A petition tracked on an outside platform; its counts are entered by hand."""
    values = {k: data.get(k) for k in EXTERNAL_FIELDS}
    return _create(
        actor, person, PetitionKind.EXTERNAL, PetitionStatus.ACTIVE, {**values, "public_fields": ""}
    )


def update_petition(
    actor: User, person: Person, petition: Petition, data: dict, expected_version: int | None
) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the petition has moved on since.

    A published petition's public fields must stay within the consent in force; its snapshot follows them."""
    values = dict(data)
    if "public_fields" in values:
        values["public_fields"] = ",".join(values["public_fields"] or [])
    if petition.kind == PetitionKind.HOSTED and "slug" in values:
        values["slug"] = _slug_change(petition, values["slug"])
    check_version(petition, expected_version, values)
    if petition.status == PetitionStatus.ACTIVE and petition.kind == PetitionKind.HOSTED:
        fields = [f for f in values.get("public_fields", petition.public_fields).split(",") if f]
        consent = check_scope(fields, current_consent(person))
        values.update(snapshot_for(person, fields))
        values["consent_id"] = consent.id
    changed = apply_changes(petition, values)
    if changed:
        flush_versioned(data)
        audit.record(actor, "petition.updated", petition, person=person, fields=changed)
    return changed


def _slug_change(petition: Petition, slug: str | None) -> str | None:
    """The address an edit keeps or gives: empty keeps it; it cannot change once the petition was public."""
    if not slug:
        slug = petition.slug
    elif petition.status != PetitionStatus.DRAFT and slug != petition.slug:
        raise FieldRefused(
            gettext(
                "The address cannot change once the petition has been published: links to it are already shared."
            ),
            "slug",
        )
    return _free_slug(slug, petition)


def check_publishable(person: Person, petition: Petition) -> PublicConsent:
    """The consent a petition would be published under; refused when it cannot be published now."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError(gettext("Only petitions hosted here have a public page."))
    if petition.status not in PUBLISHABLE:
        raise OperationError(
            f"The petition is {petition.status.label.lower()}: only a draft or an unpublished "
            "petition can be published."
        )
    return check_scope(petition.field_list, current_consent(person))


def publish(actor: User, person: Person, petition: Petition) -> None:
    """Make a hosted petition public: needs the consent in force, covering every public field; the consented
    facts are copied into the petition now."""
    consent = check_publishable(person, petition)
    for column, value in snapshot_for(person, petition.field_list).items():
        setattr(petition, column, value)
    petition.consent_id = consent.id
    petition.status = PetitionStatus.ACTIVE
    petition.published_at = utcnow()
    petition.published_by_id = actor.id
    petition.unpublished_at = None
    db.session.flush()
    audit.record(actor, "petition.published", petition, person=person)


def unpublish(actor: User, person: Person, petition: Petition) -> None:
    """Take a published petition off the public pages at once (its address answers 410 Gone)."""
    if petition.status != PetitionStatus.ACTIVE or petition.kind != PetitionKind.HOSTED:
        raise OperationError(gettext("Only a published petition can be unpublished."))
    take_down(actor, person, petition, reason="by staff")
    db.session.flush()


def close(actor: User, person: Person, petition: Petition) -> None:
    """Stop collecting signatures (a hosted petition's page answers 410 with a thank-you)."""
    if petition.status not in (PetitionStatus.ACTIVE, *PUBLISHABLE):
        raise OperationError(
            gettext("The petition is already %(status)s.", status=petition.status.label.lower())
        )
    petition.status = PetitionStatus.CLOSED
    petition.closed_at = utcnow()
    db.session.flush()
    audit.record(actor, "petition.closed", petition, person=person)


def archive(actor: User, person: Person, petition: Petition) -> None:
    """File a finished petition away (it stays on the case, read-only)."""
    if petition.status == PetitionStatus.ARCHIVED:
        raise OperationError(gettext("The petition is already archived."))
    if petition.status == PetitionStatus.ACTIVE and petition.kind == PetitionKind.HOSTED:
        raise OperationError(gettext("Close the petition before archiving it."))
    petition.status = PetitionStatus.ARCHIVED
    petition.archived_at = utcnow()
    if petition.closed_at is None:
        petition.closed_at = petition.archived_at
    db.session.flush()
    audit.record(actor, "petition.archived", petition, person=person)


def delete_petition(actor: User, person: Person, petition: Petition) -> None:
    """Delete a petition with its signatures, counts and deliveries."""
    audit.record(actor, "petition.deleted", petition, person=person)
    db.session.execute(sa.delete(Signature).where(Signature.petition_id == petition.id))
    db.session.delete(petition)
    db.session.flush()

"""Staff changes to petitions and to the person's public consent. Operations flush; the view commits once.

The consent rules: publishing needs the person's current consent, and a hosted petition's public fields
must be within its scope. Publishing copies the consented facts of the person into the petition's own
`public_*` columns (the public pages never read a person). Withdrawing consent unpublishes every hosted
petition of the person and wipes their snapshots, in the same transaction.
"""

from __future__ import annotations

import base64
import hashlib
import os
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from casework import audit
from casework.extensions import db
from casework.models import (
    PUBLIC_FIELDS,
    Person,
    Petition,
    PetitionCount,
    PetitionDelivery,
    PetitionKind,
    PetitionStatus,
    PublicConsent,
    Signature,
    SignatureState,
    User,
)
from casework.models.base import apply_changes, utcnow
from casework.petitions import crypto, mail, signing
from casework.reference import state_name


class OperationError(ValueError):
    """A request that cannot be carried out; the message tells the user why and what to do."""

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field  # the form field the message belongs beside, if any


@dataclass
class EditConflict(Exception):
    """Someone saved the object after the user opened the form."""

    fields: list[str]


# Consented facts a hosted petition can show, and the snapshot column each is copied into. The other keys
# of PUBLIC_FIELDS (photo, conviction summary, custody, relief) are for the staff to put in words, in the
# public story, when the consent covers them.
SNAPSHOT_COLUMNS = {
    "preferred_name": "public_name",
    "legal_name": "public_legal_name",
    "age": "public_age",
    "city": "public_city",
    "country_of_birth": "public_origin",
    "arrival": "public_arrival",
    "family": "public_family",
    "work": "public_work",
    "community_ties": "public_community",
}
SNAPSHOT_FIELDS = {key: PUBLIC_FIELDS[key] for key in SNAPSHOT_COLUMNS}

SLUG_RE = re.compile(r"[a-z0-9](?:[a-z0-9-]{1,58}[a-z0-9])")


def _state_name(code: str | None) -> str | None:
    return state_name(code) or None


# ---------------------------------------------------------------- consent


def current_consent(person: Person) -> PublicConsent | None:
    """The person's consent in force: the latest one recorded and not withdrawn."""
    return db.session.scalar(
        sa.select(PublicConsent)
        .where(PublicConsent.person_id == person.id, PublicConsent.withdrawn_at.is_(None))
        .order_by(PublicConsent.recorded_at.desc(), PublicConsent.id.desc())
        .limit(1)
    )


def record_consent(actor: User, person: Person, data: dict) -> tuple[PublicConsent, int]:
    """Record the person's consent (scope, who gave it and when). A consent in force is superseded: petitions
    published under it move to the new one when their public fields are within its scope, and are
    unpublished otherwise. Returns (consent, petitions unpublished)."""
    scope = [key for key in data["scope"] if key in PUBLIC_FIELDS]
    if not scope:
        raise OperationError("Tick at least one fact the person agreed to make public.")
    given_on = datetime.combine(data["given_on"], time(12, 0), tzinfo=UTC)
    previous = current_consent(person)
    consent = PublicConsent(
        person_id=person.id,
        scope=",".join(scope),
        given_by=data["given_by"],
        given_on=given_on,
        recorded_by_id=actor.id,
        notes=data.get("notes"),
    )
    db.session.add(consent)
    db.session.flush()
    audit.record(
        actor,
        "consent.recorded",
        consent,
        person=person,
        fields=[k for k in ("scope", "given_by", "given_on", "notes") if data.get(k)],
    )
    unpublished = 0
    if previous is not None:
        previous.withdrawn_at = utcnow()
        previous.withdrawn_by_id = actor.id
        audit.record(actor, "consent.superseded", previous, person=person)
        for petition in _hosted_petitions(person):
            if petition.consent_id != previous.id:
                continue
            if set(petition.field_list) <= set(scope):
                petition.consent_id = consent.id
            elif petition.status == PetitionStatus.ACTIVE:
                _take_down(actor, person, petition, "petition.unpublished", reason="consent narrowed")
                unpublished += 1
            else:
                _wipe_snapshot(petition)
    db.session.flush()
    return consent, unpublished


def withdraw_consent(actor: User, person: Person, consent: PublicConsent) -> int:
    """Withdraw the consent: every hosted petition of the person is unpublished and its snapshot wiped, in
    this same transaction. Returns how many petitions were taken off the public pages."""
    if consent.withdrawn_at is not None:
        raise OperationError("This consent was already withdrawn.")
    consent.withdrawn_at = utcnow()
    consent.withdrawn_by_id = actor.id
    audit.record(actor, "consent.withdrawn", consent, person=person)
    taken_down = 0
    for petition in _hosted_petitions(person):
        if petition.status == PetitionStatus.ACTIVE:
            _take_down(actor, person, petition, "petition.unpublished", reason="consent withdrawn")
            taken_down += 1
        elif petition.status == PetitionStatus.DRAFT:
            _wipe_snapshot(petition)
        else:  # closed, archived, unpublished: their pages are already gone; the facts go too
            _wipe_snapshot(petition)
            petition.consent_id = None
    db.session.flush()
    return taken_down


def _hosted_petitions(person: Person) -> list[Petition]:
    return list(
        db.session.scalars(
            sa.select(Petition)
            .where(Petition.person_id == person.id, Petition.kind == PetitionKind.HOSTED)
            .order_by(Petition.id)
            .with_for_update()
        )
    )


def _wipe_snapshot(petition: Petition) -> None:
    for column in SNAPSHOT_COLUMNS.values():
        setattr(petition, column, None)


def _take_down(actor: User, person: Person, petition: Petition, action: str, reason: str) -> None:
    petition.status = PetitionStatus.UNPUBLISHED
    petition.unpublished_at = utcnow()
    _wipe_snapshot(petition)
    audit.record(actor, action, petition, person=person, detail=reason)


# ---------------------------------------------------------------- the snapshot


def snapshot_for(person: Person, fields: list[str], today: date | None = None) -> dict:
    """The person's consented facts, as the petition's public columns will hold them (None when unknown)."""
    today = today or date.today()
    values: dict = {column: None for column in SNAPSHOT_COLUMNS.values()}
    chosen = set(fields)
    if "preferred_name" in chosen:
        values["public_name"] = person.preferred_name or None
    if "legal_name" in chosen:
        values["public_legal_name"] = person.legal_name
    if "age" in chosen:
        values["public_age"] = person.age_on(today)
    if "city" in chosen:
        values["public_city"] = ", ".join(filter(None, [person.city, _state_name(person.state)])) or None
    if "country_of_birth" in chosen:
        values["public_origin"] = (
            ", ".join(filter(None, [person.place_of_birth, person.country_of_birth])) or None
        )
    if "arrival" in chosen and (person.arrival_date or person.arrival_class):
        parts = []
        if person.arrival_date:
            parts.append(f"in {person.arrival_date.year}")
            age = person.age_at_arrival
            if age is not None:
                parts.append(f"at age {age}")
        if person.arrival_class:
            parts.append(f"as {_arrival_words(person.arrival_class)}")
        values["public_arrival"] = "Came to the United States " + ", ".join(parts) + "."
    if "family" in chosen:
        values["public_family"] = (
            "\n".join(filter(None, [person.spouse, person.children, person.us_citizen_relatives])) or None
        )
    if "work" in chosen:
        values["public_work"] = person.work or None
    if "community_ties" in chosen:
        values["public_community"] = person.community_ties or None
    return values


def _arrival_words(arrival_class) -> str:
    return {
        "refugee": "a refugee",
        "asylee": "an asylee",
        "lpr": "a lawful permanent resident",
        "parolee": "a parolee",
        "visa": "a visa holder",
    }.get(arrival_class.value, "an immigrant")


# ---------------------------------------------------------------- petitions


def new_slug() -> str:
    """A random public address: it says nothing about the person."""
    return base64.b32encode(os.urandom(5)).decode().lower()


def _check_slug(slug: str, petition: Petition | None = None) -> str:
    taken = db.session.scalar(sa.select(Petition.id).where(Petition.slug == slug))
    if taken is not None and (petition is None or taken != petition.id):
        raise OperationError("That address is already used by another petition: choose another.", "slug")
    return slug


HOSTED_FIELDS = ("title", "story", "targets", "goal", "public_fields", "slug")
EXTERNAL_FIELDS = ("title", "external_url", "platform", "targets", "goal")


def create_hosted(actor: User, person: Person, data: dict) -> Petition:
    """A hosted petition, as a draft: nothing is public until it is published."""
    values = {k: data.get(k) for k in HOSTED_FIELDS}
    values["public_fields"] = ",".join(data.get("public_fields") or [])
    values["slug"] = _check_slug(data.get("slug") or new_slug())
    petition = Petition(
        person_id=person.id,
        org_id=person.org_id,
        kind=PetitionKind.HOSTED,
        status=PetitionStatus.DRAFT,
        created_by_id=actor.id,
        **values,
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


def create_external(actor: User, person: Person, data: dict) -> Petition:
    """A petition tracked on an outside platform; its counts are entered by hand."""
    values = {k: data.get(k) for k in EXTERNAL_FIELDS}
    petition = Petition(
        person_id=person.id,
        org_id=person.org_id,
        kind=PetitionKind.EXTERNAL,
        status=PetitionStatus.ACTIVE,
        created_by_id=actor.id,
        public_fields="",
        **values,
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


def update_petition(
    actor: User, person: Person, petition: Petition, data: dict, expected_version: int
) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the petition has moved on since.

    A published petition's public fields must stay within the consent in force; its snapshot follows them."""
    values = dict(data)
    if "public_fields" in values:
        values["public_fields"] = ",".join(values["public_fields"] or [])
    if petition.kind == PetitionKind.HOSTED and "slug" in values:
        if not values["slug"]:
            values["slug"] = petition.slug
        elif petition.status != PetitionStatus.DRAFT and values["slug"] != petition.slug:
            raise OperationError(
                "The address cannot change once the petition has been published: links to it "
                "are already shared.",
                "slug",
            )
        _check_slug(values["slug"], petition)
    if petition.version != expected_version:
        raise EditConflict([k for k, v in values.items() if getattr(petition, k) != v])
    if petition.status == PetitionStatus.ACTIVE and petition.kind == PetitionKind.HOSTED:
        fields = [f for f in values.get("public_fields", petition.public_fields).split(",") if f]
        consent = current_consent(person)
        _check_scope(fields, consent)
        values.update(snapshot_for(person, fields))
        values["consent_id"] = consent.id
    changed = apply_changes(petition, values)
    if changed:
        db.session.flush()  # raises StaleDataError if another save slipped in since we loaded
        audit.record(actor, "petition.updated", petition, person=person, fields=changed)
    return changed


def _check_scope(fields: list[str], consent: PublicConsent | None) -> None:
    if consent is None:
        raise OperationError(
            "Record the person's consent first: a petition can be public only with it.", "public_fields"
        )
    outside = [SNAPSHOT_FIELDS.get(f, f) for f in fields if f not in consent.fields]
    if outside:
        raise OperationError(
            "The person's consent does not cover: "
            + "; ".join(outside)
            + ". Untick these facts, or record a consent that covers them.",
            "public_fields",
        )


def publish(actor: User, person: Person, petition: Petition) -> None:
    """Make a hosted petition public: needs the consent in force, covering every public field; the consented
    facts are copied into the petition now."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError("Only petitions hosted here have a public page.")
    if petition.status not in (PetitionStatus.DRAFT, PetitionStatus.UNPUBLISHED):
        raise OperationError(
            f"The petition is {petition.status.label.lower()}: only a draft or an unpublished "
            "petition can be published."
        )
    consent = current_consent(person)
    _check_scope(petition.field_list, consent)
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
        raise OperationError("Only a published petition can be unpublished.")
    _take_down(actor, person, petition, "petition.unpublished", reason="by staff")
    db.session.flush()


def close(actor: User, person: Person, petition: Petition) -> None:
    """Stop collecting signatures (a hosted petition's page answers 410 with a thank-you)."""
    if petition.status not in (PetitionStatus.ACTIVE, PetitionStatus.DRAFT, PetitionStatus.UNPUBLISHED):
        raise OperationError(f"The petition is already {petition.status.label.lower()}.")
    petition.status = PetitionStatus.CLOSED
    petition.closed_at = utcnow()
    db.session.flush()
    audit.record(actor, "petition.closed", petition, person=person)


def archive(actor: User, person: Person, petition: Petition) -> None:
    """File a finished petition away (it stays on the case, read-only)."""
    if petition.status == PetitionStatus.ARCHIVED:
        raise OperationError("The petition is already archived.")
    if petition.status == PetitionStatus.ACTIVE and petition.kind == PetitionKind.HOSTED:
        raise OperationError("Close the petition before archiving it.")
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


# ---------------------------------------------------------------- counts of outside petitions


def add_count(actor: User, person: Person, petition: Petition, data: dict) -> PetitionCount:
    """Enter the signature count an outside platform shows on a day."""
    if petition.kind != PetitionKind.EXTERNAL:
        raise OperationError(
            "Counts are entered for petitions on outside platforms only; hosted petitions "
            "count their confirmed signatures themselves."
        )
    entry = PetitionCount(
        petition_id=petition.id, counted_on=data["counted_on"], count=data["count"], entered_by_id=actor.id
    )
    db.session.add(entry)
    db.session.flush()
    audit.record(actor, "petition.count_added", entry, person=person, fields=["counted_on", "count"])
    return entry


def delete_count(actor: User, person: Person, petition: Petition, entry: PetitionCount) -> None:
    """Remove a count entered by mistake."""
    audit.record(actor, "petition.count_deleted", entry, person=person)
    db.session.delete(entry)
    db.session.flush()


# ---------------------------------------------------------------- deliveries


DELIVERY_FIELDS = ("delivered_on", "delivered_to", "method", "outcome", "response")


def petition_text(petition: Petition) -> str:
    """The text the signers signed, as the delivery states it (its SHA-256 is printed on the cover page)."""
    return "\n\n".join(
        filter(None, [petition.title, "To: " + "; ".join(petition.target_list), petition.story])
    )


def petition_text_sha256(petition: Petition) -> str:
    """SHA-256 (hex) of petition_text()."""
    return hashlib.sha256(petition_text(petition).encode()).hexdigest()


def record_delivery(actor: User, person: Person, petition: Petition, data: dict) -> PetitionDelivery:
    """Log a delivery to a decision maker; the count and the text's SHA-256 are taken as they are now."""
    if petition.kind == PetitionKind.HOSTED:
        count = petition.signature_count
    else:
        latest = db.session.scalar(
            sa.select(PetitionCount.count)
            .where(PetitionCount.petition_id == petition.id)
            .order_by(PetitionCount.counted_on.desc(), PetitionCount.id.desc())
            .limit(1)
        )
        count = latest or 0
    delivery = PetitionDelivery(
        petition_id=petition.id,
        signature_count=count,
        recorded_by_id=actor.id,
        text_sha256=petition_text_sha256(petition),
        **{k: data.get(k) for k in DELIVERY_FIELDS},
    )
    db.session.add(delivery)
    latest_day = datetime.combine(data["delivered_on"], time(12, 0), tzinfo=UTC)
    if petition.delivered_at is None or latest_day > petition.delivered_at:
        petition.delivered_at = latest_day
    db.session.flush()
    audit.record(
        actor,
        "petition.delivered",
        delivery,
        person=person,
        fields=[k for k in DELIVERY_FIELDS if data.get(k) not in (None, "")],
    )
    return delivery


def update_delivery(
    actor: User,
    person: Person,
    petition: Petition,
    delivery: PetitionDelivery,
    data: dict,
    expected_version: int,
) -> list[str]:
    """Record the response and outcome of a delivery (edit conflicts refused, as everywhere)."""
    values = {k: data.get(k) for k in DELIVERY_FIELDS}
    if delivery.version != expected_version:
        raise EditConflict([k for k, v in values.items() if getattr(delivery, k) != v])
    changed = apply_changes(delivery, values)
    if changed:
        if "delivered_on" in changed:
            latest_day = datetime.combine(values["delivered_on"], time(12, 0), tzinfo=UTC)
            if petition.delivered_at is None or latest_day > petition.delivered_at:
                petition.delivered_at = latest_day
        db.session.flush()
        audit.record(actor, "petition.delivery_updated", delivery, person=person, fields=changed)
    return changed


@dataclass
class SignatureRow:
    """A confirmed signature, decrypted for the delivery (never shown on a case page)."""

    number: int
    name: str
    zip_code: str | None
    confirmed_on: date | None
    comment: str | None


def delivery_rows(petition: Petition) -> list[SignatureRow]:
    """The confirmed signatures, oldest first, decrypted: names, ZIP codes, dates, comments (no e-mail)."""
    rows = db.session.execute(
        sa.select(Signature.name_ct, Signature.zip_code, Signature.confirmed_at, Signature.comment_ct)
        .where(Signature.petition_id == petition.id, Signature.state == SignatureState.VALIDATED)
        .order_by(Signature.confirmed_at, Signature.id)
    ).all()
    return [
        SignatureRow(
            i,
            crypto.decrypt(name) if name is not None else "(anonymized)",
            zip_code,
            confirmed.date() if confirmed else None,
            crypto.decrypt(comment),
        )
        for i, (name, zip_code, confirmed, comment) in enumerate(rows, start=1)
    ]


def record_export(actor: User, person: Person, petition: Petition, what: str) -> None:
    """Handing signer data out is audited like every export."""
    audit.record(actor, "petition.exported", petition, person=person, detail=what)


# ---------------------------------------------------------------- bulk invalidation


def invalidate_signatures(
    actor: User, person: Person, petition: Petition, criteria: signing.Criteria
) -> tuple[int, int]:
    """Invalidate the petition's signatures matching every criterion; returns (invalidated, were counted)."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError("Only petitions hosted here have signatures to invalidate.")
    ids = signing.matching_signatures(petition.id, criteria)
    total, counted = signing.invalidate(petition.id, ids)
    audit.record(
        actor,
        "petition.signatures_invalidated",
        petition,
        person=person,
        fields=criteria.names,
        detail=f"{total} signatures, {counted} had been counted",
    )
    db.session.flush()
    return total, counted


UPDATE_FOOTER = (
    "\n\n—\nYou receive this because you signed “{title}” and asked for updates. To stop them, "
    "reply to this message with the word STOP. Your address is never shared."
)


def send_update(actor: User, person: Person, petition: Petition, subject: str, body: str) -> int:
    """Queue an update to every confirmed signer who asked for one; returns how many were queued."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError("Only petitions hosted here have signers to write to.")
    recipients = signing.update_recipients(petition.id)
    text = body.strip() + UPDATE_FOOTER.format(title=petition.title)
    for address in recipients:
        mail.queue(address, subject, text, purpose="petition_update", org_id=petition.org_id)
    audit.record(
        actor,
        "petition.update_sent",
        petition,
        person=person,
        fields=["subject", "body"],
        detail=f"{len(recipients)} recipients",
    )
    db.session.flush()
    return len(recipients)

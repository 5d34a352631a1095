"""What happens to a petition outside: the counts an outside platform shows, and deliveries to decision makers
(each with the count and the SHA-256 of the text as they were), their responses and outcomes."""

from __future__ import annotations

import hashlib
from datetime import UTC, date, datetime, time
from typing import Any

from casework import audit
from casework.editing import check_version, flush_versioned
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import Person, Petition, PetitionCount, PetitionDelivery, PetitionKind, User
from casework.models.base import apply_changes
from casework.petitions.queries import latest_count

DELIVERY_FIELDS = ("delivered_on", "delivered_to", "method", "outcome", "response")


# ---------------------------------------------------------------- counts of outside petitions


def add_count(actor: User, person: Person, petition: Petition, data: dict) -> PetitionCount:
    """Enter the signature count an outside platform shows on a day."""
    if petition.kind != PetitionKind.EXTERNAL:
        raise OperationError(
            gettext(
                "Counts are entered for petitions on outside platforms only; hosted petitions "
                "count their confirmed signatures themselves."
            )
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
    hosted = petition.kind == PetitionKind.HOSTED
    count = petition.signature_count if hosted else (latest_count(petition) or 0)
    delivery = PetitionDelivery(
        petition_id=petition.id,
        signature_count=count,
        recorded_by_id=actor.id,
        text_sha256=petition_text_sha256(petition),
        **{k: data.get(k) for k in DELIVERY_FIELDS},
    )
    db.session.add(delivery)
    _delivered_on(petition, data["delivered_on"])
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
    expected_version: int | None,
) -> list[str]:
    """Record the response and outcome of a delivery (edit conflicts refused, as everywhere)."""
    values: dict[str, Any] = {k: data.get(k) for k in DELIVERY_FIELDS}
    check_version(delivery, expected_version, values)
    changed = apply_changes(delivery, values)
    if changed:
        if "delivered_on" in changed:
            _delivered_on(petition, values["delivered_on"])
        flush_versioned(values)
        audit.record(actor, "petition.delivery_updated", delivery, person=person, fields=changed)
    return changed


def _delivered_on(petition: Petition, day: date) -> None:
    """The petition remembers its latest delivery (signers' data is anonymized some time after it)."""
    latest_day = datetime.combine(day, time(12, 0), tzinfo=UTC)
    if petition.delivered_at is None or latest_day > petition.delivered_at:
        petition.delivered_at = latest_day


def record_export(actor: User, person: Person, petition: Petition, what: str) -> None:
    """Handing signer data out is audited like every export."""
    audit.record(actor, "petition.exported", petition, person=person, detail=what)

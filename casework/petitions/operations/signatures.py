"""Staff actions on a hosted petition's signatures: invalidating them in bulk, and writing to the signers who
asked for updates. Signers' data stays in its own tables; only counts and criteria names are audited."""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from casework import audit
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import DEFAULT_LOCALE, N_, force_locale, gettext
from casework.models import Person, Petition, PetitionKind, Signature, SignatureState, User
from casework.models.base import utcnow
from casework.petitions import mail
from casework.petitions.queries import Criteria, matching_signatures, update_recipients

_signature = cast(sa.Table, Signature.__table__)
_petition = cast(sa.Table, Petition.__table__)

UPDATE_FOOTER = N_(
    "You receive this because you signed “%(title)s” and asked for updates. To stop them, reply to this "
    "message with the word STOP. Your address is never shared."
)


def invalidate_signatures(
    actor: User, person: Person, petition: Petition, criteria: Criteria
) -> tuple[int, int]:
    """Invalidate the petition's signatures matching every criterion; returns (invalidated, were counted)."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError(gettext("Only petitions hosted here have signatures to invalidate."))
    ids = matching_signatures(petition.id, criteria)
    total, counted = _invalidate(petition.id, ids)
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


def _invalidate(petition_id: int, ids: list[int]) -> tuple[int, int]:
    """Mark signatures invalidated; returns (invalidated, of which had been counted). The stored count drops
    by exactly the validated ones this call changed, in the same transaction."""
    now = utcnow()
    counted = total = 0
    for start in range(0, len(ids), 500):
        chunk = ids[start : start + 500]
        base = _signature.update().where(_signature.c.id.in_(chunk), _signature.c.petition_id == petition_id)
        was_counted = (
            db.session.connection()
            .execute(
                base.where(_signature.c.state == SignatureState.VALIDATED).values(
                    state=SignatureState.INVALIDATED, invalidated_at=now, token_hash=None
                )
            )
            .rowcount
        )
        others = (
            db.session.connection()
            .execute(
                base.where(
                    _signature.c.state.in_([SignatureState.PENDING, SignatureState.OVER_LIMIT])
                ).values(state=SignatureState.INVALIDATED, invalidated_at=now, token_hash=None)
            )
            .rowcount
        )
        counted += was_counted
        total += was_counted + others
    if counted:
        db.session.connection().execute(
            _petition.update()
            .where(_petition.c.id == petition_id)
            .values(signature_count=_petition.c.signature_count - counted)
        )
    return total, counted


def update_footer(petition: Petition, locale: str | None = None) -> str:
    """What every update ends with: why the signer receives it, and how to stop (in the signer's language:
    the one they read the petition in)."""
    with force_locale(locale or DEFAULT_LOCALE):
        return "\n\n—\n" + gettext(UPDATE_FOOTER, title=petition.title)


def send_update(actor: User, person: Person, petition: Petition, subject: str, body: str) -> int:
    """Queue an update to every confirmed signer who asked for one; returns how many were queued."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError(gettext("Only petitions hosted here have signers to write to."))
    recipients = update_recipients(petition.id)
    footers: dict[str | None, str] = {}
    for address, locale in recipients:
        if locale not in footers:
            footers[locale] = update_footer(petition, locale)
        text = body.strip() + footers[locale]
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

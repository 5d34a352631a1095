"""What the staff petition pages and operations read: consents, a petition with its history, signature
counts, the signatures a bulk action matches, and the decrypted lists a delivery or an update needs.

Signers' data is read here only for the outputs that need it (the delivery files, the updates, the outbox);
the pages show counts.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import access
from casework.extensions import db
from casework.models import (
    OutboxEmail,
    Person,
    Petition,
    PetitionCount,
    PetitionKind,
    PetitionStatus,
    PetitionTranslation,
    PublicConsent,
    Signature,
    SignatureState,
    User,
)
from casework.petitions import crypto
from casework.petitions.signing import domain_key

LIVE_STATES = (SignatureState.PENDING, SignatureState.VALIDATED, SignatureState.OVER_LIMIT)
OUTBOX_PAGE_SIZE = 100

# ---------------------------------------------------------------- consent and petitions


def current_consent(person: Person) -> PublicConsent | None:
    """The person's consent in force: the latest one recorded and not withdrawn."""
    return db.session.scalar(
        sa.select(PublicConsent)
        .where(PublicConsent.person_id == person.id, PublicConsent.withdrawn_at.is_(None))
        .order_by(PublicConsent.recorded_at.desc(), PublicConsent.id.desc())
        .limit(1)
    )


def consent_of(petition: Petition) -> PublicConsent | None:
    """The consent a hosted petition was published under, if any (withdrawn ones included)."""
    return db.session.get(PublicConsent, petition.consent_id) if petition.consent_id else None


def published_count(person: Person) -> int:
    """How many of the person's hosted petitions are public now."""
    return (
        db.session.scalar(
            sa.select(sa.func.count())
            .select_from(Petition)
            .where(
                Petition.person_id == person.id,
                Petition.kind == PetitionKind.HOSTED,
                Petition.status == PetitionStatus.ACTIVE,
            )
        )
        or 0
    )


def with_history(petition: Petition) -> Petition:
    """The petition again, its counts and deliveries loaded (fresh from the database) for its page."""
    return db.session.scalars(
        sa.select(Petition)
        .where(Petition.id == petition.id)
        .options(selectinload(Petition.counts), selectinload(Petition.deliveries))
        .execution_options(populate_existing=True)
    ).one()


def latest_count(petition: Petition) -> int | None:
    """The latest count entered for a petition on an outside platform."""
    return db.session.scalar(
        sa.select(PetitionCount.count)
        .where(PetitionCount.petition_id == petition.id)
        .order_by(PetitionCount.counted_on.desc(), PetitionCount.id.desc())
        .limit(1)
    )


# ---------------------------------------------------------------- signatures, counted


def count_by_state(petition_id: int) -> dict[SignatureState, int]:
    """How many signatures of a petition are in each state (one grouped query)."""
    rows = db.session.execute(
        sa.select(Signature.state, sa.func.count())
        .where(Signature.petition_id == petition_id)
        .group_by(Signature.state)
    ).all()
    counts = {state: 0 for state in SignatureState}
    counts.update({state: n for state, n in rows})
    return counts


def confirmed_per_day(petition_id: int) -> list[tuple[date, int]]:
    """(day, confirmed that day) for the chart, oldest first."""
    times = db.session.scalars(
        sa.select(Signature.confirmed_at).where(
            Signature.petition_id == petition_id,
            Signature.state == SignatureState.VALIDATED,
            Signature.confirmed_at.is_not(None),
        )
    ).all()
    per_day: dict[date, int] = {}
    for day in (t.date() for t in times if t is not None):
        per_day[day] = per_day.get(day, 0) + 1
    return sorted(per_day.items())


# ---------------------------------------------------------------- signatures a bulk invalidation matches


@dataclass
class Criteria:
    """Which signatures a bulk invalidation matches (every given criterion must hold)."""

    ip_range: ipaddress.IPv4Network | ipaddress.IPv6Network | None = None
    email_domain: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None

    @property
    def names(self) -> list[str]:
        """The names of the criteria given (audited; never their values)."""
        return [n for n in ("ip_range", "email_domain", "created_from", "created_to") if getattr(self, n)]


def matching_signatures(petition_id: int, criteria: Criteria) -> list[int]:
    """Ids of the petition's live signatures (pending, validated, over the limit) matching the criteria."""
    query = sa.select(Signature.id, Signature.ip_network).where(
        Signature.petition_id == petition_id, Signature.state.in_(LIVE_STATES)
    )
    if criteria.email_domain:
        query = query.where(Signature.domain_hmac == domain_key(criteria.email_domain))
    if criteria.created_from:
        query = query.where(Signature.created_at >= criteria.created_from)
    if criteria.created_to:
        query = query.where(Signature.created_at <= criteria.created_to)
    if criteria.ip_range is not None:
        query = query.where(Signature.ip_network.is_not(None))
    ids = []
    for sid, network in db.session.execute(query):
        if criteria.ip_range is not None and not _in_range(network, criteria.ip_range):
            continue
        ids.append(sid)
    return ids


def _in_range(stored: str | None, wanted) -> bool:
    """Whether a stored (truncated) client network overlaps the range an admin typed."""
    if stored is None:
        return False
    try:
        address = ipaddress.ip_address(stored)
    except ValueError:
        return False
    if address.version != wanted.version:
        return False
    network = ipaddress.ip_network(f"{address}/{24 if address.version == 4 else 48}", strict=False)
    return network.overlaps(wanted)


# ---------------------------------------------------------------- signers' data, decrypted for an output


def update_recipients(petition_id: int) -> list[tuple[str, str | None]]:
    """(e-mail address, language read in) of confirmed signers who asked for updates (not yet anonymized)."""
    rows = db.session.execute(
        sa.select(Signature.email_ct, Signature.locale)
        .where(
            Signature.petition_id == petition_id,
            Signature.state == SignatureState.VALIDATED,
            Signature.send_updates.is_(True),
            Signature.email_ct.is_not(None),
        )
        .order_by(Signature.id)
    ).all()
    decrypted = [(crypto.decrypt(blob), locale) for blob, locale in rows]
    return [(address, locale) for address, locale in decrypted if address]


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
            (crypto.decrypt(name) or "") if name is not None else "(anonymized)",
            zip_code,
            confirmed.date() if confirmed else None,
            crypto.decrypt(comment),
        )
        for i, (name, zip_code, confirmed, comment) in enumerate(rows, start=1)
    ]


def latest_outbox(user: User) -> list[tuple[OutboxEmail, str | None]]:
    """The latest e-mail of the outbox the user may read, newest first, each with its decrypted address."""
    rows = db.session.scalars(
        access.visible_outbox(user)
        .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
        .limit(OUTBOX_PAGE_SIZE)
    ).all()
    return [(row, crypto.decrypt(row.to_ct)) for row in rows]


def translation_for(petition: Petition, locale: str) -> PetitionTranslation:
    """The petition's translation into `locale`, or a new unsaved one (version 0) when there is none yet."""
    found = db.session.scalar(
        sa.select(PetitionTranslation).where(
            PetitionTranslation.petition_id == petition.id, PetitionTranslation.locale == locale
        )
    )
    return found or PetitionTranslation(petition_id=petition.id, locale=locale, version=0)


def translations_of(petition: Petition) -> dict[str, PetitionTranslation]:
    """The petition's translations by language."""
    rows = db.session.scalars(
        sa.select(PetitionTranslation).where(PetitionTranslation.petition_id == petition.id)
    )
    return {row.locale: row for row in rows}

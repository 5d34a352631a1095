"""Signing a hosted petition, confirming by the e-mailed link, and keeping the count exact.

This module serves the public pages: it reads and writes petition models only (Petition, Signature,
OutboxEmail), never a person or any other case data. On PostgreSQL signing is two statements, confirming one,
and neither opens a transaction (each statement commits as it runs):

- signing: the petition's lookup, then one INSERT .. SELECT .. ON CONFLICT DO NOTHING that takes a free place
  of the signer's mailbox on the petition (`mailbox_slot`, 1..PETITION_SIGNATURES_PER_EMAIL; none free: the
  signature is over the limit) and, in a WITH, queues the confirmation e-mail of a new pending row. A
  duplicate (petition, HMAC of canonical e-mail + name) and a place taken at the same moment by another
  signer of the same mailbox both insert nothing: a duplicate is told apart by a lookup, and a lost place is
  tried again, now seeing the other's row. The places are unique per mailbox, so the cap is held by the
  constraint, with no lock (SQLite, one writer at a time, takes the petition's lock first, as before);
- confirming (`confirming`): one statement that validates the signature and adds one to the count.

`counts.reconcile` checks stored counts against the confirmed rows. The staff side of signatures (counts by
state, bulk invalidation, updates) is in `queries` and `operations.signatures`; the retention of signers'
data in `retention`. Nothing here commits: the request's (or the command's) unit of work does.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import timedelta
from typing import cast

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.dialects import postgresql, sqlite

from casework import direct_sql, unit_of_work
from casework.i18n import DEFAULT_LOCALE, force_locale, gettext, ngettext
from casework.locking import lock_row
from casework.models import (
    Petition,
    PetitionKind,
    PetitionStatus,
    PetitionTranslation,
    Signature,
    SignatureState,
)
from casework.models.base import utcnow
from casework.models.petitions import SHOWN_SIGNERS
from casework.petitions import crypto, mail

# The CLI (`flask petitions prune`, `flask send-outbox`) runs the retention by this name.
from casework.petitions.retention import RetentionReport as RetentionReport
from casework.petitions.retention import apply_retention as apply_retention
from casework.petitions.sign_limits import count_limits

_signature = cast(sa.Table, Signature.__table__)
_petition = cast(sa.Table, Petition.__table__)
_translation = cast(sa.Table, PetitionTranslation.__table__)


@dataclass(frozen=True)
class PublicPetition:
    """The columns of a petition the public pages may show (no person id, nothing private)."""

    id: int
    org_id: int
    slug: str
    status: PetitionStatus
    title: str
    organizer: str | None
    targets: str
    goal: int | None
    story: str | None
    signature_count: int
    public_name: str | None
    public_legal_name: str | None
    public_age: int | None
    public_city: str | None
    public_origin: str | None
    public_arrival: str | None
    public_family: str | None
    public_work: str | None
    public_community: str | None

    @property
    def target_list(self) -> list[str]:
        return [t.strip() for t in (self.targets or "").splitlines() if t.strip()]

    @property
    def is_open(self) -> bool:
        return self.status == PetitionStatus.ACTIVE


# The public pages' statements are built once, with bound parameters, and run on the request's connection
# (Core, not the ORM; on PostgreSQL straight on the driver: casework.direct_sql): signing and confirming are
# the hot paths of a petition going viral.
PUBLIC_COLUMNS = [_petition.c[name] for name in PublicPetition.__dataclass_fields__]
_FIND_PUBLIC = sa.select(*PUBLIC_COLUMNS).where(
    _petition.c.slug == sa.bindparam("slug"), _petition.c.kind == PetitionKind.HOSTED
)


_TRANSLATION = sa.select(_translation.c.title, _translation.c.story).where(
    _translation.c.petition_id == sa.bindparam("pid"), _translation.c.locale == sa.bindparam("locale")
)


def find_public(slug: str) -> PublicPetition | None:
    """A hosted petition by its public address, whatever its status (the caller answers 404 or 410)."""
    if not slug or len(slug) > 80:
        return None
    row = direct_sql.first(unit_of_work.plain_connection(), _FIND_PUBLIC, {"slug": slug})
    return PublicPetition(**row) if row is not None else None


def localized(petition: PublicPetition, locale: str) -> tuple[PublicPetition, str]:
    """The petition with its title and story in `locale` when staff wrote them, and the language of the text
    it carries then (the petition's own text is English). Only an open petition's translations are read: they
    are public exactly when its story is."""
    if locale == DEFAULT_LOCALE or not petition.is_open:
        return petition, DEFAULT_LOCALE
    row = direct_sql.first(
        unit_of_work.plain_connection(), _TRANSLATION, {"pid": petition.id, "locale": locale}
    )
    if row is None:
        return petition, DEFAULT_LOCALE
    return replace(petition, title=row["title"], story=row["story"]), locale


@dataclass
class SignData:
    """What a signer typed (already validated by the form)."""

    name: str
    email: str
    zip_code: str | None = None
    comment: str | None = None
    show_name: bool = False
    send_updates: bool = False
    locale: str | None = None  # the language the signer read the page in


def confirmation_email(title: str, hours: int, link: str) -> tuple[str, str]:
    """The confirmation e-mail's subject and body, in the locale in force (the caller forces the signer's)."""
    subject = gettext("Confirm your signature: %(title)s", title=title)
    body = (
        gettext("Thank you for signing “%(title)s”.", title=title)
        + "\n\n"
        + ngettext(
            "Your signature counts once you confirm it. Open this link within %(num)d hour:",
            "Your signature counts once you confirm it. Open this link within %(num)d hours:",
            hours,
        )
        + f"\n\n{link}\n\n"
        + gettext(
            "If you did not sign this petition, ignore this message: nothing will be counted, and what was "
            "typed will be deleted when the link expires."
        )
        + "\n"
    )
    return subject, body


def dedupe_keys(petition_id: int, name: str, email: str) -> tuple[str, str, str]:
    """HMACs: canonical e-mail + normalized name (one signature each), e-mail alone, and the domain."""
    canonical = crypto.canonical_email(email)
    return (
        crypto.mac("signature", str(petition_id), canonical, crypto.normalized_name(name)),
        crypto.mac("email", str(petition_id), canonical),
        domain_key(crypto.email_domain(canonical)),
    )


def domain_key(domain: str) -> str:
    """The HMAC a signature keeps of its e-mail domain (bulk invalidation looks it up the same way)."""
    return crypto.mac("domain", domain.strip().lower().lstrip("@").rstrip("."))


MOST_PLACES_PER_MAILBOX = 100  # PETITION_SIGNATURES_PER_EMAIL above this is refused at start


def mailbox_places(config) -> int:
    """PETITION_SIGNATURES_PER_EMAIL: the places of one mailbox on a petition, a whole number from 1 to
    MOST_PLACES_PER_MAILBOX (each place is one candidate of the signature's INSERT)."""
    cap = config["PETITION_SIGNATURES_PER_EMAIL"]
    if isinstance(cap, bool) or not isinstance(cap, int) or not 1 <= cap <= MOST_PLACES_PER_MAILBOX:
        raise ValueError(
            f"PETITION_SIGNATURES_PER_EMAIL must be a whole number from 1 to {MOST_PLACES_PER_MAILBOX}, "
            f"not {cap!r}"
        )
    return cap


def _insert_signature(dialect: str, cap: int):
    """INSERT .. SELECT of one signature with the mailbox cap folded in: the signature takes the lowest free
    place (`mailbox_slot`) of its mailbox on the petition, 1 to `cap`; it is over_limit (no place, no token,
    no expiry) when the client was over its rate limit or no place is free, pending otherwise. Nothing is
    inserted when (petition, dedupe HMAC) exists, nor when another signer of the mailbox took the same place
    meanwhile (the caller tries again). Returns (id, state) of a new row. Built once per dialect and cap.

    Each place 1..cap is a candidate, free when no signature of the mailbox holds it. The mailbox's places are
    read through the unique index (mailbox, petition, place), the only index that holds the mailbox, whatever
    the planner knows of the table (`+ 0` keeps the petition's indexes out of its choice): without statistics
    (a new database, a new petition) it took an index of the petition and read every signature of the
    petition on each INSERT. The mailbox's HMAC is made with the petition's id: its rows are the petition's."""
    statement = _INSERT_SIGNATURE.get((dialect, cap))
    if statement is not None:
        return statement
    c = _signature.c
    params = {col.name: sa.bindparam(col.name, type_=col.type) for col in c if col.name != "id"}
    taken = _signature.alias("taken")
    candidate = sa.union_all(
        *(sa.select(sa.literal(place, sa.Integer).label("slot")) for place in range(1, cap + 1))
    ).subquery("candidate")
    lowest_free = (
        sa.select(sa.func.min(candidate.c.slot).label("slot"))
        .where(
            ~sa.exists().where(
                taken.c.email_hmac == params["email_hmac"],
                (taken.c.petition_id + 0) == params["petition_id"],
                taken.c.mailbox_slot == candidate.c.slot,
            )
        )
        .subquery("lowest_free")
    )
    mailbox = sa.select(
        lowest_free.c.slot,
        sa.or_(sa.bindparam("rate_over", type_=sa.Boolean), lowest_free.c.slot.is_(None))
        .self_group()
        .label("over"),
    ).subquery("mailbox")
    over = mailbox.c.over == sa.true()
    computed = {
        "state": sa.case((over, sa.literal(SignatureState.OVER_LIMIT, c.state.type)), else_=params["state"]),
        "token_hash": sa.case((over, sa.null()), else_=params["token_hash"]),
        "token_expires_at": sa.case((over, sa.null()), else_=params["token_expires_at"]),
        "mailbox_slot": sa.case((over, sa.null()), else_=mailbox.c.slot),
    }
    names = list(params)
    select = sa.select(*[computed.get(name, params[name]) for name in names])
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = _INSERT_SIGNATURE[(dialect, cap)] = (
        insert(_signature)
        .from_select(names, select.select_from(mailbox).where(sa.true()))  # SQLite: ON CONFLICT after a WHERE
        .on_conflict_do_nothing()  # a duplicate, or the place taken meanwhile by the same mailbox
        .returning(c.id, c.state)  # RETURNING, not rowcount: psycopg reports -1 rows for ON CONFLICT
    )
    return statement


_DUPLICATE = sa.select(_signature.c.id).where(
    _signature.c.petition_id == sa.bindparam("petition_id"),
    _signature.c.dedupe_hmac == sa.bindparam("dedupe_hmac"),
)
_INSERT_SIGNATURE: dict = {}


def _sign_and_mail(cap: int):
    """PostgreSQL: the signature's INSERT and, when it added a pending signature, its e-mail's, in one statement
    (returns what the INSERT returns)."""
    statement = _INSERT_SIGNATURE.get(("postgresql+mail", cap))
    if statement is None:
        added = _insert_signature("postgresql", cap).cte("added")
        mailed = mail.queue_for_each(added, added.c.state == SignatureState.PENDING)
        statement = _INSERT_SIGNATURE[("postgresql+mail", cap)] = sa.select(
            added.c.id, added.c.state
        ).add_cte(mailed)
    return statement


def sign(petition: PublicPetition, data: SignData, client_address: str | None, confirm_url) -> str:
    """Record a signature and queue its confirmation e-mail; returns "new", "duplicate" or "over_limit", or
    "flood" (nothing recorded: the client is over the flood limit, the caller answers 429).

    The caller shows the same answer whatever this returns. Over the rate limit (or the cap of signatures per
    mailbox) the signature is kept, marked over_limit, never counted, and no e-mail is sent.
    `confirm_url(token)` builds the link of the e-mail.
    """
    config = current_app.config
    now = utcnow()
    dedupe, email_key, domain = dedupe_keys(petition.id, data.name, data.email)
    flooding, rate_over = count_limits(petition.id, client_address)
    if flooding:
        return "flood"
    # On PostgreSQL the places of the mailbox (unique) hold the cap, and the statement commits as it runs
    # (the request's first call asked for such a connection). SQLite, one writer at a time: the count is read
    # under the petition's lock, taken before it.
    connection = unit_of_work.plain_connection(autocommit=True)
    if connection.dialect.name != "postgresql" and not rate_over:
        lock_row(Petition, petition.id, connection)
    token, token_digest = crypto.new_token()
    cap = mailbox_places(config)
    values: dict[str, object] = {c.name: None for c in _signature.c if c.name not in ("id", "mailbox_slot")}
    values.update(
        {
            "petition_id": petition.id,
            "state": SignatureState.PENDING,
            "name_ct": crypto.encrypt(data.name),
            "email_ct": crypto.encrypt(data.email.strip()),
            "comment_ct": crypto.encrypt(data.comment) if data.comment else None,
            "zip_code": data.zip_code,
            "show_name": bool(data.show_name),
            "send_updates": bool(data.send_updates),
            "dedupe_hmac": dedupe,
            "email_hmac": email_key,
            "domain_hmac": domain,
            "ip_network": crypto.truncate_ip(client_address),
            "token_hash": token_digest,
            "token_expires_at": now + timedelta(hours=config["PETITION_CONFIRM_HOURS"]),
            "created_at": now,
            "rate_over": rate_over,
            "locale": data.locale,
        }
    )
    with force_locale(data.locale or DEFAULT_LOCALE):
        subject, body = confirmation_email(
            petition.title, config["PETITION_CONFIRM_HOURS"], confirm_url(token)
        )
    email = mail.queued_values(
        data.email.strip(), subject, body, purpose="signature_confirmation", org_id=petition.org_id
    )
    # Each try that inserts nothing lost a place to another signer of the mailbox who has since committed it (or
    # met a duplicate): the next try sees that row. At most `cap` tries can lose so; the last one, past reason,
    # keeps the signature over the limit (it takes no place, so only a duplicate can stop it).
    tries = cap + 2
    for attempt in range(tries):
        if attempt == tries - 1:
            values["rate_over"] = True
        added = _insert(connection, values, email, cap)
        if added is not None:
            return "over_limit" if SignatureState(added["state"]) == SignatureState.OVER_LIMIT else "new"
        if direct_sql.first(connection, _DUPLICATE, values) is not None:
            return "duplicate"
    return "duplicate"


def _insert(connection: sa.Connection, values: dict[str, object], email: dict[str, object], cap: int):
    """One try of the signature's INSERT (and its e-mail's, for a new pending row): (id, state) or None."""
    if connection.dialect.name == "postgresql":
        return direct_sql.first(connection, _sign_and_mail(cap), {**values, **email})
    added = direct_sql.first(connection, _insert_signature(connection.dialect.name, cap), values)
    if added is not None and SignatureState(added["state"]) == SignatureState.PENDING:
        mail.insert_queued(email)
    return added


def recent_signers_statement(petition_id: int, limit: int = 8) -> sa.Select:
    """The encrypted names of the latest confirmed signers who asked to be shown, newest first: the first rows
    of ix_signature_shown (its WHERE word for word), however many have signed."""
    return (
        sa.select(Signature.name_ct)
        .where(Signature.petition_id == petition_id, sa.text(SHOWN_SIGNERS))
        .order_by(Signature.confirmed_at.desc(), Signature.id.desc())
        .limit(limit)
    )


def recent_signers(petition_id: int, limit: int = 8) -> list[str]:
    """Short names ("Sokha L.") of the latest confirmed signers who asked to be shown."""
    blobs = unit_of_work.plain_connection().scalars(recent_signers_statement(petition_id, limit)).all()
    return [short_name(crypto.decrypt(blob) or "") for blob in blobs]


def short_name(name: str) -> str:
    """ "Sokha Lim Chea" -> "Sokha C.": a first name and an initial, never a full name on the public page."""
    words = name.split()
    if len(words) < 2:
        return words[0] if words else ""
    return f"{words[0]} {words[-1][0]}."

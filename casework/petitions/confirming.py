"""Confirming a signature by its e-mailed link, once, and keeping the count exact in the same statement.

On PostgreSQL a confirmation is one statement: `UPDATE signature SET state='validated' WHERE token_hash=? AND
state='pending'` on the open hosted petition at the link's address with, in the same statement,
`signature_count = signature_count + 1` on the petition only when that changed a row (fifty clicks on the same
link add one), returning the petition's public columns for the page (run on the driver directly:
casework.direct_sql); the petition is read apart only when nothing was validated (a used or expired link, a
closed petition). In a request that statement commits as it runs (`unit_of_work.plain_connection`):
the petition's row lock, which every confirmation of the petition waits for, is held for the statement alone,
not across a COMMIT round trip after the page is rendered, and no BEGIN precedes it. SQLite, without UPDATE
inside WITH: the lookup, then the two UPDATEs. Like `signing`, this reads and writes petition models only;
nothing here commits.
"""

from __future__ import annotations

from dataclasses import replace
from typing import cast

import sqlalchemy as sa

from casework import direct_sql, unit_of_work
from casework.models import Petition, PetitionKind, PetitionStatus, Signature, SignatureState
from casework.models.base import utcnow
from casework.petitions import crypto
from casework.petitions.signing import PUBLIC_COLUMNS, PublicPetition, find_public

_signature = cast(sa.Table, Signature.__table__)
_petition = cast(sa.Table, Petition.__table__)

_NOW = sa.bindparam("now", type_=_signature.c.confirmed_at.type)  # stored in UTC on SQLite as on PostgreSQL


def _validate_pending(petition_id: sa.ColumnElement[int]) -> sa.Update:
    """The UPDATE that validates the pending, unexpired signature of a token (`digest`) on `petition_id`.

    The token's unique index finds the row; the petition is only checked on it (`+ 0` keeps the petition's
    indexes out of the planner's choice: without statistics, as on a new database, it could read every
    signature of the petition through one of them, on each confirmation, for as long as the plan was kept)."""
    return (
        _signature.update()
        .where(
            _signature.c.token_hash == sa.bindparam("digest"),
            (_signature.c.petition_id + 0) == petition_id,
            _signature.c.state == SignatureState.PENDING,
            _signature.c.token_expires_at > _NOW,
        )
        .values(state=SignatureState.VALIDATED, confirmed_at=_NOW, token_hash=None)
        .returning(_signature.c.petition_id)
    )


_CONFIRM = _validate_pending(sa.bindparam("pid"))
_COUNT_ONE = (
    _petition.update()
    .where(_petition.c.id == sa.bindparam("pid"))
    .values(signature_count=_petition.c.signature_count + 1, updated_at=_NOW)  # explicit: see below
    .returning(_petition.c.signature_count)
)
# PostgreSQL: the whole confirmation in one statement (a data-modifying WITH, under which SQLAlchemy leaves
# onupdate values unset): the signature's UPDATE, only on the open hosted petition at `slug`, and the count's,
# returning the petition's public columns with the new count (what the page shows).
_OPEN_AT_SLUG = (
    sa.select(_petition.c.id)
    .where(
        _petition.c.slug == sa.bindparam("address"),
        _petition.c.kind == PetitionKind.HOSTED,
        _petition.c.status == PetitionStatus.ACTIVE,
    )
    .scalar_subquery()
)
_validated = _validate_pending(_OPEN_AT_SLUG).cte("validated")
_CONFIRM_AT_SLUG = (
    _petition.update()
    .where(_petition.c.id.in_(sa.select(_validated.c.petition_id)))
    .values(signature_count=_petition.c.signature_count + 1, updated_at=_NOW)
    .returning(*PUBLIC_COLUMNS)
)


def confirm(petition: PublicPetition, token: str) -> int | None:
    """Validate the signature behind an e-mailed token, once: the new count for the request that validated it,
    None for every other (see `confirm_at`)."""
    if not petition.is_open:
        return None
    confirmed, done = confirm_at(petition.slug, token, petition)
    return confirmed.signature_count if done and confirmed is not None else None


def confirm_at(
    slug: str, token: str, found: PublicPetition | None = None
) -> tuple[PublicPetition | None, bool]:
    """Validate the signature behind an e-mailed token on the open petition at `slug`, once. Returns the
    petition (None when there is none at `slug`) and whether this request validated the signature (its count
    then holds the +1). On PostgreSQL one statement does it all (and a second reads the petition only when
    nothing was validated); `found`, the petition already read, spares SQLite's lookup.

    No lock is taken beforehand: the signature's UPDATE lets one request through (a second click on the link
    waits for it, then finds nothing pending), and the count is added to whatever the petition's row holds
    then, whose row lock is held from that UPDATE until it commits (in a request on PostgreSQL, as the statement
    ends; otherwise with the unit of work)."""
    valid_token = bool(token) and len(token) <= 100
    connection = unit_of_work.plain_connection(autocommit=True)
    values = {"digest": crypto.token_hash(token) if valid_token else "", "now": utcnow()}
    if connection.dialect.name == "postgresql":
        if valid_token and slug and len(slug) <= 80:
            row = direct_sql.first(connection, _CONFIRM_AT_SLUG, {**values, "address": slug})
            if row is not None:
                return PublicPetition(**row), True
        return found or find_public(slug), False
    # SQLite (no UPDATE inside WITH): the signature's UPDATE takes the one writer's lock first.
    found = found or find_public(slug)
    if found is None or not found.is_open or not valid_token:
        return found, False
    if connection.execute(_CONFIRM, {**values, "pid": found.id}).first() is None:
        return found, False
    count = connection.execute(_COUNT_ONE, {**values, "pid": found.id}).scalar_one()
    return replace(found, signature_count=count), True

"""Keeping each hosted petition's stored count exact: `reconcile` recomputes it from the confirmed rows.

Signing adds one to the stored count in the same transaction that confirms a signature (see `signing`), so the
two never drift in normal operation; this is the check and the repair (`flask petitions reconcile`, and the
maintenance check) for anything done to the rows by hand.
"""

from __future__ import annotations

from typing import cast

import sqlalchemy as sa

from casework.extensions import db
from casework.models import Petition, PetitionKind, Signature, SignatureState

_signature = cast(sa.Table, Signature.__table__)
_petition = cast(sa.Table, Petition.__table__)


def reconcile(fix: bool = True) -> list[tuple[int, int, int]]:
    """(petition id, stored count, confirmed rows) for every petition whose stored count is wrong; with
    `fix`, the stored counts are set to the rows (the command's unit of work commits)."""
    confirmed = (
        sa.select(sa.func.count())
        .select_from(_signature)
        .where(_signature.c.petition_id == _petition.c.id, _signature.c.state == SignatureState.VALIDATED)
        .scalar_subquery()
    )
    rows = db.session.execute(
        sa.select(_petition.c.id, _petition.c.signature_count, confirmed)
        .where(_petition.c.kind == PetitionKind.HOSTED)
        .order_by(_petition.c.id)
    ).all()
    wrong = [(pid, stored, actual) for pid, stored, actual in rows if stored != actual]
    if fix:
        for pid, _stored, actual in wrong:
            db.session.execute(_petition.update().where(_petition.c.id == pid).values(signature_count=actual))
    return wrong

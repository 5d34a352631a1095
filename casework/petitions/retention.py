"""The retention of signers' data: what is kept only as long as it is needed, then dropped or anonymized.

Run from the CLI only (`flask --app casework petitions prune`, and `flask send-outbox` before sending), never
from a page: a request commits its own work once, and a page load should not change signers' data.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import cast

import sqlalchemy as sa
from flask import current_app

from casework.extensions import db
from casework.models import Petition, Signature, SignatureState
from casework.models.base import utcnow
from casework.petitions import mail

_signature = cast(sa.Table, Signature.__table__)
_petition = cast(sa.Table, Petition.__table__)


@dataclass
class RetentionReport:
    """What one retention run removed."""

    ips_dropped: int = 0
    expired_deleted: int = 0
    anonymized: int = 0
    outbox_purged: int = 0


def apply_retention(now: datetime | None = None) -> RetentionReport:
    """Drop client networks after PETITION_IP_RETENTION_DAYS, delete unconfirmed signatures whose link
    expired, anonymize signatures PETITION_ANONYMIZE_DAYS after their petition's latest delivery, and purge
    old sent mail. Safe to run at any time and as often as wanted; the CLI command's unit of work commits."""
    config = current_app.config
    now = now or utcnow()
    report = RetentionReport()
    report.ips_dropped = (
        db.session.connection()
        .execute(
            _signature.update()
            .where(
                _signature.c.ip_network.is_not(None),
                _signature.c.created_at < now - timedelta(days=config["PETITION_IP_RETENTION_DAYS"]),
            )
            .values(ip_network=None)
        )
        .rowcount
    )
    report.expired_deleted = (
        db.session.connection()
        .execute(
            _signature.delete().where(
                _signature.c.state == SignatureState.PENDING, _signature.c.token_expires_at < now
            )
        )
        .rowcount
    )
    delivered_long_ago = sa.select(_petition.c.id).where(
        _petition.c.delivered_at < now - timedelta(days=config["PETITION_ANONYMIZE_DAYS"])
    )
    report.anonymized = (
        db.session.connection()
        .execute(
            _signature.update()
            .where(_signature.c.petition_id.in_(delivered_long_ago), _signature.c.anonymized_at.is_(None))
            .values(
                name_ct=None,
                email_ct=None,
                comment_ct=None,
                zip_code=None,
                dedupe_hmac=None,
                email_hmac=None,
                mailbox_slot=None,
                domain_hmac=None,
                ip_network=None,
                token_hash=None,
                show_name=False,
                anonymized_at=now,
            )
        )
        .rowcount
    )
    report.outbox_purged = mail.purge_old()
    return report

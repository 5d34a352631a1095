"""The outbox: e-mail is written to a table in the request's transaction and sent later by
`flask send-outbox` through the configured SMTP server, with retries. Addresses are encrypted at rest and
sent or failed mail is purged after OUTBOX_PURGE_DAYS, since signers' addresses are in it. Queuing writes
in the caller's unit of work; the sender, a CLI job, commits each message on its own."""

from __future__ import annotations

import contextlib
import smtplib
import ssl
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
from email.utils import make_msgid
from typing import cast

import sqlalchemy as sa
from flask import current_app

from casework import unit_of_work
from casework.extensions import db
from casework.models import OutboxEmail, OutboxStatus
from casework.models.base import utcnow
from casework.petitions import crypto

_outbox = cast(sa.Table, OutboxEmail.__table__)


def queue(to: str, subject: str, body: str, *, purpose: str, org_id: int | None) -> None:
    """Add an e-mail to the outbox (one INSERT in the caller's transaction)."""
    now = utcnow()
    db.session.connection().execute(
        _QUEUE,
        {
            "org_id": org_id,
            "purpose": purpose,
            "to_ct": crypto.encrypt(to),
            "subject": subject[:200],
            "body": body,
            "status": OutboxStatus.PENDING,
            "attempts": 0,
            "created_at": now,
            "next_attempt_at": now,
            "sent_at": None,
            "last_error": None,
        },
    )


_QUEUE = _outbox.insert().values(
    {c.name: sa.bindparam(c.name, type_=c.type) for c in _outbox.c if c.name != "id"}
)


def outbox_visible() -> bool:
    """Whether admins may read the outbox in the web UI: in development and tests, or when configured."""
    app = current_app
    return bool(app.debug or app.testing or app.config.get("OUTBOX_VISIBLE"))


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    purged: int = 0
    skipped: str | None = None


def _message(row: OutboxEmail, to: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = row.subject
    message["Message-ID"] = make_msgid(domain=config["MAIL_FROM"].rpartition("@")[2] or None)
    message.set_content(row.body)
    return message


def _connect() -> smtplib.SMTP:
    config = current_app.config
    smtp = smtplib.SMTP(config["SMTP_HOST"], int(config["SMTP_PORT"]), timeout=config["SMTP_TIMEOUT"])
    if config["SMTP_STARTTLS"]:
        smtp.starttls(context=ssl.create_default_context())
    if config.get("SMTP_USERNAME"):
        smtp.login(config["SMTP_USERNAME"], config["SMTP_PASSWORD"] or "")
    return smtp


def send_pending(limit: int = 500) -> SendReport:
    """Send the mail that is due, through SMTP; a failure is retried later with a doubling delay, and given up
    after OUTBOX_MAX_ATTEMPTS. Each message is a transaction of its own, committed as soon as it is sent (or
    has failed), so that a crash never sends a message twice."""
    with unit_of_work.transaction():
        report = SendReport(purged=purge_old())
    if not current_app.config.get("SMTP_HOST"):
        report.skipped = "SMTP_HOST is not set: mail waits in the outbox."
        return report
    rows = _due(limit)
    smtp = None
    try:
        for row in rows:
            with unit_of_work.transaction():
                smtp = _send_one(row, smtp, report)
    finally:
        _drop(smtp)
    return report


def _due(limit: int) -> list[OutboxEmail]:
    """The pending mail whose time has come, oldest first."""
    return list(
        db.session.scalars(
            sa.select(OutboxEmail)
            .where(OutboxEmail.status == OutboxStatus.PENDING, OutboxEmail.next_attempt_at <= utcnow())
            .order_by(OutboxEmail.id)
            .limit(limit)
        )
    )


def _send_one(row: OutboxEmail, smtp: smtplib.SMTP | None, report: SendReport) -> smtplib.SMTP | None:
    """Send one message and record the outcome on its row; returns the connection to reuse (None if broken)."""
    try:
        if smtp is None:
            smtp = _connect()
        smtp.send_message(_message(row, crypto.decrypt(row.to_ct) or ""))
    except (OSError, smtplib.SMTPException) as exc:
        _drop(smtp)
        smtp = None
        row.attempts += 1
        row.last_error = f"{exc.__class__.__name__}: {str(exc)[:150]}"
        if row.attempts >= current_app.config["OUTBOX_MAX_ATTEMPTS"]:
            row.status = OutboxStatus.FAILED
            report.given_up += 1
        else:
            row.next_attempt_at = utcnow() + timedelta(minutes=2 ** (row.attempts - 1))
            report.failed += 1
    else:
        row.status = OutboxStatus.SENT
        row.attempts += 1
        row.sent_at = utcnow()
        row.last_error = None
        report.sent += 1
    return smtp


def _drop(smtp: smtplib.SMTP | None) -> None:
    """Close a connection that may already be broken; the caller forgets it."""
    if smtp is not None:
        with contextlib.suppress(OSError, smtplib.SMTPException):
            smtp.quit()


def purge_old() -> int:
    """Delete sent and failed mail older than OUTBOX_PURGE_DAYS (it holds signers' addresses)."""
    cutoff = utcnow() - timedelta(days=current_app.config["OUTBOX_PURGE_DAYS"])
    result = db.session.connection().execute(
        _outbox.delete().where(
            _outbox.c.status.in_([OutboxStatus.SENT, OutboxStatus.FAILED]), _outbox.c.created_at < cutoff
        )
    )
    return result.rowcount or 0

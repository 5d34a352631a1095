"""The outbox: e-mail is written to a table in the request's transaction and sent later by
`flask send-outbox` (a cron job, or `--loop` as a worker) through the configured SMTP server, with retries.
Addresses are encrypted at rest and sent or failed mail is purged after OUTBOX_PURGE_DAYS, since signers'
addresses are in it. Queuing writes in the caller's unit of work; the sender, a CLI job, commits each step
on its own.

Each message is sent once, however many senders run at the same time: a sender first claims a message, in
a transaction of its own committed before anything is sent, by moving its next_attempt_at forward by a lease
(OUTBOX_LEASE_SECONDS) with a compare-and-set UPDATE that only one sender can win (on PostgreSQL the
candidates are also picked with FOR UPDATE SKIP LOCKED, so senders do not even queue on each other). A crash
between sending and recording the outcome: the lease expires and the message is sent again (at least once,
never lost), with the same Message-ID, derived from the row, so that mail systems drop the copy."""

from __future__ import annotations

import contextlib
import email.utils
import smtplib
import ssl
from collections.abc import Callable
from dataclasses import dataclass
from datetime import timedelta
from email.message import EmailMessage
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
    insert_queued(queued_values(to, subject, body, purpose=purpose, org_id=org_id))


def insert_queued(values: dict[str, object]) -> None:
    """Add the e-mail of `queued_values` to the outbox (one INSERT in the caller's transaction: the request's
    or command's connection, a public page's plain one included)."""
    unit_of_work.plain_connection().execute(_QUEUE, values)


def queued_values(to: str, subject: str, body: str, *, purpose: str, org_id: int | None) -> dict[str, object]:
    """The bound values of an outbox row (see `queue_for_each`), each named `mail_<column>`."""
    now = utcnow()
    values = {
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
    }
    return {f"mail_{name}": value for name, value in values.items()}


_COLUMNS = [c for c in _outbox.c if c.name != "id"]
_QUEUE = _outbox.insert().values({c.name: sa.bindparam(f"mail_{c.name}", type_=c.type) for c in _COLUMNS})


def queue_for_each(rows: sa.CTE, condition: sa.ColumnElement[bool]) -> sa.CTE:
    """The INSERT of one outbox e-mail (the values of `queued_values`) for each row of `rows` that meets
    `condition`, as a WITH of another statement: on PostgreSQL the e-mail is queued by the statement that
    writes what it is about, without a round trip of its own."""
    select = sa.select(*[sa.bindparam(f"mail_{c.name}", type_=c.type) for c in _COLUMNS]).select_from(rows)
    return _outbox.insert().from_select(_COLUMNS, select.where(condition)).cte(f"{rows.name}_mail")


def outbox_visible() -> bool:
    """Whether admins may read the outbox in the web UI: in development (CASEWORK_ENV=development, as
    `./scripts/dev` sets, or `flask run --debug`) and tests, or when configured (OUTBOX_VISIBLE)."""
    from casework.urls import is_development

    app = current_app
    return is_development(app) or bool(app.config.get("OUTBOX_VISIBLE"))


@dataclass
class SendReport:
    """What one run of the sender did."""

    sent: int = 0
    failed: int = 0
    given_up: int = 0
    purged: int = 0
    skipped: str | None = None

    @property
    def handled(self) -> int:
        """Messages this run tried to send."""
        return self.sent + self.failed + self.given_up


def _message(row: OutboxEmail, to: str) -> EmailMessage:
    config = current_app.config
    message = EmailMessage()
    message["From"] = config["MAIL_FROM"]
    message["To"] = to
    message["Subject"] = row.subject
    message["Message-ID"] = message_id(row)
    message.set_content(row.body)
    return message


def message_id(row: OutboxEmail) -> str:
    """The message's Message-ID, the same at every attempt (a copy sent after a crash is recognized as one);
    keyed, so that it tells a recipient nothing about the outbox."""
    # MAIL_FROM may carry a display name ("Riverbend Petitions <petitions@riverbend.example.org>").
    address = email.utils.parseaddr(str(current_app.config["MAIL_FROM"]))[1]
    domain = address.rpartition("@")[2] or "localhost"
    token = crypto.mac("outbox-message-id", str(row.id), row.created_at.isoformat())[:32]
    return f"<casework.{token}@{domain}>"


TLS_MODES = {"starttls": 587, "ssl": 465, "none": 25}  # each protection with its usual port


def smtp_tls_mode(config) -> str:
    """SMTP_TLS ("starttls", "ssl" or "none"), or from the older SMTP_STARTTLS when it is not set."""
    mode = config.get("SMTP_TLS")
    if mode is None or mode == "":
        return "starttls" if config.get("SMTP_STARTTLS", True) else "none"
    mode = str(mode).strip().lower()
    if mode not in TLS_MODES:
        raise ValueError(f"SMTP_TLS must be one of {', '.join(TLS_MODES)}, not {config.get('SMTP_TLS')!r}")
    return mode


def _connect() -> smtplib.SMTP:
    config = current_app.config
    mode = smtp_tls_mode(config)
    port = int(config.get("SMTP_PORT") or TLS_MODES[mode])
    context = ssl.create_default_context(cafile=config.get("SMTP_CA_FILE") or None)
    smtp: smtplib.SMTP
    if mode == "ssl":
        smtp = smtplib.SMTP_SSL(config["SMTP_HOST"], port, timeout=config["SMTP_TIMEOUT"], context=context)
    else:
        smtp = smtplib.SMTP(config["SMTP_HOST"], port, timeout=config["SMTP_TIMEOUT"])
        if mode == "starttls":
            smtp.starttls(context=context)
    if config.get("SMTP_USERNAME"):
        # A CASEWORK_ variable made of digits arrives as a number (Flask reads them as JSON).
        smtp.login(str(config["SMTP_USERNAME"]), str(config["SMTP_PASSWORD"] or ""))
    return smtp


def send_pending(limit: int = 500, should_stop: Callable[[], bool] = lambda: False) -> SendReport:
    """Send the mail that is due, through SMTP; a failure is retried later with a doubling delay, and given up
    after OUTBOX_MAX_ATTEMPTS. Each message is claimed (committed) before it is sent and its outcome is
    committed right after, so that overlapping runs never send one message twice; a crash in between sends
    it again after the lease, with the same Message-ID. `should_stop` is asked between messages."""
    with unit_of_work.transaction():
        report = SendReport(purged=purge_old())
    if not current_app.config.get("SMTP_HOST"):
        report.skipped = "SMTP_HOST is not set: mail waits in the outbox."
        return report
    try:
        smtp_tls_mode(current_app.config)
    except ValueError as exc:  # a setting to correct: nothing is tried, so no attempt is used up
        report.skipped = f"{exc}: mail waits in the outbox."
        return report
    smtp = None
    try:
        while report.handled < limit and not should_stop():
            claimed = claim_next()
            if claimed is None:
                break
            with unit_of_work.transaction():
                row = db.session.get(OutboxEmail, claimed)
                if row is not None:  # purged meanwhile by another run's retention: nothing to send
                    smtp = _send_one(row, smtp, report)
    finally:
        _drop(smtp)
    return report


# Due messages looked at per claim: on SQLite another sender may win the first ones.
_CANDIDATES = 10


def claim_next() -> int | None:
    """Claim the oldest due message for this sender and commit the claim; its id, or None when nothing is due.

    The claim moves next_attempt_at past now by the lease, on the condition that the message is still pending
    and due: of two senders, only one UPDATE matches. On PostgreSQL, FOR UPDATE SKIP LOCKED keeps senders
    from picking a row another one is claiming; on SQLite the UPDATE takes the database's write lock."""
    lease = timedelta(seconds=int(current_app.config["OUTBOX_LEASE_SECONDS"]))
    with unit_of_work.transaction():
        now = utcnow()
        due = sa.and_(_outbox.c.status == OutboxStatus.PENDING, _outbox.c.next_attempt_at <= now)
        candidates = sa.select(_outbox.c.id).where(due).order_by(_outbox.c.id)
        if db.session.get_bind().dialect.name == "postgresql":
            candidates = candidates.limit(1).with_for_update(skip_locked=True)
        else:
            candidates = candidates.limit(_CANDIDATES)
        for candidate in db.session.scalars(candidates).all():
            claimed = db.session.execute(
                _outbox.update().where(_outbox.c.id == candidate, due).values(next_attempt_at=now + lease)
            )
            if cast(sa.CursorResult, claimed).rowcount == 1:
                return candidate
    return None


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

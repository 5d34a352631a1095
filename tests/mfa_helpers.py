"""Helpers of the second-factor tests: set up an authenticator through the pages, read codes and mail."""

from __future__ import annotations

import re
import time

import pyotp
import sqlalchemy as sa

from casework.extensions import db as _db
from casework.models import OutboxEmail
from casework.petitions import crypto
from tests.conftest import text_of

SECRET_RE = re.compile(r'<code class="secret" id="totp-secret">([A-Z2-7]+)</code>')
RECOVERY_RE = re.compile(r"<li><code>([0-9a-f]{5}-[0-9a-f]{5})</code></li>")


def code_at(secret: str, steps_ahead: int = 0) -> str:
    """The TOTP code of the current time step, or of one a step later (a code not used yet)."""
    return pyotp.TOTP(secret).at(time.time() + 30 * steps_ahead)


def enrol(browser) -> tuple[str, list[str]]:
    """Set up an authenticator for the signed-in browser: its secret and the recovery codes shown."""
    page = text_of(browser.get("/account/mfa"))
    secret = SECRET_RE.search(page).group(1)
    response = browser.post("/account/mfa", {"code": code_at(secret)})
    assert response.status_code == 200
    codes = RECOVERY_RE.findall(text_of(response))
    assert len(codes) == 10
    return secret, codes


def mail_to(app, address: str) -> list[OutboxEmail]:
    """The outbox messages addressed to `address`, oldest first."""
    with app.app_context():
        rows = _db.session.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id)).all()
        found = [row for row in rows if crypto.decrypt(row.to_ct) == address]
        for row in found:
            _db.session.expunge(row)
        return found


def subjects_to(app, address: str) -> list[str]:
    """The subjects of the messages sent to `address`."""
    return [row.subject for row in mail_to(app, address)]

"""The second factor: an authenticator app (TOTP) and single-use recovery codes.

The TOTP secret is sealed with the application's at-rest key (casework.petitions.crypto); recovery codes
are kept as salted Argon2id hashes, like passwords. A TOTP code is accepted once: the last accepted time
step is stored and a code of that step or an earlier one is refused. Operations flush; the request's unit
of work commits.
"""

from __future__ import annotations

import base64
import secrets
import time

import pyotp
import sqlalchemy as sa
from cryptography.exceptions import InvalidTag

from casework import audit
from casework.accounts import notices, throttling
from casework.accounts.passwords import hash_password, verify_password
from casework.extensions import db
from casework.models import RecoveryCode, Role, TotpFactor, User
from casework.models.base import utcnow
from casework.models.security import MfaRequirement
from casework.petitions import crypto
from casework.sessions import end_sessions_of

ISSUER = "Casework"
RECOVERY_CODES = 10
RECOVERY_LENGTH = 10  # hexadecimal digits, shown as two groups of five
STEP_SECONDS = 30
# One step either side: a phone's clock a little off still works.
VALID_WINDOW = 1


def factor_of(user: User) -> TotpFactor | None:
    """The user's authenticator, enrolled or being enrolled."""
    return db.session.get(TotpFactor, user.id)


def is_enrolled(user: User) -> bool:
    """Whether the user signs in with a second factor."""
    factor = factor_of(user)
    return factor is not None and factor.confirmed_at is not None


def secret_of(factor: TotpFactor) -> str:
    """The base32 secret, opened."""
    return crypto.decrypt(factor.secret_ct) or ""


def new_secret() -> str:
    """A fresh base32 secret for an authenticator being enrolled."""
    return pyotp.random_base32()


def sealed(secret: str) -> str:
    """The secret sealed for the session while it is being enrolled (never kept in clear)."""
    return base64.b64encode(crypto.encrypt(secret) or b"").decode()


def unsealed(value: str | None) -> str | None:
    """A secret sealed by sealed(), or None when there is none or it does not open."""
    if not value:
        return None
    try:
        return crypto.decrypt(base64.b64decode(value))
    except (ValueError, InvalidTag):
        return None


def provisioning_uri(user: User, secret: str) -> str:
    """The otpauth:// address an authenticator app reads from the QR code."""
    return pyotp.TOTP(secret).provisioning_uri(name=user.email, issuer_name=ISSUER)


def qr_svg(uri: str) -> str:
    """The QR code of `uri` as inline SVG (drawn here: no script, no third-party service)."""
    import segno  # drawn when a user sets up a second factor: not loaded at every start

    return segno.make(uri, error="m").svg_inline(scale=5, dark="#000", light="#fff")


def _normalized(code: str) -> str:
    return "".join(ch for ch in (code or "") if ch.isalnum()).lower()


def matching_step(secret: str, code: str, after: int = 0) -> int | None:
    """The time step (later than `after`) whose TOTP code is `code`, or None."""
    digits = _normalized(code)
    if len(digits) != 6 or not digits.isdigit():
        return None
    totp = pyotp.TOTP(secret)
    current = int(time.time() // STEP_SECONDS)
    for step in range(current - VALID_WINDOW, current + VALID_WINDOW + 1):
        if step > after and secrets.compare_digest(totp.at(step * STEP_SECONDS), digits):
            return step
    return None


def _accept_totp(factor: TotpFactor, code: str) -> bool:
    """Whether `code` is a TOTP code of a step not yet used; on success that step becomes the last used."""
    step = matching_step(secret_of(factor), code, after=factor.last_step)
    if step is None:
        return False
    # Compare-and-set: two requests with the same code cannot both pass.
    moved = db.session.execute(
        sa.update(TotpFactor)
        .where(TotpFactor.user_id == factor.user_id, TotpFactor.last_step < step)
        .values(last_step=step)
        .execution_options(synchronize_session=False)
    )
    db.session.expire(factor)
    return bool(getattr(moved, "rowcount", 0) == 1)


def _spend_recovery_code(user: User, code: str) -> bool:
    """Whether `code` is an unused recovery code of the user; it is used up at once."""
    typed = _normalized(code)
    if len(typed) != RECOVERY_LENGTH:
        return False
    unused = db.session.scalars(
        sa.select(RecoveryCode).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    ).all()
    row = next((r for r in unused if verify_password(r.code_hash, typed)), None)
    if row is None:
        return False
    # Compare-and-set, so that two requests racing with one code cannot both spend it.
    spent = db.session.execute(
        sa.update(RecoveryCode)
        .where(RecoveryCode.id == row.id, RecoveryCode.used_at.is_(None))
        .values(used_at=utcnow())
        .execution_options(synchronize_session=False)
    )
    db.session.expire(row)
    return bool(getattr(spent, "rowcount", 0) == 1)


def verify_second_factor(user: User, code: str) -> bool:
    """Whether `code` is a current TOTP code (not used before) or an unused recovery code of an enrolled
    user; a recovery code is spent by this call. Audited either way."""
    factor = factor_of(user)
    if factor is None or factor.confirmed_at is None or not code:
        return False
    if _accept_totp(factor, code):
        audit.record(user, "mfa.verified", user, detail="authenticator")
        return True
    if _spend_recovery_code(user, code):
        audit.record(user, "mfa.verified", user, detail="recovery code")
        return True
    audit.record(user, "mfa.failed", user)
    return False


def new_recovery_codes(user: User) -> list[str]:
    """Replace the user's recovery codes with ten new ones, returned once in clear (stored hashed)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    codes = [secrets.token_hex(RECOVERY_LENGTH // 2) for _ in range(RECOVERY_CODES)]
    # 40 random bits each: short enough to type, so kept as salted Argon2id hashes like passwords.
    db.session.add_all(RecoveryCode(user_id=user.id, code_hash=hash_password(c)) for c in codes)
    db.session.flush()
    return [_formatted(c) for c in codes]


def _formatted(code: str) -> str:
    return f"{code[:5]}-{code[5:]}"


def unused_recovery_codes(user: User) -> int:
    """How many recovery codes the user has left."""
    count = db.session.scalar(
        sa.select(sa.func.count()).where(RecoveryCode.user_id == user.id, RecoveryCode.used_at.is_(None))
    )
    return count or 0


def confirm_enrolment(user: User, secret: str, code: str, keep_token: str | None = None) -> list[str] | None:
    """Turn the factor on when `code` matches the secret being enrolled; the new recovery codes, or None.
    The user's other sessions (all but `keep_token`'s) end: a session begun without the factor is over."""
    step = matching_step(secret, code)
    if step is None or factor_of(user) is not None:
        return None
    db.session.add(
        TotpFactor(user_id=user.id, secret_ct=crypto.encrypt(secret), confirmed_at=utcnow(), last_step=step)
    )
    db.session.flush()
    codes = new_recovery_codes(user)
    audit.record(user, "mfa.enabled", user)
    notices.second_factor_added(user)
    end_sessions_of(user.id, keep_token)
    return codes


def remove_factor(actor: User, user: User, keep_token: str | None = None) -> None:
    """Turn the second factor off (the user, or an admin resetting it); the user is told by e-mail, and every
    session of the user ends but `keep_token`'s (the user's own, when they turn it off themselves)."""
    db.session.execute(sa.delete(RecoveryCode).where(RecoveryCode.user_id == user.id))
    db.session.execute(sa.delete(TotpFactor).where(TotpFactor.user_id == user.id))
    db.session.flush()
    audit.record(actor, "mfa.disabled" if actor.id == user.id else "mfa.reset", user)
    notices.second_factor_removed(user, by_admin=actor.id != user.id)
    end_sessions_of(user.id, keep_token if actor.id == user.id else None)


_REQUIRED_ROLES = {
    MfaRequirement.NOBODY: frozenset(),
    MfaRequirement.ADMINS: frozenset({Role.ADMIN}),
    MfaRequirement.STAFF: frozenset({Role.ADMIN, Role.STAFF}),
    MfaRequirement.ATTORNEYS: frozenset({Role.ADMIN, Role.STAFF, Role.ATTORNEY}),
    MfaRequirement.EVERYONE: frozenset(Role),
}


def required_for(user: User) -> bool:
    """Whether the user's organization requires them to use a second factor."""
    return user.role in _REQUIRED_ROLES[user.organization.mfa_required_for]


def grace_over(user: User) -> bool:
    """Whether the organization's grace period for enrolling has ended."""
    org = user.organization
    if org.mfa_required_since is None:
        return False
    elapsed = utcnow() - org.mfa_required_since
    return elapsed.total_seconds() >= org.mfa_grace_days * 86400


def check_proof(user: User, proof: str) -> bool:
    """Whether `proof` is the user's password or a valid second-factor code; a failure counts against the
    account like a failed sign-in, and an account that must wait is refused without checking."""
    if throttling.refusal(user.email, user):
        return False
    if verify_password(user.password_hash, proof) or verify_second_factor(user, proof):
        return True
    throttling.record_failure(user.email, user)
    return False


def audit_new_codes(user: User) -> None:
    """New recovery codes are audited (never the codes)."""
    audit.record(user, "mfa.recovery_codes_replaced", user)

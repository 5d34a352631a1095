"""Fresh proof of identity for dangerous acts: exports, packets, password and second-factor changes, ending
sessions, changes to users. `@fresh_proof_required` sends a user whose last proof (sign-in or confirmation)
is older than REAUTH_AFTER to `/account/confirm`, then back: a GET is simply asked again, a POST is offered
again with what was posted (secrets excepted, which are never kept), so that nothing typed is lost.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import wraps
from urllib.parse import urlsplit

from flask import current_app, flash, redirect, request, session, url_for
from flask_login import current_user
from wtforms import PasswordField, StringField
from wtforms.validators import DataRequired, Length, Optional

from casework import audit
from casework.accounts import throttling
from casework.accounts.mfa import is_enrolled, verify_second_factor
from casework.accounts.passwords import verify_password
from casework.forms import BaseForm
from casework.i18n import gettext
from casework.models import User
from casework.models.base import utcnow
from casework.sessions import ServerSession, duration
from casework.web import is_safe_next

PENDING_KEY = "_pending_post"
# Fields never kept in the session while the user confirms: they are typed again.
SECRET_MARKERS = ("password", "code", "secret", "token")
MAX_KEPT_FIELDS = 300
MAX_KEPT_CHARS = 20_000


class ConfirmIdentityForm(BaseForm):
    """The password again, and a current code when the user has a second factor."""

    password = PasswordField(
        "Password",
        validators=[DataRequired("Type your password.")],
        render_kw={"autocomplete": "current-password", "autofocus": True},
    )
    code = StringField(
        "Code from your authenticator app (or a recovery code)",
        validators=[Optional(), Length(max=64)],
        render_kw={"autocomplete": "one-time-code", "inputmode": "numeric"},
    )


def proof_is_fresh() -> bool:
    """Whether this session's user proved who they are within REAUTH_AFTER."""
    proved = getattr(session, "proved_at", None)
    return proved is not None and utcnow() - proved < duration(current_app.config["REAUTH_AFTER"])


def fresh_proof_required(view):
    """Decorator: the view runs only with a recent proof of identity, else the user is asked for one."""

    @wraps(view)
    def checked(*args, **kwargs):
        if not current_user.is_authenticated:
            return current_app.login_manager.unauthorized()
        if proof_is_fresh():
            return view(*args, **kwargs)
        return ask_for_proof()

    return checked


def _this_request_path() -> str:
    return request.full_path if request.query_string else request.path


def _same_site_referrer() -> str | None:
    """The page the form was posted from, when it is on this site."""
    parts = urlsplit(request.referrer or "")
    if parts.netloc != request.host:  # a comparison, never a link: links-from-host: not built
        return None
    target = parts.path + (f"?{parts.query}" if parts.query else "")
    return target if is_safe_next(target) else None


def ask_for_proof():
    """Redirect to the confirmation page; a POST's fields (secrets excepted) wait in the session."""
    target = _this_request_path()
    if request.method == "POST":
        fields = [(k, v) for k, v in request.form.items(multi=True) if k != "csrf_token"]
        kept = [(k, v) for k, v in fields if not any(m in k.lower() for m in SECRET_MARKERS)]
        size = sum(len(k) + len(v) for k, v in kept)
        if len(kept) == len(fields) and len(kept) <= MAX_KEPT_FIELDS and size <= MAX_KEPT_CHARS:
            session[PENDING_KEY] = {"path": target, "fields": kept}
        else:
            # Secrets are never stored: the user goes back to the form to type them again after confirming.
            session.pop(PENDING_KEY, None)
            target = _same_site_referrer() or url_for("core.home")
            flash(
                gettext("Confirm it is you, then fill in the form again: passwords are not kept meanwhile."),
                "info",
            )
    return redirect(url_for("sessions.confirm", next=target))


@dataclass(frozen=True)
class PendingPost:
    """A form posted while the proof was stale, to be offered again once it is fresh."""

    path: str
    fields: list[tuple[str, str]]


def take_pending_post(target: str) -> PendingPost | None:
    """The fields posted to `target` before the confirmation, removed from the session; None if none."""
    pending = session.pop(PENDING_KEY, None)
    if not isinstance(pending, dict) or pending.get("path") != target or not is_safe_next(target):
        return None
    return PendingPost(target, [(str(k), str(v)) for k, v in pending.get("fields", [])])


def second_factor_enrolled(user: User) -> bool:
    """Whether the confirmation asks for a code as well as the password."""
    return is_enrolled(user)


def confirm_identity(user: User, password: str, code: str | None) -> bool:
    """Check the password (and code, when enrolled); on success the session's proof is fresh again.

    Both outcomes are audited (never what was typed); failures count against the account like failed
    sign-ins, and an account that must wait is refused without checking."""
    if throttling.refusal(user.email, user):
        return False
    ok = verify_password(user.password_hash, password)
    if ok and second_factor_enrolled(user):
        ok = bool(code) and verify_second_factor(user, code or "")
    if not ok:
        audit.record(user, "identity.confirm_failed", user)
        throttling.record_failure(user.email, user)
        return False
    audit.record(user, "identity.confirmed", user)
    if isinstance(session, ServerSession):
        session.mark_proved()
    return True

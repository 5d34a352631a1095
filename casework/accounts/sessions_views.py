"""The user's own sessions (see and end them) and the confirmation of identity that dangerous acts ask for.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casework import editing
from casework.accounts import reauth, session_control
from casework.accounts.session_control import active_sessions_of
from casework.extensions import limiter
from casework.forms import ConfirmForm
from casework.i18n import gettext
from casework.sessions import current_token
from casework.web import is_safe_next

bp = Blueprint("sessions", __name__, url_prefix="/account")


def _confirm_limit_key() -> str:
    """Confirmation attempts count per account too, wherever they come from."""
    return f"confirm-identity:{current_user.get_id()}"


@bp.get("/sessions")
@login_required
def index():
    """The user's active sessions, this one marked, each with a button to end it."""
    return render_template(
        "accounts/sessions.html", sessions=active_sessions_of(current_user.id), form=ConfirmForm()
    )


@bp.post("/sessions/<string(length=64):token_hash>/end")
@login_required
@reauth.fresh_proof_required
def end(token_hash: str):
    """End another of the user's sessions: its cookie, replayed, leads to the sign-in page."""
    editing.require_confirmation()
    if editing.attempt(lambda: session_control.end_own_session(current_user, token_hash)):
        flash(gettext("That session was ended."), "success")
    return redirect(url_for("sessions.index"))


@bp.route("/sessions/end-others", methods=["GET", "POST"])
@login_required
@reauth.fresh_proof_required
def end_others():
    """End every session of the user but this one, after a confirmation."""
    return editing.confirm_view(
        template="accounts/sessions.html",
        context={"sessions": active_sessions_of(current_user.id), "confirm_all": True},
        act=lambda: session_control.end_other_sessions(current_user, current_token()),
        done_url=url_for("sessions.index"),
        message="Your other sessions were ended.",
    )


@bp.route("/confirm", methods=["GET", "POST"])
@login_required
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], key_func=_confirm_limit_key, methods=["POST"])
def confirm():
    """Type the password (and code) again before a dangerous act; then back to it (`next`: this site only)."""
    next_url = request.args.get("next")
    target = next_url if is_safe_next(next_url) else url_for("core.home")
    form = reauth.ConfirmIdentityForm()
    enrolled = reauth.second_factor_enrolled(current_user)
    if form.validate_on_submit():
        if reauth.confirm_identity(current_user, form.password.data, form.code.data):
            pending = reauth.take_pending_post(target)
            if pending is None:
                return redirect(target)
            return render_template("accounts/confirm.html", pending=pending, resume=ConfirmForm())
        form.password.errors.append(
            gettext("That password and code do not match: type both again.")
            if enrolled
            else gettext("That is not your password.")
        )
    return render_template("accounts/confirm.html", form=form, enrolled=enrolled, target=target, pending=None)

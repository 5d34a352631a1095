"""Sign in, sign out, own password. The request's unit of work commits once when a view returns."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    after_this_request,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required, login_user, logout_user

from casework import editing
from casework.accounts import operations
from casework.accounts.forms import ChangePasswordForm, LoginForm
from casework.accounts.reauth import fresh_proof_required
from casework.errors import OperationError
from casework.extensions import limiter
from casework.sessions import prune_expired_sessions
from casework.web import is_safe_next

bp = Blueprint("accounts", __name__)


def _prune_sessions(response: Response) -> Response:
    """Delete expired sessions once the sign-in is committed (their own transaction must not wait on it)."""
    prune_expired_sessions()
    return response


@bp.route("/login", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["LOGIN_RATE_LIMIT"], methods=["POST"])
def login():
    """The sign-in form; `next` is honoured only for paths on this site."""
    next_url = request.args.get("next")
    if current_user.is_authenticated:
        return redirect(next_url if is_safe_next(next_url) else url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        user = operations.authenticate(form.email.data, form.password.data)
        if user is None:
            # The failed attempt stays on the audit trail: the request commits it.
            form.password.errors.append("That e-mail and password do not match an active account.")
        else:
            session.regenerate()
            login_user(user)
            after_this_request(_prune_sessions)
            return redirect(next_url if is_safe_next(next_url) else url_for("core.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """End the session on the server; the old cookie is worthless afterwards."""
    if current_user.is_authenticated:
        operations.record_logout(current_user)
    logout_user()
    session.destroy()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


def _password_refused(form: ChangePasswordForm, exc: OperationError) -> None:
    field = form.current_password if isinstance(exc, operations.WrongPassword) else form.new_password
    field.errors.append(str(exc))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
@fresh_proof_required
def change_password():
    """Every user changes their own password (other sessions are signed out)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        changed = editing.submit(
            form,
            lambda: operations.change_own_password(
                current_user, form.current_password.data, form.new_password.data, keep_session=session.token
            ),
            on_refused=_password_refused,
        )
        if changed:
            flash("Your password is changed. Other sessions were signed out.", "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/password.html", form=form)

"""Sign in (password, then a code when enrolled), sign out, own password.

The request's unit of work commits once when a view returns: a failed attempt stays on the audit trail and
in the account's failure count.
"""

from __future__ import annotations

from typing import cast

from flask import (
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
from casework.accounts import mfa, operations, signin, throttling
from casework.accounts.forms import ChangePasswordForm, CodeForm, LoginForm
from casework.accounts.queries import user_by_email
from casework.accounts.reauth import fresh_proof_required
from casework.accounts.views.common import bp
from casework.errors import OperationError
from casework.extensions import limiter
from casework.i18n import gettext
from casework.models import User
from casework.sessions import ServerSession, prune_expired_sessions
from casework.web import is_safe_next

NO_MATCH = "That e-mail and password do not match an active account."
WRONG_CODE = (
    "That code is not right, or was used already. Type the code your app shows now, or a recovery code."
)


def _prune_sessions(response: Response) -> Response:
    """Delete expired sessions once the sign-in is committed (their own transaction must not wait on it)."""
    prune_expired_sessions()
    return response


def _sign_in_limit() -> str:
    return current_app.config["LOGIN_RATE_LIMIT"]


def _complete(user: User, next_url: str | None):
    """Sign the user in on a fresh session token and go where they were going (or to enrolment)."""
    signin.completed(user, request.remote_addr)
    cast(ServerSession, session).regenerate()  # the app's session interface opens only these
    login_user(user)
    after_this_request(_prune_sessions)
    if signin.must_enrol(user):
        flash(gettext("Your organization requires a second factor: set it up now."), "info")
    return redirect(signin.landing(user, next_url))


def _password_step(form: LoginForm, next_url: str | None):
    """Check the password unless the account must wait; the response, or None to show the form again."""
    refused = throttling.refusal(form.email.data, user_by_email(form.email.data))
    if refused:
        form.password.errors.append(refused)
        return None
    user = operations.authenticate(form.email.data, form.password.data)
    if user is None:
        form.password.errors.append(NO_MATCH)
        return None
    if mfa.is_enrolled(user):
        signin.begin_code_step(user, next_url)
        return redirect(url_for("accounts.login_code"))
    return _complete(user, next_url)


# One limit shared by the password and the code steps: a code guess costs what a password guess costs.
_shared_sign_in_limit = limiter.shared_limit(_sign_in_limit, scope="sign-in", methods=["POST"])


@bp.route("/login", methods=["GET", "POST"])
@_shared_sign_in_limit
def login():
    """The sign-in form; `next` is honoured only for paths on this site."""
    next_url = request.args.get("next")
    next_url = next_url if is_safe_next(next_url) else None
    if current_user.is_authenticated:
        return redirect(next_url or url_for("core.home"))
    form = LoginForm()
    if form.validate_on_submit():
        answer = _password_step(form, next_url)
        if answer is not None:
            return answer
    return render_template("accounts/login.html", form=form)


@bp.route("/login/code", methods=["GET", "POST"])
@_shared_sign_in_limit
def login_code():
    """The second step for an enrolled user: a code from the app or a recovery code completes sign-in."""
    user = signin.pending_user()
    if user is None:
        flash(gettext("Sign in again: the step asking for a code has expired."), "info")
        return redirect(url_for("accounts.login"))
    form = CodeForm()
    if form.validate_on_submit():
        refused = throttling.refusal(user.email, user)
        if refused:
            form.code.errors.append(refused)
        elif mfa.verify_second_factor(user, form.code.data):
            return _complete(user, signin.pending_next())
        else:
            throttling.record_failure(user.email, user)
            form.code.errors.append(WRONG_CODE)
    return render_template("accounts/code.html", form=form)


@bp.post("/logout")
def logout():
    """End the session on the server; the old cookie is worthless afterwards."""
    if current_user.is_authenticated:
        operations.record_logout(current_user)
    logout_user()
    session.destroy()
    flash(gettext("You are signed out."), "info")
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
            flash(gettext("Your password is changed. Other sessions were signed out."), "success")
            return redirect(url_for("core.home"))
    return render_template("accounts/password.html", form=form)

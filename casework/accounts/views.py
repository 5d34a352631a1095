"""Sign in, sign out, own password."""

from flask import Blueprint, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required, login_user, logout_user

from casework import audit
from casework.accounts import operations
from casework.accounts.forms import ChangePasswordForm, LoginForm
from casework.accounts.passwords import verify_password
from casework.extensions import db, limiter
from casework.sessions import prune_expired_sessions
from casework.web import is_safe_next

bp = Blueprint("accounts", __name__)


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
            db.session.commit()  # the failed attempt stays on the audit trail
            form.password.errors.append("That e-mail and password do not match an active account.")
        else:
            session.regenerate()
            login_user(user)
            db.session.commit()
            prune_expired_sessions()
            return redirect(next_url if is_safe_next(next_url) else url_for("core.home"))
    return render_template("accounts/login.html", form=form)


@bp.post("/logout")
def logout():
    """End the session on the server; the old cookie is worthless afterwards."""
    if current_user.is_authenticated:
        audit.record(current_user, "logout", current_user)
        db.session.commit()
    logout_user()
    session.destroy()
    flash("You are signed out.", "info")
    return redirect(url_for("accounts.login"))


@bp.route("/account/password", methods=["GET", "POST"])
@login_required
def change_password():
    """Every user changes their own password (other sessions are signed out)."""
    form = ChangePasswordForm()
    if form.validate_on_submit():
        if not verify_password(current_user.password_hash, form.current_password.data):
            form.current_password.errors.append("That is not your current password.")
        else:
            try:
                operations.set_password(
                    current_user, current_user, form.new_password.data, keep_session=session.token
                )
            except operations.PasswordRejected as exc:
                form.new_password.errors.append(str(exc))
            else:
                db.session.commit()
                flash("Your password is changed. Other sessions were signed out.", "success")
                return redirect(url_for("core.home"))
    return render_template("accounts/password.html", form=form)

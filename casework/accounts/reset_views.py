"""Forgotten password: ask for a link by e-mail, then choose a new password through it (casework.accounts.reset).
The request's unit of work commits once when a view returns."""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, url_for
from wtforms import EmailField, PasswordField
from wtforms.validators import DataRequired, EqualTo, Length

from casework import editing
from casework.accounts import reset
from casework.errors import OperationError
from casework.extensions import limiter
from casework.forms import BaseForm
from casework.i18n import gettext

bp = Blueprint("account_reset", __name__)

SENT = (
    "If an active account signs in with that address, a link to choose a new password is on its way. "
    "It works once, for {minutes} minutes."
)


class ResetRequestForm(BaseForm):
    """The e-mail address to send a reset link to."""

    email = EmailField(
        "E-mail",
        validators=[DataRequired("Type the e-mail address you sign in with."), Length(max=254)],
        render_kw={"autocomplete": "username", "autofocus": True},
    )


class ChoosePasswordForm(BaseForm):
    """A new password, twice."""

    new_password = PasswordField(
        "New password",
        validators=[DataRequired("Type a new password."), Length(max=256)],
        description="At least 12 characters. A few unrelated words are easy to remember and hard to guess.",
        render_kw={"autocomplete": "new-password", "autofocus": True},
    )
    confirm = PasswordField(
        "New password, again",
        validators=[EqualTo("new_password", "Type the same new password twice.")],
        render_kw={"autocomplete": "new-password"},
    )


@bp.route("/account/reset", methods=["GET", "POST"])
@limiter.limit(lambda: current_app.config["PASSWORD_RESET_RATE_LIMIT"], methods=["POST"])
def request_reset():
    """Ask for a reset link: the same answer whether the address has an account or not."""
    form = ResetRequestForm()
    if form.validate_on_submit():
        reset.request_reset(form.email.data)
        flash(SENT.format(minutes=current_app.config["PASSWORD_RESET_MINUTES"]), "info")
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_request.html", form=form)


def _refused(form: BaseForm, exc: OperationError) -> None:
    form.new_password.errors.append(str(exc))


@bp.route("/account/reset/<token>", methods=["GET", "POST"])
def choose_password(token: str):
    """Choose a new password through an e-mailed link (once; every session is then signed out)."""
    if reset.user_for_token(token) is None:
        return render_template("accounts/reset_expired.html"), 410
    form = ChoosePasswordForm()
    if form.validate_on_submit() and editing.submit(
        form, lambda: reset.complete_reset(token, form.new_password.data), on_refused=_refused
    ):
        flash(
            gettext("Your password is changed and every session was signed out. Sign in with it."), "success"
        )
        return redirect(url_for("accounts.login"))
    return render_template("accounts/reset_choose.html", form=form)

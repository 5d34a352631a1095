"""The user's own second factor at /account/mfa: set up, turn off, replace the recovery codes.

The secret being set up waits in the session, sealed, until the first code proves the app holds it; only
then is anything written. Recovery codes are shown once, on the page that creates them.
"""

from __future__ import annotations

from flask import flash, make_response, redirect, render_template, session, url_for
from flask_login import current_user, login_required

from casework.accounts import mfa, signin
from casework.accounts.forms import EnableSecondFactorForm, ProofForm
from casework.accounts.reauth import fresh_proof_required
from casework.accounts.views.common import bp
from casework.i18n import N_, gettext
from casework.sessions import current_token

WRONG_FIRST_CODE = N_("That code does not match: check the phone's time and type the code the app shows now.")


def _secret_being_enrolled() -> str:
    """The secret offered on the set-up page (a new one the first time, then the same one)."""
    secret = mfa.unsealed(session.get(signin.ENROLLING))
    if secret is None:
        secret = mfa.new_secret()
        session[signin.ENROLLING] = mfa.sealed(secret)
    return secret


def _setup_page(form: EnableSecondFactorForm):
    secret = _secret_being_enrolled()
    uri = mfa.provisioning_uri(current_user, secret)
    return render_template(
        "accounts/mfa_setup.html", form=form, secret=secret, qr_svg=mfa.qr_svg(uri), uri=uri
    )


def _codes_page(codes: list[str], heading: str):
    """The recovery codes, shown this once and never cached."""
    response = make_response(render_template("accounts/mfa_codes.html", codes=codes, heading=heading))
    response.headers["Cache-Control"] = "no-store"
    return response


@bp.get("/account/mfa")
@login_required
@fresh_proof_required
def second_factor():
    """Set up an authenticator app, or (when set up) turn it off or replace the recovery codes."""
    if not mfa.is_enrolled(current_user):
        return _setup_page(EnableSecondFactorForm())
    return render_template(
        "accounts/mfa.html",
        codes_form=ProofForm(prefix="codes"),
        off_form=ProofForm(prefix="off"),
        codes_left=mfa.unused_recovery_codes(current_user),
        required=mfa.required_for(current_user),
    )


@bp.post("/account/mfa")
@login_required
@fresh_proof_required
def enable_second_factor():
    """The first code from the app turns the second factor on; the recovery codes are shown once."""
    if mfa.is_enrolled(current_user):
        return redirect(url_for("accounts.second_factor"))
    form = EnableSecondFactorForm()
    if form.validate_on_submit():
        secret = mfa.unsealed(session.get(signin.ENROLLING))
        codes = (
            mfa.confirm_enrolment(current_user, secret, form.code.data, current_token()) if secret else None
        )
        if codes is not None:
            session.pop(signin.ENROLLING, None)
            flash(
                gettext("Your second factor is on. Keep the recovery codes below somewhere safe."), "success"
            )
            return _codes_page(codes, "Second factor turned on")
        form.code.errors.append(gettext(WRONG_FIRST_CODE))
    return _setup_page(form)


def _proven(prefix: str) -> bool:
    """Whether the proof form holds the user's password or a current code (counted like a sign-in)."""
    form = ProofForm(prefix=prefix)
    if not form.validate_on_submit():
        flash(gettext("Nothing changed: type your password or a current code."), "error")
        return False
    if mfa.check_proof(current_user, form.proof.data):
        return True
    flash(gettext("Nothing changed. That is neither your password nor a current code."), "error")
    return False


@bp.post("/account/mfa/disable")
@login_required
def disable_second_factor():
    """Turn the second factor off (the password or a current code first); the user is told by e-mail."""
    if mfa.is_enrolled(current_user) and _proven("off"):
        mfa.remove_factor(current_user, current_user, current_token())
        flash(gettext("Your second factor is off. Signing in now needs your password alone."), "success")
    return redirect(url_for("accounts.second_factor"))


@bp.post("/account/mfa/recovery-codes")
@login_required
def regenerate_recovery_codes():
    """Replace every recovery code with ten new ones (the password or a current code first)."""
    if not (mfa.is_enrolled(current_user) and _proven("codes")):
        return redirect(url_for("accounts.second_factor"))
    codes = mfa.new_recovery_codes(current_user)
    mfa.audit_new_codes(current_user)
    return _codes_page(codes, "New recovery codes")

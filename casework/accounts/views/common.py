"""The accounts blueprint, and the rule that keeps a user who must enrol on the enrolment page."""

from __future__ import annotations

from flask import Blueprint, flash, redirect, request, url_for
from flask_login import current_user

from casework.access import resolved
from casework.accounts import signin
from casework.i18n import PUBLIC_BLUEPRINT, gettext

bp = Blueprint("accounts", __name__)

# What a user locked to enrolment may still reach.
ENROLMENT_ENDPOINTS = frozenset(
    {
        "accounts.second_factor",
        "accounts.enable_second_factor",
        "accounts.logout",
        "sessions.confirm",
        "static",
    }
)


@bp.before_app_request
def _second_factor_required():
    """After the grace period, a user the organization requires a second factor of can only enrol."""
    if request.blueprint == PUBLIC_BLUEPRINT:
        return None  # open to anyone: no need to load who is signed in (which reads their session's row)
    user = resolved(current_user)
    if not user.is_authenticated or request.endpoint in ENROLMENT_ENDPOINTS:
        return None
    if request.endpoint is None or request.endpoint.endswith(".static"):
        return None
    if signin.locked_to_enrolment(user):
        flash(
            gettext("Your organization requires a second factor: set it up to go on using Casework."), "error"
        )
        return redirect(url_for("accounts.second_factor"))
    return None

"""Relief applications on a case, their steps (the volunteer's log), and the admins' relief templates.

One blueprint, "relief"; its routes live in `applications`, `facts` (counsel, the prosecutor's position,
records of support), `steps` and `templates`, the page and choices they share in `pages` and `choices`. Every
view loads through access, validates, calls an operation and returns; the request's unit of work commits once.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

from casework import access
from casework.models import Role
from casework.relief.forms import JURISDICTION_NAMES

bp = Blueprint("relief", __name__)

CASE = "/people/<int:person_id>/relief"
APPLICATION = CASE + "/<int:application_id>"
STEP = APPLICATION + "/steps/<int:step_id>"
TEMPLATES = "/admin/relief-templates"
TEMPLATE = TEMPLATES + "/<int:template_id>"

admins_only = access.role_required(Role.ADMIN)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


@bp.app_template_filter("jurisdiction_name")
def jurisdiction_name(code: str | None) -> str:
    """'MA' -> 'Massachusetts'; 'federal' -> 'Federal'."""
    return JURISDICTION_NAMES.get(code or "", code or "—")


from casework.relief.views import applications, facts, steps, templates  # noqa: E402,F401  (routes on bp)

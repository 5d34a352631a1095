"""The legal record of a case: convictions, removal case, custody timeline, check-ins, travel documents.

Every view loads through `access` (404 for what the user cannot see, 403 for what they may not change),
validates a form and calls one operation; the request's unit of work commits once, and the view returns
to the case page.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

bp = Blueprint("record", __name__, url_prefix="/people")


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


# The pages, by part of the record: each module adds its routes to `bp`.
from casework.record.views import checkins, convictions, custody, removal, travel  # noqa: E402,F401

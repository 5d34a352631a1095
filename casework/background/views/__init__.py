"""The person's background pages: related people, places lived, incarceration, rehabilitation.

Every view loads through `access` (404 for what the user cannot
see, 403 for what they may not change), validates a form and calls one operation; the request's unit of work
commits once, and the view returns to the case page.
"""

from __future__ import annotations

from flask import Blueprint
from flask_login import login_required

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("background", __name__, url_prefix="/people/<int:person_id>")


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


# The pages, by subject: each module adds its routes to `bp`.
from casework.background.views import incarceration, places, rehabilitation, relations  # noqa: E402,F401

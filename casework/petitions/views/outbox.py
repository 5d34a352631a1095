"""The outbox of outgoing e-mail, readable by the organization's admins in development and tests."""

from __future__ import annotations

from flask import abort, render_template
from flask_login import current_user

from casework import access
from casework.models import Role
from casework.petitions import mail, queries
from casework.petitions.views import bp


@bp.get("/admin/outbox")
@access.role_required(Role.ADMIN)
def outbox():
    """The organization's outgoing e-mail, readable by admins in development and tests (OUTBOX_VISIBLE)."""
    if not mail.outbox_visible():
        abort(404)
    return render_template("petitions/outbox.html", emails=queries.latest_outbox(current_user))


@bp.app_context_processor
def _outbox_link() -> dict:
    """`outbox_visible()` for the admin navigation, which links the outbox only where it exists."""
    return {"outbox_visible": mail.outbox_visible}

"""Changes to the organization's settings. Operations flush; the request's unit of work commits."""

from __future__ import annotations

from casework import audit
from casework.extensions import db
from casework.models import Organization, User
from casework.models.base import apply_changes


def update_settings(actor: User, org: Organization, data: dict) -> list[str]:
    """Apply organization-wide settings; audit the names of those that changed."""
    changed = apply_changes(org, data)
    if changed:
        audit.record(actor, "organization.updated", org, fields=changed)
        db.session.flush()
    return changed

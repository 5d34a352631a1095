"""Changes to the organization's settings. Operations flush; the request's unit of work commits."""

from __future__ import annotations

from casework.editing import versioned_update
from casework.models import MfaRequirement, Organization, User
from casework.models.base import utcnow


def update_settings(actor: User, org: Organization, data: dict, expected_version: int | None) -> list[str]:
    """Apply organization-wide settings edited from `expected_version`; audit the names of those that changed.
    A save made from an older version is refused (EditConflict): another admin saved in the meantime."""
    if data.get("mfa_required_for") is not None and data["mfa_required_for"] != org.mfa_required_for:
        # The grace period for enrolling counts from the moment the requirement changes.
        requirement = data["mfa_required_for"]
        data = dict(data, mfa_required_since=None if requirement == MfaRequirement.NOBODY else utcnow())
    return versioned_update(actor, org, data, expected_version, action="organization.updated")

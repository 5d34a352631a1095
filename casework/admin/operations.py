"""Changes to the organization's settings. Operations flush; the request's unit of work commits."""

from __future__ import annotations

from casework.editing import versioned_update
from casework.models import Organization, User


def update_settings(actor: User, org: Organization, data: dict, expected_version: int | None) -> list[str]:
    """Apply organization-wide settings edited from `expected_version`; audit the names of those that changed.
    A save made from an older version is refused (EditConflict): another admin saved in the meantime."""
    return versioned_update(actor, org, data, expected_version, action="organization.updated")

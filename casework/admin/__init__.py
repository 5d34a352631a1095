"""Administration of an organization: users, settings, the audit trail, deleted cases."""

from casework.features import Feature

FEATURE = Feature(
    name="admin",
    blueprints=("casework.admin.views:bp",),
)

"""Sign-in, sign-out, passwords and the user's own account."""

from casework.features import Feature

FEATURE = Feature(
    name="accounts",
    blueprints=(
        "casework.accounts.views:bp",
        "casework.accounts.reset_views:bp",
        "casework.accounts.sessions_views:bp",
    ),
)

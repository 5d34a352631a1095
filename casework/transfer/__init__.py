"""Case export and import between organizations, and the people CSV."""

from casework.features import Feature

FEATURE = Feature(
    name="transfer",
    blueprints=("casework.transfer.views:bp",),
    stylesheet="transfer.css",
)

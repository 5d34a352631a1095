"""PDF case summaries and packets, by audience."""

from casework.features import Feature

FEATURE = Feature(
    name="packets",
    blueprints=("casework.packets.views:bp",),
)

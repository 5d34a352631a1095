"""What is due across cases, the dashboard and the private calendar feed."""

from casework.features import Feature

FEATURE = Feature(
    name="deadlines",
    blueprints=("casework.deadlines.views:bp",),
    stylesheet="deadlines.css",
)

"""Tasks on a case."""

from casework.features import Feature

FEATURE = Feature(
    name="tasks",
    blueprints=("casework.tasks.views:bp",),
    sections=("casework.tasks.sections:SECTION",),
    stylesheet="tasks.css",
)

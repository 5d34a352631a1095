"""Notes on a case, privileged or not."""

from casework.features import Feature

FEATURE = Feature(
    name="notes",
    blueprints=("casework.notes.views:bp",),
    sections=("casework.notes.sections:SECTION",),
    stylesheet="notes.css",
)

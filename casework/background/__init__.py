"""The person's background: related people, places lived, incarceration and rehabilitation."""

from casework.features import Feature

FEATURE = Feature(
    name="background",
    blueprints=("casework.background.views:bp",),
    sections=(
        "casework.background.sections:RELATIONS",
        "casework.background.sections:RESIDENCES",
        "casework.background.sections:INCARCERATION",
        "casework.background.sections:REHABILITATION",
    ),
    stylesheet="background.css",
)

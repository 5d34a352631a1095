"""The advocacy log: an organization's statements, raids, flights, agreements, press, legislation, actions."""

from casework.features import Feature

FEATURE = Feature(
    name="advocacy",
    blueprints=("casework.advocacy.views:bp",),
    sections=("casework.advocacy.sections:SECTION",),
    stylesheet="advocacy.css",
)

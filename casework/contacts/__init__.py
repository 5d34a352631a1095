"""The organization's contacts directory and the roles contacts play on a case."""

from casework.features import Feature

FEATURE = Feature(
    name="contacts",
    blueprints=("casework.contacts.views:bp",),
    sections=("casework.contacts.sections:SECTION",),
    stylesheet="contacts.css",
)

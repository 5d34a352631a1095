"""Petitions: tracked on outside platforms or hosted here, with their public pages."""

from casework.features import Feature

FEATURE = Feature(
    name="petitions",
    blueprints=("casework.petitions.views:bp", "casework.petitions.public:bp"),
    sections=("casework.petitions.sections:SECTION",),
    stylesheet="petitions.css",
)

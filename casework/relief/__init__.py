"""Pardon, vacatur, commutation and other relief applications, their steps, and relief templates."""

from casework.features import Feature

FEATURE = Feature(
    name="relief",
    blueprints=("casework.relief.views:bp",),
    sections=("casework.relief.sections:SECTION",),
    stylesheet="relief.css",
)

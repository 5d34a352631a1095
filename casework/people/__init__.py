"""The impacted person: the people list, search, the case page, its team and its shares."""

from casework.features import Feature

FEATURE = Feature(
    name="people",
    blueprints=("casework.people.views:bp",),
    sections=("casework.people.sections:PERSON", "casework.people.sections:COMMUNITY"),
)

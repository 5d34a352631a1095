"""Documents uploaded to a case: checked by content, privileged or not, downloads audited."""

from casework.features import Feature

FEATURE = Feature(
    name="documents",
    blueprints=("casework.documents.views:bp",),
    sections=("casework.documents.sections:SECTION",),
    stylesheet="documents.css",
)

"""The legal record: convictions, removal case, custody timeline, check-ins, travel documents."""

from casework.features import Feature

FEATURE = Feature(
    name="record",
    blueprints=("casework.record.views:bp",),
    sections=(
        "casework.record.sections:CONVICTIONS",
        "casework.record.sections:REMOVAL",
        "casework.record.sections:CHECK_INS",
        "casework.record.sections:TRAVEL_DOCUMENTS",
    ),
    stylesheet="record.css",
)

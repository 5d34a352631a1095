"""The case file format: which fields travel, and how values are written and read back.

A case file is JSON: {"format": "casework-case", "version": 1, "exported_at": ..., "person": {...},
"convictions": [...], ...}. Objects refer to each other by "ref", their position in their list, so that
a re-export of an imported case is identical. Links to users (leads, assignees, authors) belong to the
exporting organization and do not travel: they are written as names for the reader, and not imported.
"""

from __future__ import annotations

import enum
from datetime import date, datetime, time

FORMAT = "casework-case"
VERSION = 1

PERSON = (
    "legal_name",
    "preferred_name",
    "aliases",
    "native_name",
    "birth_date",
    "country_of_birth",
    "place_of_birth",
    "citizenship",
    "community",
    "arrival_date",
    "arrival_class",
    "immigration_status",
    "a_number",
    "languages",
    "interpreter_needed",
    "city",
    "state",
    "spouse",
    "children",
    "us_citizen_relatives",
    "work",
    "community_ties",
    "private_story",
    "case_status",
    "custody_status",
    "custody_since",
    "custody_facility",
)
CONVICTION = (
    "state",
    "county",
    "court",
    "docket_number",
    "statute",
    "offense",
    "level",
    "offense_date",
    "conviction_date",
    "plea",
    "sentence",
    "time_served",
    "removal_grounds",
    "consequences_advised",
    "interpreter_at_plea",
    "notes",
)
REMOVAL_CASE = (
    "stage",
    "court",
    "nta_date",
    "next_hearing_on",
    "order_date",
    "order_type",
    "appeal_waived",
    "stay_status",
    "stay_granted_on",
    "stay_ended_on",
    "notes",
)
CUSTODY_EVENT = ("kind", "occurred_on", "facility", "field_office", "notes", "voided_at", "void_reason")
CHECK_IN = ("scheduled_on", "scheduled_time", "office", "outcome", "accompanied_by", "notes")
TRAVEL_DOCUMENT = (
    "country",
    "agreement",
    "requested_on",
    "interview_on",
    "outcome",
    "decided_on",
    "expires_on",
    "refusal_reason",
    "notes",
)
RELIEF_APPLICATION = (
    "kind",
    "jurisdiction",
    "forum",
    "status",
    "opened_on",
    "filed_on",
    "hearing_on",
    "decided_on",
    "outcome",
    "notes",
)
# A step's rule travels with it, so that the importing organization's dates keep following what happens.
RELIEF_STEP = (
    "position",
    "title",
    "anchor",
    "anchor_position",
    "offset_days",
    "schedule",
    "schedule_months",
    "milestone",
    "due_override_on",
    "due_on",
    "done_on",
    "notes",
)
RELIEF_EVENT = ("at", "kind", "from_status", "to_status", "summary")
CONTACT = ("name", "organization", "kind", "bar_number", "bar_state", "phone", "email", "notes")
NOTE = ("body", "privileged", "created_at")
TASK = ("title", "due_on", "done_on", "notes")

# Keys that name users of the exporting organization: informative only, never imported.
USER_KEYS = ("lead", "assignee", "author", "actor")


def dump_value(value):
    """A model value as JSON."""
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, datetime):
        return value.isoformat()
    if isinstance(value, (date, time)):
        return value.isoformat()
    return value


def dump(obj, fields: tuple[str, ...]) -> dict:
    """The listed fields of a model object."""
    return {name: dump_value(getattr(obj, name)) for name in fields}

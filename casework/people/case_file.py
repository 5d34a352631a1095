"""The person's part of the case file: who they are (the A-number only for a reader who may see it)."""

from __future__ import annotations

from casework import access
from casework.case_file import Reading, Writing, dump, read, rejected
from casework.extensions import db
from casework.forms import normalize_a_number
from casework.models import Person

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
    "outcome",
    "outcome_on",
    "outcome_notes",
    "custody_status",
    "custody_since",
    "custody_facility",
)


def dump_person(writing: Writing) -> dict:
    """The person record."""
    data = dump(writing.person, PERSON)
    if not access.can(writing.user, "see_a_number", writing.person):
        data["a_number"] = None
    return {"person": data}


def read_person(reading: Reading) -> None:
    """Fill the new case's person from the file (it is added to the session here, first of all parts)."""
    fields = read(Person, reading.data.get("person"), PERSON, "person", required=("legal_name",))
    if fields.get("a_number"):
        number = fields["a_number"]
        fields["a_number"] = normalize_a_number(number) if number.isascii() else None
        if fields["a_number"] is None:
            raise rejected("person.a_number", "must be an A-number: 8 or 9 digits.")
    for name, value in fields.items():
        setattr(reading.person, name, value)
    db.session.add(reading.person)
    db.session.flush()

"""What a hosted petition may show of the person: the facts the consent in force covers, copied into the
petition's own `public_*` columns when it is published (the public pages never read a person)."""

from __future__ import annotations

from datetime import date

from casework import clock
from casework.errors import OperationError
from casework.i18n import gettext
from casework.models import PUBLIC_FIELDS, Person, Petition, PublicConsent
from casework.reference import state_name

# Consented facts a hosted petition can show, and the snapshot column each is copied into. The other keys
# of PUBLIC_FIELDS (photo, conviction summary, custody, relief) are for the staff to put in words, in the
# public story, when the consent covers them.
SNAPSHOT_COLUMNS = {
    "preferred_name": "public_name",
    "legal_name": "public_legal_name",
    "age": "public_age",
    "city": "public_city",
    "country_of_birth": "public_origin",
    "arrival": "public_arrival",
    "family": "public_family",
    "work": "public_work",
    "community_ties": "public_community",
}
SNAPSHOT_FIELDS = {key: PUBLIC_FIELDS[key] for key in SNAPSHOT_COLUMNS}

ARRIVAL_WORDS = {
    "refugee": "a refugee",
    "asylee": "an asylee",
    "lpr": "a lawful permanent resident",
    "parolee": "a parolee",
    "visa": "a visa holder",
}


class FieldRefused(OperationError):
    """A refusal caused by one field of the form: `field` names it, so that the message shows beside it."""

    def __init__(self, message: str, field: str) -> None:
        super().__init__(message)
        self.field = field


def check_scope(fields: list[str], consent: PublicConsent | None) -> PublicConsent:
    """The consent in force, when it covers every fact in `fields`; refused otherwise."""
    if consent is None:
        raise FieldRefused(
            gettext("Record the person's consent first: a petition can be public only with it."),
            "public_fields",
        )
    outside = [SNAPSHOT_FIELDS.get(f, f) for f in fields if f not in consent.fields]
    if outside:
        raise FieldRefused(
            "The person's consent does not cover: "
            + "; ".join(outside)
            + ". Untick these facts, or record a consent that covers them.",
            "public_fields",
        )
    return consent


def snapshot_for(person: Person, fields: list[str], today: date | None = None) -> dict:
    """The person's consented facts, as the petition's public columns will hold them (None when unknown)."""
    today = today or clock.today()
    values: dict = {column: None for column in SNAPSHOT_COLUMNS.values()}
    chosen = set(fields)
    if "preferred_name" in chosen:
        values["public_name"] = person.preferred_name or None
    if "legal_name" in chosen:
        values["public_legal_name"] = person.legal_name
    if "age" in chosen:
        values["public_age"] = person.age_on(today)
    if "city" in chosen:
        values["public_city"] = ", ".join(filter(None, [person.city, state_name(person.state)])) or None
    if "country_of_birth" in chosen:
        values["public_origin"] = (
            ", ".join(filter(None, [person.place_of_birth, person.country_of_birth])) or None
        )
    if "arrival" in chosen and (person.arrival_date or person.arrival_class):
        values["public_arrival"] = _arrival(person)
    if "family" in chosen:
        values["public_family"] = (
            "\n".join(filter(None, [person.spouse, person.children, person.us_citizen_relatives])) or None
        )
    if "work" in chosen:
        values["public_work"] = person.work or None
    if "community_ties" in chosen:
        values["public_community"] = person.community_ties or None
    return values


def _arrival(person: Person) -> str:
    parts = []
    if person.arrival_date:
        parts.append(f"in {person.arrival_date.year}")
        age = person.age_at_arrival
        if age is not None:
            parts.append(f"at age {age}")
    if person.arrival_class:
        parts.append(f"as {ARRIVAL_WORDS.get(person.arrival_class.value, 'an immigrant')}")
    return "Came to the United States " + ", ".join(parts) + "."


def wipe_snapshot(petition: Petition) -> None:
    """Forget the facts copied from the record (the petition keeps its own title and story)."""
    for column in SNAPSHOT_COLUMNS.values():
        setattr(petition, column, None)

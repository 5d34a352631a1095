"""Import of a case file as a new case of the importing organization (a case transfer)."""

from __future__ import annotations

import enum
import json
from datetime import UTC, date, datetime, time

import sqlalchemy as sa

from casework import audit
from casework.errors import OperationError
from casework.extensions import db
from casework.forms import normalize_a_number
from casework.models import (
    ArrivalClass,
    CaseContact,
    CaseStatus,
    CheckIn,
    CheckInOutcome,
    Contact,
    ContactKind,
    Conviction,
    ConvictionLevel,
    CustodyEvent,
    CustodyKind,
    CustodyStatus,
    ImmigrationStatus,
    Note,
    OrderType,
    Person,
    Plea,
    ReliefApplication,
    ReliefEvent,
    ReliefKind,
    ReliefStatus,
    ReliefStep,
    RemovalCase,
    RemovalGround,
    RemovalStage,
    StayStatus,
    Task,
    TravelDocument,
    TravelDocumentOutcome,
    TriState,
    User,
)
from casework.models.custody import derive_custody
from casework.models.people import status_following
from casework.relief import dates
from casework.transfer import schema as s


class ImportRejected(OperationError):
    """The file is not a case file this version can import; the message says what is wrong."""


class NotJson(ImportRejected):
    """The file cannot even be read as JSON text."""


TYPES = {
    # field name: (type, required)
    "arrival_class": ArrivalClass,
    "immigration_status": ImmigrationStatus,
    "case_status": CaseStatus,
    "custody_status": CustodyStatus,
    "level": ConvictionLevel,
    "plea": Plea,
    "consequences_advised": TriState,
    "interpreter_at_plea": TriState,
    "stage": RemovalStage,
    "order_type": OrderType,
    "stay_status": StayStatus,
    "outcome": None,  # depends on the record: see _ENUM_BY_RECORD
    "kind": None,
}
_ENUM_BY_RECORD = {
    ("check_ins", "outcome"): CheckInOutcome,
    ("travel_documents", "outcome"): TravelDocumentOutcome,
    ("custody_events", "kind"): CustodyKind,
    ("relief_applications", "kind"): ReliefKind,
    ("relief_applications", "status"): ReliefStatus,
    ("contacts", "kind"): ContactKind,
}
_DATES = {
    "birth_date",
    "arrival_date",
    "custody_since",
    "offense_date",
    "conviction_date",
    "nta_date",
    "next_hearing_on",
    "order_date",
    "stay_granted_on",
    "stay_ended_on",
    "occurred_on",
    "scheduled_on",
    "requested_on",
    "interview_on",
    "decided_on",
    "expires_on",
    "opened_on",
    "filed_on",
    "hearing_on",
    "due_on",
    "due_override_on",
    "done_on",
}
# Small whole numbers (a step's place and its clock) and the words a step's rule may use.
_SMALL_INTEGERS = {"position": (1, 10_000), "anchor_position": (1, 10_000), "offset_days": (-36_500, 36_500)}
_WORDS = {
    "anchor": {"opened", "step", "filed", "hearing", "decided"},
    "schedule": {"offset", "quarterly"},
    "milestone": {"filing", "hearing", "decision"},
}
_DATETIMES = {"voided_at", "created_at", "at"}
_REQUIRED = {
    "person": ("legal_name",),
    "convictions": ("offense",),
    "custody_events": ("kind", "occurred_on"),
    "check_ins": ("scheduled_on",),
    "travel_documents": ("country",),
    "relief_applications": ("kind", "jurisdiction"),
    "steps": ("title", "position"),
    "contacts": ("name", "kind"),
    "notes": ("body",),
    "tasks": ("title",),
    "history": ("kind", "summary"),
}


def _read(section: str, record: object, fields: tuple[str, ...], where: str) -> dict:
    """Check and convert one record's fields; raise ImportRejected with the place of the problem."""
    if not isinstance(record, dict):
        raise ImportRejected(f"{where}: expected an object.")
    out = {}
    for name in fields:
        value = record.get(name)
        if value is None or value == "":
            if name in _REQUIRED.get(section, ()):
                raise ImportRejected(f"{where}: “{name}” is required.")
            continue  # absent: the column's default applies
        try:
            kind = _ENUM_BY_RECORD.get((section, name)) or TYPES.get(name)
            if isinstance(kind, type) and issubclass(kind, enum.Enum):
                value = kind(value)
            elif name in _DATES:
                value = date.fromisoformat(value)
            elif name in _DATETIMES:
                value = datetime.fromisoformat(value)
                if value.tzinfo is None:
                    value = value.replace(tzinfo=UTC)
            elif name == "scheduled_time":
                value = time.fromisoformat(value)
            elif name in ("interpreter_needed", "privileged", "appeal_waived"):
                if not isinstance(value, bool):
                    raise ValueError
            elif name in _SMALL_INTEGERS:
                low, high = _SMALL_INTEGERS[name]
                if isinstance(value, bool) or not isinstance(value, int) or not low <= value <= high:
                    raise ValueError
            elif name in _WORDS and section == "steps":
                if value not in _WORDS[name]:
                    raise ValueError
            elif name == "removal_grounds":
                value = ",".join(RemovalGround(g).value for g in str(value).split(",") if g)
            elif not isinstance(value, str):
                raise ValueError
        except (ValueError, TypeError):
            raise ImportRejected(f"{where}: “{name}” has a value this version cannot read.") from None
        if isinstance(value, str) and len(value) > 20000:
            raise ImportRejected(f"{where}: “{name}” is too long.")
        out[name] = value
    return out


def _list(data: dict, key: str) -> list:
    value = data.get(key) or []
    if not isinstance(value, list):
        raise ImportRejected(f"“{key}” must be a list.")
    return value


def import_file(actor: User, raw: bytes) -> Person:
    """Create a new case of the actor's organization from the bytes of a case file; all or nothing."""
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError):
        raise NotJson("This file is not JSON: choose a file made with “Export case”.") from None
    return import_case(actor, data)


def import_case(actor: User, data: dict) -> Person:
    """Create a new case of the actor's organization from a case file; all or nothing."""
    if not isinstance(data, dict) or data.get("format") != s.FORMAT:
        raise ImportRejected("This is not a Casework case file (its “format” is not casework-case).")
    if data.get("version") != s.VERSION:
        raise ImportRejected(
            f"This case file has version {data.get('version')!r}; this Casework reads version {s.VERSION}."
        )
    person_data = _read("person", data.get("person"), s.PERSON, "person")
    if person_data.get("a_number"):
        person_data["a_number"] = normalize_a_number(person_data["a_number"])
        if person_data["a_number"] is None:
            raise ImportRejected("person: “a_number” is not 8 or 9 digits.")
    person = Person(org_id=actor.org_id, created_by_id=actor.id, **person_data)
    db.session.add(person)
    db.session.flush()

    convictions = []
    for i, record in enumerate(_list(data, "convictions")):
        conviction = Conviction(
            person_id=person.id, **_read("convictions", record, s.CONVICTION, f"convictions[{i}]")
        )
        db.session.add(conviction)
        convictions.append(conviction)

    removal = None
    if data.get("removal_case"):
        removal = RemovalCase(
            person_id=person.id, **_read("removal_case", data["removal_case"], s.REMOVAL_CASE, "removal_case")
        )
    elif (
        person.immigration_status is not None
        and ImmigrationStatus(person.immigration_status).says_final_order
    ):
        # The final order lives on the removal case: a file that says so only in the status gets one.
        removal = RemovalCase(
            person_id=person.id,
            stage=RemovalStage.FINAL_ORDER,
            notes="Opened at import: the case file said “final order” without a removal case; type the date of "
            "the order.",
        )
    if removal is not None:
        db.session.add(removal)
        person.immigration_status = status_following(
            RemovalStage(removal.stage or RemovalStage.NO_PROCEEDINGS), person.immigration_status
        )

    events = []
    for i, record in enumerate(_list(data, "custody_events")):
        event = CustodyEvent(
            person_id=person.id,
            created_by_id=actor.id,
            **_read("custody_events", record, s.CUSTODY_EVENT, f"custody_events[{i}]"),
        )
        db.session.add(event)
        events.append(event)
    db.session.flush()
    try:
        state = derive_custody(events)
    except ValueError as exc:
        raise ImportRejected(f"custody_events: {exc}") from None
    person.custody_status, person.custody_since, person.custody_facility = (
        state.status,
        state.since,
        state.facility,
    )

    for i, record in enumerate(_list(data, "check_ins")):
        check_in = CheckIn(person_id=person.id, **_read("check_ins", record, s.CHECK_IN, f"check_ins[{i}]"))
        ref = record.get("custody_event_ref")
        if ref is not None:
            if not isinstance(ref, int) or not 0 <= ref < len(events):
                raise ImportRejected(f"check_ins[{i}]: custody_event_ref points nowhere.")
            check_in.custody_event_id = events[ref].id
        db.session.add(check_in)

    for i, record in enumerate(_list(data, "travel_documents")):
        db.session.add(
            TravelDocument(
                person_id=person.id,
                **_read("travel_documents", record, s.TRAVEL_DOCUMENT, f"travel_documents[{i}]"),
            )
        )

    contacts: dict[int, Contact] = {}
    for i, record in enumerate(_list(data, "contacts")):
        fields = _read("contacts", record, s.CONTACT, f"contacts[{i}]")
        contact = db.session.scalar(
            sa.select(Contact).where(
                Contact.org_id == actor.org_id,
                Contact.name == fields["name"],
                Contact.kind == fields["kind"],
                Contact.email.is_(None) if fields.get("email") is None else Contact.email == fields["email"],
            )
        )
        if contact is None:
            contact = Contact(org_id=actor.org_id, **fields)
            db.session.add(contact)
            db.session.flush()
        ref = record.get("ref", i)
        contacts[ref] = contact
        for role in record.get("roles") or []:
            if not isinstance(role, str) or not role.strip():
                raise ImportRejected(f"contacts[{i}]: roles must be text.")
            db.session.add(CaseContact(person_id=person.id, contact_id=contact.id, role=role[:200]))

    for i, record in enumerate(_list(data, "relief_applications")):
        where = f"relief_applications[{i}]"
        fields = _read("relief_applications", record, s.RELIEF_APPLICATION, where)
        application = ReliefApplication(person_id=person.id, **fields)
        attorney_ref = record.get("attorney_ref")
        if attorney_ref is not None:
            if attorney_ref not in contacts:
                raise ImportRejected(f"{where}: attorney_ref points nowhere.")
            application.attorney_contact_id = contacts[attorney_ref].id
        for ref in record.get("conviction_refs") or []:
            if not isinstance(ref, int) or not 0 <= ref < len(convictions):
                raise ImportRejected(f"{where}: conviction_refs point nowhere.")
            application.convictions.append(convictions[ref])
        for j, step in enumerate(_list(record, "steps")):
            application.steps.append(ReliefStep(**_read("steps", step, s.RELIEF_STEP, f"{where}.steps[{j}]")))
        for j, event in enumerate(_list(record, "history")):
            application.events.append(
                ReliefEvent(**_read("history", event, s.RELIEF_EVENT, f"{where}.history[{j}]"))
            )
        db.session.add(application)
        db.session.flush()
        try:  # the dates follow the rules and what happened, here as where the case came from
            dates.refresh(actor, application, None, application.steps)
        except OperationError as exc:
            raise ImportRejected(f"{where}: {exc}") from None

    for i, record in enumerate(_list(data, "notes")):
        fields = _read("notes", record, s.NOTE, f"notes[{i}]")
        db.session.add(Note(person_id=person.id, **fields))

    for i, record in enumerate(_list(data, "tasks")):
        db.session.add(
            Task(person_id=person.id, created_by_id=actor.id, **_read("tasks", record, s.TASK, f"tasks[{i}]"))
        )

    db.session.flush()
    audit.record(actor, "person.imported", person, detail=f"case file of {data.get('exported_at', '?')[:10]}")
    return person

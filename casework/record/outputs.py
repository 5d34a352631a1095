"""The legal record in the PDF summary and packets (what each audience may see) and in the case file.

PDF: convictions (the public see the offense in general terms, when the person consented to it), custody (the
public see only whether the person is detained, when consented), the removal case, check-ins and travel
documents (never public). Case file: convictions, the removal case with the custody timeline, check-ins, travel
documents, tied together by refs (a check-in's custody event).
"""

from __future__ import annotations

import sqlalchemy as sa

from casework import clock
from casework.case_file import CaseFileRejected, Reading, Writing, dump, obj, read, records, rejected
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import (
    CheckIn,
    Conviction,
    CustodyEvent,
    ImmigrationStatus,
    RemovalCase,
    RemovalGround,
    RemovalStage,
    TravelDocument,
)
from casework.models.custody import custody_clock, derive_custody
from casework.models.people import status_following

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


def _in_order(model, person_id: int, *order) -> sa.Select:
    return sa.select(model).where(model.person_id == person_id).order_by(*order)


def _of(model, person_id: int, *order) -> list:
    return list(db.session.scalars(_in_order(model, person_id, *order)))


def _removal_case(person_id: int) -> sa.Select:
    return sa.select(RemovalCase).where(RemovalCase.person_id == person_id)


def _removal_of(person_id: int) -> RemovalCase | None:
    return db.session.scalar(_removal_case(person_id))


# ---------------------------------------------------------------- PDF


def pdf_conviction_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The convictions, oldest first (the incarceration part reads them too)."""
    order = (Conviction.conviction_date.is_(None), Conviction.conviction_date, Conviction.id)
    return {"pdf_convictions": _in_order(Conviction, request.person.id, *order)}


def pdf_convictions(request: PdfRequest) -> dict:
    """The convictions, oldest first."""
    return {"convictions": request.rows["pdf_convictions"]}


def pdf_custody_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The custody timeline and the removal case (the public see neither)."""
    if request.public:
        return {}
    person_id = request.person.id
    return {
        "pdf_custody_events": _in_order(CustodyEvent, person_id, CustodyEvent.occurred_on, CustodyEvent.id),
        "pdf_removal_case": _removal_case(person_id),
    }


def pdf_custody(request: PdfRequest) -> dict:
    """The custody timeline (not voided) and the post-order clock; the public see only the status."""
    if request.public:
        return {}
    person = request.person
    events = [e for e in request.rows["pdf_custody_events"] if e.voided_at is None]
    removal = next(iter(request.rows["pdf_removal_case"]), None)
    post_order = custody_clock(removal, person.custody_status, person.custody_since, clock.today())
    return {"events": events, "clock": post_order}


def pdf_removal_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The removal case (the custody part reads it too)."""
    return {"pdf_removal_case": _removal_case(request.person.id)}


def pdf_removal(request: PdfRequest) -> dict:
    """The removal case."""
    return {"removal": next(iter(request.rows["pdf_removal_case"]), None)}


def pdf_check_in_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """Every check-in, oldest first."""
    return {"pdf_check_ins": _in_order(CheckIn, request.person.id, CheckIn.scheduled_on, CheckIn.id)}


def pdf_check_ins(request: PdfRequest) -> dict:
    """Every check-in, oldest first."""
    return {"check_ins": request.rows["pdf_check_ins"]}


def pdf_travel_document_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """Every travel-document request, in the order they were made."""
    return {"pdf_travel_documents": _in_order(TravelDocument, request.person.id, TravelDocument.id)}


def pdf_travel_documents(request: PdfRequest) -> dict:
    """Every travel-document request, with the consulate's decision and its reasons."""
    return {"documents": request.rows["pdf_travel_documents"]}


# ---------------------------------------------------------------- case file


def dump_convictions(writing: Writing) -> dict:
    """The convictions, each with its ref (relief applications point at them)."""
    out = []
    for conviction in _of(Conviction, writing.person.id, Conviction.id):
        out.append({"ref": writing.refs.number("conviction", conviction.id), **dump(conviction, CONVICTION)})
    return {"convictions": out}


def read_convictions(reading: Reading) -> None:
    """The convictions, remembered by ref."""
    for i, record in enumerate(records(reading.data, "convictions")):
        where = f"convictions[{i}]"
        fields = read(Conviction, record, CONVICTION, where, required=("offense",))
        grounds = [g for g in (fields.get("removal_grounds") or "").split(",") if g]
        known = [g.value for g in RemovalGround]
        if any(g not in known for g in grounds):
            raise rejected(
                f"{where}.removal_grounds", f"must be grounds among {', '.join(known)}, by commas."
            )
        fields["removal_grounds"] = ",".join(grounds) or None
        conviction = Conviction(person_id=reading.person.id, **fields)
        db.session.add(conviction)
        reading.refs.remember("conviction", record.get("ref", i), conviction, f"{where}.ref")
    db.session.flush()


def dump_removal(writing: Writing) -> dict:
    """The removal case and the whole custody timeline (voided entries too), events with their refs."""
    removal = _removal_of(writing.person.id)
    events = []
    for event in _of(CustodyEvent, writing.person.id, CustodyEvent.id):
        events.append({"ref": writing.refs.number("custody_event", event.id), **dump(event, CUSTODY_EVENT)})
    return {"removal_case": dump(removal, REMOVAL_CASE) if removal else None, "custody_events": events}


def read_removal(reading: Reading) -> None:
    """The removal case (the final order lives there: a status saying so opens one), then the custody timeline,
    from which the person's custody is derived."""
    person = reading.person
    removal = None
    if reading.data.get("removal_case") is not None and obj(reading.data["removal_case"], "removal_case"):
        removal = RemovalCase(
            person_id=person.id,
            **read(RemovalCase, reading.data["removal_case"], REMOVAL_CASE, "removal_case"),
        )
    elif (
        person.immigration_status is not None
        and ImmigrationStatus(person.immigration_status).says_final_order
    ):
        removal = RemovalCase(
            person_id=person.id,
            stage=RemovalStage.FINAL_ORDER,
            notes="Opened at import: the case file said “final order” without a removal case; type the date of "
            "the order.",
        )
    if removal is not None:
        db.session.add(removal)
        stage = RemovalStage(removal.stage or RemovalStage.NO_PROCEEDINGS)
        person.immigration_status = status_following(stage, person.immigration_status)
    events = []
    for i, record in enumerate(records(reading.data, "custody_events")):
        where = f"custody_events[{i}]"
        fields = read(CustodyEvent, record, CUSTODY_EVENT, where, required=("kind", "occurred_on"))
        event = CustodyEvent(person_id=person.id, created_by_id=reading.user.id, **fields)
        db.session.add(event)
        events.append(event)
        reading.refs.remember("custody_event", record.get("ref", i), event, f"{where}.ref")
    db.session.flush()
    try:
        state = derive_custody(events)
    except ValueError as exc:
        raise CaseFileRejected(f"custody_events: {exc}") from None
    person.custody_status, person.custody_since, person.custody_facility = (
        state.status,
        state.since,
        state.facility,
    )


def dump_check_ins(writing: Writing) -> dict:
    """The check-ins; one that ended in re-detention points at its custody event."""
    out = []
    for check_in in _of(CheckIn, writing.person.id, CheckIn.scheduled_on, CheckIn.id):
        ref = writing.refs.existing("custody_event", check_in.custody_event_id)
        out.append({**dump(check_in, CHECK_IN), "custody_event_ref": ref})
    return {"check_ins": out}


def read_check_ins(reading: Reading) -> None:
    """The check-ins, tied to their custody events."""
    for i, record in enumerate(records(reading.data, "check_ins")):
        where = f"check_ins[{i}]"
        check_in = CheckIn(
            person_id=reading.person.id, **read(CheckIn, record, CHECK_IN, where, required=("scheduled_on",))
        )
        ref = record.get("custody_event_ref")
        if ref is not None:
            check_in.custody_event_id = reading.refs.resolve(
                "custody_event", ref, f"{where}.custody_event_ref"
            ).id
        db.session.add(check_in)


def dump_travel_documents(writing: Writing) -> dict:
    """The travel-document requests and the consulates' decisions."""
    return {
        "travel_documents": [
            dump(d, TRAVEL_DOCUMENT) for d in _of(TravelDocument, writing.person.id, TravelDocument.id)
        ]
    }


def read_travel_documents(reading: Reading) -> None:
    """The travel-document requests."""
    for i, record in enumerate(records(reading.data, "travel_documents")):
        fields = read(
            TravelDocument, record, TRAVEL_DOCUMENT, f"travel_documents[{i}]", required=("country",)
        )
        db.session.add(TravelDocument(person_id=reading.person.id, **fields))

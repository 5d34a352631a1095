"""The background in the PDF summary and packets (what each audience may see) and in the case file.

PDF: related people and incarceration are for the internal and attorney audiences only. Places lived reach the
public only with the consent to "when and how they came" (refugee camps and places abroad, to the year: never a
home in the United States, never notes); rehabilitation only with the consent to "community ties" (what was
done inside only with the consent to "an old conviction" as well, never a provider inside, never notes).

Case file: places lived, incarceration (pointing at its conviction by ref) and rehabilitation travel whole.
Related people travel by name and kind only: a link to another case of the exporting organization does not
travel to another organization (its case stays where it is), so it is written with the other case's name, the
kind read from the exported case and whether the relative faces removal, and it is imported as a relative who is
not a case.
"""

from __future__ import annotations

import sqlalchemy as sa

from casework.background.fields import UNKNOWN, PartialDate, in_order, normalized
from casework.background.queries import (
    Dated,
    dated,
    dated_items,
    dated_rows,
    related_from,
    related_people,
    relation_rows,
)
from casework.case_file import CaseFileRejected, Reading, Writing, dump, read, records, rejected
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import Incarceration, PlaceKind, Rehabilitation, Relation, Residence
from casework.models.base import DatePrecision
from casework.record.outputs import pdf_conviction_rows
from casework.reference import STATE_NAMES

DATES = ("from_on", "from_precision", "to_on", "to_precision")
RELATION = ("kind", "related_name", "faces_removal", "notes")
RESIDENCE = ("kind", "place", "state", "country", *DATES, "notes")
INCARCERATION = ("facility", "pretrial", *DATES, "notes")
REHABILITATION = ("kind", "title", "provider", "during_incarceration", *DATES, "notes")
UNITED_STATES = {"united states", "united states of america", "usa", "us", "u.s.", "u.s.a."}
NAME_NOT_EXPORTED = "Another case of the exporting organization (name not exported)"


def _year(value: PartialDate) -> PartialDate:
    """The year only (what the public audience reads of a date)."""
    if value.day is None:
        return UNKNOWN
    return PartialDate(value.day.replace(month=1, day=1), DatePrecision.YEAR)


def _where(item: Residence) -> str:
    return ", ".join(filter(None, [item.place, STATE_NAMES.get(item.state or "", item.state), item.country]))


def abroad(item: Residence) -> bool:
    """A refugee camp, or a place outside the United States."""
    if item.kind == PlaceKind.REFUGEE_CAMP:
        return True
    return not item.state and bool(item.country) and (item.country or "").strip().lower() not in UNITED_STATES


# ---------------------------------------------------------------- PDF


def pdf_relation_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The relations and the cases they link to (none for the public)."""
    return {} if request.public else relation_rows(request.person, request.user)


def pdf_relations(request: PdfRequest) -> dict:
    """Relatives and co-defendants as the user may see them (never for the public)."""
    if request.public:
        return {"relations": []}
    return {"relations": related_from(request.person, request.user, request.rows)}


def pdf_residence_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """Places lived, in the order they began."""
    return {"pdf_residences": dated_rows(Residence, request.person.id)}


def pdf_residences(request: PdfRequest) -> dict:
    """Places lived; the public read only refugee camps and places abroad, to the year."""
    rows = [dated(item) for item in request.rows["pdf_residences"]]
    if request.public:
        if not request.shows("arrival"):
            return {"places": []}
        rows = [Dated(r.item, _year(r.start), _year(r.end)) for r in rows if abroad(r.item)]
    places = [
        {
            "where": _where(r.item),
            "kind": r.item.kind,
            "span": r.span,
            "notes": None if request.public else r.item.notes,
        }
        for r in rows
    ]
    return {"places": places}


def pdf_incarceration_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """Times in jail or prison and the convictions (the convictions part's row set); none for the public."""
    if request.public:
        return {}
    return {
        "pdf_incarcerations": dated_rows(Incarceration, request.person.id),
        **pdf_conviction_rows(request),
    }


def pdf_incarceration(request: PdfRequest) -> dict:
    """Times in jail or prison, pretrial time marked, with the convictions they served (never for the public)."""
    if request.public:
        return {"incarcerations": [], "convictions": {}}
    return {
        "incarcerations": [dated(item) for item in request.rows["pdf_incarcerations"]],
        "convictions": {c.id: c for c in request.rows["pdf_convictions"]},
    }


def pdf_rehabilitation_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """Diplomas, programs, work and service, in the order they began."""
    return {"pdf_rehabilitation": dated_rows(Rehabilitation, request.person.id)}


def pdf_rehabilitation(request: PdfRequest) -> dict:
    """Diplomas, programs, work and service; the public read titles, kinds and years (see the module)."""
    rows = [dated(item) for item in request.rows["pdf_rehabilitation"]]
    if request.public:
        if not request.shows("community_ties"):
            return {"records": []}
        inside_ok = request.shows("conviction_summary")
        rows = [
            Dated(r.item, _year(r.start), _year(r.end))
            for r in rows
            if inside_ok or not r.item.during_incarceration
        ]
    records = [
        {
            "kind": r.item.kind,
            "title": r.item.title,
            "provider": None if request.public and r.item.during_incarceration else r.item.provider,
            "inside": r.item.during_incarceration,
            "span": r.span,
            "notes": None if request.public else r.item.notes,
        }
        for r in rows
    ]
    return {"records": records}


# ---------------------------------------------------------------- case file


def dump_relations(writing: Writing) -> dict:
    """Relatives by name and kind; a linked case as its name (when the exporter may open it) and the kind read
    from this case: it is imported as a relative who is not a case."""
    out = []
    for related in related_people(writing.person, writing.user):
        out.append(
            {
                **dump(related.relation, RELATION),
                "kind": related.kind.value,
                "related_name": related.name or NAME_NOT_EXPORTED,
                # a case the exporter may not open: neither its name nor the notes about it
                "notes": related.relation.notes if related.name is not None else None,
                "faces_removal": related.faces_removal,
                "linked_case": related.is_link,  # informative: the import records a relative by name
            }
        )
    return {"relations": out}


def read_relations(reading: Reading) -> None:
    """Every relation as a relative who is not a case (a linked case stays with its organization)."""
    for i, record in enumerate(records(reading.data, "relations")):
        fields = read(Relation, record, RELATION, f"relations[{i}]", required=("kind", "related_name"))
        db.session.add(Relation(person_id=reading.person.id, related_person_id=None, **fields))
    db.session.flush()


def _read_dates(fields: dict, where: str) -> dict:
    """A record's partial dates as stored (the first day of a year or month), the end not before the start."""
    start = normalized(fields.get("from_on"), fields.get("from_precision"))
    end = normalized(fields.get("to_on"), fields.get("to_precision"))
    if not in_order(start, end):
        raise CaseFileRejected(f"{where}: the end ({end.text}) is before the start ({start.text}).")
    return {
        **fields,
        "from_on": start.day,
        "from_precision": start.precision,
        "to_on": end.day,
        "to_precision": end.precision,
    }


def dump_residences(writing: Writing) -> dict:
    """Places lived, in the order they were recorded."""
    return {"residences": [dump(r.item, RESIDENCE) for r in _by_id(Residence, writing.person.id)]}


def _by_id(model, person_id: int) -> list[Dated]:
    return sorted(dated_items(model, person_id), key=lambda r: r.item.id)


def read_residences(reading: Reading) -> None:
    """Places lived, their dates checked."""
    for i, record in enumerate(records(reading.data, "residences")):
        where = f"residences[{i}]"
        fields = _read_dates(read(Residence, record, RESIDENCE, where, required=("place",)), where)
        if fields.get("state") and fields["state"] not in STATE_NAMES:
            raise rejected(f"{where}.state", "must be a US state code such as CA.")
        db.session.add(Residence(person_id=reading.person.id, **fields))
    db.session.flush()


def dump_incarcerations(writing: Writing) -> dict:
    """Times in jail or prison, each pointing at the conviction it served by ref (when that was exported)."""
    out = []
    for row in _by_id(Incarceration, writing.person.id):
        item = row.item
        ref = writing.refs.existing("conviction", item.conviction_id)
        out.append({**dump(item, INCARCERATION), "conviction_ref": ref})
    return {"incarcerations": out}


def read_incarcerations(reading: Reading) -> None:
    """Times in jail or prison, tied to the new case's convictions by ref."""
    for i, record in enumerate(records(reading.data, "incarcerations")):
        where = f"incarcerations[{i}]"
        fields = _read_dates(read(Incarceration, record, INCARCERATION, where), where)
        ref = record.get("conviction_ref")
        if ref is not None:
            fields["conviction_id"] = reading.refs.resolve("conviction", ref, f"{where}.conviction_ref").id
        db.session.add(Incarceration(person_id=reading.person.id, **fields))
    db.session.flush()


def dump_rehabilitation(writing: Writing) -> dict:
    """Diplomas, programs, work and service."""
    return {
        "rehabilitation": [dump(r.item, REHABILITATION) for r in _by_id(Rehabilitation, writing.person.id)]
    }


def read_rehabilitation(reading: Reading) -> None:
    """Diplomas, programs, work and service, their dates checked."""
    for i, record in enumerate(records(reading.data, "rehabilitation")):
        where = f"rehabilitation[{i}]"
        fields = _read_dates(
            read(Rehabilitation, record, REHABILITATION, where, required=("kind", "title")), where
        )
        db.session.add(Rehabilitation(person_id=reading.person.id, **fields))
    db.session.flush()

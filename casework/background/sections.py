"""The background's parts of the case record: related people, places lived, incarceration, rehabilitation.

Each section says how it shows on the case page (a fixed number of queries, timeline entries where a date is
known), in the PDF summary and packets (casework.background.outputs: never public for related people and
incarceration; places lived and rehabilitation only through a fact the person consented to) and in the case
file. The feature declares them (casework/background/__init__.py).
"""

from __future__ import annotations

from datetime import date
from typing import cast

import sqlalchemy as sa

from casework import access
from casework.background import outputs, queries
from casework.background.fields import PartialDate
from casework.background.queries import Dated
from casework.case_page import CaseFilePart, CaseSection, PdfPart, Rows, TimelineEntry
from casework.models import Incarceration, Person, Rehabilitation, Residence, User
from casework.record import queries as record_queries
from casework.reference import STATE_NAMES


def _dated(value: PartialDate, kind: str, text: str, anchor: str) -> TimelineEntry:
    """A timeline entry on a date known to the year, month or day: the timeline shows "1996" for a year."""
    return TimelineEntry(cast(date, value.day), kind, text, anchor, when=value.text)


def where(item) -> str:
    """ "Stockton, California", "Khao-I-Dang, Thailand"."""
    return ", ".join(filter(None, [item.place, STATE_NAMES.get(item.state, item.state), item.country]))


# ---------------------------------------------------------------- related people


def load_relations(person: Person, user: User, rows: Rows) -> dict:
    """The person's relatives and co-defendants, each read from this case."""
    return {
        "person": person,
        "relations": queries.related_from(person, user, rows),
        "can_edit": access.can(user, "edit", person),
    }


# ---------------------------------------------------------------- places lived


def residence_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """Places lived, in the order they began."""
    return {"residences": queries.dated_rows(Residence, person.id)}


def load_residences(person: Person, user: User, rows: Rows) -> dict:
    """Places lived, each with its partial dates."""
    return {
        "person": person,
        "residences": [queries.dated(item) for item in rows["residences"]],
        "can_edit": access.can(user, "edit", person),
        "state_names": STATE_NAMES,
    }


def residences_timeline(ctx: dict) -> list[TimelineEntry]:
    """When the person came to a place and when they left it, where known."""
    entries = []
    for row in ctx["residences"]:
        item = row.item
        label = where(item) + (f" ({item.kind.label.lower()})" if item.kind.value != "home" else "")
        anchor = f"residence-{item.id}"
        if row.start.day:
            entries.append(_dated(row.start, "Places lived", f"Lived in {label}", anchor))
        if row.end.day:
            entries.append(_dated(row.end, "Places lived", f"Left {label}", anchor))
    return entries


# ---------------------------------------------------------------- incarceration


def incarceration_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """Times in jail or prison, and the convictions (the convictions section's row set, read once)."""
    return {
        "incarcerations": queries.dated_rows(Incarceration, person.id),
        "convictions": record_queries.convictions_in_order(person.id),
    }


def load_incarceration(person: Person, user: User, rows: Rows) -> dict:
    """Times in jail or prison with the convictions they served."""
    return {
        "person": person,
        "incarcerations": [queries.dated(item) for item in rows["incarcerations"]],
        "convictions": {c.id: c for c in rows["convictions"]},
        "can_edit": access.can(user, "edit", person),
    }


def incarceration_timeline(ctx: dict) -> list[TimelineEntry]:
    """The start and the end of each time in custody, where known."""
    entries = []
    for row in ctx["incarcerations"]:
        item = row.item
        at = f" at {item.facility}" if item.facility else ""
        anchor = f"incarceration-{item.id}"
        if row.start.day:
            text = ("Held before trial" if item.pretrial else "Incarcerated") + at
            entries.append(_dated(row.start, "Incarceration", text, anchor))
        if row.end.day:
            text = "Released" + (f" from {item.facility}" if item.facility else "")
            entries.append(_dated(row.end, "Incarceration", text, anchor))
    return entries


# ---------------------------------------------------------------- rehabilitation


def rehabilitation_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """Diplomas, programs, work and service, in the order they began."""
    return {"rehabilitation": queries.dated_rows(Rehabilitation, person.id)}


def load_rehabilitation(person: Person, user: User, rows: Rows) -> dict:
    """Diplomas, programs, work and service, each with its partial dates."""
    return {
        "person": person,
        "records": [queries.dated(item) for item in rows["rehabilitation"]],
        "can_edit": access.can(user, "edit", person),
    }


def rehabilitation_timeline(ctx: dict) -> list[TimelineEntry]:
    """A diploma when it was earned; a program or work when it began and when it was completed."""
    entries = []
    for row in ctx["records"]:
        entries.extend(_rehabilitation_entries(row))
    return entries


def _rehabilitation_entries(row: Dated[Rehabilitation]) -> list[TimelineEntry]:
    item = row.item
    inside = " (inside)" if item.during_incarceration else ""
    anchor = f"rehabilitation-{item.id}"
    if item.kind.value == "diploma":
        earned = row.end if row.end.day else row.start
        if not earned.day:
            return []
        return [_dated(earned, "Rehabilitation", f"Earned: {item.title}{inside}", anchor)]
    entries = []
    if row.start.day:
        text = f"Began: {item.title}{inside}"
        entries.append(_dated(row.start, "Rehabilitation", text, anchor))
    if row.end.day:
        text = f"Completed: {item.title}{inside}"
        entries.append(_dated(row.end, "Rehabilitation", text, anchor))
    return entries


# ---------------------------------------------------------------- the sections (orders 24-27: after the legal record)

RELATIONS = CaseSection(
    key="related-people",
    title="Related people",
    template="background/_section_relations.html",
    order=24,
    load=load_relations,
    rows=queries.relation_rows,
    pdf=(
        PdfPart(
            key="related-people",
            label="Related people",
            template="pdf/sections/_relations.html",
            load=outputs.pdf_relations,
            rows=outputs.pdf_relation_rows,
            public=False,  # never public: other people's names and their cases
        ),
    ),
    case_file=CaseFilePart(
        keys=("relations",), dump=outputs.dump_relations, read=outputs.read_relations, order=70
    ),
)

RESIDENCES = CaseSection(
    key="places-lived",
    title="Places lived",
    template="background/_section_residences.html",
    order=25,
    load=load_residences,
    rows=residence_rows,
    timeline=residences_timeline,
    pdf=(
        PdfPart(
            key="places-lived",
            label="Places lived",
            template="pdf/sections/_residences.html",
            load=outputs.pdf_residences,
            rows=outputs.pdf_residence_rows,
            # Public only with the consent to "when and how they came": the refugee camps and places abroad,
            # to the year; never the places lived in the United States (a trail of past homes), never notes.
            public=True,
            public_fact="arrival",
        ),
    ),
    case_file=CaseFilePart(
        keys=("residences",), dump=outputs.dump_residences, read=outputs.read_residences, order=70
    ),
)

INCARCERATION = CaseSection(
    key="incarceration",
    title="Incarceration",
    template="background/_section_incarceration.html",
    order=26,
    load=load_incarceration,
    rows=incarceration_rows,
    timeline=incarceration_timeline,
    pdf=(
        PdfPart(
            key="incarceration",
            label="Incarceration",
            template="pdf/sections/_incarceration.html",
            load=outputs.pdf_incarceration,
            rows=outputs.pdf_incarceration_rows,
            public=False,  # never public: facilities are never named to the public, dates point at the record
        ),
    ),
    case_file=CaseFilePart(
        # after the convictions, which an incarceration points at by ref
        keys=("incarcerations",),
        dump=outputs.dump_incarcerations,
        read=outputs.read_incarcerations,
        order=70,
    ),
)

REHABILITATION = CaseSection(
    key="rehabilitation",
    title="Rehabilitation",
    template="background/_section_rehabilitation.html",
    order=27,
    load=load_rehabilitation,
    rows=rehabilitation_rows,
    timeline=rehabilitation_timeline,
    pdf=(
        PdfPart(
            key="rehabilitation",
            label="Rehabilitation",
            template="pdf/sections/_rehabilitation.html",
            load=outputs.pdf_rehabilitation,
            rows=outputs.pdf_rehabilitation_rows,
            # Public only with the consent to "community ties": titles, kinds and years; what was done inside
            # only when the person also consented to "that there is an old conviction"; never a provider inside
            # (it names the facility), never notes.
            public=True,
            public_fact="community_ties",
        ),
    ),
    case_file=CaseFilePart(
        keys=("rehabilitation",), dump=outputs.dump_rehabilitation, read=outputs.read_rehabilitation, order=70
    ),
)

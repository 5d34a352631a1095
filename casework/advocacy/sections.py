"""The advocacy part of the case record: the log's events linked to the case, on the case page, on its merged
timeline and in the PDF (attorney and internal audiences)."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access, case_page, row_sets
from casework.advocacy import queries
from casework.case_page import PdfRequest
from casework.models import Person, User


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    return queries.case_event_rows(person)


def _load_section(person: Person, user: User, rows: case_page.Rows) -> dict:
    """The events linked to the case, newest first, with their figures. Whoever may open the case may see every
    event linked to it."""
    events = rows["advocacy_events"]
    row_sets.attach(events, "figures", rows["advocacy_figures"])
    return {
        "events": events,
        "can_write": access.can_write_advocacy(user) and user.org_id == person.org_id,
    }


def _timeline(section: dict) -> list[case_page.TimelineEntry]:
    return [
        case_page.TimelineEntry(
            day=event.occurred_on,
            kind="Advocacy",
            text=f"{event.kind.label}: {event.title}",
            anchor=f"advocacy-event-{event.id}",
        )
        for event in section["events"]
    ]


def _pdf_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The case page's row sets of the linked events and their figures (none for the public audience)."""
    return {} if request.public else queries.case_event_rows(request.person)


def _load_pdf(request: PdfRequest) -> dict:
    """The linked events with their figures; never for the public audience (see PDF below)."""
    if request.public:
        return {"events": []}
    events = request.rows["advocacy_events"]
    row_sets.attach(events, "figures", request.rows["advocacy_figures"])
    return {"events": events}


PDF = case_page.PdfPart(
    key="advocacy",
    label="Advocacy log: events linked to the case",
    template="pdf/sections/_advocacy.html",
    load=_load_pdf,
    rows=_pdf_rows,
    # Never public: the log is the organization's working record (whom it links an event to, what it counts);
    # a public document about a person is built from what that person consented to make public.
)

SECTION = case_page.CaseSection(
    key="advocacy",
    title="Advocacy log",
    template="advocacy/_section_advocacy.html",
    order=85,
    load=_load_section,
    rows=_rows,
    timeline=_timeline,
    pdf=(PDF,),
    omitted={
        "export": "Events belong to the organization's advocacy log, which has its own CSV; they do not travel "
        "with one case, and an import into another organization could not link them to its own log.",
    },
)

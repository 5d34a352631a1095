"""The relief part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa

from casework import case_page, clock
from casework.case_page import CaseFilePart, Glance, PdfPart, TimelineEntry
from casework.models import Person, ProsecutorPosition, ReliefKind, ReliefStatus, SupportKind, User
from casework.relief import dates, outputs, queries
from casework.relief.schedule import State


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    return queries.application_rows(person)


def _load_section(person: Person, user: User, read: case_page.Rows) -> dict:
    """Applications of the case with their steps, and what is next in each."""
    applications = queries.applications_from(read)
    today = clock.today()
    rows = []
    for application in applications:
        dues = dates.schedule_of(application, application.steps)
        by_position = {s.position: s for s in application.steps}
        # A closed application has no next step: its unfinished steps are not needed.
        open_dues = [d for d in dues.values() if d.state in (State.OPEN, State.UNDATED)]
        dated = sorted((d for d in open_dues if d.day is not None), key=lambda d: (d.day, d.key))
        next_due = dated[0] if dated else (min(open_dues, key=lambda d: d.key) if open_dues else None)
        rows.append(
            {
                "application": application,
                "done": sum(1 for s in application.steps if s.done_on is not None),
                "total": len(application.steps),
                "closed": ReliefStatus(application.status).is_closed,
                "next_step": by_position[next_due.key] if next_due else None,
                "next_due": next_due,
                "overdue": bool(next_due and next_due.overdue(today)),
            }
        )
    return {"rows": rows, "today": today}


def _section_timeline(context: dict) -> list[TimelineEntry]:
    """Opened, filed and decided applications, the prosecutor's position, records of support and steps done."""
    entries = []
    for row in context["rows"]:
        app = row["application"]
        kind = ReliefKind(app.kind).label
        entries.append(TimelineEntry(app.opened_on, "Relief", f"{kind}: application opened", "relief"))
        if app.filed_on:
            entries.append(TimelineEntry(app.filed_on, "Relief", f"{kind}: filed", "relief"))
        if app.decided_on:
            entries.append(
                TimelineEntry(
                    app.decided_on, "Relief", f"{kind}: {ReliefStatus(app.status).label.lower()}", "relief"
                )
            )
        if app.prosecutor_position_on and app.prosecutor_position != ProsecutorPosition.UNKNOWN:
            position = ProsecutorPosition(app.prosecutor_position).label.lower()
            entries.append(
                TimelineEntry(
                    app.prosecutor_position_on, "Relief", f"{kind}: the prosecutor {position}", "relief"
                )
            )
        for record in app.support_records:
            if record.given_on:
                label = SupportKind(record.kind).label.lower()
                entries.append(
                    TimelineEntry(record.given_on, "Relief", f"{kind}: {label} — {record.author}", "relief")
                )
        for step in app.steps:
            if step.done_on:
                entries.append(
                    TimelineEntry(step.done_on, "Relief", f"{kind}: step done — {step.title}", "relief")
                )
    return entries


def _section_glance(context: dict) -> list[Glance]:
    """ "Relief: Governor's pardon — filed" for each application, and the next relief step due."""
    facts = []
    tones = {ReliefStatus.GRANTED: "ok", ReliefStatus.DENIED: "alert"}
    for row in context["rows"]:
        app = row["application"]
        status = ReliefStatus(app.status)
        facts.append(
            Glance("Relief", f"{ReliefKind(app.kind).label} — {status.label.lower()}", tones.get(status, ""))
        )
    upcoming = [
        (row["next_due"].day, row["next_step"])
        for row in context["rows"]
        if row["next_due"] is not None and row["next_due"].day is not None and not row["closed"]
    ]
    if upcoming:
        day, step = min(upcoming, key=lambda pair: pair[0])
        today = context["today"]
        tone = "alert" if day < today else ("warn" if day <= today + timedelta(days=7) else "")
        facts.append(Glance("Next relief step", f"{step.title} — due {day.isoformat()}", tone, day))
    return facts


SECTION = case_page.CaseSection(
    key="relief",
    title="Relief",
    template="relief/_section_relief.html",
    order=40,
    load=_load_section,
    rows=_rows,
    timeline=_section_timeline,
    glance=_section_glance,
    pdf=(
        PdfPart(
            "relief",
            "Relief applications",
            "pdf/sections/_relief.html",
            outputs.pdf_relief,
            public=True,
            public_fact="relief",
            rows=outputs.pdf_relief_rows,
        ),
    ),
    # Read after the convictions and contacts it points at by ref, and after the documents (order 42) that its
    # records of support link by SHA-256.
    case_file=CaseFilePart(("relief_applications",), outputs.dump_relief, outputs.read_relief, order=45),
)

"""The relief part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

from datetime import date, timedelta

from casework import case_page
from casework.case_page import Glance, TimelineEntry
from casework.models import Person, ReliefKind, ReliefStatus, User
from casework.relief import queries


def _load_section(person: Person, user: User) -> dict:
    """Applications of the case with their steps (two queries), and what is next in each."""
    applications = queries.applications_with_steps(person)
    today = date.today()
    rows = []
    for application in applications:
        open_steps = [s for s in application.steps if s.done_on is None]
        dated = sorted((s for s in open_steps if s.due_on is not None), key=lambda s: (s.due_on, s.position))
        next_step = dated[0] if dated else (open_steps[0] if open_steps else None)
        rows.append(
            {
                "application": application,
                "done": len(application.steps) - len(open_steps),
                "total": len(application.steps),
                "next_step": next_step,
                "overdue": bool(next_step and next_step.due_on and next_step.due_on < today),
            }
        )
    return {"rows": rows, "today": today}


def _section_timeline(context: dict) -> list[TimelineEntry]:
    """Opened, filed and decided applications, and steps done."""
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
        row["next_step"]
        for row in context["rows"]
        if row["next_step"] is not None
        and row["next_step"].due_on is not None
        and not ReliefStatus(row["application"].status).is_closed
    ]
    if upcoming:
        step = min(upcoming, key=lambda s: s.due_on)
        today = context["today"]
        tone = (
            "alert" if step.due_on < today else ("warn" if step.due_on <= today + timedelta(days=7) else "")
        )
        facts.append(
            Glance("Next relief step", f"{step.title} — due {step.due_on.isoformat()}", tone, step.due_on)
        )
    return facts


SECTION = case_page.CaseSection(
    key="relief",
    title="Relief",
    template="relief/_section_relief.html",
    order=40,
    load=_load_section,
    timeline=_section_timeline,
    glance=_section_glance,
    pdf_parts=("relief",),
    export_keys=("relief_applications",),
)

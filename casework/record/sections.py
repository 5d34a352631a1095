"""The record's sections of the case page: loaders (fixed numbers of queries), timeline entries, glances.

The feature declares them (casework/record/__init__.py); casework.case_page walks them for every output.
"""

from __future__ import annotations

import sqlalchemy as sa

from casework import access, clock
from casework.case_page import CaseFilePart, CaseSection, Glance, PdfPart, Rows, TimelineEntry
from casework.models import (
    CheckIn,
    CheckInOutcome,
    CustodyEvent,
    Person,
    RemovalCase,
    TravelDocument,
    TravelDocumentOutcome,
    User,
)
from casework.models.custody import custody_clock
from casework.models.custody_clock import NOTICE_DAYS
from casework.record import outputs as out
from casework.record import queries
from casework.record.forms import CustodyEventForm
from casework.reference import STATE_NAMES

POST_ORDER_PRESUMPTION_DAYS = 90  # past day 90 of post-order custody, detention must be justified (Zadvydas)


def _can_edit(person: Person, user: User) -> bool:
    return access.can(user, "edit", person)


# ---------------------------------------------------------------- convictions


def conviction_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The person's convictions, oldest first."""
    return {"convictions": queries.convictions_in_order(person.id)}


def load_convictions(person: Person, user: User, rows: Rows) -> dict:
    """The convictions section's context."""
    return {
        "convictions": rows["convictions"],
        "person": person,
        "can_edit": _can_edit(person, user),
        "state_names": STATE_NAMES,
    }


def convictions_timeline(ctx: dict) -> list[TimelineEntry]:
    """Offense and conviction dates."""
    person: Person = ctx["person"]
    entries = []
    for c in ctx["convictions"]:
        if c.offense_date:
            age = person.age_on(c.offense_date)
            text = f"Offense: {c.offense}" + (f" (age {age})" if age is not None else "")
            entries.append(TimelineEntry(c.offense_date, "Conviction", text, "convictions"))
        if c.conviction_date:
            entries.append(
                TimelineEntry(c.conviction_date, "Conviction", f"Convicted: {c.offense}", "convictions")
            )
    return entries


# ---------------------------------------------------------------- removal case and custody


def removal_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The removal case, the whole custody timeline (voided entries too) and who recorded or voided each event."""
    by_whom = sa.union(
        sa.select(CustodyEvent.created_by_id).where(CustodyEvent.person_id == person.id),
        sa.select(CustodyEvent.voided_by_id).where(CustodyEvent.person_id == person.id),
    )
    return {
        "removal_case": sa.select(RemovalCase).where(RemovalCase.person_id == person.id),
        "custody_events": queries.custody_events_in_order(person.id),
        "custody_event_users": sa.select(User).where(User.id.in_(by_whom)),
    }


def load_removal(person: Person, user: User, rows: Rows) -> dict:
    """The removal case, the custody timeline and its clock."""
    removal = rows["removal_case"][0] if rows["removal_case"] else None
    can_edit = _can_edit(person, user)
    today = clock.today()
    return {
        "person": person,
        "removal": removal,
        "events": rows["custody_events"],
        "names": {u.id: u.display_name for u in rows["custody_event_users"]},
        "today": today,
        "clock": custody_clock(removal, person.custody_status, person.custody_since, today),
        "notice_days": NOTICE_DAYS,
        "can_edit": can_edit,
        "event_form": CustodyEventForm(formdata=None) if can_edit else None,
    }


def removal_timeline(ctx: dict) -> list[TimelineEntry]:
    """Notice to Appear, orders, stays, hearings and every standing custody event."""
    entries = []
    removal: RemovalCase | None = ctx["removal"]
    if removal is not None:
        if removal.nta_date:
            entries.append(TimelineEntry(removal.nta_date, "Removal", "Notice to Appear issued", "removal"))
        if removal.order_date:
            kind = removal.order_type.label.lower() if removal.order_type else "removal"
            entries.append(
                TimelineEntry(removal.order_date, "Removal", f"Order of {kind} entered", "removal")
            )
        if removal.stay_granted_on:
            entries.append(
                TimelineEntry(removal.stay_granted_on, "Removal", "Stay of removal granted", "removal")
            )
        if removal.stay_ended_on:
            entries.append(
                TimelineEntry(removal.stay_ended_on, "Removal", "Stay of removal ended", "removal")
            )
        if removal.next_hearing_on:
            where = f" at {removal.court}" if removal.court else ""
            entries.append(TimelineEntry(removal.next_hearing_on, "Removal", f"Hearing{where}", "removal"))
    for e in ctx["events"]:
        if e.voided_at is None:
            where = f" · {e.facility}" if e.facility else ""
            entries.append(TimelineEntry(e.occurred_on, "Custody", f"{e.kind.label}{where}", "removal"))
    return entries


def removal_glance(ctx: dict) -> list[Glance]:
    """The post-order custody clock and its marks, the BIA appeal deadline and the next hearing."""
    glances = []
    clock = ctx["clock"]
    today = ctx["today"]
    if clock is not None:
        text = f"Detained day {clock.days} after final order"
        if clock.paused:
            text += " (paused by a stay)"
        tone = "alert" if clock.days > POST_ORDER_PRESUMPTION_DAYS else "warn"
        glances.append(Glance("Custody", text, tone))
        if clock.latest_passed is not None:  # a fact, not a deadline: no day, never "overdue"
            glances.append(Glance("Post-order custody", clock.latest_passed.fact, "alert"))
        upcoming = clock.next_mark
        if upcoming is not None and not upcoming.moving:
            glances.append(
                Glance(upcoming.mark.title, upcoming.falls_on.isoformat(), "warn", upcoming.falls_on)
            )
    removal: RemovalCase | None = ctx["removal"]
    if removal is not None:
        appeal = removal.appeal
        if appeal and appeal.day >= today:
            glances.append(Glance("BIA appeal deadline", appeal.day.isoformat(), "alert", appeal.day))
        if removal.next_hearing_on and removal.next_hearing_on >= today:
            glances.append(
                Glance("Next hearing", removal.next_hearing_on.isoformat(), "", removal.next_hearing_on)
            )
    return glances


# ---------------------------------------------------------------- check-ins


def check_in_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """Check-ins in date order, and the voided custody events any of them records."""
    linked = sa.select(CheckIn.custody_event_id).where(CheckIn.person_id == person.id)
    return {
        "check_ins": sa.select(CheckIn)
        .where(CheckIn.person_id == person.id)
        .order_by(CheckIn.scheduled_on, CheckIn.scheduled_time, CheckIn.id),
        "check_in_voided_events": sa.select(CustodyEvent).where(
            CustodyEvent.id.in_(linked), CustodyEvent.voided_at.is_not(None)
        ),
    }


def load_check_ins(person: Person, user: User, rows: Rows) -> dict:
    """Check-ins, upcoming first (soonest first), then the others (latest first)."""
    today = clock.today()
    voided_events = {e.id for e in rows["check_in_voided_events"]}
    check_ins = rows["check_ins"]
    voided_links = {c.id for c in check_ins if c.custody_event_id in voided_events}
    upcoming = [c for c in check_ins if c.scheduled_on >= today and c.outcome == CheckInOutcome.SCHEDULED]
    others = [c for c in reversed(check_ins) if c not in upcoming]
    return {
        "upcoming": upcoming,
        "others": others,
        "voided_links": voided_links,
        "today": today,
        "can_edit": _can_edit(person, user),
    }


def check_ins_timeline(ctx: dict) -> list[TimelineEntry]:
    """Every check-in, held or to come."""
    entries = []
    for c in ctx["upcoming"] + ctx["others"]:
        where = f" at {c.office}" if c.office else ""
        entries.append(
            TimelineEntry(c.scheduled_on, "Check-in", f"ICE check-in{where}: {c.outcome.label}", "checkins")
        )
    return entries


def check_ins_glance(ctx: dict) -> list[Glance]:
    """The next check-in, and check-ins whose outcome was never recorded."""
    glances = []
    if ctx["upcoming"]:
        nxt = ctx["upcoming"][0]
        value = nxt.scheduled_on.isoformat() + (f" {nxt.scheduled_time:%H:%M}" if nxt.scheduled_time else "")
        soon = (nxt.scheduled_on - ctx["today"]).days <= 7
        glances.append(Glance("Next check-in", value, "warn" if soon else "", nxt.scheduled_on))
    unrecorded = [
        c for c in ctx["others"] if c.outcome == CheckInOutcome.SCHEDULED and c.scheduled_on < ctx["today"]
    ]
    if unrecorded:
        glances.append(Glance("Check-in outcome", f"not recorded for {unrecorded[0].scheduled_on}", "warn"))
    return glances


# ---------------------------------------------------------------- travel documents


def travel_document_rows(person: Person, user: User) -> dict[str, sa.Select]:
    """Travel-document requests, latest first."""
    return {
        "travel_documents": sa.select(TravelDocument)
        .where(TravelDocument.person_id == person.id)
        .order_by(
            sa.func.coalesce(TravelDocument.requested_on, TravelDocument.decided_on).desc(),
            TravelDocument.id.desc(),
        )
    }


def load_travel_documents(person: Person, user: User, rows: Rows) -> dict:
    """The travel documents section's context."""
    return {
        "documents": rows["travel_documents"],
        "today": clock.today(),
        "can_edit": _can_edit(person, user),
    }


def travel_timeline(ctx: dict) -> list[TimelineEntry]:
    """Requests, consular interviews and decisions."""
    entries = []
    for d in ctx["documents"]:
        if d.requested_on:
            entries.append(
                TimelineEntry(
                    d.requested_on,
                    "Travel document",
                    f"Travel document requested from {d.country}",
                    "travel-documents",
                )
            )
        if d.interview_on:
            entries.append(
                TimelineEntry(
                    d.interview_on, "Travel document", f"Consular interview ({d.country})", "travel-documents"
                )
            )
        if d.decided_on and d.outcome in (TravelDocumentOutcome.ISSUED, TravelDocumentOutcome.REFUSED):
            verb = "refused" if d.outcome == TravelDocumentOutcome.REFUSED else "issued"
            entries.append(
                TimelineEntry(
                    d.decided_on,
                    "Travel document",
                    f"Travel document {verb} by {d.country}",
                    "travel-documents",
                )
            )
    return entries


def travel_glance(ctx: dict) -> list[Glance]:
    """A refusal is a win; an issued, unexpired document is a danger."""
    glances = []
    documents = ctx["documents"]
    if any(d.outcome == TravelDocumentOutcome.REFUSED for d in documents):
        glances.append(Glance("Travel document", "Refused by consulate", "ok"))
    issued = [
        d
        for d in documents
        if d.outcome == TravelDocumentOutcome.ISSUED
        and (d.expires_on is None or d.expires_on >= ctx["today"])
    ]
    if issued:
        d = issued[0]
        glances.append(
            Glance(
                "Travel document",
                f"Issued by {d.country}" + (f", valid until {d.expires_on}" if d.expires_on else ""),
                "alert",
            )
        )
    return glances


# The four sections of the case page that show the legal record (orders 20-29), and their other outputs.

CONVICTIONS = CaseSection(
    key="convictions",
    title="Convictions",
    template="record/_section_convictions.html",
    order=20,
    load=load_convictions,
    rows=conviction_rows,
    timeline=convictions_timeline,
    pdf=(
        PdfPart(
            "convictions",
            "Convictions",
            "pdf/sections/_convictions.html",
            out.pdf_convictions,
            public=True,
            public_fact="conviction_summary",
            rows=out.pdf_conviction_rows,
        ),
    ),
    case_file=CaseFilePart(("convictions",), out.dump_convictions, out.read_convictions, order=10),
)

REMOVAL = CaseSection(
    key="removal",
    title="Removal case and custody",
    template="record/_section_removal.html",
    order=21,
    load=load_removal,
    rows=removal_rows,
    timeline=removal_timeline,
    glance=removal_glance,
    pdf=(
        PdfPart(
            "custody",
            "Custody",
            "pdf/sections/_custody.html",
            out.pdf_custody,
            public=True,
            public_fact="custody",
            rows=out.pdf_custody_rows,
        ),
        PdfPart(
            "removal",
            "Removal case",
            "pdf/sections/_removal.html",
            out.pdf_removal,
            rows=out.pdf_removal_rows,
        ),
    ),
    case_file=CaseFilePart(("removal_case", "custody_events"), out.dump_removal, out.read_removal, order=11),
)

CHECK_INS = CaseSection(
    key="checkins",
    title="ICE check-ins",
    template="record/_section_checkins.html",
    order=22,
    load=load_check_ins,
    rows=check_in_rows,
    timeline=check_ins_timeline,
    glance=check_ins_glance,
    pdf=(
        PdfPart(
            "checkins",
            "ICE check-ins",
            "pdf/sections/_checkins.html",
            out.pdf_check_ins,
            rows=out.pdf_check_in_rows,
        ),
    ),
    case_file=CaseFilePart(("check_ins",), out.dump_check_ins, out.read_check_ins, order=12),
)

TRAVEL_DOCUMENTS = CaseSection(
    key="travel-documents",
    title="Travel documents",
    template="record/_section_travel.html",
    order=23,
    load=load_travel_documents,
    rows=travel_document_rows,
    timeline=travel_timeline,
    glance=travel_glance,
    pdf=(
        PdfPart(
            "travel_documents",
            "Travel documents",
            "pdf/sections/_travel.html",
            out.pdf_travel_documents,
            rows=out.pdf_travel_document_rows,
        ),
    ),
    case_file=CaseFilePart(
        ("travel_documents",), out.dump_travel_documents, out.read_travel_documents, order=13
    ),
)

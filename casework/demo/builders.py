"""The shared builders of the demo's case records: each fills in the fields a form would leave empty and calls
the same operation the web form uses, so the demo data passes every check real data passes."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, time

import sqlalchemy as sa

from casework.contacts import operations as contacts_ops
from casework.extensions import db
from casework.models import (
    CheckInOutcome,
    Contact,
    ContactKind,
    Conviction,
    CustodyKind,
    Person,
    ReliefApplication,
    ReliefKind,
    ReliefStatus,
    ReliefTemplate,
    RemovalStage,
    StayStatus,
    TravelDocumentOutcome,
    TriState,
    User,
)
from casework.record import operations as record_ops
from casework.record import queries as record_queries
from casework.relief import operations as relief_ops
from casework.tasks import operations as tasks_ops


@dataclass(frozen=True)
class Cast:
    """Who works on the demo cases, the contacts the cases share, and the day the demo is built on."""

    staff: User
    volunteer: User
    attorney: User
    contacts: dict[str, Contact]
    today: date


def builtin_template(jurisdiction: str, kind: ReliefKind | None) -> ReliefTemplate:
    """A built-in relief template (the migrations seed them)."""
    found = db.session.scalar(
        sa.select(ReliefTemplate).where(
            ReliefTemplate.org_id.is_(None),
            ReliefTemplate.jurisdiction == jurisdiction,
            ReliefTemplate.kind == kind if kind else ReliefTemplate.kind.is_(None),
        )
    )
    if found is None:
        raise LookupError(f"no built-in relief template for {jurisdiction} {kind}: run the migrations first")
    return found


def conviction(actor: User, person: Person, **fields) -> Conviction:
    """A conviction; fields not given are left empty (unknown for the yes/no questions)."""
    data = {
        "state": None,
        "county": None,
        "court": None,
        "docket_number": None,
        "statute": None,
        "level": None,
        "offense_date": None,
        "conviction_date": None,
        "plea": None,
        "sentence": None,
        "time_served": None,
        "removal_grounds": None,
        "consequences_advised": TriState.UNKNOWN,
        "interpreter_at_plea": TriState.UNKNOWN,
        "notes": None,
    }
    data.update(fields)
    return record_ops.create_conviction(actor, person, data)


def custody_period(
    actor: User,
    person: Person,
    start: tuple[CustodyKind, date],
    end: tuple[CustodyKind, date],
    facility: str | None = None,
    field_office: str | None = None,
    notes: str | None = None,
) -> None:
    """A whole detention of the custody timeline, from its start to its end (it may be earlier than entries
    already recorded)."""
    record_ops.add_custody_period(
        actor,
        person,
        {
            "kind": start[0],
            "occurred_on": start[1],
            "facility": facility,
            "field_office": field_office,
            "notes": notes,
        },
        {
            "kind": end[0],
            "occurred_on": end[1],
            "facility": None,
            "field_office": field_office,
            "notes": None,
        },
    )


def custody(
    actor: User,
    person: Person,
    kind: CustodyKind,
    day: date,
    facility: str | None = None,
    field_office: str | None = None,
    notes: str | None = None,
) -> None:
    """An event of the custody timeline."""
    record_ops.add_custody_event(
        actor,
        person,
        {
            "kind": kind,
            "occurred_on": day,
            "facility": facility,
            "field_office": field_office,
            "notes": notes,
        },
    )


def check_in(
    actor: User,
    person: Person,
    day: date,
    outcome: CheckInOutcome = CheckInOutcome.SCHEDULED,
    office: str | None = None,
    accompanied_by: str | None = None,
    at: time | None = None,
    notes: str | None = None,
) -> None:
    """A check-in with ICE, scheduled or past."""
    record_ops.create_check_in(
        actor,
        person,
        {
            "scheduled_on": day,
            "scheduled_time": at,
            "office": office,
            "outcome": outcome,
            "accompanied_by": accompanied_by,
            "notes": notes,
        },
    )


def removal(actor: User, person: Person, **fields) -> None:
    """The removal case; fields not given are left empty (no proceedings, no stay, appeal not waived). A
    removal case the person record opened (a final-order status) is filled in, as its edit page would."""
    data = {
        "stage": RemovalStage.NO_PROCEEDINGS,
        "court": None,
        "nta_date": None,
        "next_hearing_on": None,
        "order_date": None,
        "order_type": None,
        "appeal_waived": False,
        "stay_status": StayStatus.NONE,
        "stay_granted_on": None,
        "stay_ended_on": None,
        "notes": None,
    }
    data.update(fields)
    existing = record_queries.removal_case_of(person)
    record_ops.save_removal_case(actor, person, existing, data, existing.version if existing else None)


def travel(actor: User, person: Person, **fields) -> None:
    """A travel document request; fields not given are left empty (pending)."""
    data = {
        "agreement": None,
        "requested_on": None,
        "interview_on": None,
        "outcome": TravelDocumentOutcome.PENDING,
        "decided_on": None,
        "expires_on": None,
        "refusal_reason": None,
        "notes": None,
    }
    data.update(fields)
    record_ops.create_travel_document(actor, person, data)


def contact(actor: User, org_id: int, name: str, kind: ContactKind, **fields) -> Contact:
    """A contact of the organization's directory."""
    data = {
        "name": name,
        "organization": None,
        "kind": kind,
        "bar_number": None,
        "bar_state": None,
        "phone": None,
        "email": None,
        "notes": None,
    }
    data.update(fields)
    return contacts_ops.create_contact(actor, org_id, data)


def application(
    actor: User,
    person: Person,
    kind: ReliefKind,
    jurisdiction: str,
    opened_on: date,
    template: ReliefTemplate,
    convictions: Iterable[Conviction] = (),
    lead: User | None = None,
    counsel: Contact | None = None,
    forum: str | None = None,
    notes: str | None = None,
) -> ReliefApplication:
    """A relief application with the steps of its template (and its lead counsel)."""
    return relief_ops.create_application(
        actor,
        person,
        {
            "kind": kind,
            "jurisdiction": jurisdiction,
            "forum": forum,
            "opened_on": opened_on,
            "lead_id": lead.id if lead else None,
            "notes": notes,
            "conviction_ids": [c.id for c in convictions],
            "lead_counsel_id": counsel.id if counsel else None,
        },
        template,
    )


def steps_done(actor: User, person: Person, application: ReliefApplication, count: int, today: date) -> None:
    """Mark the first `count` steps done, each on its due day (today at the latest)."""
    for step in sorted(application.steps, key=lambda s: s.position)[:count]:
        done_on = today if step.due_on is None else min(step.due_on, today)
        relief_ops.mark_step_done(actor, person, application, step, done_on)


def set_status(
    actor: User,
    person: Person,
    application: ReliefApplication,
    status: ReliefStatus,
    filed_on: date | None = None,
    decided_on: date | None = None,
    outcome: str | None = None,
) -> None:
    """Move an application to a status, with its filing and decision dates."""
    data = {
        "kind": application.kind,
        "jurisdiction": application.jurisdiction,
        "forum": application.forum,
        "status": status,
        "opened_on": application.opened_on,
        "filed_on": filed_on,
        "decided_on": decided_on,
        "outcome": outcome,
        "lead_id": application.lead_id,
        "notes": application.notes,
        "conviction_ids": [c.id for c in application.convictions],
    }
    relief_ops.update_application(actor, person, application, data, application.version)


def task(
    actor: User,
    person: Person,
    title: str,
    due_on: date | None = None,
    assignee: User | None = None,
    notes: str | None = None,
) -> None:
    """A task on the case."""
    tasks_ops.add_task(
        actor,
        person,
        {"title": title, "due_on": due_on, "assignee_id": assignee.id if assignee else None, "notes": notes},
    )

"""Export of one case, limited to what the viewer may see."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import access, audit
from casework.extensions import db
from casework.models import (
    CaseContact,
    CheckIn,
    Contact,
    Conviction,
    CustodyEvent,
    Note,
    Person,
    ReliefApplication,
    RemovalCase,
    Task,
    TravelDocument,
    User,
)
from casework.transfer import schema as s


def _all(query):
    return list(db.session.scalars(query))


def case_file(user: User, person: Person) -> str:
    """The case file (JSON text) of everything the user may see of the case; the export is audited."""
    data = export_case(user, person)
    audit.record(user, "person.exported", person, detail="case file (json)")
    return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)


def export_case(user: User, person: Person) -> dict:
    """The whole case as the case-file dict (privileged notes and A-number only for those who may see them)."""
    pid = person.id
    convictions = _all(sa.select(Conviction).where(Conviction.person_id == pid).order_by(Conviction.id))
    conviction_ref = {c.id: i for i, c in enumerate(convictions)}
    events = _all(sa.select(CustodyEvent).where(CustodyEvent.person_id == pid).order_by(CustodyEvent.id))
    event_ref = {e.id: i for i, e in enumerate(events)}
    links = _all(sa.select(CaseContact).where(CaseContact.person_id == pid).order_by(CaseContact.id))
    contact_ids = list(dict.fromkeys(link.contact_id for link in links))
    applications = _all(
        sa.select(ReliefApplication)
        .where(ReliefApplication.person_id == pid)
        .order_by(ReliefApplication.id)
        .options(
            selectinload(ReliefApplication.steps),
            selectinload(ReliefApplication.events),
            selectinload(ReliefApplication.convictions),
        )
    )
    attorney_ids = [a.attorney_contact_id for a in applications if a.attorney_contact_id]
    contact_ids += [cid for cid in attorney_ids if cid not in contact_ids]
    contact_ref = {cid: i for i, cid in enumerate(contact_ids)}

    person_data = s.dump(person, s.PERSON)
    if not access.can(user, "see_a_number", person):
        person_data["a_number"] = None

    contacts = []
    contact_rows = {
        c.id: c for c in db.session.scalars(sa.select(Contact).where(Contact.id.in_(contact_ids)))
    }
    for cid in contact_ids:
        roles = [link.role for link in links if link.contact_id == cid]
        contacts.append({"ref": contact_ref[cid], **s.dump(contact_rows[cid], s.CONTACT), "roles": roles})

    removal = db.session.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == pid))
    check_ins = _all(
        sa.select(CheckIn).where(CheckIn.person_id == pid).order_by(CheckIn.scheduled_on, CheckIn.id)
    )
    notes = _all(sa.select(Note).where(Note.person_id == pid, access.notes_filter(user)).order_by(Note.id))
    tasks = _all(sa.select(Task).where(Task.person_id == pid).order_by(Task.id))
    documents = _all(
        sa.select(TravelDocument).where(TravelDocument.person_id == pid).order_by(TravelDocument.id)
    )

    return {
        "format": s.FORMAT,
        "version": s.VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "case_number": pid,
        "person": person_data,
        "convictions": [{"ref": i, **s.dump(c, s.CONVICTION)} for i, c in enumerate(convictions)],
        "removal_case": s.dump(removal, s.REMOVAL_CASE) if removal else None,
        "custody_events": [{"ref": i, **s.dump(e, s.CUSTODY_EVENT)} for i, e in enumerate(events)],
        "check_ins": [
            {**s.dump(c, s.CHECK_IN), "custody_event_ref": event_ref.get(c.custody_event_id)}
            for c in check_ins
        ],
        "travel_documents": [s.dump(d, s.TRAVEL_DOCUMENT) for d in documents],
        "relief_applications": [
            {
                **s.dump(a, s.RELIEF_APPLICATION),
                "conviction_refs": sorted(conviction_ref[c.id] for c in a.convictions),
                "attorney_ref": contact_ref.get(a.attorney_contact_id),
                "lead": a.lead.display_name if a.lead else None,
                "steps": [
                    {
                        **s.dump(step, s.RELIEF_STEP),
                        "assignee": step.assignee.display_name if step.assignee else None,
                    }
                    for step in a.steps
                ],
                "history": [
                    {**s.dump(e, s.RELIEF_EVENT), "actor": e.actor.display_name if e.actor else None}
                    for e in a.events
                ],
            }
            for a in applications
        ],
        "contacts": contacts,
        "notes": [
            {**s.dump(n, s.NOTE), "author": n.author.display_name if n.author else None} for n in notes
        ],
        "tasks": [
            {**s.dump(t, s.TASK), "assignee": t.assignee.display_name if t.assignee else None} for t in tasks
        ],
        "petitions": _petitions(pid),
    }


PETITION = (
    "kind",
    "status",
    "title",
    "targets",
    "goal",
    "external_url",
    "platform",
    "slug",
    "story",
    "signature_count",
    "published_at",
    "closed_at",
    "archived_at",
)
PETITION_COUNT = ("counted_on", "count")
PETITION_DELIVERY = (
    "delivered_on",
    "delivered_to",
    "method",
    "signature_count",
    "text_sha256",
    "outcome",
    "response",
)


def _petitions(person_id: int) -> list[dict]:
    """The case's petitions: what they ask of whom, their counts and deliveries; never a signer (the
    signatures stay with the organization that collected them) and never the public snapshot of facts."""
    from casework.models import Petition

    petitions = _all(
        sa.select(Petition)
        .where(Petition.person_id == person_id)
        .order_by(Petition.id)
        .options(selectinload(Petition.counts), selectinload(Petition.deliveries))
    )
    return [
        {
            **s.dump(p, PETITION),
            "counts": [s.dump(c, PETITION_COUNT) for c in p.counts],
            "deliveries": [s.dump(d, PETITION_DELIVERY) for d in p.deliveries],
        }
        for p in petitions
    ]

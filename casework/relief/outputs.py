"""Relief applications in the PDF summary and packets and in the case file.

PDF: each application with its status and outcome; for the team, its targets, lead, counsel, the prosecutor's
position, its records of support (counted: "3 records of support") and its steps (a closed application's
unfinished steps are "not needed"). The public see what was sought and decided, and how much support it has,
only when the person consented to "relief" (the part's public fact): the number of records of support and who
gave the public ones, resolutions and statements by officials, which are public acts already. A letter is a
private person's correspondence: it is counted, its author is not named (their consent is not the person's to
give). Counsel, the prosecutor's position, summaries, notes and documents never reach the public.

Case file: each application with its steps (and their rules, so that the importing organization's dates keep
following what happens), history, targeted convictions, counsel and the prosecutor by contact ref, and its
records of support (see casework.relief.support_file).
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.attributes import set_committed_value

from casework.case_file import CaseFileRejected, Reading, Writing, dump, one_of, read, records, rejected
from casework.case_page import PdfRequest
from casework.errors import OperationError
from casework.extensions import db
from casework.models import Conviction, ReliefApplication, ReliefEvent, ReliefStep, relief_conviction
from casework.relief import dates, queries, support_file

RELIEF_APPLICATION = (
    "kind",
    "jurisdiction",
    "forum",
    "status",
    "opened_on",
    "filed_on",
    "hearing_on",
    "decided_on",
    "outcome",
    "prosecutor_position",
    "prosecutor_position_on",
    "notes",
)
RELIEF_STEP = (
    "position",
    "title",
    "anchor",
    "anchor_position",
    "offset_days",
    "schedule",
    "schedule_months",
    "milestone",
    "due_override_on",
    "due_on",
    "done_on",
    "notes",
)
RELIEF_EVENT = ("at", "kind", "from_status", "to_status", "summary")
MONTHS = re.compile(r"(1[0-2]|[1-9])(,(1[0-2]|[1-9]))*")
STEP_WORDS = {
    "anchor": {"opened", "step", "filed", "hearing", "decided"},
    "schedule": {"offset", "quarterly"},
    "milestone": {"filing", "hearing", "decision"},
}


def _applications(person_id: int, *order) -> list[ReliefApplication]:
    return list(
        db.session.scalars(
            sa.select(ReliefApplication)
            .where(ReliefApplication.person_id == person_id)
            .options(
                selectinload(ReliefApplication.steps),
                selectinload(ReliefApplication.events),
                selectinload(ReliefApplication.convictions),
                selectinload(ReliefApplication.counsel),
                selectinload(ReliefApplication.support_records),
            )
            .order_by(*order)
        )
    )


def pdf_relief_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The case page's row sets of the applications (oldest first here) and of what they name, and the
    convictions they target."""
    person_id = request.person.id
    targeted = sa.select(relief_conviction.c.conviction_id).where(
        relief_conviction.c.application_id.in_(
            sa.select(ReliefApplication.id).where(ReliefApplication.person_id == person_id)
        )
    )
    return {
        **queries.application_rows(request.person),
        "relief_applications": sa.select(ReliefApplication)
        .where(ReliefApplication.person_id == person_id)
        .order_by(ReliefApplication.opened_on, ReliefApplication.id),
        "relief_targets": sa.select(Conviction).where(Conviction.id.in_(targeted)).order_by(Conviction.id),
    }


def _with_targets(applications: list[ReliefApplication], convictions: list[Conviction]) -> None:
    """Set each application's targeted convictions (by id), from the links read in one statement."""
    if not applications:
        return
    links = db.session.execute(
        sa.select(relief_conviction.c.application_id, relief_conviction.c.conviction_id).where(
            relief_conviction.c.application_id.in_([a.id for a in applications])
        )
    ).all()
    by_id = {c.id: c for c in convictions}
    for application in applications:
        ids = sorted(c for a, c in links if a == application.id)
        set_committed_value(application, "convictions", [by_id[i] for i in ids if i in by_id])


def pdf_relief(request: PdfRequest) -> dict:
    """The applications, oldest first, each with its records of support as this audience may see them."""
    applications = queries.applications_from(request.rows)
    _with_targets(applications, request.rows["relief_targets"])
    return {
        "applications": applications,
        "support": {a.id: support_file.for_pdf(request, a.support_records) for a in applications},
    }


def dump_relief(writing: Writing) -> dict:
    """Every application with its steps, history, targets (conviction refs), counsel and prosecutor (contact
    refs) and records of support."""
    out = []
    for a in _applications(writing.person.id, ReliefApplication.id):
        out.append(
            {
                **dump(a, RELIEF_APPLICATION),
                "conviction_refs": sorted(
                    r for c in a.convictions if (r := writing.refs.existing("conviction", c.id)) is not None
                ),
                "prosecutor_ref": writing.refs.number("contact", a.prosecutor_contact_id)
                if a.prosecutor_contact_id
                else None,
                "counsel": [
                    {"contact_ref": writing.refs.number("contact", c.contact_id), "role": c.role.value}
                    for c in a.counsel
                ],
                "support_records": support_file.dump_support(writing, a.support_records),
                "lead": a.lead.display_name if a.lead else None,
                "steps": [
                    {**dump(s, RELIEF_STEP), "assignee": s.assignee.display_name if s.assignee else None}
                    for s in a.steps
                ],
                "history": [
                    {**dump(e, RELIEF_EVENT), "actor": e.actor.display_name if e.actor else None}
                    for e in a.events
                ],
            }
        )
    return {"relief_applications": out}


def read_relief(reading: Reading) -> None:
    """The applications; their dates are worked out again from their rules and what happened."""
    for i, record in enumerate(records(reading.data, "relief_applications")):
        where = f"relief_applications[{i}]"
        fields = read(ReliefApplication, record, RELIEF_APPLICATION, where, required=("kind", "jurisdiction"))
        application = ReliefApplication(person_id=reading.person.id, **fields)
        if record.get("prosecutor_ref") is not None:
            application.prosecutor_contact_id = reading.refs.resolve(
                "contact", record["prosecutor_ref"], f"{where}.prosecutor_ref"
            ).id
        application.counsel = support_file.read_counsel(reading, record, where)
        application.support_records = support_file.read_support(reading, record, where)
        application.convictions = _targets(reading, record, where)
        application.steps = _steps(record, where)
        application.events = [
            ReliefEvent(
                **read(
                    ReliefEvent, event, RELIEF_EVENT, f"{where}.history[{j}]", required=("kind", "summary")
                )
            )
            for j, event in enumerate(records(record, "history", where))
        ]
        db.session.add(application)
        db.session.flush()
        try:  # the dates follow the rules and what happened, here as where the case came from
            dates.refresh(reading.user, application, None, application.steps)
        except OperationError as exc:
            raise CaseFileRejected(f"{where}: {exc}") from None


def _targets(reading: Reading, record: dict, where: str) -> list:
    """The convictions an application targets, each once."""
    convictions = []
    for k, ref in enumerate(records(record, "conviction_refs", where)):
        conviction = reading.refs.resolve("conviction", ref, f"{where}.conviction_refs[{k}]")
        if conviction in convictions:
            raise rejected(f"{where}.conviction_refs[{k}]", f"conviction {ref} is listed twice.")
        convictions.append(conviction)
    return convictions


def _steps(record: dict, where: str) -> list[ReliefStep]:
    """An application's steps, each at a position of its own."""
    steps: dict[int, ReliefStep] = {}
    for j, row in enumerate(records(record, "steps", where)):
        place = f"{where}.steps[{j}]"
        fields = read(ReliefStep, row, RELIEF_STEP, place, required=("title", "position"))
        for name, allowed in STEP_WORDS.items():
            if name in fields:
                one_of(fields[name], f"{place}.{name}", allowed)
        if fields["position"] in steps:
            raise rejected(f"{place}.position", f"another step already has position {fields['position']}.")
        if fields.get("schedule_months") is not None and not MONTHS.fullmatch(fields["schedule_months"]):
            raise rejected(
                f"{place}.schedule_months", "must be months from 1 to 12 separated by commas (3,6,9,12)."
            )
        steps[fields["position"]] = ReliefStep(**fields)
    return list(steps.values())

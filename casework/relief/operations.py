"""Changes to relief applications, their steps and the organization's templates.

Operations change models, write the application's history (ReliefEvent) and the audit trail (field names,
never values), and flush; the view commits once.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from types import SimpleNamespace

import sqlalchemy as sa

from casework import audit
from casework.extensions import db
from casework.models import (
    Contact,
    Conviction,
    Person,
    ReliefApplication,
    ReliefEvent,
    ReliefKind,
    ReliefStatus,
    ReliefStep,
    ReliefTemplate,
    ReliefTemplateStep,
    User,
)
from casework.models.base import apply_changes, differing_fields, utcnow
from casework.models.relief import template_due_dates


class OperationError(ValueError):
    """A request that cannot be carried out; the message tells the user why and what to do."""


@dataclass
class EditConflict(Exception):
    """Someone saved the object after the user opened the form."""

    fields: list[str]


# Labels of the application's fields, for the history ("Details changed: forum, lead").
FIELD_LABELS = {
    "filed_on": "filing date",
    "decided_on": "decision date",
    "outcome": "outcome",
    "forum": "forum",
    "lead_id": "lead",
    "attorney_contact_id": "attorney",
    "notes": "notes",
    "convictions": "targeted convictions",
}
SUMMARY_LENGTH = 400


def _event(
    actor: User,
    application: ReliefApplication,
    kind: str,
    summary: str,
    *,
    step: ReliefStep | None = None,
    from_status: str | None = None,
    to_status: str | None = None,
) -> ReliefEvent:
    event = ReliefEvent(
        application_id=application.id,
        actor_id=actor.id,
        kind=kind,
        step_id=step.id if step is not None else None,
        from_status=from_status,
        to_status=to_status,
        summary=summary[:SUMMARY_LENGTH],
    )
    db.session.add(event)
    return event


# ---------------------------------------------------------------- choices


def offered_templates(user: User) -> list[ReliefTemplate]:
    """Active templates offered to the user's organization: built-in ones and its own."""
    from casework import access

    return list(
        db.session.scalars(
            access.relief_templates_offered(user)
            .where(ReliefTemplate.active.is_(True))
            .order_by(ReliefTemplate.jurisdiction, ReliefTemplate.name, ReliefTemplate.id)
        )
    )


def best_template(
    templates: list[ReliefTemplate], kind: ReliefKind | None, jurisdiction: str | None, org_id: int
) -> ReliefTemplate | None:
    """The template fitting a kind and jurisdiction best, else a generic one (an organization's own first)."""

    def rank(t: ReliefTemplate) -> tuple | None:
        if t.jurisdiction == jurisdiction:
            place = 0 if t.kind == kind else (1 if t.kind is None else None)
        elif t.jurisdiction == "generic":
            place = 2 if t.kind == kind else (3 if t.kind is None else None)
        else:
            place = None
        return None if place is None else (place, t.org_id != org_id, t.id)

    candidates = [(r, t) for t in templates if (r := rank(t)) is not None]
    return min(candidates, key=lambda pair: pair[0])[1] if candidates else None


def case_org_users(person: Person) -> list[User]:
    """Active users of the case's organization, who may lead the application or do its steps."""
    return list(
        db.session.scalars(
            sa.select(User)
            .where(User.org_id == person.org_id, User.active.is_(True))
            .order_by(User.name, User.email)
        )
    )


def attorney_contacts(person: Person) -> list[Contact]:
    """Attorneys in the directory of the case's organization."""
    from casework.models import ContactKind

    kinds = [k for k in ContactKind if k.is_attorney]
    return list(
        db.session.scalars(
            sa.select(Contact)
            .where(Contact.org_id == person.org_id, Contact.kind.in_(kinds))
            .order_by(Contact.sort_name, Contact.id)
        )
    )


def person_convictions(person: Person) -> list[Conviction]:
    """The person's convictions, oldest first."""
    return list(
        db.session.scalars(
            sa.select(Conviction)
            .where(Conviction.person_id == person.id)
            .order_by(Conviction.conviction_date.is_(None), Conviction.conviction_date, Conviction.id)
        )
    )


def _convictions_of(person: Person, ids: list[int]) -> list[Conviction]:
    if not ids:
        return []
    rows = list(
        db.session.scalars(
            sa.select(Conviction)
            .where(Conviction.person_id == person.id, Conviction.id.in_(ids))
            .order_by(Conviction.id)
        )
    )
    if len(rows) != len(set(ids)):
        raise OperationError("Tick only convictions of this person.")
    return rows


# ---------------------------------------------------------------- applications


def create_application(
    actor: User, person: Person, data: dict, template: ReliefTemplate | None
) -> ReliefApplication:
    """Open an application; the template's steps are copied with due dates counted from the opening day."""
    values = {k: v for k, v in data.items() if k != "conviction_ids"}
    if not values.get("forum") and template is not None and template.forum:
        values["forum"] = template.forum  # the template knows who decides; the user may change it later
    application = ReliefApplication(
        person_id=person.id,
        template_id=template.id if template else None,
        status=ReliefStatus.PREPARING,
        **values,
    )
    application.convictions = _convictions_of(person, data.get("conviction_ids") or [])
    application.steps = []
    db.session.add(application)
    count = 0
    if template is not None:
        steps = sorted(template.steps, key=lambda s: s.position)
        due = check_anchors(steps, application.opened_on)
        for number, step in enumerate(steps, start=1):
            application.steps.append(
                ReliefStep(position=number, title=step.title, due_on=due[step.position], notes=step.notes)
            )
            count += 1
    db.session.flush()
    source = f"from the template “{template.name}”, {count} steps" if template else "with no steps"
    _event(
        actor,
        application,
        "created",
        f"Application opened ({source})",
        to_status=ReliefStatus.PREPARING.value,
    )
    fields = [
        "convictions" if k == "conviction_ids" else k for k, v in data.items() if v not in (None, "", [])
    ]
    if template is not None:
        fields.append("template_id")
    audit.record(actor, "relief.created", application, person=person, fields=fields, detail=f"{count} steps")
    db.session.flush()
    return application


def update_application(
    actor: User, person: Person, application: ReliefApplication, data: dict, expected_version: int
) -> list[str]:
    """Apply an edit made from `expected_version`; a status change is written to the history."""
    values = {k: v for k, v in data.items() if k != "conviction_ids"}
    current_ids = sorted(c.id for c in application.convictions)
    if application.version != expected_version:
        differing = differing_fields(application, values)
        if current_ids != sorted(data["conviction_ids"]):
            differing.append("convictions")
        raise EditConflict(differing)
    old_status = application.status
    changed = apply_changes(application, values)
    if current_ids != sorted(data["conviction_ids"]):
        application.convictions = _convictions_of(person, data["conviction_ids"])
        changed.append("convictions")
    if not changed:
        return changed
    # Changing only the targeted convictions does not touch the row: bump it so the version check holds.
    application.updated_at = utcnow()
    db.session.flush()  # raises StaleDataError if another save slipped in since we loaded
    if "status" in changed:
        new_status = ReliefStatus(application.status)
        _event(
            actor,
            application,
            "status",
            f"Status changed from {ReliefStatus(old_status).label} to {new_status.label}",
            from_status=ReliefStatus(old_status).value,
            to_status=new_status.value,
        )
    others = [FIELD_LABELS[name] for name in changed if name in FIELD_LABELS]
    if others:
        _event(actor, application, "updated", "Details changed: " + ", ".join(others))
    audit.record(actor, "relief.updated", application, person=person, fields=changed)
    db.session.flush()
    return changed


def record_view(actor: User, person: Person, application: ReliefApplication) -> None:
    """Reading an application is audited, as reading the case is."""
    audit.record(actor, "relief.viewed", application, person=person)


def delete_application(actor: User, person: Person, application: ReliefApplication) -> None:
    """Delete an application with its steps and history (the audit trail keeps that it existed)."""
    audit.record(actor, "relief.deleted", application, person=person)
    db.session.delete(application)
    db.session.flush()


# ---------------------------------------------------------------- steps


def _check_version(step: ReliefStep, expected_version: int | None) -> None:
    if expected_version is not None and step.version != expected_version:
        raise EditConflict(["version"])


def mark_step_done(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    done_on: date,
    expected_version: int | None = None,
) -> None:
    """Tick a step off, on the day it was done."""
    _check_version(step, expected_version)
    if step.done_on is not None:
        raise OperationError(f"Step {step.position} is already marked done (on {step.done_on.isoformat()}).")
    step.done_on = done_on
    db.session.flush()
    _event(actor, application, "step_done", f"Step {step.position} marked done", step=step)
    audit.record(actor, "relief.step_done", step, person=person, fields=["done_on"])
    db.session.flush()


def reopen_step(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    expected_version: int | None = None,
) -> None:
    """Undo a step's "done"."""
    _check_version(step, expected_version)
    if step.done_on is None:
        raise OperationError(f"Step {step.position} is not marked done, so there is nothing to reopen.")
    step.done_on = None
    db.session.flush()
    _event(actor, application, "step_reopened", f"Step {step.position} reopened", step=step)
    audit.record(actor, "relief.step_reopened", step, person=person, fields=["done_on"])
    db.session.flush()


def add_step_note(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    note: str,
    today: date | None = None,
) -> None:
    """Append a dated, signed line to the step's log (earlier notes are never rewritten)."""
    line = f"{(today or date.today()).isoformat()} {actor.display_name}: {note.strip()}"
    step.notes = f"{step.notes}\n{line}" if step.notes else line
    db.session.flush()
    _event(actor, application, "step_note", f"Note added to step {step.position}", step=step)
    audit.record(actor, "relief.step_noted", step, person=person, fields=["notes"])
    db.session.flush()


def assign_step(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    assignee: User | None,
    expected_version: int | None = None,
) -> bool:
    """Give the step to an active user of the case's organization, or to nobody; False if nothing changed."""
    _check_version(step, expected_version)
    new_id = assignee.id if assignee is not None else None
    if step.assignee_id == new_id:
        return False
    if assignee is not None and (assignee.org_id != person.org_id or not assignee.active):
        raise OperationError("Steps go to active users of the case's organization; choose one from the list.")
    step.assignee_id = new_id
    step.assignee = assignee
    db.session.flush()
    summary = (
        f"Step {step.position} reassigned to {assignee.display_name}"
        if assignee is not None
        else f"Step {step.position} unassigned"
    )
    _event(actor, application, "step_assigned", summary, step=step)
    audit.record(actor, "relief.step_assigned", step, person=person, fields=["assignee_id"])
    db.session.flush()
    return True


def add_step(actor: User, person: Person, application: ReliefApplication, data: dict) -> ReliefStep:
    """A new step at the end of the application's checklist."""
    last = (
        db.session.scalar(
            sa.select(sa.func.max(ReliefStep.position)).where(ReliefStep.application_id == application.id)
        )
        or 0
    )
    step = ReliefStep(
        application_id=application.id, position=last + 1, title=data["title"], due_on=data["due_on"]
    )
    db.session.add(step)
    db.session.flush()
    _event(actor, application, "step_added", f"Step {step.position} added: {step.title}", step=step)
    audit.record(
        actor,
        "relief.step_added",
        step,
        person=person,
        fields=[k for k in ("title", "due_on") if data.get(k) is not None],
    )
    db.session.flush()
    return step


def update_step(
    actor: User,
    person: Person,
    application: ReliefApplication,
    step: ReliefStep,
    data: dict,
    expected_version: int,
) -> list[str]:
    """Change a step's title or due date; refused if the step moved on since the form was opened."""
    if step.version != expected_version:
        raise EditConflict(differing_fields(step, data))
    changed = apply_changes(step, data)
    if changed:
        db.session.flush()
        words = {"title": "title", "due_on": "due date"}
        _event(
            actor,
            application,
            "step_edited",
            f"Step {step.position} changed: " + ", ".join(words[c] for c in changed),
            step=step,
        )
        audit.record(actor, "relief.step_updated", step, person=person, fields=changed)
        db.session.flush()
    return changed


# ---------------------------------------------------------------- templates


def _simulated(steps) -> list[SimpleNamespace]:
    return [
        SimpleNamespace(
            position=s.position,
            anchor_position=s.anchor_position,
            offset_days=s.offset_days,
            schedule=s.schedule,
            schedule_months=s.schedule_months,
        )
        for s in steps
    ]


def check_anchors(steps, start: date | None = None) -> dict[int, date]:
    """Due dates of template steps (by position), or OperationError naming the anchor that cannot work."""
    try:
        return template_due_dates(steps, start or date.today())
    except (ValueError, OverflowError) as exc:
        text = str(exc)
        sentence = text[:1].upper() + text[1:]
        if "does not exist" in text:
            raise OperationError(f"{sentence}: choose an existing step or the opening day.") from None
        if "anchored on itself" in text:
            raise OperationError(
                f"{sentence}: a step cannot be counted from a step that is itself counted from it. "
                "Choose another anchor."
            ) from None
        # dates beyond the calendar (year 1 or 9999): only absurd offsets or opening dates get here
        raise OperationError(
            "The due dates would fall outside the calendar: check the opening date and the days of each step."
        ) from None


def create_template(actor: User, data: dict) -> ReliefTemplate:
    """A new template of the actor's organization, with no steps yet."""
    template = ReliefTemplate(org_id=actor.org_id, active=True, **data)
    template.steps = []
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "relief_template.created", template, fields=[k for k, v in data.items() if v])
    return template


def update_template(actor: User, template: ReliefTemplate, data: dict) -> list[str]:
    """Change a template's name, jurisdiction, kind, forum or description."""
    changed = apply_changes(template, data)
    if changed:
        db.session.flush()
        audit.record(actor, "relief_template.updated", template, fields=changed)
    return changed


def copy_template(actor: User, source: ReliefTemplate) -> ReliefTemplate:
    """A copy, owned by the actor's organization, of a template it may read (built-in or its own)."""
    copy = ReliefTemplate(
        org_id=actor.org_id,
        jurisdiction=source.jurisdiction,
        kind=source.kind,
        name=f"{source.name} (copy)"[:200],
        forum=source.forum,
        description=source.description,
        active=True,
    )
    copy.steps = [
        ReliefTemplateStep(
            position=s.position,
            title=s.title,
            anchor_position=s.anchor_position,
            offset_days=s.offset_days,
            schedule=s.schedule,
            schedule_months=s.schedule_months,
            notes=s.notes,
        )
        for s in sorted(source.steps, key=lambda s: s.position)
    ]
    db.session.add(copy)
    db.session.flush()
    audit.record(actor, "relief_template.copied", copy, detail=f"from template {source.id}")
    return copy


def set_template_active(actor: User, template: ReliefTemplate, active: bool) -> bool:
    """Offer a template again, or stop offering it to new applications; False if nothing changed."""
    if template.active == active:
        return False
    template.active = active
    db.session.flush()
    audit.record(
        actor,
        "relief_template.activated" if active else "relief_template.deactivated",
        template,
        fields=["active"],
    )
    return True


def add_template_step(actor: User, template: ReliefTemplate, data: dict) -> ReliefTemplateStep:
    """A new last step; refused when its anchor does not exist."""
    position = max((s.position for s in template.steps), default=0) + 1
    candidate = SimpleNamespace(
        position=position,
        **{k: data[k] for k in ("anchor_position", "offset_days", "schedule", "schedule_months")},
    )
    check_anchors([*_simulated(template.steps), candidate])
    step = ReliefTemplateStep(position=position, **data)
    template.steps.append(step)
    db.session.flush()
    audit.record(
        actor,
        "relief_template.step_added",
        step,
        org_id=template.org_id,
        fields=[k for k, v in data.items() if v not in (None, "")],
    )
    return step


def update_template_step(
    actor: User, template: ReliefTemplate, step: ReliefTemplateStep, data: dict
) -> list[str]:
    """Change a step; refused (nothing saved) when its anchor is missing or would close a loop."""
    simulated = _simulated(template.steps)
    for s in simulated:
        if s.position == step.position:
            for key in ("anchor_position", "offset_days", "schedule", "schedule_months"):
                setattr(s, key, data[key])
    check_anchors(simulated)
    changed = apply_changes(step, data)
    if changed:
        db.session.flush()
        audit.record(actor, "relief_template.step_updated", step, org_id=template.org_id, fields=changed)
    return changed


def remove_template_step(actor: User, template: ReliefTemplate, step: ReliefTemplateStep) -> None:
    """Remove a step no other step is counted from; later steps move up and their anchors follow."""
    dependants = sorted(s.position for s in template.steps if s.anchor_position == step.position)
    if dependants:
        listed = ", ".join(str(p) for p in dependants)
        raise OperationError(
            f"Step {step.position} is the anchor of step{'s' if len(dependants) > 1 else ''} "
            f"{listed}: count {'them' if len(dependants) > 1 else 'it'} from another step first."
        )
    removed = step.position
    audit.record(actor, "relief_template.step_removed", step, org_id=template.org_id)
    template.steps.remove(step)
    db.session.flush()
    later = sorted((s for s in template.steps if s.position > removed), key=lambda s: s.position)
    for s in later:  # one at a time, in order, so the (template, position) uniqueness holds at every UPDATE
        s.position -= 1
        db.session.flush()
    for s in template.steps:
        if s.anchor_position is not None and s.anchor_position > removed:
            s.anchor_position -= 1
    db.session.flush()


def move_template_step(
    actor: User, template: ReliefTemplate, step: ReliefTemplateStep, direction: str
) -> bool:
    """Swap a step with its neighbour; anchors keep pointing at the same steps. False at either end."""
    target = step.position + (-1 if direction == "up" else 1)
    other = next((s for s in template.steps if s.position == target), None)
    if other is None:
        return False
    mine = step.position
    for s in template.steps:  # anchors follow the steps they point at
        if s.anchor_position == mine:
            s.anchor_position = target
        elif s.anchor_position == target:
            s.anchor_position = mine
    # Through a free position: the (template, position) pair is unique at every moment, on every database.
    step.position = -1
    db.session.flush()
    other.position = mine
    db.session.flush()
    step.position = target
    db.session.flush()
    template.steps.sort(key=lambda s: s.position)
    audit.record(actor, "relief_template.step_moved", step, org_id=template.org_id, fields=["position"])
    return True


def template_preview(template: ReliefTemplate, start: date) -> tuple[dict[int, date], str | None]:
    """Due dates of the template's steps for an application opened on `start` (or why there are none)."""
    try:
        return check_anchors(template.steps, start), None
    except OperationError as exc:
        return {}, str(exc)


MONTH_NAMES = [
    "",
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
]


def clock_text(step: ReliefTemplateStep) -> str:
    """How a template step's due date is counted, in words: "42 days after step 4"."""
    anchor = "the opening day" if step.anchor_position is None else f"step {step.anchor_position}"
    days = abs(step.offset_days)
    amount = f"{days} day{'s' if days != 1 else ''}"
    if step.schedule == "quarterly":
        months = ", ".join(
            MONTH_NAMES[int(m)]
            for m in (step.schedule_months or "3,6,9,12").split(",")
            if m.strip().isdigit() and 1 <= int(m) <= 12
        )
        return f"1st day of the next sitting month ({months}) at least {amount} after {anchor}"
    if step.offset_days == 0:
        return f"same day as {anchor}"
    return f"{amount} {'before' if step.offset_days < 0 else 'after'} {anchor}"

"""Opening, editing and deleting a relief application; its history records what changed, in words."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import audit
from casework.editing import check_version, flush_versioned
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import (
    Conviction,
    CounselRole,
    Person,
    ReliefApplication,
    ReliefCounsel,
    ReliefStatus,
    ReliefTemplate,
    User,
)
from casework.models.base import apply_changes, utcnow
from casework.relief import dates, queries
from casework.relief.clocks import check_anchors
from casework.relief.history import record_event, record_status_change
from casework.relief.operations import milestones, steps_from_template

# Labels of the application's fields, for the history ("Details changed: forum, lead").
FIELD_LABELS = {
    "filed_on": "filing date",
    "decided_on": "decision date",
    "outcome": "outcome",
    "forum": "forum",
    "lead_id": "lead",
    "notes": "notes",
    "convictions": "targeted convictions",
}


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
        raise OperationError(gettext("Tick only convictions of this person."))
    return rows


def create_application(
    actor: User, person: Person, data: dict, template: ReliefTemplate | None
) -> ReliefApplication:
    """Open an application; the template's steps are copied with due dates counted from the opening day, and
    the lead counsel chosen (a contact of the case owner's directory) is its first counsel."""
    values = {k: v for k, v in data.items() if k not in ("conviction_ids", "lead_counsel_id")}
    if not values.get("forum") and template is not None and template.forum:
        values["forum"] = template.forum  # the template knows who decides; the user may change it later
    application = ReliefApplication(
        person_id=person.id,
        template_id=template.id if template else None,
        template_revision=template.revision if template else None,
        status=ReliefStatus.PREPARING,
        **values,
    )
    application.convictions = _convictions_of(person, data.get("conviction_ids") or [])
    application.steps = []
    db.session.add(application)
    count = 0
    if template is not None:
        check_anchors(template.steps, application.opened_on)  # refuse rules that cannot work, in words
        for step in sorted(template.steps, key=lambda s: s.position):
            application.steps.append(steps_from_template.copy_of(step))
            count += 1
    db.session.flush()
    if data.get("lead_counsel_id") is not None:
        lead_counsel = queries.directory_contact(person, data["lead_counsel_id"], actor)
        if lead_counsel is None:
            raise OperationError(
                gettext("Choose the lead counsel from the case organization's contacts directory.")
            )
        db.session.add(
            ReliefCounsel(application_id=application.id, contact_id=lead_counsel.id, role=CounselRole.LEAD)
        )
    dates.refresh(actor, application, None, application.steps)
    source = f"from the template “{template.name}”, {count} steps" if template else "with no steps"
    record_event(
        actor,
        application,
        "created",
        f"Application opened ({source})",
        to_status=ReliefStatus.PREPARING.value,
    )
    names = {"conviction_ids": "convictions", "lead_counsel_id": "counsel"}
    fields = [names.get(k, k) for k, v in data.items() if v not in (None, "", [])]
    if template is not None:
        fields.append("template_id")
    audit.record(actor, "relief.created", application, person=person, fields=fields, detail=f"{count} steps")
    db.session.flush()
    return application


def update_application(
    actor: User, person: Person, application: ReliefApplication, data: dict, expected_version: int | None
) -> list[str]:
    """Apply an edit made from `expected_version`; a status change is written to the history.

    `application.convictions` must be loaded. A conflict names the fields that differ, "convictions"
    included when the saved targets are not the ones typed."""
    values = {k: v for k, v in data.items() if k != "conviction_ids"}
    retargeted = sorted(c.id for c in application.convictions) != sorted(data["conviction_ids"])
    try:
        check_version(application, expected_version, values)
    except EditConflict as conflict:
        if retargeted:
            conflict.fields.append("convictions")
        raise
    old_status = application.status
    changed = apply_changes(application, values)
    if retargeted:
        application.convictions = _convictions_of(person, data["conviction_ids"])
        changed.append("convictions")
    if not changed:
        return changed
    # Changing only the targeted convictions does not touch the row: bump it so the version check holds.
    application.updated_at = utcnow()
    flush_versioned(data)
    if "status" in changed:
        record_status_change(actor, application, ReliefStatus(old_status))
    _follow_the_edit(actor, application, changed)
    others = [FIELD_LABELS[name] for name in changed if name in FIELD_LABELS]
    if others:
        record_event(actor, application, "updated", "Details changed: " + ", ".join(others))
    audit.record(actor, "relief.updated", application, person=person, fields=changed)
    db.session.flush()
    return changed


def _follow_the_edit(actor: User, application: ReliefApplication, changed: list[str]) -> None:
    """After a direct edit of the dates or status: the milestone steps say the same, every due date follows."""
    if not {"status", "filed_on", "decided_on"} & set(changed):
        return
    steps = dates.steps_of(application)
    for step in milestones.application_edited(application, steps):
        state = f"done on {step.done_on.isoformat()}" if step.done_on else "reopened"
        record_event(
            actor,
            application,
            "step_done" if step.done_on else "step_reopened",
            f"Step {step.position} {state} (the application was edited)",
            step=step,
        )
    words = [FIELD_LABELS.get(name, name) for name in changed if name in ("status", "filed_on", "decided_on")]
    dates.refresh(actor, application, "application edited: " + ", ".join(words), steps)


def record_view(actor: User, person: Person, application: ReliefApplication) -> None:
    """Reading an application is audited, as reading the case is."""
    audit.record(actor, "relief.viewed", application, person=person)


def delete_application(actor: User, person: Person, application: ReliefApplication) -> None:
    """Delete an application with its steps and history (the audit trail keeps that it existed)."""
    _load_what_goes_with(application)
    audit.record(actor, "relief.deleted", application, person=person)
    db.session.delete(application)
    db.session.flush()


def _load_what_goes_with(application: ReliefApplication) -> None:
    """Load the steps, history and targets the delete cascades to (relationships are lazy="raise")."""
    db.session.scalar(
        sa.select(ReliefApplication)
        .where(ReliefApplication.id == application.id)
        .options(
            selectinload(ReliefApplication.steps),
            selectinload(ReliefApplication.events),
            selectinload(ReliefApplication.convictions),
        )
        .execution_options(populate_existing=True)
    )

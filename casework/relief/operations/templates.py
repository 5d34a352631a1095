"""The organization's own relief templates and their steps (built-in templates are read-only: copy them).

Steps are numbered from 1 with no gap, and anchors point at positions: moving or removing a step keeps
every anchor on the step it meant, and a change whose anchors would loop or point nowhere is refused.
"""

from __future__ import annotations

from types import SimpleNamespace

from casework import audit
from casework.editing import check_version, flush_versioned, versioned_update
from casework.errors import OperationError
from casework.extensions import db
from casework.models import ReliefTemplate, ReliefTemplateStep, User
from casework.models.base import apply_changes
from casework.relief.clocks import CLOCK_FIELDS, check_anchors, simulated
from casework.relief.operations.steps_from_template import RULE_COLUMNS


def create_template(actor: User, data: dict) -> ReliefTemplate:
    """A new template of the actor's organization, with no steps yet."""
    template = ReliefTemplate(org_id=actor.org_id, active=True, **data)
    template.steps = []
    db.session.add(template)
    db.session.flush()
    audit.record(actor, "relief_template.created", template, fields=[k for k, v in data.items() if v])
    return template


def _revised(template: ReliefTemplate) -> None:
    """Count a change to the template's content: applications opened before it keep their rules."""
    template.revision = (template.revision or 1) + 1


def update_template(
    actor: User, template: ReliefTemplate, data: dict, expected_version: int | None
) -> list[str]:
    """Change a template's name, jurisdiction, kind, forum or description, edited from `expected_version`."""
    changed = versioned_update(actor, template, data, expected_version, action="relief_template.updated")
    if changed:
        _revised(template)
        db.session.flush()
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
            notes=s.notes,
            **{name: getattr(s, name) for name in RULE_COLUMNS},
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


# What a template step's rule is when a caller leaves a part of it out.
RULE_DEFAULTS = {"anchor": None, "anchor_position": None, "schedule_months": None, "milestone": None}


def _rule(data: dict) -> dict:
    """The step's values with a consistent rule: an anchor step means "counted from that step"; any other
    anchor names no step."""
    data = {**RULE_DEFAULTS, **data}
    if data["anchor"] in (None, "opened", "step") and data["anchor_position"] is not None:
        data["anchor"] = "step"
    elif data["anchor"] in (None, "step"):
        data["anchor"] = "opened"
    if data["anchor"] != "step":
        data["anchor_position"] = None
    return data


def add_template_step(actor: User, template: ReliefTemplate, data: dict) -> ReliefTemplateStep:
    """A new last step; refused when its anchor does not exist."""
    position = max((s.position for s in template.steps), default=0) + 1
    data = _rule(data)
    candidate = SimpleNamespace(position=position, title=data["title"], **{k: data[k] for k in CLOCK_FIELDS})
    check_anchors([*simulated(template.steps), candidate])
    step = ReliefTemplateStep(position=position, **data)
    template.steps.append(step)
    _revised(template)
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
    actor: User, template: ReliefTemplate, step: ReliefTemplateStep, data: dict, expected_version: int | None
) -> list[str]:
    """Change a step edited from `expected_version`; refused (nothing saved) when its anchor is missing or
    would close a loop."""
    check_version(step, expected_version, data)
    data = _rule({"anchor": None if "anchor_position" in data else step.anchor, **data})
    trial = simulated(template.steps)
    for s in trial:
        if s.position == step.position:
            for key in CLOCK_FIELDS:
                setattr(s, key, data[key])
    check_anchors(trial)
    changed = apply_changes(step, data)
    if changed:
        _revised(template)
        flush_versioned(data)
        audit.record(actor, "relief_template.step_updated", step, org_id=template.org_id, fields=changed)
    return changed


def remove_template_step(actor: User, template: ReliefTemplate, step: ReliefTemplateStep) -> None:
    """Remove a step no other step is counted from; later steps move up and their anchors follow."""
    event = {"filing": "filed", "hearing": "hearing", "decision": "decided"}.get(step.milestone or "")
    dependants = sorted(
        s.position
        for s in template.steps
        if (s.anchor == "step" and s.anchor_position == step.position) or (event and s.anchor == event)
    )
    if dependants:
        listed = ", ".join(str(p) for p in dependants)
        raise OperationError(
            f"Step {step.position} is the anchor of step{'s' if len(dependants) > 1 else ''} "
            f"{listed}: count {'them' if len(dependants) > 1 else 'it'} from another step first."
        )
    removed = step.position
    audit.record(actor, "relief_template.step_removed", step, org_id=template.org_id)
    template.steps.remove(step)
    _revised(template)
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
    _revised(template)
    db.session.flush()
    audit.record(actor, "relief_template.step_moved", step, org_id=template.org_id, fields=["position"])
    return True

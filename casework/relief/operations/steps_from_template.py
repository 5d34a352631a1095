"""Steps copied from a relief template: at opening, and later, by choice, from a newer revision of it.

An open application keeps the rules of the template revision it was opened with: editing a template never
moves anyone's dates silently. An admin may apply the template's newer revision to an application after a
preview of the dates it moves. Steps are matched by title: a matched step keeps its done day, date set by
hand, notes and assignee and takes the new rule and place; a new template step is added; a step the new
revision no longer has stays, at the end, with its date kept by hand.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from casework import audit
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.locking import lock_row
from casework.models import Person, ReliefApplication, ReliefStep, ReliefTemplate, ReliefTemplateStep, User
from casework.relief import dates, schedule
from casework.relief.history import record_event
from casework.relief.schedule import Milestone, RuleError

RULE_COLUMNS = ("anchor", "anchor_position", "offset_days", "schedule", "schedule_months", "milestone")


def copy_of(template_step: ReliefTemplateStep) -> ReliefStep:
    """A new application step with the template step's title, notes and rule."""
    return ReliefStep(
        position=template_step.position,
        title=template_step.title,
        notes=template_step.notes,
        **{name: getattr(template_step, name) for name in RULE_COLUMNS},
    )


@dataclass(frozen=True)
class PlannedStep:
    """Where an application step goes under a template revision."""

    position: int
    title: str
    source: ReliefTemplateStep | None  # the template step whose rule it takes (None: kept by hand)
    step: ReliefStep | None  # the application step it continues (None: a new step)


@dataclass(frozen=True)
class PreviewRow:
    """One line of the preview: a step's date now and under the newer revision."""

    position: int
    title: str
    before: date | None
    after: date | None
    change: str  # "moves", "new step", "kept, date by hand", "" (unchanged)


def newer_revision(application: ReliefApplication, template: ReliefTemplate | None) -> bool:
    """Whether the template the application was opened from has changed since."""
    return (
        template is not None
        and application.template_revision is not None
        and template.revision > application.template_revision
    )


def plan(template: ReliefTemplate, steps: list[ReliefStep]) -> list[PlannedStep]:
    """Match the application's steps to the template's, by title, in the template's order."""
    unmatched = list(steps)
    planned = []
    for source in sorted(template.steps, key=lambda s: s.position):
        match = next((s for s in unmatched if s.title == source.title), None)
        if match is not None:
            unmatched.remove(match)
        planned.append(PlannedStep(source.position, source.title, source, match))
    after = len(planned)
    planned += [PlannedStep(after + i, s.title, None, s) for i, s in enumerate(unmatched, start=1)]
    return planned


def preview(
    application: ReliefApplication, steps: list[ReliefStep], template: ReliefTemplate
) -> list[PreviewRow]:
    """The dates every step would have under the template's current revision (nothing is changed)."""
    planned = plan(template, steps)
    engine_steps = []
    for p in planned:
        step, source = p.step, p.source
        rule = dates.rule_of(source, source.anchor) if source is not None else None
        override = step.due_override_on if step is not None else None
        if source is None and step is not None:
            override = step.due_override_on or step.due_on  # kept by hand: its date stays
        engine_steps.append(
            schedule.Step(
                key=p.position,
                title=p.title,
                rule=rule,
                milestone=Milestone(source.milestone) if source is not None and source.milestone else None,
                done_on=step.done_on if step is not None else None,
                override_on=override,
            )
        )
    try:
        due = schedule.schedule(dates.engine_application(application), engine_steps)
    except RuleError as exc:
        raise OperationError(
            gettext("The template's current steps cannot give dates: %(reason)s", reason=exc)
        ) from None
    rows = []
    for p in planned:
        before = p.step.due_on if p.step is not None else None
        after = due[p.position].day
        if p.step is None:
            change = "new step"
        elif p.source is None:
            change = "kept, date by hand"
        else:
            change = "moves" if before != after else ""
        rows.append(PreviewRow(p.position, p.title, before, after, change))
    return rows


def apply_revision(
    actor: User, person: Person, application: ReliefApplication, template: ReliefTemplate
) -> int:
    """Give the application the rules of the template's current revision; returns how many dates moved.

    The application is locked first, as a step added by hand locks it: a step added at the same moment goes
    after the renumbered checklist (or is kept by hand in it), never on a position the revision gives."""
    lock_row(ReliefApplication, application.id)
    db.session.refresh(application)  # as stored now: someone may have applied the revision while we waited
    if not newer_revision(application, template):
        raise OperationError(
            gettext("The application follows this revision already: someone applied it a moment ago.")
        )
    steps = dates.steps_of(application)
    planned = plan(template, steps)
    for temporary, step in enumerate(steps, start=1):  # free every position first
        step.position = -temporary
    db.session.flush()
    for p in planned:
        if p.step is None:
            new = copy_of(p.source)  # type: ignore[arg-type]  # a new step always has a source
            new.application_id = application.id
            db.session.add(new)
            continue
        p.step.position = p.position
        if p.source is None:
            p.step.due_override_on = p.step.due_override_on or p.step.due_on
            p.step.anchor = None
        else:
            for name in RULE_COLUMNS:
                setattr(p.step, name, getattr(p.source, name))
    application.template_revision = template.revision
    db.session.flush()
    moved = dates.refresh(actor, application, f"template revision {template.revision} applied")
    record_event(
        actor,
        application,
        "template_applied",
        f"Steps follow revision {template.revision} of the template “{template.name}” ({len(moved)} dates moved)",
    )
    audit.record(actor, "relief.template_applied", application, person=person, fields=["steps"])
    db.session.flush()
    return len(moved)

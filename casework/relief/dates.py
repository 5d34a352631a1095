"""The relief schedule engine (casework.relief.schedule) fed from the database, and its answers kept.

Operations change what happened (a step done on a day, a filing day, a date set by hand, a status) and call
`refresh`, which asks the engine for every step's date and writes the answer to `ReliefStep.due_on` in the
same flush, recording each move in the application's history with its cause. Nothing else writes `due_on`:
it is a copy of the engine's answer, kept so that What's due and the dashboard sort and limit in the database.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from datetime import date
from typing import Protocol

import sqlalchemy as sa

from casework.errors import OperationError
from casework.extensions import db
from casework.models import ReliefApplication, ReliefStatus, ReliefStep, User
from casework.relief import schedule
from casework.relief.history import record_event
from casework.relief.schedule import Anchor, Due, Milestone, Rule, RuleError

QUARTERLY = "quarterly"
DEFAULT_SITTING_MONTHS = "3,6,9,12"


class HasRule(Protocol):
    """A template step or an application step: the columns of StepRuleColumns."""

    position: int
    title: str
    anchor_position: int | None
    offset_days: int
    schedule: str
    schedule_months: str | None
    milestone: str | None


def sitting_months(text: str | None) -> tuple[int, ...]:
    """ "3,6,9,12" -> (3, 6, 9, 12); anything that is not a month is left out."""
    months = []
    for part in (text or DEFAULT_SITTING_MONTHS).split(","):
        part = part.strip()
        if part.isascii() and part.isdigit() and 1 <= int(part) <= 12:
            months.append(int(part))
    return tuple(months)


def rule_of(step: HasRule, anchor: str | None) -> Rule | None:
    """The engine's rule for a step's columns (None: a step with no rule)."""
    if anchor is None:
        return None
    kind = Anchor(anchor)
    return Rule(
        anchor=kind,
        anchor_step=step.anchor_position if kind == Anchor.STEP else None,
        offset_days=step.offset_days,
        sitting_months=sitting_months(step.schedule_months) if step.schedule == QUARTERLY else (),
    )


def engine_step(step: ReliefStep) -> schedule.Step:
    """An application step as the engine sees it (keyed by position)."""
    return schedule.Step(
        key=step.position,
        title=step.title,
        rule=rule_of(step, step.anchor),
        milestone=Milestone(step.milestone) if step.milestone else None,
        done_on=step.done_on,
        override_on=step.due_override_on,
    )


def engine_application(application: ReliefApplication) -> schedule.Application:
    """What happened to an application, as the engine sees it."""
    status = ReliefStatus(application.status)
    return schedule.Application(
        opened_on=application.opened_on,
        filed_on=application.filed_on,
        hearing_on=application.hearing_on,
        decided_on=application.decided_on,
        closed=status.label.lower() if status.is_closed else None,
    )


def steps_of(application: ReliefApplication) -> list[ReliefStep]:
    """The application's steps, in order (the same objects the session already holds)."""
    return list(
        db.session.scalars(
            sa.select(ReliefStep)
            .where(ReliefStep.application_id == application.id)
            .order_by(ReliefStep.position, ReliefStep.id)
        )
    )


def schedule_of(application: ReliefApplication, steps: Sequence[ReliefStep]) -> dict[int, Due]:
    """Every step's due date with its reason, by position."""
    try:
        return schedule.schedule(engine_application(application), [engine_step(s) for s in steps])
    except RuleError as exc:
        raise OperationError(str(exc)) from None


def refresh(
    actor: User | None,
    application: ReliefApplication,
    cause: str | None,
    steps: Sequence[ReliefStep] | None = None,
    *,
    changed_by_hand: ReliefStep | None = None,
) -> list[ReliefStep]:
    """Write the engine's dates to the steps; record each open step's move in the history with its `cause`
    ("step 4 done on 2026-12-01"), but for `changed_by_hand`, whose change is already told. Returns the steps
    whose date moved."""
    steps = steps_of(application) if steps is None else steps
    result = schedule_of(application, steps)
    moved = []
    for step in steps:
        new = result[step.position].day
        if step.due_on == new:
            continue
        if cause and step.done_on is None and step.due_on is not None and step is not changed_by_hand:
            record_event(
                actor,
                application,
                "step_moved",
                f"Step {step.position} due {_day(step.due_on)} → {_day(new)}: {cause}",
                step=step,
            )
        step.due_on = new
        moved.append(step)
    db.session.flush()
    return moved


def template_due_dates(steps: Iterable[HasRule], start: date) -> dict[int, date | None]:
    """The dates a template's steps give an application opened on `start` with nothing done yet (by position);
    OperationError, in words, for rules that cannot work."""
    engine_steps = [
        schedule.Step(
            key=s.position,
            title=s.title,
            rule=rule_of(s, getattr(s, "anchor", None) or Anchor.OPENED.value),
            milestone=Milestone(s.milestone) if s.milestone else None,
        )
        for s in steps
    ]
    try:
        due = schedule.schedule(schedule.Application(start), engine_steps)
    except RuleError as exc:
        raise OperationError(str(exc)) from None
    return {key: d.day for key, d in due.items()}


def rule_text(step: HasRule, anchor: str | None, titles: dict[int, str] | None = None) -> str:
    """A step's rule in words ("6 weeks after the filing"), or that it has none."""
    rule = rule_of(step, anchor)
    return schedule.rule_text(rule, titles) if rule is not None else "no rule: the date is set by hand"


def _day(day: date | None) -> str:
    return day.isoformat() if day else "no date"

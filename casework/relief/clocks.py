"""Template steps' clocks: the dates a template gives, its rules in words, and trials of a change to them.

The dates come from the relief schedule engine (casework.relief.schedule) through casework.relief.dates.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from types import SimpleNamespace

from casework import clock
from casework.errors import OperationError
from casework.models import ReliefTemplate, ReliefTemplateStep
from casework.relief.dates import rule_text, template_due_dates

CLOCK_FIELDS = ("anchor", "anchor_position", "offset_days", "schedule", "schedule_months", "milestone")


def simulated(steps: Iterable) -> list[SimpleNamespace]:
    """Detached copies of steps' clocks, to try a change on before making it."""
    return [
        SimpleNamespace(position=s.position, title=s.title, **{k: getattr(s, k) for k in CLOCK_FIELDS})
        for s in steps
    ]


def check_anchors(steps, start: date | None = None) -> dict[int, date | None]:
    """Due dates of template steps (by position), or OperationError naming the rule that cannot work."""
    return template_due_dates(steps, start or clock.today())


def template_preview(template: ReliefTemplate, start: date) -> tuple[dict[int, date | None], str | None]:
    """Due dates of the template's steps for an application opened on `start` (or why there are none)."""
    try:
        return check_anchors(template.steps, start), None
    except OperationError as exc:
        return {}, str(exc)


def clock_text(step: ReliefTemplateStep) -> str:
    """How a template step's due date is counted, in words: "6 weeks after the filing"."""
    return rule_text(step, step.anchor)

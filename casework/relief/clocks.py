"""The clocks of template steps: due dates counted from anchors, in words, and the anchors that cannot work.

Pure functions (no database, no Flask): the dates themselves come from `template_due_dates` in the model.
"""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from types import SimpleNamespace

from casework.errors import OperationError
from casework.models import ReliefTemplate, ReliefTemplateStep
from casework.models.relief import template_due_dates

CLOCK_FIELDS = ("anchor_position", "offset_days", "schedule", "schedule_months")

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


def simulated(steps: Iterable) -> list[SimpleNamespace]:
    """Detached copies of steps' clocks, to try a change on before making it."""
    return [SimpleNamespace(position=s.position, **{k: getattr(s, k) for k in CLOCK_FIELDS}) for s in steps]


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


def template_preview(template: ReliefTemplate, start: date) -> tuple[dict[int, date], str | None]:
    """Due dates of the template's steps for an application opened on `start` (or why there are none)."""
    try:
        return check_anchors(template.steps, start), None
    except OperationError as exc:
        return {}, str(exc)


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

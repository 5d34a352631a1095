"""When each step of a relief application is due, and why: rules and what happened in, dates with reasons out.

A pure engine: no database, no Flask. Operations feed it the application's facts (opened, filed, hearing
and decision days, whether it is closed) and its steps (each with its rule, its milestone, the day it was
done and a date set by hand, if any); it answers, for every step, the due date, the rule's own date, the
day it counts from and the reason in words.

A rule counts `offset_days` from an anchor: the opening day, another step, or the application's filing,
hearing or decision. A step anchor counts from that step's real done day when it is done, else from the
date set on it by hand, else from its own derived date. The filing, hearing and decision count from the
application's real day when there is one, else from the step marked as that milestone. A rule with
sitting months falls on the first day of the next sitting month at least `offset_days` after the anchor
(boards that sit quarterly). A date set by hand stays put and is not moved by the rule. Once the
application is closed, no step is open: the unfinished ones are not needed.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import date, timedelta

MONTH_NAMES = (
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
)


class Anchor(enum.StrEnum):
    """What a step's date counts from."""

    OPENED = "opened"
    STEP = "step"
    FILED = "filed"
    HEARING = "hearing"
    DECIDED = "decided"


class Milestone(enum.StrEnum):
    """A step that is the filing, a hearing or the decision of the application."""

    FILING = "filing"
    HEARING = "hearing"
    DECISION = "decision"


# The application event each milestone sets, and the event anchors that count from it.
MILESTONE_OF_ANCHOR = {
    Anchor.FILED: Milestone.FILING,
    Anchor.HEARING: Milestone.HEARING,
    Anchor.DECIDED: Milestone.DECISION,
}
EVENT_WORDS = {Anchor.FILED: "the filing", Anchor.HEARING: "the hearing", Anchor.DECIDED: "the decision"}


class State(enum.StrEnum):
    """Where a step stands."""

    OPEN = "open"  # to do, with a due date
    UNDATED = "undated"  # to do, but what it counts from has no date yet
    DONE = "done"
    NOT_NEEDED = "not_needed"  # unfinished when the application closed


class RuleError(ValueError):
    """A rule set that cannot work: an anchor on a missing step, a loop, a date beyond the calendar."""


@dataclass(frozen=True)
class Rule:
    """How a step's due date is counted."""

    anchor: Anchor = Anchor.OPENED
    anchor_step: int | None = None  # the key of the anchor step, for Anchor.STEP
    offset_days: int = 0
    sitting_months: tuple[int, ...] = ()  # e.g. (3, 6, 9, 12): a board that sits quarterly


@dataclass(frozen=True)
class Step:
    """One step as the engine sees it; `key` is stable within the application (its position)."""

    key: int
    title: str
    rule: Rule | None = None  # None: a step with no rule (its date, if any, is set by hand)
    milestone: Milestone | None = None
    done_on: date | None = None
    override_on: date | None = None


@dataclass(frozen=True)
class Application:
    """What happened to the application."""

    opened_on: date
    filed_on: date | None = None
    hearing_on: date | None = None
    decided_on: date | None = None
    closed: str | None = None  # why no step is needed any more ("granted"); None while it is open

    def event_day(self, anchor: Anchor) -> date | None:
        """The real day of the filing, hearing or decision, if it happened (or is set)."""
        return {
            Anchor.FILED: self.filed_on,
            Anchor.HEARING: self.hearing_on,
            Anchor.DECIDED: self.decided_on,
        }[anchor]


@dataclass(frozen=True)
class Due:
    """A step's due date and why it is that date."""

    key: int
    state: State
    day: date | None  # the date in force: set by hand, else the rule's
    rule_day: date | None  # what the rule gives (shown beside a date set by hand)
    counts_from: date | None  # the day the rule counts from
    reason: str  # the rule in words with the day it counts from
    overridden: bool = False

    @property
    def is_open(self) -> bool:
        """Still to do, with a date."""
        return self.state == State.OPEN

    def overdue(self, today: date) -> bool:
        """Open and past its date."""
        return self.state == State.OPEN and self.day is not None and self.day < today


@dataclass(frozen=True)
class Move:
    """A due date that changed, for the application's history."""

    key: int
    before: date | None
    after: date | None


# ---------------------------------------------------------------- checking a rule set


def dependencies(step: Step, milestones: Mapping[Milestone, int]) -> list[int]:
    """The steps this step's date may count from (an event anchor counts from its milestone step when the
    event has no real day yet, so the link is always there)."""
    rule = step.rule
    if rule is None or rule.anchor == Anchor.OPENED:
        return []
    if rule.anchor == Anchor.STEP:
        return [rule.anchor_step] if rule.anchor_step is not None else []
    milestone_step = milestones.get(MILESTONE_OF_ANCHOR[rule.anchor])
    return [milestone_step] if milestone_step is not None else []


def milestone_steps(steps: Iterable[Step]) -> dict[Milestone, int]:
    """The key of the step marked as each milestone; RuleError if two steps claim the same one."""
    found: dict[Milestone, int] = {}
    for step in steps:
        if step.milestone is None:
            continue
        if step.milestone in found:
            raise RuleError(
                f"Steps {found[step.milestone]} and {step.key} are both marked as {_milestone_words(step.milestone)}: "
                "mark only one."
            )
        found[step.milestone] = step.key
    return found


def validate(steps: Sequence[Step]) -> None:
    """Refuse a rule set that cannot give dates: an anchor on a missing step, a step counted from itself
    through other steps, two steps marked as the same milestone, or a sitting month that is not a month."""
    by_key = {s.key: s for s in steps}
    milestones = milestone_steps(steps)
    for step in steps:
        rule = step.rule
        if rule is None:
            continue
        if rule.anchor == Anchor.STEP and (rule.anchor_step is None or rule.anchor_step not in by_key):
            raise RuleError(
                f"Step {step.key} counts from step {rule.anchor_step}, which does not exist: "
                "choose an existing step or another anchor."
            )
        if any(not 1 <= m <= 12 for m in rule.sitting_months):
            raise RuleError(f"Step {step.key}: sitting months are numbered 1 (January) to 12 (December).")
    state: dict[int, str] = {}

    def visit(key: int, path: list[int]) -> None:
        if state.get(key) == "done":
            return
        if state.get(key) == "visiting":
            loop = path[path.index(key) :] + [key]
            raise RuleError(
                "Steps " + " → ".join(str(k) for k in loop) + " count from each other in a loop: "
                "a step cannot be counted from a step that is itself counted from it. Choose another anchor."
            )
        state[key] = "visiting"
        for dependency in dependencies(by_key[key], milestones):
            visit(dependency, [*path, key])
        state[key] = "done"

    for key in sorted(by_key):
        visit(key, [])


# ---------------------------------------------------------------- the schedule


@dataclass
class _Resolver:
    application: Application
    by_key: dict[int, Step]
    milestones: dict[Milestone, int]
    rule_days: dict[int, tuple[date | None, date | None, str]] = field(default_factory=dict)

    def effective_day(self, key: int) -> tuple[date | None, str]:
        """The day a step counts as, for the steps counted from it, with how to say it."""
        step = self.by_key[key]
        name = f"step {key} “{step.title}”"
        if step.done_on is not None:
            return step.done_on, f"{name}, done on {step.done_on.isoformat()}"
        if step.override_on is not None:
            return step.override_on, f"{name}, set by hand to {step.override_on.isoformat()}"
        day, _, _ = self.rule_day(key)
        if day is None:
            return None, f"{name}, which has no date yet"
        return day, f"{name}, due {day.isoformat()}"

    def anchor_day(self, rule: Rule) -> tuple[date | None, str]:
        """The day a rule counts from, and its words."""
        if rule.anchor == Anchor.OPENED:
            return self.application.opened_on, f"the opening day ({self.application.opened_on.isoformat()})"
        if rule.anchor == Anchor.STEP:
            if rule.anchor_step is None:
                raise RuleError("A step counted from another step must name it.")
            return self.effective_day(rule.anchor_step)
        words = EVENT_WORDS[rule.anchor]
        real = self.application.event_day(rule.anchor)
        if real is not None:
            return real, f"{words} on {real.isoformat()}"
        milestone_step = self.milestones.get(MILESTONE_OF_ANCHOR[rule.anchor])
        if milestone_step is None:
            return None, f"{words}, which has no date yet"
        day, text = self.effective_day(milestone_step)
        return day, f"{words} ({text})"

    def rule_day(self, key: int) -> tuple[date | None, date | None, str]:
        """(the rule's date, the day it counts from, the reason) for a step, memoized."""
        if key in self.rule_days:
            return self.rule_days[key]
        step = self.by_key[key]
        rule = step.rule
        if rule is None:
            result: tuple[date | None, date | None, str] = (None, None, "no rule: the date is set by hand")
        else:
            base, base_words = self.anchor_day(rule)
            day = None if base is None else _apply(rule, base)
            result = (day, base, f"{_rule_words(rule)} {base_words}")
        self.rule_days[key] = result
        return result


def schedule(application: Application, steps: Sequence[Step]) -> dict[int, Due]:
    """Every step's due date with its reason, by step key. Raises RuleError for a rule set that cannot work."""
    validate(steps)
    resolver = _Resolver(application, {s.key: s for s in steps}, milestone_steps(steps))
    result = {}
    for step in steps:
        rule_day, counts_from, reason = resolver.rule_day(step.key)
        day = step.override_on if step.override_on is not None else rule_day
        if step.done_on is not None:
            state = State.DONE
        elif application.closed is not None:
            state = State.NOT_NEEDED
        else:
            state = State.OPEN if day is not None else State.UNDATED
        if step.override_on is not None:
            shown = rule_day.isoformat() if rule_day else "no date"
            reason = f"set by hand; the rule gives {shown} ({reason})"
        result[step.key] = Due(
            key=step.key,
            state=state,
            day=day,
            rule_day=rule_day,
            counts_from=counts_from,
            reason=reason,
            overridden=step.override_on is not None,
        )
    return result


def moves(before: Mapping[int, Due], after: Mapping[int, Due]) -> list[Move]:
    """The steps whose due date changed between two schedules of the same application."""
    return [
        Move(key, before[key].day, due.day)
        for key, due in sorted(after.items())
        if key in before and before[key].day != due.day
    ]


def open_deadlines(application: Application, steps: Sequence[Step]) -> list[Due]:
    """The steps still to do with a date, soonest first (none once the application is closed)."""
    dues = schedule(application, steps).values()
    return sorted((d for d in dues if d.is_open), key=lambda d: (d.day, d.key))


# ---------------------------------------------------------------- words


def rule_text(rule: Rule, titles: Mapping[int, str] | None = None) -> str:
    """A rule in words, without dates: "42 days after step 4", "30 days before the hearing"."""
    if rule.anchor == Anchor.OPENED:
        anchor = "the opening day"
    elif rule.anchor == Anchor.STEP:
        title = (titles or {}).get(rule.anchor_step or 0)
        anchor = f"step {rule.anchor_step}" + (f" “{title}”" if title else "")
    else:
        anchor = EVENT_WORDS[rule.anchor]
    return f"{_rule_words(rule)} {anchor}"


def _rule_words(rule: Rule) -> str:
    amount = _days(rule.offset_days)
    if rule.sitting_months:
        months = ", ".join(MONTH_NAMES[m] for m in sorted(set(rule.sitting_months)))
        return f"1st day of the next sitting month ({months}) at least {amount} after"
    if rule.offset_days == 0:
        return "same day as"
    return f"{amount} {'before' if rule.offset_days < 0 else 'after'}"


def _days(offset: int) -> str:
    days = abs(offset)
    if days and days % 7 == 0 and days <= 16 * 7:
        weeks = days // 7
        return f"{weeks} week{'s' if weeks != 1 else ''}"
    return f"{days} day{'s' if days != 1 else ''}"


def _milestone_words(milestone: Milestone) -> str:
    return {
        Milestone.FILING: "the filing",
        Milestone.HEARING: "a hearing",
        Milestone.DECISION: "the decision",
    }[milestone]


def _apply(rule: Rule, base: date) -> date:
    try:
        earliest = base + timedelta(days=rule.offset_days)
    except OverflowError:
        raise RuleError(
            "The due dates would fall outside the calendar: check the opening date and the days of each step."
        ) from None
    if not rule.sitting_months:
        return earliest
    months = set(rule.sitting_months)
    year, month = earliest.year, earliest.month
    for _ in range(13):
        candidate = date(year, month, 1)
        if month in months and candidate >= earliest:
            return candidate
        month += 1
        if month > 12:
            month, year = 1, year + 1
            if year > 9999:
                break
    raise RuleError(
        "The due dates would fall outside the calendar: check the opening date and the days of each step."
    )

"""The post-order custody clock as a set of milestones: day 90 and day 180 of detention after a final order.

A pure function (no database, no Flask): `post_order_clock(order_date, detained_since, today, stay)` says
for each mark the day it falls, whether it has passed, what it means for the person and why it falls on
that day. The clock counts from the final order or the start of the detention, whichever is later (the
start of the detention alone when the order's date is not recorded: the earliest the marks can fall); a
stay of removal stops it for as long as the stay lasts, and a stay still in effect leaves the marks still
to come without a fixed day (they are shown as "not before", the day they would fall if it ended today).

What's due announces a mark only in the `NOTICE_DAYS` before it falls, and never once it has passed: a
passed mark is a fact about the detention ("past day 180 since 2019-09-28"), not something overdue.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

NOTICE_DAYS = 30  # What's due lists a mark in the 30 days before it falls (the day itself included)


@dataclass(frozen=True)
class Mark:
    """A day of post-order custody the law attaches a consequence to."""

    day: int
    title: str
    meaning: str  # what it opens for the person, before it falls
    passed_meaning: str  # the same, once it has passed


DAY_90 = Mark(
    90,
    "Day 90 of post-order custody",
    "the 90-day removal period ends: ICE's post-order custody review is due, and a release on an order "
    "of supervision can be asked for",
    "the 90-day removal period has ended: the post-order custody review is due if ICE has not held it, "
    "and a release on an order of supervision can be asked for",
)
DAY_180 = Mark(
    180,
    "Day 180 of post-order custody",
    "detention past six months is presumed unreasonable when removal is not likely soon (Zadvydas v. "
    "Davis): a habeas petition can be filed in federal court",
    "detention is now presumed unreasonable when removal is not likely soon (Zadvydas v. Davis): a "
    "habeas petition can be filed in federal court",
)
MARKS = (DAY_90, DAY_180)


@dataclass(frozen=True)
class Stay:
    """A stay of removal: the clock stands still from `start` until `end` (None: the stay is in effect)."""

    start: date
    end: date | None = None


@dataclass(frozen=True)
class Milestone:
    """One mark of a person's clock: the day it falls (or fell), whether it has passed, and why that day."""

    mark: Mark
    falls_on: date  # while a stay lasts and the mark is still to come: the earliest day it can fall
    passed: bool  # the day has gone by (on the day itself, it has not passed yet: it falls today)
    moving: bool  # a stay in effect holds the mark back day by day
    reason: str  # why it falls on that day, in words

    @property
    def day(self) -> int:
        """90 or 180."""
        return self.mark.day

    @property
    def passed_on(self) -> date | None:
        """The day the mark was reached, once it has passed."""
        return self.falls_on if self.passed else None

    def days_left(self, today: date) -> int:
        """Days until the mark falls (0 on the day itself)."""
        return (self.falls_on - today).days

    def announced(self, today: date) -> bool:
        """Whether What's due lists the mark today: in the NOTICE_DAYS before it falls, never once passed,
        never while a stay holds it back (it has no day to announce)."""
        return not self.passed and not self.moving and 0 <= self.days_left(today) <= NOTICE_DAYS

    @property
    def fact(self) -> str:
        """The mark in a few words: "past day 180 since 2019-09-28", "day 90 on 2026-01-10"."""
        if self.passed:
            return f"past day {self.day} since {self.falls_on.isoformat()}"
        if self.moving:
            return f"day {self.day} not before {self.falls_on.isoformat()} (paused by a stay)"
        return f"day {self.day} on {self.falls_on.isoformat()}"


@dataclass(frozen=True)
class CustodyClock:
    """Days in custody after a final order, counted from `start`, and the marks at 90 and 180."""

    start: date
    counted_from: str  # the reason the clock starts on `start`, in words
    days: int  # days counted today (days of a stay left out)
    paused: bool  # a stay of removal is in effect today
    paused_days: int  # days the stay has held the clock so far
    milestones: tuple[Milestone, ...]

    @property
    def day_90(self) -> date:
        """The day the 90-day mark falls (or fell; while a stay lasts, the earliest it can fall)."""
        return self.milestones[0].falls_on

    @property
    def day_180(self) -> date:
        """The day the 180-day mark falls (or fell; while a stay lasts, the earliest it can fall)."""
        return self.milestones[1].falls_on

    @property
    def passed(self) -> list[Milestone]:
        """The marks reached, oldest first."""
        return [m for m in self.milestones if m.passed]

    @property
    def to_come(self) -> list[Milestone]:
        """The marks still ahead, soonest first."""
        return [m for m in self.milestones if not m.passed]

    @property
    def latest_passed(self) -> Milestone | None:
        """The last mark reached (day 180 implies day 90)."""
        return self.passed[-1] if self.passed else None

    @property
    def next_mark(self) -> Milestone | None:
        """The next mark still ahead."""
        return self.to_come[0] if self.to_come else None

    def announced(self, today: date) -> list[Milestone]:
        """The marks What's due lists today (at most one: they are 90 days apart)."""
        return [m for m in self.milestones if m.announced(today)]


def _pause_of(stay: Stay | None, start: date, today: date) -> tuple[date, date, bool] | None:
    """The stretch the stay holds the clock, clipped to the clock's start: (from, until, still in effect).
    A stay in effect is taken to end today, the earliest it can end."""
    if stay is None:
        return None
    begin = max(stay.start, start)
    if stay.end is None:
        if stay.start > today:  # not in effect yet
            return None
        return begin, max(begin, today), True
    if stay.end <= begin:
        return None
    return begin, stay.end, False


def _falls_on(start: date, n: int, pause: tuple[date, date, bool] | None) -> tuple[date, bool]:
    """The day on which `n` days have been counted since `start` (the next day, the mark has passed), and
    whether the pause moved it: a stay granted on that very day or before holds it back."""
    plain = start + timedelta(days=n)
    if pause is None or pause[0] > plain:
        return plain, False
    return plain + (pause[1] - pause[0]), True


def _days_counted(start: date, today: date, pause: tuple[date, date, bool] | None) -> tuple[int, int]:
    """Days counted from `start` to `today`, and the days of the pause among them."""
    held = 0
    if pause is not None:
        held = max(0, (min(pause[1], today) - pause[0]).days)
    return (today - start).days - held, held


def _counted_from(order_date: date | None, detained_since: date) -> tuple[date, str]:
    if order_date is None:
        return detained_since, (
            f"counted from the detention of {detained_since.isoformat()} (the date of the final order is not "
            "recorded: if the order came later, the marks fall later)"
        )
    if detained_since > order_date:
        return detained_since, (
            f"counted from the detention of {detained_since.isoformat()}, which began after the final "
            f"order of {order_date.isoformat()}"
        )
    return order_date, f"counted from the final order of {order_date.isoformat()}"


def post_order_clock(
    order_date: date | None, detained_since: date, today: date, stay: Stay | None = None
) -> CustodyClock | None:
    """The clock of a person detained since `detained_since` under a final order of `order_date` (None: not
    recorded); None before the clock starts."""
    start, counted_from = _counted_from(order_date, detained_since)
    if start > today:
        return None
    pause = _pause_of(stay, start, today)
    days, held = _days_counted(start, today, pause)
    milestones = []
    for mark in MARKS:
        falls_on, moved = _falls_on(start, mark.day, pause)
        moving = moved and pause is not None and pause[2]
        reason = f"day {mark.day} {counted_from}"
        if moving and pause is not None:
            reason += (
                f"; held back by the stay of removal in effect since {pause[0].isoformat()}: the clock stands "
                "still while the stay lasts"
            )
        elif moved and pause is not None:
            reason += (
                f"; {(pause[1] - pause[0]).days} days later because a stay of removal paused the clock from "
                f"{pause[0].isoformat()} to {pause[1].isoformat()}"
            )
        milestones.append(Milestone(mark, falls_on, falls_on < today, moving, reason))
    paused = pause is not None and (pause[2] or pause[0] <= today < pause[1])
    return CustodyClock(start, counted_from, days, paused, held, tuple(milestones))

"""What What's due is made of: the kinds of due item, an item, and a list of them with its totals."""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date


class DueKind(enum.StrEnum):
    """The kinds of item the "What's due" view gathers."""

    CHECK_IN = "check_in"
    HEARING = "hearing"
    APPEAL = "appeal"
    RELIEF_STEP = "relief_step"
    CUSTODY_CLOCK = "custody_clock"
    TASK = "task"
    TRAVEL_DOCUMENT = "travel_document"

    @property
    def label(self) -> str:
        """The kind in words."""
        return _KIND_LABELS[self.value]


# Made once: a label is read for every row of What's due.
_KIND_LABELS = {
    "check_in": "ICE check-in",
    "hearing": "Immigration court hearing",
    "appeal": "BIA appeal deadline",
    "relief_step": "Relief step",
    "custody_clock": "Custody clock",
    "task": "Task",
    "travel_document": "Travel document expires",
}


@dataclass(frozen=True)
class DueItem:
    """One dated thing to act on."""

    day: date
    kind: DueKind
    title: str  # what it is, without the person's name (safe for the calendar feed)
    person_id: int
    person_name: str
    anchor: str  # section of the case page
    uid: str  # stable identifier (calendar UID)
    assignee_id: int | None = None

    def overdue(self, today: date) -> bool:
        """Whether the item's day has passed."""
        return self.day < today


@dataclass
class DueList:
    """Items to show, and how many there are in all (the lists on a page may be cut)."""

    items: list[DueItem]
    overdue_total: int
    upcoming_total: int
    # More than COUNT_CAP dated items on one side are counted as COUNT_CAP: the total is then "at least".
    overdue_more: bool = False
    upcoming_more: bool = False

    def shown(self, total: int, more: bool) -> str:
        """A total in words: "1,204", or "5,000+" when a kind was counted up to the cap only."""
        return f"{total:,}+" if more else f"{total:,}"

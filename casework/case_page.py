"""The case page is assembled from sections that features register; people/ knows none of them.

A feature registers a CaseSection when its package is imported (the factory imports every feature).
`load(person, user)` runs a fixed number of queries and returns the section template's context;
`timeline(context)` and `glance(context)` turn that context into entries of the merged timeline and
facts for the page header ("next deadline", "relief: filed"). Access is already checked: `person`
is visible to `user`; a section must still hide what the user's role may not see (privileged notes).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from casework.models import Person, User


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing in the case's merged timeline."""

    day: date
    kind: str  # short label of the source: "Custody", "Conviction", "Relief"...
    text: str
    anchor: str | None = None  # id of the section element to link to


@dataclass(frozen=True)
class Glance:
    """A fact for the header of the case page."""

    label: str
    value: str
    tone: str = ""  # "", "alert", "ok", "warn"
    day: date | None = None  # for "next deadline": the earliest wins


@dataclass
class CaseSection:
    """One section of the case page."""

    key: str
    title: str
    template: str
    order: int
    load: Callable[[Person, User], dict]
    timeline: Callable[[dict], list[TimelineEntry]] | None = None
    glance: Callable[[dict], list[Glance]] | None = None


SECTIONS: dict[str, CaseSection] = {}


def register(section: CaseSection) -> CaseSection:
    """Add (or replace) a section of the case page."""
    SECTIONS[section.key] = section
    return section


@dataclass
class LoadedSection:
    """A section with its loaded context."""

    section: CaseSection
    context: dict


def load_sections(person: Person, user: User) -> list[LoadedSection]:
    """Every registered section, in order, with its data for this person and user."""
    return [LoadedSection(s, s.load(person, user)) for s in sorted(SECTIONS.values(), key=lambda s: s.order)]


def merged_timeline(loaded: list[LoadedSection]) -> list[TimelineEntry]:
    """Everything dated in the case, newest first."""
    entries = [e for ls in loaded if ls.section.timeline for e in ls.section.timeline(ls.context)]
    return sorted(entries, key=lambda e: e.day, reverse=True)


def glances(loaded: list[LoadedSection]) -> list[Glance]:
    """Header facts from every section, led by the next deadline (the earliest dated fact)."""
    facts = [g for ls in loaded if ls.section.glance for g in ls.section.glance(ls.context)]
    dated = [g for g in facts if g.day is not None]
    if dated:
        first = min(dated, key=lambda g: g.day)
        today = date.today()
        when = "overdue since" if first.day < today else "on"
        tone = "alert" if first.day < today else ("warn" if (first.day - today).days <= 7 else "")
        facts.insert(0, Glance("Next deadline", f"{first.label.lower()} {when} {first.day.isoformat()}", tone,
                               first.day))
    return facts

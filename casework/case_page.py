"""The case is described by sections that features contribute; people/ knows none of them.

A CaseSection is the single description of one part of the record: how it shows on the case page and
what it contributes to every other output (the PDF summary and packets, per audience; the JSON case
file, which the import reads back). An output that leaves a section out says why in `omitted`, and a
test walks the registry (casework.features) to hold every section to that.

Each feature names its sections in its package's FEATURE (see casework/features.py); the factory
registers them. A section names the rows it reads as `rows(person, user)`: {name: select(Model)...}; the case
page reads every section's row sets in one statement (casework.row_sets), a name shared by two sections once.
A PDF part names its own the same way (`PdfPart.rows(request)`), and a PDF reads its parts' together.
`load(person, user, rows)` then builds the section template's context from them (and may run a fixed number
of queries of its own);
`timeline(context)` and `glance(context)` turn that context into entries of the merged timeline and
facts for the page header ("next deadline", "relief: filed"). Access is already checked: `person`
is visible to `user`; a section must still hide what the user's role may not see (privileged notes).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field, replace
from datetime import date

import sqlalchemy as sa
from flask import current_app

from casework import clock, row_sets
from casework.case_file import Reading, Writing
from casework.models import Person, User

# What a section's `load` receives: its row sets' instances by name.
Rows = Mapping[str, list]

# The outputs besides the page that every section either feeds or is explicitly left out of.
OUTPUTS = ("pdf", "export")
AUDIENCES = ("attorney", "internal", "public")


@dataclass(frozen=True)
class TimelineEntry:
    """One dated thing in the case's merged timeline."""

    day: date
    kind: str  # short label of the source: "Custody", "Conviction", "Relief"...
    text: str
    anchor: str | None = None  # id of the section element to link to
    when: str | None = None  # the date as far as it is known ("1996"), when `day` only stands in for it


@dataclass(frozen=True)
class Glance:
    """A fact for the header of the case page."""

    label: str
    value: str
    tone: str = ""  # "", "alert", "ok", "warn"
    day: date | None = None  # for "next deadline": the earliest wins


@dataclass(frozen=True)
class PdfRequest:
    """What a PDF part needs: whose case, for whom, for which audience, and what the person consented to make
    public (the public audience shows nothing else)."""

    person: Person
    user: User
    audience: str  # "attorney": everything the user may see; "internal": no privileged material; "public"
    consented: frozenset[str] = frozenset()  # casework.models.PUBLIC_FIELDS keys, for the public audience
    # The row sets the PDF's parts name (PdfPart.rows), read in one statement (load_pdf_parts).
    rows: Rows = field(default_factory=dict, compare=False)

    @property
    def public(self) -> bool:
        """Whether the PDF is for the public."""
        return self.audience == "public"

    @property
    def privileged(self) -> bool:
        """Whether privileged material may appear (attorney audience, checked against the user's role)."""
        return self.audience == "attorney"

    def shows(self, fact: str) -> bool:
        """For the public audience: whether the person consented to this fact (always true otherwise)."""
        return not self.public or fact in self.consented


@dataclass(frozen=True)
class PdfPart:
    """One part of the PDF summary and packets: a choice in the packet's section picker.

    `load(request)` returns the partial's context (`part` in `template`, under templates/pdf/sections/), already
    filtered for the audience. `public`: the part may reach the public audience, where its `load` and template
    show only consented facts (`request.shows(fact)`); `public_fact`, when given, must be consented for the part
    to appear there at all. `rows(request)`, when given, names the row sets `load` reads from `request.rows`
    ({name: select(Model)...}): the parts of one PDF read theirs together, in one statement."""

    key: str
    label: str
    template: str
    load: Callable[[PdfRequest], dict]
    public: bool = False
    public_fact: str | None = None
    rows: Callable[[PdfRequest], Mapping[str, sa.Select]] | None = None

    def reaches(self, request: PdfRequest) -> bool:
        """Whether this part may appear in a PDF made for `request`'s audience."""
        if not request.public:
            return True
        return self.public and (self.public_fact is None or request.shows(self.public_fact))


@dataclass(frozen=True)
class CaseFilePart:
    """A section's part of the JSON case file: the keys it writes, how, and how the import reads them back.

    `dump(writing)` returns {key: value} for `keys`; `read(reading)` adds the records to the new case, raising
    CaseFileRejected (casework.case_file) with the place of a problem. `order` puts the parts that others point
    at by ref first (convictions and contacts before relief applications)."""

    keys: tuple[str, ...]
    dump: Callable[[Writing], dict]
    read: Callable[[Reading], None]
    order: int = 50
    # When it writes, if not when it reads: a part that lists what others point at (contacts) writes last.
    dump_order: int | None = None


@dataclass(frozen=True)
class CaseSection:
    """One part of the case record, and where it goes in every output."""

    key: str
    title: str
    template: str | None  # the case page's partial (None: the page shows it elsewhere, in its header panels)
    order: int
    load: Callable[[Person, User, Rows], dict]
    timeline: Callable[[dict], list[TimelineEntry]] | None = None
    glance: Callable[[dict], list[Glance]] | None = None
    # The parts of the PDF summary and packets that show this section.
    pdf: tuple[PdfPart, ...] = ()
    # Its part of the JSON case file (written by the export, read back by the import).
    case_file: CaseFilePart | None = None
    # {output: the written reason} for each output of OUTPUTS that leaves this section out.
    omitted: Mapping[str, str] = field(default_factory=dict)
    # The row sets `load` reads: {name: select(Model)...}, read with every other section's in one statement.
    rows: Callable[[Person, User], Mapping[str, sa.Select]] | None = None

    def load_alone(self, person: Person, user: User) -> dict:
        """This section's context by itself (its row sets read in a statement of their own)."""
        return self.load(person, user, row_sets.fetch(self.rows(person, user) if self.rows else {}))


def registered_sections() -> list[CaseSection]:
    """The sections the application's features contribute, in page order."""
    sections: dict[str, CaseSection] = current_app.extensions["casework"]["sections"]
    return sorted(sections.values(), key=lambda s: s.order)


def missing_outputs(sections: Iterable[CaseSection]) -> list[str]:
    """Each output a section neither feeds nor says, in words, why it is left out of (empty: all accounted for)."""
    problems = []
    for section in sections:
        fed = {"pdf": bool(section.pdf), "export": section.case_file is not None}
        for output in OUTPUTS:
            reason = section.omitted.get(output, "")
            if fed[output] and reason:
                problems.append(f"{section.key}: feeds {output} and says why it does not")
            elif not fed[output] and len(reason.split()) < 5:
                problems.append(f"{section.key}: no {output} part and no written reason for leaving it out")
        for output in set(section.omitted) - set(OUTPUTS):
            problems.append(f"{section.key}: {output} is not an output")
    return problems


def pdf_parts() -> list[PdfPart]:
    """Every part of the PDF summary and packets, in page order (the packet's section picker)."""
    return [part for section in registered_sections() for part in section.pdf]


def case_file_parts(*, writing: bool = False) -> list[CaseFilePart]:
    """Every section's part of the case file, in the order the import reads them (or the export writes them)."""
    parts = [s.case_file for s in registered_sections() if s.case_file is not None]
    if writing:
        return sorted(parts, key=lambda p: p.order if p.dump_order is None else p.dump_order)
    return sorted(parts, key=lambda p: p.order)


@dataclass
class LoadedSection:
    """A section with its loaded context."""

    section: CaseSection
    context: dict


def _fetch_together(named: Iterable[Mapping[str, sa.Select]]) -> dict[str, list]:
    """Every row set of `named`, read in one statement; a name two of them share is read once."""
    wanted: dict[str, sa.Select] = {}
    for row_sets_of_one in named:
        for name, select in row_sets_of_one.items():
            if name in wanted and not wanted[name].compare(select):
                raise ValueError(f"two case sections (or PDF parts) read different rows as {name!r}")
            wanted.setdefault(name, select)
    return row_sets.fetch(wanted)


def load_sections(person: Person, user: User) -> list[LoadedSection]:
    """Every registered section, in order, with its data for this person and user (every row set in one read)."""
    sections = [s for s in registered_sections() if s.template is not None]
    rows = _fetch_together(s.rows(person, user) for s in sections if s.rows)
    return [LoadedSection(s, s.load(person, user, rows)) for s in sections]


def load_pdf_parts(request: PdfRequest, parts: Iterable[PdfPart]) -> list[tuple[PdfPart, dict]]:
    """Each part with its context for `request`, the row sets every part names read in one statement."""
    parts = list(parts)
    rows = _fetch_together(part.rows(request) for part in parts if part.rows)
    with_rows = replace(request, rows=rows)
    return [(part, part.load(with_rows)) for part in parts]


def merged_timeline(loaded: list[LoadedSection]) -> list[TimelineEntry]:
    """Everything dated in the case, newest first."""
    entries = [e for ls in loaded if ls.section.timeline for e in ls.section.timeline(ls.context)]
    return sorted(entries, key=lambda e: e.day, reverse=True)


def glances(loaded: list[LoadedSection]) -> list[Glance]:
    """Header facts from every section, led by the next deadline (the earliest dated fact)."""
    facts = [g for ls in loaded if ls.section.glance for g in ls.section.glance(ls.context)]
    dated = [(g.day, g) for g in facts if g.day is not None]
    if dated:
        day, first = min(dated, key=lambda pair: pair[0])
        today = clock.today()
        when = "overdue since" if day < today else "on"
        tone = "alert" if day < today else ("warn" if (day - today).days <= 7 else "")
        facts.insert(0, Glance("Next deadline", f"{first.label.lower()} {when} {day.isoformat()}", tone, day))
    return facts

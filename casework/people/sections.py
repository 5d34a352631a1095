"""The person's own parts of the case record: who they are, and their family, work, community and story.

The case page shows both in its header panels (people/show.html), above the other sections; they are
sections here for the other outputs: the PDF summary and packets, and the case file.
"""

from __future__ import annotations

from collections.abc import Mapping

from casework.case_page import CaseFilePart, CaseSection, PdfPart, PdfRequest
from casework.models import Person, User
from casework.people.case_file import dump_person, read_person


def _nothing_to_load(person: Person, user: User, rows: Mapping[str, list]) -> dict:
    return {}


def _pdf_nothing(request: PdfRequest) -> dict:
    """The person's facts come from the PDF's person; the part shows each fact only as far as consented."""
    return {}


PERSON = CaseSection(
    key="person",
    title="The person",
    template=None,
    order=1,
    load=_nothing_to_load,
    pdf=(PdfPart("person", "The person", "pdf/sections/_person.html", _pdf_nothing, public=True),),
    case_file=CaseFilePart(("person",), dump_person, read_person, order=0),
)

COMMUNITY = CaseSection(
    key="community",
    title="Family, work and community",
    template=None,
    order=2,
    load=_nothing_to_load,
    pdf=(
        PdfPart(
            "community",
            "Family, work, community ties and story",
            "pdf/sections/_community.html",
            _pdf_nothing,
            public=True,
        ),
    ),
    omitted={
        "export": "Family, work, community ties and the story are fields of the person: the person's part "
        "of the case file carries them."
    },
)

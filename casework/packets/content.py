"""What a PDF shows, by audience: the parts the case sections contribute (casework.case_page.PdfPart).

- attorney: everything the user may see (privileged notes and documents included);
- internal: everything but privileged material;
- public: only the parts that may be public, showing only the facts the person consented to make public
  (PublicConsent), and never an A-number, an address, a docket number, a court file number, a detention
  facility, a note or the private story.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field

import sqlalchemy as sa

from casework import access, case_page, clock
from casework.case_page import PdfPart, PdfRequest
from casework.errors import OperationError
from casework.extensions import db
from casework.models import Document, Person, PublicConsent, User


class Audience(enum.StrEnum):
    """Who the PDF is for."""

    ATTORNEY = "attorney"
    INTERNAL = "internal"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        return {
            "attorney": "Attorney: everything you may see, privileged material included",
            "internal": "Internal: no privileged notes or documents",
            "public": "Public: only what the person consented to make public",
        }[self.value]

    @property
    def confidentiality(self) -> str:
        return {
            "attorney": "PRIVILEGED AND CONFIDENTIAL — attorney-client communication / attorney work product",
            "internal": "CONFIDENTIAL — for the people working on this case only",
            "public": "Prepared for public distribution with the consent of the person named",
        }[self.value]


class PacketRefused(OperationError):
    """The packet cannot be made as asked; the message says why."""


def section_choices() -> list[tuple[str, str]]:
    """(key, label) of every part of the PDF, for the packet's section picker."""
    return [(part.key, part.label) for part in case_page.pdf_parts()]


@dataclass
class PacketContent:
    """Everything the PDF template needs, already filtered for the audience."""

    person: Person
    audience: Audience
    request: PdfRequest
    parts: list[tuple[PdfPart, dict]] = field(default_factory=list)
    consent: PublicConsent | None = None
    exhibits: list = field(default_factory=list)

    @property
    def sections(self) -> list[str]:
        """The keys of the parts shown."""
        return [part.key for part, _ in self.parts]

    def shows(self, fact: str) -> bool:
        """For the public audience: whether the person consented to this fact (always true otherwise)."""
        return self.request.shows(fact)

    @property
    def name(self) -> str:
        """The name the packet may print."""
        if self.shows("legal_name"):
            return self.person.legal_name
        if self.shows("preferred_name") and self.person.preferred_name:
            return self.person.preferred_name
        return "A member of our community"

    @property
    def age(self) -> int | None:
        return self.person.age_on(clock.today())


def current_consent(person: Person) -> PublicConsent | None:
    """The person's consent in force (the latest one not withdrawn)."""
    return db.session.scalar(
        sa.select(PublicConsent)
        .where(PublicConsent.person_id == person.id, PublicConsent.withdrawn_at.is_(None))
        .order_by(PublicConsent.recorded_at.desc(), PublicConsent.id.desc())
        .limit(1)
    )


def gather(
    user: User, person: Person, audience: Audience, keys: list[str], exhibit_ids: list[int] | None = None
) -> PacketContent:
    """Load what the chosen parts show for this audience (each part a fixed number of queries)."""
    if audience == Audience.ATTORNEY and not access.can(user, "view_privileged", person):
        raise PacketRefused(
            "Your role cannot see privileged material: choose the internal or public audience."
        )
    consent = None
    consented: frozenset[str] = frozenset()
    if audience == Audience.PUBLIC:
        consent = current_consent(person)
        if consent is None:
            raise PacketRefused(
                "There is no recorded consent to make anything public for this person: record "
                "their consent first (Public consent on the case page)."
            )
        consented = frozenset(consent.fields)
    request = PdfRequest(person=person, user=user, audience=audience.value, consented=consented)
    chosen = [part for part in case_page.pdf_parts() if part.key in keys and part.reaches(request)]
    content = PacketContent(person=person, audience=audience, request=request, consent=consent)
    content.parts = case_page.load_pdf_parts(request, chosen)
    if exhibit_ids:
        content.exhibits = _exhibits(user, person, audience, exhibit_ids)
    return content


def _exhibits(user: User, person: Person, audience: Audience, exhibit_ids: list[int]) -> list[Document]:
    query = sa.select(Document).where(
        Document.person_id == person.id, Document.id.in_(exhibit_ids), access.documents_filter(user)
    )
    if audience != Audience.ATTORNEY:
        query = query.where(Document.privileged.is_(False))
    found = {d.id: d for d in db.session.scalars(query)}
    if [i for i in exhibit_ids if i not in found]:
        raise PacketRefused(
            "Some chosen exhibits are not available for this audience (privileged documents "
            "go only into attorney packets): untick them and try again."
        )
    return [found[i] for i in exhibit_ids]

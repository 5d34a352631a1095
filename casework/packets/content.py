"""What a PDF shows, by audience. The one place that decides which facts reach which reader.

- attorney: everything the user may see (privileged notes and documents included);
- internal: everything but privileged material;
- public: only the facts the person consented to make public (PublicConsent), and never an A-number,
  an address, a docket number, a court file number, a detention facility, a note or the private story.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import access
from casework.errors import OperationError
from casework.extensions import db
from casework.models import (
    CaseContact,
    Conviction,
    CustodyEvent,
    Document,
    Note,
    Person,
    Petition,
    PublicConsent,
    ReliefApplication,
    RemovalCase,
    User,
)


class Audience(enum.StrEnum):
    """Who the PDF is for."""

    ATTORNEY = "attorney"
    INTERNAL = "internal"
    PUBLIC = "public"

    @property
    def label(self) -> str:
        """Who the audience is, in words."""
        return {
            "attorney": "Attorney: everything you may see, privileged material included",
            "internal": "Internal: no privileged notes or documents",
            "public": "Public: only what the person consented to make public",
        }[self.value]

    @property
    def confidentiality(self) -> str:
        """The confidentiality line printed on every page for this audience."""
        return {
            "attorney": "PRIVILEGED AND CONFIDENTIAL — attorney-client communication / attorney work product",
            "internal": "CONFIDENTIAL — for the people working on this case only",
            "public": "Prepared for public distribution with the consent of the person named",
        }[self.value]


SECTIONS = {
    "person": "The person",
    "custody": "Custody",
    "removal": "Removal case",
    "convictions": "Convictions",
    "relief": "Relief applications",
    "contacts": "Contacts and their roles",
    "petitions": "Petitions",
    "community": "Community ties and story",
    "notes": "Notes",
}
PUBLIC_SECTIONS = ("person", "custody", "convictions", "relief", "petitions", "community")


class PacketRefused(OperationError):
    """The packet cannot be made as asked; the message says why."""


@dataclass
class PacketContent:
    """Everything the PDF template needs, already filtered for the audience."""

    person: Person
    audience: Audience
    sections: list[str]
    consent: PublicConsent | None = None
    public: set[str] = field(default_factory=set)
    events: list = field(default_factory=list)
    removal: RemovalCase | None = None
    convictions: list = field(default_factory=list)
    applications: list = field(default_factory=list)
    contacts: list = field(default_factory=list)
    notes: list = field(default_factory=list)
    petitions: list = field(default_factory=list)
    exhibits: list = field(default_factory=list)

    def shows(self, fact: str) -> bool:
        """For the public audience: whether the person consented to this fact (always true otherwise)."""
        return self.audience != Audience.PUBLIC or fact in self.public

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
        """The person's age today."""
        return self.person.age_on(date.today())


def current_consent(person: Person) -> PublicConsent | None:
    """The person's consent in force (the latest one not withdrawn)."""
    return db.session.scalar(
        sa.select(PublicConsent)
        .where(PublicConsent.person_id == person.id, PublicConsent.withdrawn_at.is_(None))
        .order_by(PublicConsent.recorded_at.desc(), PublicConsent.id.desc())
        .limit(1)
    )


def gather(
    user: User, person: Person, audience: Audience, sections: list[str], exhibit_ids: list[int] | None = None
) -> PacketContent:
    """Load what the chosen sections show for this audience (a fixed number of queries)."""
    if audience == Audience.ATTORNEY and not access.can(user, "view_privileged", person):
        raise PacketRefused(
            "Your role cannot see privileged material: choose the internal or public audience."
        )
    content = PacketContent(person=person, audience=audience, sections=[s for s in SECTIONS if s in sections])
    if audience == Audience.PUBLIC:
        content.consent = current_consent(person)
        if content.consent is None:
            raise PacketRefused(
                "There is no recorded consent to make anything public for this person: record "
                "their consent first (Public consent on the case page)."
            )
        content.public = set(content.consent.fields)
        content.sections = [s for s in content.sections if s in PUBLIC_SECTIONS]
    privileged_ok = audience == Audience.ATTORNEY
    pid = person.id
    chosen = set(content.sections)

    if "custody" in chosen:
        content.events = _all(
            sa.select(CustodyEvent)
            .where(CustodyEvent.person_id == pid, CustodyEvent.voided_at.is_(None))
            .order_by(CustodyEvent.occurred_on, CustodyEvent.id)
        )
    if "removal" in chosen or "custody" in chosen:
        content.removal = db.session.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == pid))
    if "convictions" in chosen:
        content.convictions = _all(
            sa.select(Conviction)
            .where(Conviction.person_id == pid)
            .order_by(Conviction.conviction_date.is_(None), Conviction.conviction_date, Conviction.id)
        )
    if "relief" in chosen:
        content.applications = _all(
            sa.select(ReliefApplication)
            .where(ReliefApplication.person_id == pid)
            .options(selectinload(ReliefApplication.steps), selectinload(ReliefApplication.convictions))
            .order_by(ReliefApplication.opened_on, ReliefApplication.id)
        )
    if "contacts" in chosen:
        content.contacts = _all(
            sa.select(CaseContact).where(CaseContact.person_id == pid).order_by(CaseContact.id)
        )
    if "notes" in chosen:
        notes = sa.select(Note).where(Note.person_id == pid, access.notes_filter(user))
        if not privileged_ok:
            notes = notes.where(Note.privileged.is_(False))
        content.notes = _all(notes.order_by(Note.created_at, Note.id))
    if "petitions" in chosen:
        content.petitions = _petitions(pid, audience)
    if exhibit_ids:
        documents = sa.select(Document).where(
            Document.person_id == pid, Document.id.in_(exhibit_ids), access.documents_filter(user)
        )
        if not privileged_ok:
            documents = documents.where(Document.privileged.is_(False))
        found = {d.id: d for d in db.session.scalars(documents)}
        missing = [i for i in exhibit_ids if i not in found]
        if missing:
            raise PacketRefused(
                "Some chosen exhibits are not available for this audience (privileged documents "
                "go only into attorney packets): untick them and try again."
            )
        content.exhibits = [found[i] for i in exhibit_ids]
    return content


def _all(query: sa.Select) -> list:
    """Every row of a query, as a list."""
    return list(db.session.scalars(query))


def _petitions(person_id: int, audience: Audience) -> list[Petition]:
    """The case's petitions with their count history (public: only the published hosted ones)."""
    rows = db.session.scalars(
        sa.select(Petition)
        .where(Petition.person_id == person_id)
        .options(selectinload(Petition.counts))
        .order_by(Petition.id)
    ).all()
    return [p for p in rows if p.is_public] if audience == Audience.PUBLIC else list(rows)

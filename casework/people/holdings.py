"""What the organization holds about one person: each kind of data, how much of it, who in the organization and
which shares reach it (from the same rules `access` applies), whether it is encrypted at rest, and the consents
on file. The reads of the "What we hold" page."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

import sqlalchemy as sa

from casework import access, clock
from casework.access import ORG_WIDE_ROLES
from casework.extensions import db
from casework.models import (
    AuditEvent,
    CaseContact,
    CaseShare,
    CheckIn,
    Conviction,
    CustodyEvent,
    Document,
    Incarceration,
    Note,
    Organization,
    Person,
    Petition,
    PublicConsent,
    Rehabilitation,
    Relation,
    ReliefApplication,
    RemovalCase,
    Residence,
    Role,
    ShareLevel,
    Signature,
    Task,
    TravelDocument,
)
from casework.models.consents import PUBLIC_FIELDS

ROLE_WORDS = {
    Role.ADMIN: "admins",
    Role.STAFF: "staff",
    Role.ATTORNEY: "attorneys",
    Role.VOLUNTEER: "volunteers",
}


# What casework.sealing seals (models.sealed.Sealed columns, documents' files) and petitions.crypto.
ENCRYPTED_KINDS = {
    "a_number": "yes (the number; searched through a keyed index)",
    "story": "yes",
    "notes": "yes (the text)",
    "privileged_notes": "yes (the text)",
    "documents": "yes (the files, each under its own key)",
    "privileged_documents": "yes (the files, each under its own key)",
    "signers": "yes (names, e-mail addresses and comments)",
}


def encrypted_at_rest(kind: str) -> str:
    """Whether this kind of data is stored encrypted (the one place to change when more of it is)."""
    return ENCRYPTED_KINDS.get(kind, "not yet")


@dataclass
class ShareReach:
    """One share of the case and whether it reaches a kind of data."""

    grantee: str
    level: ShareLevel
    reaches: bool
    expired: bool


@dataclass
class HeldKind:
    """One kind of data held about the person."""

    key: str
    label: str
    count: int
    unit: str
    seen_by: list[str]
    shares: list[ShareReach] = field(default_factory=list)
    encrypted: str = "not yet"


# key, label, the unit counted, the action (casework.access) that governs who sees it
KINDS: tuple[tuple[str, str, str, str], ...] = (
    ("identity", "Identity: names, birth, country, languages, family, work, address", "record", "view"),
    ("a_number", "A-number", "number", "see_a_number"),
    ("story", "Private story", "text", "view"),
    ("convictions", "Convictions", "conviction", "view"),
    ("removal", "Removal case and custody", "record", "view"),
    ("checkins", "Check-ins", "check-in", "view"),
    ("travel", "Travel documents", "request", "view"),
    ("background", "Background: residences, incarcerations, rehabilitation", "record", "view"),
    ("relief", "Relief applications", "application", "view"),
    ("tasks", "Tasks", "task", "view"),
    ("notes", "Notes (not privileged)", "note", "view"),
    ("privileged_notes", "Privileged notes", "note", "view_privileged"),
    ("documents", "Documents (not privileged)", "document", "view"),
    ("privileged_documents", "Privileged documents", "document", "view_privileged"),
    ("petitions", "Petitions", "petition", "view"),
    ("signers", "Petition signers' data", "signer", "manage"),
    ("contacts", "Contacts linked to the case", "link", "view"),
    ("relations", "Related people", "relation", "view"),
    ("audit", "Audit entries (who read or changed the case)", "entry", "audit"),
)


def _count(model, *where) -> int:
    return db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where)) or 0


def _counts(person: Person) -> dict[str, int]:
    pid = person.id
    petitions = sa.select(Petition.id).where(Petition.person_id == pid)
    return {
        "identity": 1,
        "a_number": 1 if person.a_number else 0,
        "story": 1 if person.private_story else 0,
        "convictions": _count(Conviction, Conviction.person_id == pid),
        "removal": _count(RemovalCase, RemovalCase.person_id == pid)
        + _count(CustodyEvent, CustodyEvent.person_id == pid),
        "checkins": _count(CheckIn, CheckIn.person_id == pid),
        "travel": _count(TravelDocument, TravelDocument.person_id == pid),
        "background": sum(_count(m, m.person_id == pid) for m in (Residence, Incarceration, Rehabilitation)),
        "relief": _count(ReliefApplication, ReliefApplication.person_id == pid),
        "tasks": _count(Task, Task.person_id == pid),
        "notes": _count(Note, Note.person_id == pid, Note.privileged.is_(False)),
        "privileged_notes": _count(Note, Note.person_id == pid, Note.privileged.is_(True)),
        "documents": _count(Document, Document.person_id == pid, Document.privileged.is_(False)),
        "privileged_documents": _count(Document, Document.person_id == pid, Document.privileged.is_(True)),
        "petitions": _count(Petition, Petition.person_id == pid),
        "signers": _count(Signature, Signature.petition_id.in_(petitions), Signature.anonymized_at.is_(None)),
        "contacts": _count(CaseContact, CaseContact.person_id == pid),
        "relations": _count(Relation, sa.or_(Relation.person_id == pid, Relation.related_person_id == pid)),
        "audit": _count(AuditEvent, AuditEvent.person_id == pid),
    }


def seen_by(action: str, owner: Organization) -> list[str]:
    """Who in the owning organization may see data governed by `action`, by role (admins and staff on every
    case; attorneys and volunteers on the cases they are assigned to)."""
    words = []
    for role in (Role.ADMIN, Role.STAFF, Role.ATTORNEY, Role.VOLUNTEER):
        if access.role_allows(role, action, owner):
            scope = "" if role in ORG_WIDE_ROLES or action == "manage" else " on the case team"
            words.append(ROLE_WORDS[role] + scope)
    return words


def _grantee_roles(share: CaseShare) -> tuple[Role, ...]:
    """The roles a share reaches: its user's, or an organization's admins and staff."""
    return (share.user.role,) if share.user is not None else ORG_WIDE_ROLES


def share_reach(share: CaseShare, action: str, owner: Organization, today: date) -> ShareReach:
    """Whether this share reaches data governed by `action` (the owner's rules for the partner's role, and
    what the share includes); an expired share reaches nothing."""
    expired = share.expires_on is not None and share.expires_on < today
    reaches = (
        not expired
        and access.policy_allows(share, action)
        and any(access.role_allows(role, action, owner) for role in _grantee_roles(share))
    )
    return ShareReach(share.grantee_label, share.level, reaches, expired)


def held_kinds(person: Person, shares: list[CaseShare]) -> list[HeldKind]:
    """Each kind of data held about the person, with who may see it and which shares reach it."""
    owner = db.session.get_one(Organization, person.org_id)
    counts = _counts(person)
    today = clock.today()
    return [
        HeldKind(
            key=key,
            label=label,
            count=counts[key],
            unit=unit,
            seen_by=seen_by(action, owner),
            shares=[share_reach(s, action, owner, today) for s in shares],
            encrypted=encrypted_at_rest(key),
        )
        for key, label, unit, action in KINDS
    ]


@dataclass
class ConsentOnFile:
    """A public consent as the page shows it."""

    given_by: str
    given_on: date
    fields: list[str]
    withdrawn_on: date | None


def consents_on_file(person: Person) -> list[ConsentOnFile]:
    """The person's recorded consents to make facts public, newest first, withdrawn ones included."""
    rows = db.session.scalars(
        sa.select(PublicConsent)
        .where(PublicConsent.person_id == person.id)
        .order_by(PublicConsent.given_on.desc(), PublicConsent.id.desc())
    )
    return [
        ConsentOnFile(
            c.given_by,
            c.given_on.date(),
            [PUBLIC_FIELDS[f] for f in c.fields],
            c.withdrawn_at.date() if c.withdrawn_at else None,
        )
        for c in rows
    ]

"""The demo's outcomes and the facts around its applications: Sovann Pich's case closed with relief granted and
status restored; his pardon's two counsel (a law firm pro bono, the immigrant-rights organization) and its
records of support, a Board of Supervisors' resolution among them; the prosecutor's office that does not oppose
Tuan Pham's motion to vacate and the city council's resolution for his pardon; the organizers of the hosted
petitions. Every name, body and office here is invented. It goes through the operations the forms use; call it
after records.load and petitions.load (no commit)."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa

from casework.extensions import db
from casework.models import (
    CaseOutcome,
    CaseStatus,
    Contact,
    CounselRole,
    Person,
    Petition,
    PetitionKind,
    ProsecutorPosition,
    ReliefApplication,
    ReliefKind,
    SupportKind,
    User,
)
from casework.people import operations as people_ops
from casework.petitions import operations as petitions_ops
from casework.relief import operations as relief_ops

ORGANIZER = "Riverbend Southeast Asian Defense Project"
PICH_OUTCOME_ON = date(2024, 6, 28)


def load(people: dict[str, Person], users: dict[str, User], today: date) -> None:
    """Close Sovann Pich's case, add counsel, positions and support, name the petitions' organizers."""
    staff = users["staff@example.org"]
    pich, pham = people["pich"], people["pham"]
    if pich.outcome is not None:
        return  # already loaded
    _pich(staff, pich, today)
    _pham(staff, pham, today)
    for key in ("keo", "pham"):
        for petition in _hosted_petitions(people[key]):
            petitions_ops.update_petition(
                staff, people[key], petition, {"organizer": ORGANIZER}, petition.version
            )
    db.session.flush()


def _pich(staff: User, pich: Person, today: date) -> None:
    """The Governor's pardon: the pro bono firm leads (records.load named it), the rights center joins it, and
    the support it gathered; then the case closes as won."""
    pardon = _application(pich, ReliefKind.GOVERNOR_PARDON)
    relief_ops.add_counsel(
        staff, pich, pardon, _contact(staff, "Tomas Reyes"), CounselRole.PARTNER_ORGANIZATION
    )
    support = [
        (
            SupportKind.RESOLUTION,
            "Board of Supervisors of Harbor County (fictional county)",
            date(2023, 9, 12),
            "Unanimous resolution urging the Governor to grant Sovann Pich a full pardon.",
        ),
        (
            SupportKind.STATEMENT,
            "Assemblymember Dana Whitlock (fictional office)",
            date(2023, 10, 3),
            "Public statement supporting the pardon and noting his work with young people.",
        ),
        (
            SupportKind.LETTER,
            "Local 11 electricians' union, apprenticeship director (fictional)",
            date(2023, 8, 21),
            "Fifteen years of steady work; a mentor to apprentices.",
        ),
    ]
    for kind, author, given_on, summary in support:
        relief_ops.add_support(
            staff,
            pich,
            pardon,
            {
                "kind": kind,
                "author": author,
                "author_contact_id": None,
                "given_on": given_on,
                "summary": summary,
                "document_id": None,
                "notes": None,
            },
        )
    people_ops.close_case(
        staff,
        pich,
        {
            "case_status": CaseStatus.RELIEF_GRANTED,
            "outcome": CaseOutcome.STATUS_RESTORED,
            "outcome_on": min(PICH_OUTCOME_ON, today),
            "outcome_notes": "Full and unconditional pardon granted by the Governor on 2024-02-09; removal "
            "proceedings reopened and terminated; lawful permanent residence restored.",
        },
        pich.version,
    )


def _pham(staff: User, pham: Person, today: date) -> None:
    """The District Attorney's office does not oppose the motion to vacate; the city council's resolution
    supports the pardon."""
    vacate = _application(pham, ReliefKind.MOTION_TO_VACATE)
    relief_ops.update_prosecutor(
        staff,
        pham,
        vacate,
        {
            "prosecutor_position": ProsecutorPosition.DOES_NOT_OPPOSE,
            "prosecutor_contact_id": _contact(staff, "Conviction Integrity Unit").id,
            "prosecutor_position_on": max(vacate.opened_on, today - timedelta(days=12)),
        },
        vacate.version,
    )
    council = _contact(staff, "Councilmember R. Ito")
    relief_ops.add_support(
        staff,
        pham,
        _application(pham, ReliefKind.GOVERNOR_PARDON),
        {
            "kind": SupportKind.RESOLUTION,
            "author": "City Council (fictional resolution, sponsored by Councilmember R. Ito)",
            "author_contact_id": council.id,
            "given_on": today - timedelta(days=30),
            "summary": "Resolution asking the Governor to pardon Tuan Pham and ICE to release him to his family.",
            "document_id": None,
            "notes": None,
        },
    )


def _application(person: Person, kind: ReliefKind) -> ReliefApplication:
    """The person's latest application of this kind (records.load opened it)."""
    application = db.session.scalar(
        sa.select(ReliefApplication)
        .where(ReliefApplication.person_id == person.id, ReliefApplication.kind == kind)
        .order_by(ReliefApplication.opened_on.desc(), ReliefApplication.id.desc())
        .limit(1)
    )
    if application is None:
        raise LookupError(f"no {kind.value} application for {person.legal_name}: run records.load first")
    return application


def _contact(staff: User, name: str) -> Contact:
    contact = db.session.scalar(
        sa.select(Contact).where(Contact.org_id == staff.org_id, Contact.name == name)
    )
    if contact is None:
        raise LookupError(f"no contact {name!r} in the demo directory: run records.load first")
    return contact


def _hosted_petitions(person: Person) -> list[Petition]:
    return list(
        db.session.scalars(
            sa.select(Petition)
            .where(Petition.person_id == person.id, Petition.kind == PetitionKind.HOSTED)
            .order_by(Petition.id)
        )
    )

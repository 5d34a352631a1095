"""The contacts part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import contains_eager

from casework import access, case_page
from casework.case_page import CaseFilePart, PdfPart
from casework.contacts import outputs
from casework.extensions import db
from casework.models import CaseContact, Contact, Person, User


def _load_section(person: Person, user: User) -> dict:
    """The case's contacts with their roles (one query; the contact comes joined)."""
    links = db.session.scalars(
        sa.select(CaseContact)
        .join(CaseContact.contact)
        .options(contains_eager(CaseContact.contact))
        .where(CaseContact.person_id == person.id)
        .order_by(Contact.sort_name, Contact.id, CaseContact.role)
    ).all()
    return {
        "links": links,
        "can_edit": access.can(user, "edit", person),
        "directory_is_mine": user.org_id == person.org_id,
    }


def _timeline(section: dict) -> list[case_page.TimelineEntry]:
    return [
        case_page.TimelineEntry(
            day=link_.created_at.date(),
            kind="Contact",
            text=f"{link_.contact.name} added as {link_.role}",
            anchor="contacts",
        )
        for link_ in section["links"]
    ]


SECTION = case_page.CaseSection(
    key="contacts",
    title="Contacts",
    template="contacts/_section_contacts.html",
    order=50,
    load=_load_section,
    timeline=_timeline,
    pdf=(
        PdfPart("contacts", "Contacts and their roles", "pdf/sections/_contacts.html", outputs.pdf_contacts),
    ),
    # Read first (every other part's contact refs need them), written last (once the others took their refs).
    case_file=CaseFilePart(
        ("contacts",), outputs.dump_contacts, outputs.read_contacts, order=5, dump_order=99
    ),
)

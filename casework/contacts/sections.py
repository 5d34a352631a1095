"""The contacts part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

import sqlalchemy as sa

from casework import access, case_page, row_sets
from casework.case_page import CaseFilePart, PdfPart
from casework.contacts import outputs
from casework.models import CaseContact, Contact, Person, User


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    """The case's contacts in name order, and their roles on the case."""
    of_case = CaseContact.person_id == person.id
    return {
        "case_contacts": sa.select(CaseContact)
        .join(CaseContact.contact)
        .where(of_case)
        .order_by(Contact.sort_name, Contact.id, CaseContact.role),
        "contacts_of_case": sa.select(Contact).where(
            Contact.id.in_(sa.select(CaseContact.contact_id).where(of_case))
        ),
    }


def _load_section(person: Person, user: User, rows: case_page.Rows) -> dict:
    """The case's contacts with their roles."""
    links = rows["case_contacts"]
    row_sets.attach(links, "contact", rows["contacts_of_case"])
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
    rows=_rows,
    timeline=_timeline,
    pdf=(
        PdfPart(
            "contacts",
            "Contacts and their roles",
            "pdf/sections/_contacts.html",
            outputs.pdf_contacts,
            rows=outputs.pdf_contact_rows,
        ),
    ),
    # Read first (every other part's contact refs need them), written last (once the others took their refs).
    case_file=CaseFilePart(
        ("contacts",), outputs.dump_contacts, outputs.read_contacts, order=5, dump_order=99
    ),
)

"""Contacts in the PDF summary and packets (the team's only) and in the case file.

The case file lists every contact the case needs: those linked to the case with their roles, and those other
parts point at by ref (an application's attorney). It is written last, once the others have taken their refs,
and read first, so that every ref finds its contact. At import a contact already in the directory (same name,
kind and e-mail) is reused rather than doubled.
"""

from __future__ import annotations

import sqlalchemy as sa

from casework import row_sets
from casework.case_file import Reading, Writing, dump, field_value, read, records, rejected
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import CaseContact, Contact

CONTACT = ("name", "organization", "kind", "bar_number", "bar_state", "phone", "email", "notes")


def pdf_contact_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The case's links to contacts in the order they were made, and the contacts."""
    of_case = CaseContact.person_id == request.person.id
    return {
        "pdf_case_contacts": sa.select(CaseContact).where(of_case).order_by(CaseContact.id),
        "pdf_contacts": sa.select(Contact).where(
            Contact.id.in_(sa.select(CaseContact.contact_id).where(of_case))
        ),
    }


def pdf_contacts(request: PdfRequest) -> dict:
    """The case's contacts and their roles."""
    links = request.rows["pdf_case_contacts"]
    row_sets.attach(links, "contact", request.rows["pdf_contacts"])
    return {"links": links}


def dump_contacts(writing: Writing) -> dict:
    """Every contact the case needs, by ref, each with its roles on the case."""
    links = list(
        db.session.scalars(
            sa.select(CaseContact).where(CaseContact.person_id == writing.person.id).order_by(CaseContact.id)
        )
    )
    for link in links:
        writing.refs.number("contact", link.contact_id)
    by_ref = sorted(writing.refs.numbers.get("contact", {}).items(), key=lambda item: item[1])
    rows = {
        c.id: c for c in db.session.scalars(sa.select(Contact).where(Contact.id.in_([i for i, _ in by_ref])))
    }
    return {
        "contacts": [
            {
                "ref": ref,
                **dump(rows[cid], CONTACT),
                "roles": [link.role for link in links if link.contact_id == cid],
            }
            for cid, ref in by_ref
        ]
    }


def read_contacts(reading: Reading) -> None:
    """The contacts (reusing the directory's own when they match) and their roles on the new case."""
    org_id = reading.user.org_id
    links: set[tuple[int, str]] = set()  # two contacts of the file may be one of the directory
    for i, record in enumerate(records(reading.data, "contacts")):
        where = f"contacts[{i}]"
        fields = read(Contact, record, CONTACT, where, required=("name", "kind"))
        email = fields.get("email")
        contact = db.session.scalar(
            sa.select(Contact).where(
                Contact.org_id == org_id,
                Contact.name == fields["name"],
                Contact.kind == fields["kind"],
                Contact.email.is_(None) if email is None else Contact.email == email,
            )
        )
        if contact is None:
            contact = Contact(org_id=org_id, **fields)
            db.session.add(contact)
            db.session.flush()
        reading.refs.remember("contact", record.get("ref", i), contact, f"{where}.ref")
        for j, role in enumerate(records(record, "roles", where, what="a list of text")):
            role = field_value(CaseContact, "role", role, f"{where}.roles[{j}]").strip()
            if not role:
                raise rejected(f"{where}.roles[{j}]", "must not be empty.")
            if (contact.id, role) not in links:
                links.add((contact.id, role))
                db.session.add(CaseContact(person_id=reading.person.id, contact_id=contact.id, role=role))

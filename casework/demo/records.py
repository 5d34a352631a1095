"""Fictional case records for the demo people: convictions, custody, check-ins, travel documents, relief,
contacts, notes and tasks, one module per situation. Everything goes through the same operations the web
forms use (casework.demo.builders)."""

from __future__ import annotations

from datetime import date

from casework import clock
from casework.demo import builders as b
from casework.demo import ice_arrest, pardon_granted, refugee_pardon, travel_document_refused
from casework.extensions import db
from casework.models import Contact, ContactKind, Person, User


def _contacts(staff: User) -> dict[str, Contact]:
    """A law firm's pro bono attorneys, an immigrant-rights legal organization, officials."""
    org_id = staff.org_id
    return {
        "finch": b.contact(
            staff,
            org_id,
            "Miriam Alder",
            ContactKind.POST_CONVICTION_ATTORNEY,
            organization="Alder & Finch LLP (pro bono)",
            bar_number="555123",
            bar_state="CA",
            phone="(555) 010-4477",
            email="malder@alderfinch.example",
        ),
        "legal_org": b.contact(
            staff,
            org_id,
            "Tomas Reyes",
            ContactKind.IMMIGRATION_ATTORNEY,
            organization="Harbor Immigrant Rights Center",
            bar_number="7788123",
            bar_state="MA",
            phone="(555) 010-2299",
            email="treyes@harborrights.example",
        ),
        "wa_lawyer": b.contact(
            staff,
            org_id,
            "Grace Holloway",
            ContactKind.CRIMINAL_DEFENSE_ATTORNEY,
            organization="Cascade Defender Collective",
            bar_number="44812",
            bar_state="WA",
            email="gholloway@cascadedefenders.example",
        ),
        "da_office": b.contact(
            staff,
            org_id,
            "Conviction Integrity Unit",
            ContactKind.PROSECUTOR,
            organization="King County Prosecuting Attorney's Office (fictional desk)",
            phone="(555) 010-9000",
        ),
        "officer": b.contact(
            staff,
            org_id,
            "Officer D. Marsh",
            ContactKind.DEPORTATION_OFFICER,
            organization="ICE ERO Burlington",
            phone="(555) 010-6060",
        ),
        "consulate": b.contact(
            staff,
            org_id,
            "Consular section",
            ContactKind.CONSULATE,
            organization="Consulate of the Lao PDR (fictional desk)",
        ),
        "council": b.contact(
            staff,
            org_id,
            "Councilmember R. Ito",
            ContactKind.OFFICIAL,
            organization="Seattle City Council (fictional office)",
        ),
    }


def load(people: dict[str, Person], users: dict[str, User], today: date | None = None) -> None:
    """Fill the four demo cases (the caller commits)."""
    staff = users["staff@example.org"]
    cast = b.Cast(
        staff=staff,
        volunteer=users["volunteer@example.org"],
        attorney=users["attorney@example.org"],
        contacts=_contacts(staff),
        today=today or clock.today(),
    )
    refugee_pardon.load(cast, people["keo"])
    pardon_granted.load(cast, people["pich"])
    ice_arrest.load(cast, people["pham"])
    travel_document_refused.load(cast, people["phommachanh"])
    db.session.flush()

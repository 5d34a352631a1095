"""The petitions part of the case record: its case-page section (and what it gives the other outputs)."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa

from casework import access, case_page, row_sets
from casework.case_page import CaseFilePart, Glance, PdfPart, TimelineEntry
from casework.models import (
    PUBLIC_FIELDS,
    Person,
    Petition,
    PetitionCount,
    PetitionDelivery,
    PetitionKind,
    PetitionStatus,
    PublicConsent,
    User,
)
from casework.petitions import chart, outputs


def _rows(person: Person, user: User) -> dict[str, sa.Select]:
    """Consents (newest first) with who recorded them, and petitions (oldest first) with counts and deliveries."""
    consents = sa.select(PublicConsent).where(PublicConsent.person_id == person.id)
    petition_ids = sa.select(Petition.id).where(Petition.person_id == person.id)
    return {
        "consents": consents.order_by(PublicConsent.recorded_at.desc(), PublicConsent.id.desc()),
        "consent_recorders": sa.select(User).where(
            User.id.in_(sa.select(PublicConsent.recorded_by_id).where(PublicConsent.person_id == person.id))
        ),
        "petitions": sa.select(Petition)
        .where(Petition.person_id == person.id)
        .order_by(Petition.created_at, Petition.id),
        "petition_counts": sa.select(PetitionCount)
        .where(PetitionCount.petition_id.in_(petition_ids))
        .order_by(PetitionCount.id),
        "petition_deliveries": sa.select(PetitionDelivery)
        .where(PetitionDelivery.petition_id.in_(petition_ids))
        .order_by(PetitionDelivery.id),
        "delivery_recorders": sa.select(User).where(
            User.id.in_(
                sa.select(PetitionDelivery.recorded_by_id).where(
                    PetitionDelivery.petition_id.in_(petition_ids)
                )
            )
        ),
    }


def _load_section(person: Person, user: User, read: case_page.Rows) -> dict:
    """Consents and petitions with their counts and deliveries."""
    consents = read["consents"]
    row_sets.attach(consents, "recorded_by", read["consent_recorders"])
    petitions = read["petitions"]
    row_sets.attach(petitions, "counts", read["petition_counts"])
    row_sets.attach(petitions, "deliveries", read["petition_deliveries"])
    row_sets.attach(read["petition_deliveries"], "recorded_by", read["delivery_recorders"])
    current = next((c for c in consents if c.withdrawn_at is None), None)
    rows: list[dict[str, Any]] = []
    for p in petitions:
        count = (
            p.signature_count if p.kind == PetitionKind.HOSTED else (p.counts[-1].count if p.counts else None)
        )
        rows.append({"petition": p, "count": count, "percent": chart.percent(count or 0, p.goal)})
    return {
        "consent": current,
        "past_consents": [c for c in consents if c is not current],
        "hosted": [r for r in rows if r["petition"].kind == PetitionKind.HOSTED],
        "external": [r for r in rows if r["petition"].kind == PetitionKind.EXTERNAL],
        "petitions": petitions,
        "field_labels": PUBLIC_FIELDS,
        "can_manage": access.can(user, "manage", person),
        "can_edit": access.can(user, "edit", person),
    }


def _timeline(section: dict) -> list[TimelineEntry]:
    entries = []
    for consent in ([section["consent"]] if section["consent"] else []) + section["past_consents"]:
        entries.append(
            TimelineEntry(consent.given_on.date(), "Petition", "Consent to public facts given", "petitions")
        )
        if consent.withdrawn_at:
            entries.append(
                TimelineEntry(
                    consent.withdrawn_at.date(), "Petition", "Consent withdrawn or replaced", "petitions"
                )
            )
    for p in section["petitions"]:
        if p.published_at:
            entries.append(
                TimelineEntry(
                    p.published_at.date(), "Petition", f"Petition published: {p.title}", "petitions"
                )
            )
        if p.kind == PetitionKind.EXTERNAL:
            entries.append(
                TimelineEntry(p.created_at.date(), "Petition", f"Petition tracked: {p.title}", "petitions")
            )
        if p.closed_at:
            entries.append(
                TimelineEntry(p.closed_at.date(), "Petition", f"Petition closed: {p.title}", "petitions")
            )
        for d in p.deliveries:
            entries.append(
                TimelineEntry(
                    d.delivered_on,
                    "Petition",
                    f"Petition delivered to {d.delivered_to} ({d.signature_count:,} signatures)",
                    "petitions",
                )
            )
    return entries


def _glance(section: dict) -> list[Glance]:
    facts = []
    for row in section["hosted"] + section["external"]:
        p = row["petition"]
        if p.status == PetitionStatus.ACTIVE and row["count"] is not None:
            goal = f" of {p.goal:,}" if p.goal else ""
            facts.append(
                Glance(
                    "Petition", f"{row['count']:,}{goal} signatures", "ok" if row["percent"] >= 100 else ""
                )
            )
    return facts[:2]


SECTION = case_page.CaseSection(
    key="petitions",
    title="Petitions",
    template="petitions/_section_petitions.html",
    order=80,
    load=_load_section,
    rows=_rows,
    timeline=_timeline,
    glance=_glance,
    pdf=(
        PdfPart(
            "petitions",
            "Petitions",
            "pdf/sections/_petitions.html",
            outputs.pdf_petitions,
            public=True,
            rows=outputs.pdf_petition_rows,
        ),
    ),
    case_file=CaseFilePart(
        ("petitions", "consents"), outputs.dump_petitions, outputs.read_petitions, order=60
    ),
)

"""Petitions and the person's public consents in the PDF summary and packets and in the case file.

PDF: the case's petitions with their latest count (the public see only published hosted petitions). Case file:
every petition with its count history and deliveries, and every recorded consent; never a signer and never the
public snapshot of facts. At import an outside petition comes back whole; a hosted one comes back as a draft of
the importing organization, to publish with the person's consent there: its signatures stay with the
organization that collected them.
"""

from __future__ import annotations

import re

import sqlalchemy as sa
from sqlalchemy.orm import selectinload

from casework import row_sets
from casework.case_file import Reading, Writing, dump, read, records, rejected
from casework.case_page import PdfRequest
from casework.extensions import db
from casework.models import (
    Petition,
    PetitionCount,
    PetitionDelivery,
    PetitionKind,
    PetitionStatus,
    PublicConsent,
)

WEB_ADDRESS = re.compile(r"https?://[^\s/$.?#][^\s]*")  # as the outside petition's form takes it
PETITION = ("kind", "status", "title", "organizer", "targets", "goal", "external_url", "platform", "story")
PETITION_DATES = ("published_at", "closed_at", "archived_at")
PETITION_COUNT = ("counted_on", "count")
PETITION_DELIVERY = (
    "delivered_on",
    "delivered_to",
    "method",
    "signature_count",
    "text_sha256",
    "outcome",
    "response",
)
CONSENT = ("scope", "given_by", "given_on", "recorded_at", "notes", "withdrawn_at")


def _petitions(person_id: int) -> list[Petition]:
    return list(
        db.session.scalars(
            sa.select(Petition)
            .where(Petition.person_id == person_id)
            .options(selectinload(Petition.counts), selectinload(Petition.deliveries))
            .order_by(Petition.id)
        )
    )


def pdf_petition_rows(request: PdfRequest) -> dict[str, sa.Select]:
    """The case's petitions and their counts."""
    of_case = sa.select(Petition.id).where(Petition.person_id == request.person.id)
    return {
        "pdf_petitions": sa.select(Petition)
        .where(Petition.person_id == request.person.id)
        .order_by(Petition.id),
        "pdf_petition_counts": sa.select(PetitionCount)
        .where(PetitionCount.petition_id.in_(of_case))
        .order_by(PetitionCount.counted_on, PetitionCount.id),  # as Petition.counts is ordered
    }


def pdf_petitions(request: PdfRequest) -> dict:
    """The petitions with their counts (the public: only the published hosted ones)."""
    petitions = request.rows["pdf_petitions"]
    row_sets.attach(petitions, "counts", request.rows["pdf_petition_counts"])
    return {"petitions": [p for p in petitions if p.is_public] if request.public else petitions}


def latest_count(petition: Petition) -> int:
    """Confirmed signatures of a hosted petition; the latest count recorded for an outside one."""
    if petition.kind == PetitionKind.HOSTED:
        return petition.signature_count
    return petition.counts[-1].count if petition.counts else 0


def dump_petitions(writing: Writing) -> dict:
    """The petitions with their counts and deliveries, and the consents."""
    consents = db.session.scalars(
        sa.select(PublicConsent)
        .where(PublicConsent.person_id == writing.person.id)
        .order_by(PublicConsent.id)
    )
    return {
        "petitions": [
            {
                **dump(p, PETITION + PETITION_DATES),
                "slug": p.slug,
                "signature_count": latest_count(p),
                "counts": [dump(c, PETITION_COUNT) for c in p.counts],
                "deliveries": [dump(d, PETITION_DELIVERY) for d in p.deliveries],
            }
            for p in _petitions(writing.person.id)
        ],
        "consents": [dump(c, CONSENT) for c in consents],
    }


def read_petitions(reading: Reading) -> None:
    """The consents, then the petitions (a hosted one as a draft of the importing organization)."""
    person = reading.person
    for i, record in enumerate(records(reading.data, "consents")):
        fields = read(PublicConsent, record, CONSENT, f"consents[{i}]", required=("scope", "given_by"))
        db.session.add(PublicConsent(person_id=person.id, **fields))
    for i, record in enumerate(records(reading.data, "petitions")):
        where = f"petitions[{i}]"
        fields = read(
            Petition, record, PETITION + PETITION_DATES, where, required=("kind", "title", "targets")
        )
        if fields.get("external_url") and not WEB_ADDRESS.fullmatch(fields["external_url"]):
            # the page links to it: a javascript: address would be a link that runs code
            raise rejected(
                f"{where}.external_url", "must be a web address starting with https:// or http://."
            )
        petition = Petition(
            person_id=person.id, org_id=person.org_id, created_by_id=reading.user.id, **fields
        )
        if petition.kind == PetitionKind.HOSTED:  # a draft here: published only with consent given here
            petition.status = PetitionStatus.DRAFT
            for name in PETITION_DATES:
                setattr(petition, name, None)
        petition.counts = [
            PetitionCount(
                **read(PetitionCount, c, PETITION_COUNT, f"{where}.counts[{j}]", required=PETITION_COUNT)
            )
            for j, c in enumerate(records(record, "counts", where))
        ]
        petition.deliveries = [
            PetitionDelivery(
                **read(
                    PetitionDelivery,
                    d,
                    PETITION_DELIVERY,
                    f"{where}.deliveries[{j}]",
                    required=("delivered_on", "delivered_to"),
                )
            )
            for j, d in enumerate(records(record, "deliveries", where))
        ]
        db.session.add(petition)

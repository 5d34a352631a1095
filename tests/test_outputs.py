"""Every output carries the whole record: for every demo person, what the case file holds is in the PDF
summary too (each travel document's country and status, each check-in's date, each task's title, each
document's title, each conviction's notes), and a case file round trip keeps it all."""

from __future__ import annotations

import json

import sqlalchemy as sa

from casework.models import Person, TravelDocumentOutcome
from tests.test_packets import pdf_text

DEMO_PASSWORD = "lantern orchid quarry"


def flat(text: str) -> str:
    """Text with its line breaks and runs of spaces as single spaces (a PDF wraps lines anywhere)."""
    return " ".join(text.split())


def test_every_demo_summary_holds_what_its_case_file_holds(app, db, new_browser, monkeypatch):
    monkeypatch.setenv("CASEWORK_PASSWORD", DEMO_PASSWORD)
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    admin = new_browser()
    admin.login("admin@example.org", DEMO_PASSWORD)
    people = db.scalars(sa.select(Person).where(Person.org_id == db.scalar(sa.select(Person.org_id))))
    assert len(people) >= 4
    checked = 0
    for person in people:
        exported = json.loads(admin.get(f"/people/{person.id}/export.json").get_data(as_text=True))
        response = admin.get(f"/people/{person.id}/summary.pdf")
        assert response.status_code == 200 and response.mimetype == "application/pdf"
        text = flat(pdf_text(response.data))
        for document in exported["travel_documents"]:
            assert document["country"] in text
            assert TravelDocumentOutcome(document["outcome"]).label in text
            checked += 1
        for check_in in exported["check_ins"]:
            assert check_in["scheduled_on"] in text
            checked += 1
        for task in exported["tasks"]:
            assert flat(task["title"]) in text
            checked += 1
        for document in exported["documents"]:
            assert flat(document["title"]) in text
            checked += 1
        for conviction in exported["convictions"]:
            if conviction["notes"]:
                assert flat(conviction["notes"]) in text
                checked += 1
    assert checked >= 10  # the demo has something of each

"""The two CSV contracts against the demo data: their numbers are those the demo cases' own exports give."""

from __future__ import annotations

import csv
import io
import json
from collections import Counter

import sqlalchemy as sa

from casework.models import Person, TravelDocument, User
from tests.conftest import TODAY, text_of

PASSWORD = "lantern orchid quarry"
CUSTODY = {"detained": "detained", "released": "released", "free": "never_detained", "removed": "removed"}


def load_demo(app, monkeypatch) -> None:
    """`flask demo`, then the travel-document history (a no-op if the command already loaded it)."""
    from casework import unit_of_work
    from casework.demo import travel_history
    from casework.demo.people import PEOPLE
    from casework.extensions import db

    monkeypatch.setenv("CASEWORK_PASSWORD", PASSWORD)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "Loaded the demo data" in result.output, result.output
    keys = {spec["legal_name"]: spec["key"] for spec in PEOPLE}
    with app.app_context(), unit_of_work.transaction():
        people = {
            keys[p.legal_name]: p for p in db.session.scalars(sa.select(Person)) if p.legal_name in keys
        }
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        travel_history.load(people, users, TODAY)


def csv_rows(response) -> list[dict]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.DictReader(io.StringIO(text_of(response))))


def test_the_csvs_equal_what_the_demo_cases_exports_say(app, db, browser, monkeypatch):
    load_demo(app, monkeypatch)
    documents = db.scalars(sa.select(TravelDocument))
    assert len({d.requested_on.strftime("%Y-%m") for d in documents if d.requested_on}) >= 6
    assert {d.outcome for d in documents} >= {"pending", "issued", "refused", "withdrawn"}

    browser.login("staff@example.org", PASSWORD)
    exports = []
    for person_id in db.scalars(sa.select(Person.id).where(Person.deleted_at.is_(None))):
        response = browser.get(f"/people/{person_id}/export.json")
        if response.status_code == 200:
            exports.append(json.loads(text_of(response)))
    assert len(exports) >= 4

    people = Counter(
        (e["person"]["citizenship"] or "", CUSTODY[e["person"]["custody_status"]]) for e in exports
    )
    report = csv_rows(browser.get("/reports/people-by-citizenship-and-custody.csv"))
    assert list(report[0]) == ["citizenship", "custody", "people"]
    assert {(r["citizenship"], r["custody"]): int(r["people"]) for r in report} == dict(people)

    travel: dict[tuple[str, str], Counter] = {}
    for e in exports:
        for d in e["travel_documents"]:
            if d["requested_on"]:
                counts = travel.setdefault((d["country"], d["requested_on"][:7]), Counter())
                counts["requested"] += 1
                counts[d["outcome"]] += 1
    report = csv_rows(browser.get("/reports/travel-documents.csv"))
    assert list(report[0]) == ["country", "month", "requested", "issued", "refused", "withdrawn"]
    assert {
        (r["country"], r["month"]): {k: int(r[k]) for k in ("requested", "issued", "refused", "withdrawn")}
        for r in report
    } == {
        key: {k: c[k] for k in ("requested", "issued", "refused", "withdrawn")} for key, c in travel.items()
    }
    assert sum(int(r["requested"]) for r in report) == sum(len(e["travel_documents"]) for e in exports)


def test_the_demo_history_shows_in_every_report(app, db, browser, monkeypatch):
    load_demo(app, monkeypatch)
    browser.login("staff@example.org", PASSWORD)
    check_ins = csv_rows(browser.get("/reports/check-ins.csv"))
    assert any(int(r["redetained"]) for r in check_ins)
    decisions = csv_rows(browser.get("/reports/relief-decisions.csv"))
    assert sum(int(r["denied"]) for r in decisions) >= 1 and sum(int(r["granted"]) for r in decisions) >= 1
    moves = csv_rows(browser.get("/reports/custody-events.csv"))
    assert sum(int(r["detentions"]) for r in moves) >= 4 and sum(int(r["releases"]) for r in moves) >= 3
    for url in (
        "/reports/travel-documents",
        "/reports/custody-events",
        "/reports/relief",
        "/reports/check-ins",
    ):
        assert "<svg" in text_of(browser.get(url)), url

"""A closed case's outcome: closing from the case page, validation, reopening, conflicts, access, audit, the people
list's outcome filter, the people CSV and the PDF person part."""

from __future__ import annotations

import csv
import io
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, CaseOutcome, CaseStatus, Person
from tests.conftest import TODAY, shows, text_of

TOMORROW = (TODAY + timedelta(days=1)).isoformat()
NOTES_SENTINEL = "OUTCOME-NOTES-SENTINEL"


def close_form(person, **changes) -> dict:
    data = {
        "case_status": "relief_granted",
        "outcome": "status_restored",
        "outcome_on": "2024-06-28",
        "outcome_notes": f"Pardon granted 2024-02-09; permanent residence restored. {NOTES_SENTINEL}",
        "version": str(person.version),
    }
    data.update(changes)
    return data


@pytest.fixture
def person(make_person):
    return make_person(legal_name="Sovann Pich", case_status=CaseStatus.ACTIVE)


def test_close_a_case_from_the_case_page(login_as, db, person):
    staff = login_as("staff")
    page = text_of(staff.get(f"/people/{person.id}"))
    assert f'href="/people/{person.id}/close"' in page and "Close the case…" in page
    form = text_of(staff.get(f"/people/{person.id}/close"))
    assert '<option selected value="closed">' in form  # an open case is offered "Closed" first
    response = staff.post(f"/people/{person.id}/close", close_form(person))
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}"
    saved = db.get(Person, person.id)
    assert saved.case_status == CaseStatus.RELIEF_GRANTED and saved.outcome == CaseOutcome.STATUS_RESTORED
    assert saved.outcome_on == date(2024, 6, 28) and NOTES_SENTINEL in saved.outcome_notes
    assert saved.version == person.version + 1
    page = text_of(staff.get(f"/people/{person.id}"))
    start = page.index('class="case-head"')
    header = page[start : page.index("</header>", start)]
    assert "Relief granted and immigration status restored" in header and "2024-06-28" in header
    assert "Reopen the case…" in header and "Close the case…" not in header
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.closed"))
    assert event.person_id == person.id
    assert set(event.field_list) == {"case_status", "outcome", "outcome_on", "outcome_notes"}
    columns = [getattr(event, c.key) for c in sa.inspect(AuditEvent).columns]
    assert not any(isinstance(v, str) and NOTES_SENTINEL in v for v in columns)  # names, never values


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"outcome": ""}, "Choose how the case ended, for example “Relief granted and status restored”."),
        ({"outcome": "won"}, "Choose one of the options in the list."),
        (
            {"outcome_on": ""},
            "Type the day the case ended (the decision or the restored status), as YYYY-MM-DD.",
        ),
        ({"outcome_on": "28/06/2024"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            {"outcome_on": TOMORROW},
            "The day the case ended cannot be in the future; type a date on or before today.",
        ),
        ({"case_status": "active"}, "Choose one of the options in the list."),
        ({"case_status": ""}, "Choose the status the case closes with."),
        (
            {"case_status": "relief_granted", "outcome": "removed"},
            "“Removed from the United States” is not relief granted: choose the case status “Closed”",
        ),
        (
            {"case_status": "removed", "outcome": "departed"},
            "A case closed as “Removed” has the outcome “Removed from the United States”",
        ),
        ({"outcome_notes": "x" * 4001}, "Keep the notes under 4,000 characters."),
        ({"version": ""}, "The form is missing its version; reload the page and try again."),
    ],
)
def test_close_validation_says_what_to_type(login_as, db, person, changes, message):
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/close", close_form(person, **changes))
    assert response.status_code == 200 and shows(response, message)
    saved = db.get(Person, person.id)
    assert (
        saved.case_status == CaseStatus.ACTIVE and saved.outcome is None and saved.version == person.version
    )
    assert db.count(AuditEvent, AuditEvent.action == "person.closed") == 0


def test_reopening_clears_the_outcome_and_is_audited(login_as, db, person):
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/close", close_form(person))
    closed = db.get(Person, person.id)
    page = text_of(staff.get(f"/people/{person.id}/reopen"))
    assert "Relief granted and immigration status restored" in page and '<option value="closed">' not in page
    refused = staff.post(f"/people/{person.id}/reopen", {"case_status": "closed", "version": closed.version})
    assert refused.status_code == 200 and shows(refused, "Choose one of the options in the list.")
    response = staff.post(
        f"/people/{person.id}/reopen", {"case_status": "monitoring", "version": closed.version}
    )
    assert response.status_code == 302
    saved = db.get(Person, person.id)
    assert saved.case_status == CaseStatus.MONITORING
    assert (saved.outcome, saved.outcome_on, saved.outcome_notes) == (None, None, None)
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.reopened"))
    assert set(event.field_list) == {"case_status", "outcome", "outcome_on", "outcome_notes"}
    assert "Close the case…" in text_of(staff.get(f"/people/{person.id}"))


def test_an_edit_of_the_record_to_an_open_status_reopens_it(login_as, db, make_person):
    from tests.test_people import _form

    staff = login_as("staff")
    person = make_person(
        legal_name="Sophal Meas",
        case_status=CaseStatus.CLOSED,
        outcome=CaseOutcome.PROCEEDINGS_TERMINATED,
        outcome_on=date(2023, 5, 1),
    )
    form = _form(
        case_status="active", immigration_status="", final_order_date="", version=str(person.version)
    )
    assert staff.post(f"/people/{person.id}/edit", form).status_code == 302
    saved = db.get(Person, person.id)
    assert saved.case_status == CaseStatus.ACTIVE and saved.outcome is None and saved.outcome_on is None
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.updated"))
    assert {"case_status", "outcome", "outcome_on"} <= set(event.field_list)


def test_a_close_from_an_outdated_page_is_a_conflict(login_as, db, person):
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/close"
    assert alice.get(url).status_code == 200 and bob.get(url).status_code == 200
    assert alice.post(url, close_form(person)).status_code == 302
    response = bob.post(url, close_form(person, case_status="closed", outcome="proceedings_terminated"))
    assert response.status_code == 200 and shows(
        response, "Someone else saved this case while you were editing."
    )
    assert "Saved by someone else meanwhile" in text_of(response)
    saved = db.get(Person, person.id)
    assert saved.outcome == CaseOutcome.STATUS_RESTORED
    assert db.count(AuditEvent, AuditEvent.action == "person.closed") == 1


def test_who_may_close_a_case(login_as, make_user, make_person, share_case, make_org, db):
    volunteer = make_user("volunteer")
    partner = make_user("staff", org=make_org("Partner Firm"))
    editor = make_user("staff", org=make_org("Editing Partner"))
    person = make_person(assigned=[volunteer])
    share_case(person, user=partner, level="view")
    share_case(person, user=editor, level="edit")
    assert login_as(volunteer).post(f"/people/{person.id}/close", close_form(person)).status_code == 302
    reopened = db.get(Person, person.id)
    viewer = login_as(partner)
    assert viewer.get(f"/people/{person.id}/close").status_code == 403
    assert (
        viewer.post(f"/people/{person.id}/reopen", {"case_status": "active", "version": "2"}).status_code
        == 403
    )
    assert "Close the case…" not in text_of(viewer.get(f"/people/{person.id}"))
    assert login_as("staff").get(f"/people/{make_person(org=make_org()).id}/close").status_code == 404
    response = login_as(editor).post(
        f"/people/{person.id}/reopen", {"case_status": "active", "version": str(reopened.version)}
    )
    assert response.status_code == 302 and db.get(Person, person.id).outcome is None


def test_the_people_list_filters_by_outcome_and_the_csv_shows_it(login_as, make_person):
    make_person(
        legal_name="Won Case", case_status=CaseStatus.RELIEF_GRANTED, outcome=CaseOutcome.STATUS_RESTORED
    )
    make_person(legal_name="Moved Case", case_status=CaseStatus.CLOSED, outcome=CaseOutcome.TRANSFERRED)
    make_person(legal_name="Open Case")
    staff = login_as("staff")
    staff.get("/people")
    assert staff.post("/people", {"outcome": "status_restored", "sort": "name"}).status_code == 302
    page = text_of(staff.get("/people"))
    assert "Won Case" in page and "Moved Case" not in page and "Open Case" not in page
    rows = list(csv.DictReader(io.StringIO(text_of(staff.get("/people/export.csv")))))
    assert [(r["Legal name"], r["Outcome"]) for r in rows] == [
        ("Won Case", "Relief granted and immigration status restored")
    ]
    refused = staff.post("/people", {"outcome": "won", "sort": "name"})
    assert refused.status_code == 200 and shows(refused, "Choose one of the options in the list.")
    staff.post("/people", {"clear": "1"})
    rows = list(csv.DictReader(io.StringIO(text_of(staff.get("/people/export.csv")))))
    assert {r["Legal name"]: r["Outcome"] for r in rows}["Open Case"] == ""


def test_the_pdf_person_part_states_the_outcome(login_as, make_person):
    from tests.test_packets import pdf_text

    person = make_person(legal_name="Sovann Pich")
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/close", close_form(person))
    response = staff.get(f"/people/{person.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(pdf_text(response.data).split())
    assert "Relief granted and immigration status restored (2024-06-28)" in text

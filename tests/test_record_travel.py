"""Travel documents: add, edit, delete, validation; a refusal by the consulate is shown as the win it is."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, TravelDocument, TravelDocumentOutcome
from casework.models.travel_documents import REPATRIATION_AGREEMENTS
from tests.conftest import TODAY, shows, text_of

TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def _form(version="0", **changes):
    data = {
        "country": "Cambodia",
        "agreement": REPATRIATION_AGREEMENTS[0],
        "requested_on": "2024-01-10",
        "interview_on": "2024-02-15",
        "outcome": "pending",
        "decided_on": "",
        "expires_on": "",
        "refusal_reason": "",
        "notes": "",
        "version": version,
    }
    data.update(changes)
    return data


def test_a_refusal_is_recorded_and_shown_prominently(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/travel-documents/new",
        _form(outcome="refused", decided_on="2024-03-01", refusal_reason="Not a citizen of Cambodia"),
    )
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{person.id}#travel-documents"
    document = db.scalar(sa.select(TravelDocument))
    assert (
        document.outcome == TravelDocumentOutcome.REFUSED and document.agreement == REPATRIATION_AGREEMENTS[0]
    )
    html = text_of(staff.get(f"/people/{person.id}"))
    assert '<span class="badge td-refused">Refused by consulate</span>' in html
    assert 'glance glance-ok"><span class="muted small">Travel document</span> Refused by consulate' in html
    assert "Not a citizen of Cambodia" in html and "Travel document refused by Cambodia" in html
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "travel_document.created"))
    assert {"country", "outcome", "refusal_reason"} <= set(event.field_list)


def test_an_issued_document_is_an_alert(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    expires = (TODAY + timedelta(days=60)).isoformat()
    staff.post(
        f"/people/{person.id}/travel-documents/new",
        _form(country="Vietnam", agreement="", outcome="issued", decided_on="2024-03-01", expires_on=expires),
    )
    assert db.scalar(sa.select(TravelDocument)).agreement is None
    html = text_of(staff.get(f"/people/{person.id}"))
    assert f"Issued by Vietnam, valid until {expires}" in html and "glance-alert" in html


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"country": ""}, "Type the country whose consulate was asked, for example Cambodia."),
        ({"agreement": "Atlantis (1999)"}, "Choose one of the options in the list."),
        (
            {"requested_on": TOMORROW},
            "The request date cannot be in the future; type a date on or before today.",
        ),
        (
            {"interview_on": "2024-01-01"},
            "The consular interview cannot be before the request; check both dates.",
        ),
        (
            {"outcome": "refused", "decided_on": "2024-01-01"},
            "The decision cannot be before the request; check both dates.",
        ),
        ({"outcome": "refused", "decided_on": TOMORROW}, "The decision date cannot be in the future"),
        (
            {"outcome": "issued"},
            (
                "Type the date the consulate decided as YYYY-MM-DD (needed when the document was "
                "issued or refused)."
            ),
        ),
        ({"outcome": "refused"}, "needed when the document was issued or refused"),
        (
            {"decided_on": "2024-03-01"},
            "A request still pending has no decision date: choose the outcome, or clear this date.",
        ),
        (
            {"outcome": "refused", "decided_on": "2024-03-01", "expires_on": "2025-03-01"},
            "Only an issued document expires: choose “Issued” as the outcome, or clear this date.",
        ),
        (
            {"outcome": "issued", "decided_on": "2024-03-01", "expires_on": "2024-03-01"},
            "The expiry date must be after the decision date; check both dates.",
        ),
        (
            {"outcome": "issued", "decided_on": "2024-03-01", "refusal_reason": "Not a citizen"},
            "Only a refused request has a refusal reason: choose “Refused” as the outcome, or clear the reason.",
        ),
        ({"outcome": "lost"}, "Choose one of the options in the list."),
        ({"outcome": ""}, "Choose the outcome, or “Requested, no decision”."),
        ({"country": "x" * 101}, "Keep this under 100 characters."),
        ({"expires_on": "soon"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
    ],
)
def test_validation_messages(login_as, make_person, db, changes, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/travel-documents/new", _form(**changes))
    assert response.status_code == 200 and shows(response, message), message
    assert db.count(TravelDocument) == 0


def test_interview_may_be_in_the_future(login_as, make_person, db):
    person = make_person()
    login_as("staff").post(
        f"/people/{person.id}/travel-documents/new",
        _form(interview_on=(TODAY + timedelta(days=20)).isoformat()),
    )
    assert db.count(TravelDocument) == 1


def test_edit_records_the_decision_and_audits_names_only(login_as, make_person, db):
    person = make_person()
    document = db.add(TravelDocument(person_id=person.id, country="Laos", requested_on=date(2024, 1, 10)))
    staff = login_as("staff")
    url = f"/people/{person.id}/travel-documents/{document.id}/edit"
    assert staff.get(url).status_code == 200
    response = staff.post(
        url,
        _form(
            version=str(document.version),
            country="Laos",
            agreement="",
            outcome="refused",
            decided_on="2024-04-02",
            refusal_reason="SENTINEL no record of birth",
        ),
    )
    assert response.status_code == 302
    assert db.get(TravelDocument, document.id).outcome == TravelDocumentOutcome.REFUSED
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "travel_document.updated"))
    assert {"outcome", "decided_on", "refusal_reason"} <= set(event.field_list)
    assert "SENTINEL" not in (event.fields or "") + (event.detail or "")


def test_edit_conflict(login_as, make_person, db):
    person = make_person()
    document = db.add(TravelDocument(person_id=person.id, country="Laos"))
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/travel-documents/{document.id}/edit"
    assert (
        alice.post(url, _form(version=str(document.version), country="Laos", notes="Alice")).status_code
        == 302
    )
    response = bob.post(url, _form(version=str(document.version), country="Laos", notes="Bob"))
    assert response.status_code == 200 and shows(response, "Someone else saved this while you were editing")
    assert db.get(TravelDocument, document.id).notes == "Alice"


def test_edit_of_a_document_deleted_meanwhile(login_as, make_person, db):
    person = make_person()
    document = db.add(TravelDocument(person_id=person.id, country="Laos"))
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/travel-documents/{document.id}/edit"
    assert bob.get(url).status_code == 200
    assert alice.post(f"/people/{person.id}/travel-documents/{document.id}/delete").status_code == 302
    assert bob.post(url, _form(version=str(document.version))).status_code == 404
    assert db.count(TravelDocument) == 0


def test_delete_needs_confirmation(login_as, make_person, db):
    person = make_person()
    document = db.add(TravelDocument(person_id=person.id, country="Laos"))
    staff = login_as("staff")
    url = f"/people/{person.id}/travel-documents/{document.id}/delete"
    assert shows(staff.get(url), "Delete this travel document request?")
    assert staff.post(url, csrf=False).status_code == 400 and db.count(TravelDocument) == 1
    assert staff.post(url).status_code == 302 and db.count(TravelDocument) == 0
    assert db.count(AuditEvent, AuditEvent.action == "travel_document.deleted") == 1


def test_access(login_as, make_user, make_person, make_org, share_case, db):
    volunteer = make_user("volunteer")
    person = make_person()
    document = db.add(TravelDocument(person_id=person.id, country="Laos"))
    foreign = db.add(TravelDocument(person_id=make_person().id, country="Laos"))
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    urls = [
        f"/people/{person.id}/travel-documents/new",
        f"/people/{person.id}/travel-documents/{document.id}/edit",
        f"/people/{person.id}/travel-documents/{document.id}/delete",
    ]
    outsider, viewer = login_as(volunteer), login_as(partner)
    for url in urls:
        assert outsider.get(url).status_code == 404 and outsider.post(url, _form()).status_code == 404
        assert viewer.get(url).status_code == 403 and viewer.post(url, _form()).status_code == 403
    assert "Add a request" not in text_of(viewer.get(f"/people/{person.id}"))
    assert login_as("staff").get(f"/people/{person.id}/travel-documents/{foreign.id}/edit").status_code == 404
    assert db.count(TravelDocument) == 2

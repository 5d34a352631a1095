"""A petition names its organizer: on the hosted and outside petition forms (up to 200 characters), on the public
page ("A petition by …") with nothing private beside it, in the delivery document and in the case file."""

from __future__ import annotations

import io
import json

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.models import AuditEvent, Petition
from tests.conftest import shows, text_of
from tests.test_petitions_external import external_form
from tests.test_petitions_hosted import create_hosted, hosted_form, make_published, publish, record_consent

ORGANIZER = "Riverbend Southeast Asian Defense Project"
PRIVATE = {"legal_name": "Sokha PRIVATE-LEGAL-NAME", "private_story": "PRIVATE-STORY-SENTINEL"}


@pytest.fixture
def published(login_as, make_person, db):
    return make_published(login_as, make_person, db)


def test_a_hosted_petition_names_its_organizer_on_its_public_page(login_as, make_person, db, browser):
    staff = login_as("staff")
    person = make_person(preferred_name="Sokha", city="Revere", state="MA", a_number="012345678", **PRIVATE)
    assert record_consent(staff, person).status_code == 302
    form = text_of(staff.get(f"/people/{person.id}/petitions/hosted/new"))
    assert 'name="organizer"' in form and "Who is behind the petition" in form
    petition_id = create_hosted(staff, person, slug="sokha-stays", organizer=ORGANIZER)
    saved = db.get(Petition, petition_id)
    assert saved.organizer == ORGANIZER
    created = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.created"))
    assert "organizer" in created.field_list and ORGANIZER not in (created.detail or "")
    assert shows(staff.get(f"/people/{person.id}/petitions/{petition_id}"), ORGANIZER)
    assert publish(staff, person, petition_id).status_code == 302
    page = browser.get("/p/sokha-stays")
    html = text_of(page)
    assert page.status_code == 200
    assert f"A petition by <strong>{ORGANIZER}</strong>" in html
    for private in ("PRIVATE-LEGAL-NAME", "PRIVATE-STORY-SENTINEL", "012345678", "A012-345-678"):
        assert private not in html


def test_a_petition_without_an_organizer_names_nobody(published, browser):
    assert "A petition by" not in text_of(browser.get("/p/let-sokha-stay"))


def test_the_organizer_is_edited_audited_and_reaches_the_public_page(published, browser, db):
    staff, person, petition = published
    url = f"/people/{person.id}/petitions/{petition.id}/edit"
    response = staff.post(
        url, hosted_form(organizer="Harbor Immigrant Rights Center", version=petition.version)
    )
    assert response.status_code == 302
    assert db.get(Petition, petition.id).organizer == "Harbor Immigrant Rights Center"
    updated = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.updated"))
    assert updated.field_list == ["organizer"]
    assert "A petition by <strong>Harbor Immigrant Rights Center</strong>" in text_of(
        browser.get("/p/let-sokha-stay")
    )


@pytest.mark.parametrize("kind", ["hosted", "external"])
def test_the_organizer_is_at_most_200_characters(login_as, make_person, db, kind):
    staff = login_as("staff")
    person = make_person()
    form = (hosted_form if kind == "hosted" else external_form)(organizer="x" * 201)
    response = staff.post(f"/people/{person.id}/petitions/{kind}/new", form)
    assert response.status_code == 200 and shows(response, "Keep the organizer's name under 200 characters.")
    assert db.count(Petition) == 0
    fits = (hosted_form if kind == "hosted" else external_form)(organizer="y" * 200)
    assert staff.post(f"/people/{person.id}/petitions/{kind}/new", fits).status_code == 302
    assert db.scalar(sa.select(Petition)).organizer == "y" * 200


def test_an_outside_petition_names_its_organizer(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    response = staff.post(
        f"/people/{person.id}/petitions/external/new", external_form(organizer="Seattle Families Together")
    )
    assert response.status_code == 302
    petition = db.scalar(sa.select(Petition))
    assert petition.organizer == "Seattle Families Together"
    assert shows(staff.get(f"/people/{person.id}/petitions/{petition.id}"), "Seattle Families Together")


def test_the_delivery_document_and_the_case_file_carry_the_organizer(published, app, db):
    staff, person, petition = published
    staff.post(
        f"/people/{person.id}/petitions/{petition.id}/edit",
        hosted_form(organizer=ORGANIZER, version=petition.version),
    )
    response = staff.get(f"/people/{person.id}/petitions/{petition.id}/delivery.pdf")
    assert response.status_code == 200
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    assert f"A petition by {ORGANIZER}" in " ".join(text.split())
    exported = json.loads(text_of(staff.get(f"/people/{person.id}/export.json")))
    assert [p["organizer"] for p in exported["petitions"]] == [ORGANIZER]

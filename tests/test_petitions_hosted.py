"""Hosted petitions from the case: consent, drafts, publishing (a snapshot of consented facts), the edit
conflict, unpublishing, closing, archiving and deleting; access rules and the audit trail (names only)."""

from __future__ import annotations

import re
from datetime import UTC, date, datetime

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Petition, PublicConsent, Signature
from tests.conftest import shows, text_of

SCOPE = ["preferred_name", "age", "city", "family"]
STORY = "Sokha has lived in Revere for thirty years and fixes every bicycle on the block."


# ---------------------------------------------------------------- helpers shared by the petitions tests


def consent_form(**overrides) -> dict:
    """A valid consent form (scope as a list of ticked keys)."""
    data = {"scope": SCOPE, "given_by": "Sokha, in person with an interpreter", "given_on": "2024-01-05"}
    data.update(overrides)
    return data


def hosted_form(**overrides) -> dict:
    """A valid hosted-petition form."""
    data = {
        "title": "Let Sokha stay home",
        "story": STORY,
        "targets": "DHS/ICE Boston Field Office Director",
        "goal": "15,000",
        "public_fields": ["preferred_name", "city"],
        "slug": "",
        "version": "0",
    }
    data.update(overrides)
    return data


def record_consent(client, person, **overrides):
    """Record a consent through the web form; returns the response."""
    return client.post(f"/people/{person.id}/petitions/consent/new", consent_form(**overrides))


def create_hosted(client, person, **overrides) -> Petition:
    """Create a draft through the web form; returns the petition (detached)."""
    from tests.conftest import Browser  # noqa: F401  (documentation: client is a Browser)

    response = client.post(f"/people/{person.id}/petitions/hosted/new", hosted_form(**overrides))
    assert response.status_code == 302, text_of(response)
    petition_id = int(re.search(r"/petitions/(\d+)", response.headers["Location"]).group(1))
    return petition_id


def publish(client, person, petition_id: int, **kw):
    """Publish through the confirmation page."""
    url = f"/people/{person.id}/petitions/{petition_id}/publish"
    client.get(url)
    return client.post(url, {}, **kw)


def make_published(login_as, make_person, db):
    """A case with a recorded consent and a published hosted petition: (staff browser, person, petition)."""
    staff = login_as("staff")
    person = make_person(
        legal_name="Sokha Meas",
        preferred_name="Sokha",
        birth_date=date(1980, 2, 3),
        city="Revere",
        state="MA",
        children="Two sons.",
    )
    assert record_consent(staff, person, given_on="2020-01-01").status_code == 302
    petition_id = create_hosted(staff, person, slug="let-sokha-stay")
    assert publish(staff, person, petition_id).status_code == 302
    return staff, person, db.get(Petition, petition_id)


@pytest.fixture
def published(login_as, make_person, db):
    """See make_published (the petitions test modules each declare this fixture from it)."""
    return make_published(login_as, make_person, db)


# ---------------------------------------------------------------- consent


def test_record_consent_and_the_audit_has_names_only(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert shows(staff.get(f"/people/{person.id}/petitions/consent/new"), "Record consent to public facts")
    assert record_consent(staff, person, notes="SENTINEL-NOTE").status_code == 302
    consent = db.scalar(sa.select(PublicConsent))
    assert consent.fields == SCOPE and consent.recorded_by_id == staff.user.id and consent.active
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "consent.recorded"))
    assert event.field_list == ["given_by", "given_on", "notes", "scope"] and event.person_id == person.id
    assert "SENTINEL" not in str([event.detail, event.fields])
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "In force" in page and "Sokha, in person with an interpreter" in page


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"scope": []}, "Tick at least one fact the person agreed to make public."),
        ({"scope": ["not_a_field"]}, "Tick only the facts listed here."),
        (
            {"given_by": ""},
            "Type who gave consent and how, for example “Dara, in person, with a Khmer interpreter”.",
        ),
        ({"given_on": ""}, "Type the date consent was given, as YYYY-MM-DD."),
        ({"given_on": "05/01/2031"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            {"given_on": "2999-01-01"},
            "The date consent was given cannot be in the future; type a date on or before today.",
        ),
        ({"given_by": "x" * 201}, "Keep this under 200 characters."),
    ],
)
def test_consent_validation(login_as, make_person, db, overrides, message):
    person = make_person()
    response = record_consent(login_as("staff"), person, **overrides)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(PublicConsent) == 0


def test_consent_needs_manage(login_as, make_user, make_person, share_case, make_org, db):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    assert record_consent(login_as(volunteer), person).status_code == 403
    assert record_consent(login_as("volunteer"), person).status_code == 404  # not assigned: not there
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, level="edit")
    assert record_consent(login_as(partner), person).status_code == 403
    assert db.count(PublicConsent) == 0


def test_withdrawing_consent_unpublishes_at_once_and_wipes_the_snapshot(published, browser, db):
    staff, person, petition = published
    assert browser.get("/p/let-sokha-stay").status_code == 200
    consent = db.scalar(sa.select(PublicConsent))
    url = f"/people/{person.id}/petitions/consent/{consent.id}/withdraw"
    confirm = staff.get(url)
    assert shows(confirm, "1 petition page(s) are public now and will be taken down at once")
    response = staff.post(url, {})
    assert response.status_code == 302
    saved = db.get(Petition, petition.id)
    assert saved.status == "unpublished" and saved.public_name is None and saved.public_city is None
    assert db.get(PublicConsent, consent.id).withdrawn_at is not None
    gone = browser.get("/p/let-sokha-stay")
    assert gone.status_code == 410 and "Sokha" not in text_of(gone) and "Let Sokha stay" not in text_of(gone)
    assert browser.get("/p/let-sokha-stay/count.json").status_code == 410
    actions = set(db.scalars(sa.select(AuditEvent.action)))
    assert {"consent.withdrawn", "petition.unpublished"} <= actions
    # publishing again needs a new consent
    again = publish(staff, person, petition.id)
    assert db.get(Petition, petition.id).status == "unpublished"
    assert again.status_code == 302


def test_withdraw_twice_is_refused_with_a_message(published, db):
    staff, person, _petition = published
    consent = db.scalar(sa.select(PublicConsent))
    url = f"/people/{person.id}/petitions/consent/{consent.id}/withdraw"
    staff.post(url, {})
    response = staff.post(url, {}, follow_redirects=True)
    assert shows(response, "This consent was already withdrawn.")


def test_a_narrower_new_consent_unpublishes_petitions_it_does_not_cover(published, db):
    staff, person, petition = published
    assert record_consent(staff, person, scope=["preferred_name"]).status_code == 302  # no longer "city"
    saved = db.get(Petition, petition.id)
    assert saved.status == "unpublished" and saved.public_city is None
    assert db.count(PublicConsent, PublicConsent.withdrawn_at.is_(None)) == 1


def test_a_wider_new_consent_keeps_the_petition_public(published, db, browser):
    staff, person, petition = published
    assert record_consent(staff, person, scope=SCOPE + ["work"]).status_code == 302
    saved = db.get(Petition, petition.id)
    new = db.scalar(sa.select(PublicConsent).where(PublicConsent.withdrawn_at.is_(None)))
    assert saved.status == "active" and saved.consent_id == new.id
    assert browser.get("/p/let-sokha-stay").status_code == 200


# ---------------------------------------------------------------- drafts and publishing


def test_create_a_draft_then_publish_copies_only_consented_facts(login_as, make_person, db, browser):
    staff = login_as("staff")
    person = make_person(
        legal_name="Sokha Meas",
        preferred_name="Sokha",
        city="Revere",
        state="MA",
        work="SENTINEL-WORK",
        private_story="SENTINEL-PRIVATE",
    )
    petition_id = create_hosted(staff, person)
    draft = db.get(Petition, petition_id)
    assert draft.status == "draft" and draft.goal == 15000 and draft.org_id == person.org_id
    assert re.fullmatch(r"[a-z2-7]{8}", draft.slug)  # random: says nothing about the person
    assert browser.get(f"/p/{draft.slug}").status_code == 404  # a draft does not exist publicly
    assert shows(
        staff.get(f"/people/{person.id}/petitions/{petition_id}/publish"),
        "Record the person's consent first: a petition can be public only with it.",
    )
    refused = publish(staff, person, petition_id, follow_redirects=True)
    assert shows(refused, "The petition was not published. Record the person's consent first")
    assert db.get(Petition, petition_id).status == "draft"
    record_consent(staff, person, scope=["preferred_name", "city", "work"])
    preview = staff.get(f"/people/{person.id}/petitions/{petition_id}/publish")
    assert shows(preview, "Revere, Massachusetts") and "SENTINEL-WORK" not in text_of(preview)  # not chosen
    assert publish(staff, person, petition_id).status_code == 302
    saved = db.get(Petition, petition_id)
    assert (saved.status, saved.public_name, saved.public_city, saved.public_work) == (
        "active",
        "Sokha",
        "Revere, Massachusetts",
        None,
    )
    assert saved.public_legal_name is None and saved.published_by_id == staff.user.id
    page = text_of(browser.get(f"/p/{saved.slug}"))
    assert "Revere, Massachusetts" in page and "SENTINEL" not in page and "Meas" not in page


def test_publishing_refuses_fields_outside_the_consent(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person(city="Revere")
    record_consent(staff, person, scope=["preferred_name"])
    petition_id = create_hosted(staff, person, public_fields=["preferred_name", "city"])
    response = publish(staff, person, petition_id, follow_redirects=True)
    assert response.status_code == 200
    assert shows(
        response,
        "The person's consent does not cover: City and state of residence. Untick these facts, "
        "or record a consent that covers them.",
    )
    assert db.get(Petition, petition_id).status == "draft"


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "Type the title visitors will see, for example “Let Dara stay with his family”."),
        ({"story": ""}, "Type the story visitors will read"),
        ({"targets": " \n "}, "Type at least one decision maker, for example “Governor of Washington”."),
        ({"goal": ""}, "Type the number of signatures you aim for, for example 15000."),
        ({"goal": "lots"}, "Type the goal as a whole number of signatures, for example 15000."),
        ({"goal": "0"}, "Type a goal between 1 and 10,000,000."),
        ({"goal": "99999999"}, "Type a goal between 1 and 10,000,000."),
        ({"slug": "Bring Sokha Home"}, "Type 3 to 60 lower-case letters, digits and dashes"),
        ({"slug": "-x"}, "Type 3 to 60 lower-case letters, digits and dashes"),
        ({"public_fields": ["a_number"]}, "Tick only the facts listed here."),
        ({"story": "bad\x0btext"}, "Remove the invisible control characters"),
    ],
)
def test_hosted_validation(login_as, make_person, db, overrides, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/petitions/hosted/new", hosted_form(**overrides))
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Petition) == 0


def test_a_taken_address_is_refused(published, db):
    staff, person, _petition = published
    response = staff.post(f"/people/{person.id}/petitions/hosted/new", hosted_form(slug="let-sokha-stay"))
    assert response.status_code == 200
    assert shows(response, "That address is already used by another petition: choose another.")
    assert db.count(Petition) == 1


def test_hosting_needs_manage_tracking_needs_edit(login_as, make_user, make_person, share_case, make_org):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    assigned = login_as(volunteer)
    assert assigned.get(f"/people/{person.id}/petitions/hosted/new").status_code == 403
    assert assigned.get(f"/people/{person.id}/petitions/external/new").status_code == 200
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, level="view")
    assert login_as(partner).get(f"/people/{person.id}/petitions/external/new").status_code == 403


def test_edit_conflict_keeps_what_was_typed(published, db):
    staff, person, petition = published
    url = f"/people/{person.id}/petitions/{petition.id}/edit"
    form = hosted_form(title="Sokha belongs in Revere", slug="let-sokha-stay", version=str(petition.version))
    assert staff.post(url, form).status_code == 302
    stale = hosted_form(title="A title typed meanwhile", slug="let-sokha-stay", version=str(petition.version))
    response = staff.post(url, stale)
    assert response.status_code == 200
    assert shows(
        response, "Someone else saved this petition while you were editing. Your changes were NOT saved"
    )
    assert 'value="A title typed meanwhile"' in text_of(response)
    assert shows(response, "Saved by someone else meanwhile") and shows(response, "Sokha belongs in Revere")
    assert db.get(Petition, petition.id).title == "Sokha belongs in Revere"
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.updated"))
    assert event.field_list == ["title"]


def test_edit_of_a_published_petition_refreshes_the_snapshot_within_consent(published, db):
    staff, person, petition = published
    url = f"/people/{person.id}/petitions/{petition.id}/edit"
    form = hosted_form(
        public_fields=["preferred_name", "city", "age"], slug="let-sokha-stay", version=str(petition.version)
    )
    assert staff.post(url, form).status_code == 302
    assert db.get(Petition, petition.id).public_age is not None
    outside = hosted_form(
        public_fields=["preferred_name", "work"],
        slug="let-sokha-stay",
        version=str(db.get(Petition, petition.id).version),
    )
    response = staff.post(url, outside)
    assert response.status_code == 200 and shows(response, "The person's consent does not cover: Work.")
    changed_address = hosted_form(slug="another-address", version=str(db.get(Petition, petition.id).version))
    response = staff.post(url, changed_address)
    assert shows(response, "The address cannot change once the petition has been published")


def test_unpublish_close_archive_answer_410(published, browser, db):
    staff, person, petition = published
    base = f"/people/{person.id}/petitions/{petition.id}"
    assert shows(staff.get(base + "/unpublish"), "Take this petition off the public pages?")
    assert staff.post(base + "/unpublish", {}).status_code == 302
    assert browser.get("/p/let-sokha-stay").status_code == 410
    assert publish(staff, person, petition.id).status_code == 302  # consent still in force: back up
    assert browser.get("/p/let-sokha-stay").status_code == 200
    refused = staff.post(base + "/archive", {}, follow_redirects=True)
    assert shows(refused, "Close the petition before archiving it.")
    assert staff.post(base + "/close", {}).status_code == 302
    closed = browser.get("/p/let-sokha-stay")
    assert closed.status_code == 410 and shows(closed, "This petition is closed")
    assert staff.post(base + "/archive", {}).status_code == 302
    assert db.get(Petition, petition.id).status == "archived"
    assert browser.get("/p/let-sokha-stay/count.json").status_code == 410
    actions = [
        e for e in db.scalars(sa.select(AuditEvent.action).where(AuditEvent.action.like("petition.%")))
    ]
    assert {"petition.unpublished", "petition.published", "petition.closed", "petition.archived"} <= set(
        actions
    )


def test_delete_needs_a_confirmation_page(published, db):
    staff, person, petition = published
    db.add(
        Signature(
            petition_id=petition.id, state="validated", dedupe_hmac="d" * 64, confirmed_at=datetime.now(UTC)
        )
    )
    url = f"/people/{person.id}/petitions/{petition.id}/delete"
    page = staff.get(url)
    assert page.status_code == 200 and shows(page, "Delete this petition?") and shows(page, "1 signatures")
    assert db.count(Petition) == 1
    assert staff.post(url, {}).status_code == 302
    assert db.count(Petition) == 0 and db.count(Signature) == 0
    assert db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.deleted")) is not None


def test_case_page_section_shows_counts_never_signers(published, db):
    staff, person, _petition = published
    page = text_of(staff.get(f"/people/{person.id}"))
    assert 'id="petitions"' in page and "Let Sokha stay home" in page and "0 of 15,000" in page
    assert "Petition published: Let Sokha stay home" in page  # the timeline

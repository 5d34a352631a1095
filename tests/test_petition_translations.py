"""Staff write a hosted petition's title and story in other languages: validation, versions and conflicts, the
audit trail (field names only), removal, and who may do it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Petition, PetitionTranslation
from tests.conftest import shows, text_of
from tests.test_petitions_hosted import make_published

KM_TITLE = "សូមឲ្យសុខាស្នាក់នៅផ្ទះ"
KM_STORY = "សុខារស់នៅក្នុងទីក្រុងរីវៀរអស់សាមសិបឆ្នាំហើយ។"


@pytest.fixture
def published(login_as, make_person, db):
    return make_published(login_as, make_person, db)


def url(person, petition, tail=""):
    return f"/people/{person.id}/petitions/{petition.id}/translations{tail}"


def test_write_a_translation_then_change_it(published, browser, db):
    staff, person, petition = published
    listing = staff.get(url(person, petition))
    assert listing.status_code == 200 and shows(listing, "Write the Khmer version")
    assert shows(staff.get(f"/people/{person.id}/petitions/{petition.id}"), "Languages")
    form = staff.get(url(person, petition, "/km"))
    assert form.status_code == 200 and shows(form, "Sokha has lived in Revere")  # the text to translate from
    response = staff.post(
        url(person, petition, "/km"), {"title": KM_TITLE, "story": KM_STORY, "version": "0"}
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("/translations")
    saved = db.scalar(sa.select(PetitionTranslation))
    assert (saved.locale, saved.title, saved.story, saved.version) == ("km", KM_TITLE, KM_STORY, 1)
    assert saved.updated_by_id == staff.user.id
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.translation_created"))
    assert event.field_list == ["story", "title"] and event.person_id == person.id
    assert KM_TITLE not in (event.detail or "") and KM_TITLE not in (event.fields or "")
    assert shows(staff.get(url(person, petition)), KM_TITLE)
    changed = staff.post(
        url(person, petition, "/km"), {"title": KM_TITLE + "!", "story": KM_STORY, "version": "1"}
    )
    assert changed.status_code == 302
    assert db.scalar(sa.select(PetitionTranslation)).version == 2
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.translation_updated"))
    assert event.field_list == ["title"]
    assert KM_TITLE + "!" in text_of(browser.get("/p/let-sokha-stay?lang=km"))


@pytest.mark.parametrize(
    "data, message",
    [
        ({"title": "", "story": KM_STORY}, "Type the title in this language"),
        ({"title": KM_TITLE, "story": "   "}, "Type the story in this language"),
        ({"title": "x" * 201, "story": KM_STORY}, "Keep the title under 200 characters."),
        ({"title": KM_TITLE, "story": "x" * 20001}, "Keep the story under 20,000 characters."),
        ({"title": "A\x07title", "story": KM_STORY}, "Remove the invisible control characters"),
    ],
)
def test_validation_saves_nothing(published, db, data, message):
    staff, person, petition = published
    response = staff.post(url(person, petition, "/vi"), {**data, "version": "0"})
    assert response.status_code == 200 and shows(response, message)
    assert db.count(PetitionTranslation) == 0
    assert db.count(AuditEvent, AuditEvent.action.like("petition.translation%")) == 0


def test_two_first_saves_and_a_stale_edit_are_conflicts(published, login_as, make_user, db):
    staff, person, petition = published
    other = login_as(make_user("staff"))
    first = staff.post(url(person, petition, "/lo"), {"title": "ໃຫ້ໂສຄາຢູ່ບ້ານ", "story": "ເລື່ອງ", "version": "0"})
    assert first.status_code == 302
    # another steward's form, opened before the first save, says version 0 too
    late = other.post(
        url(person, petition, "/lo"), {"title": "Typed meanwhile", "story": "ເລື່ອງ", "version": "0"}
    )
    assert late.status_code == 200 and shows(late, "Someone else saved this translation")
    assert 'value="Typed meanwhile"' in text_of(late) and shows(late, "ໃຫ້ໂສຄາຢູ່ບ້ານ")
    assert db.scalar(sa.select(PetitionTranslation.title)) == "ໃຫ້ໂສຄາຢູ່ບ້ານ"
    stale = other.post(
        url(person, petition, "/lo"), {"title": "Typed again", "story": "ເລື່ອງ", "version": "0"}
    )
    assert stale.status_code == 200 and db.count(PetitionTranslation) == 1
    again = other.post(
        url(person, petition, "/lo"), {"title": "Typed again", "story": "ເລື່ອງ", "version": "1"}
    )
    assert again.status_code == 302 and db.scalar(sa.select(PetitionTranslation.title)) == "Typed again"


def test_remove_a_translation_and_the_page_falls_back(published, browser, db):
    staff, person, petition = published
    staff.post(url(person, petition, "/km"), {"title": KM_TITLE, "story": KM_STORY, "version": "0"})
    assert KM_TITLE in text_of(browser.get("/p/let-sokha-stay?lang=km"))
    staff.get(url(person, petition))
    removed = staff.post(url(person, petition, "/km/delete"), {})
    assert removed.status_code == 302 and db.count(PetitionTranslation) == 0
    assert db.count(AuditEvent, AuditEvent.action == "petition.translation_deleted") == 1
    page = text_of(browser.get("/p/let-sokha-stay?lang=km"))
    assert KM_TITLE not in page and "public-fallback" in page
    again = staff.post(url(person, petition, "/km/delete"), {}, follow_redirects=True)
    assert shows(again, "There is no translation in this language to remove.")
    assert staff.post(url(person, petition, "/km/delete"), {}, csrf=False).status_code == 400


def test_unknown_languages_and_tracked_petitions_have_no_translations(published, login_as, make_person, db):
    staff, person, petition = published
    for locale in ("en", "fr", "KM", "km-KH", "x" * 300):
        assert staff.get(url(person, petition, f"/{locale}")).status_code == 404
    assert staff.get(url(person, petition, "/km%00")).status_code == 400  # control characters: refused
    external_id = db.add(
        Petition(
            person_id=person.id,
            org_id=person.org_id,
            kind="external",
            status="active",
            title="Elsewhere",
            targets="DA",
            external_url="https://petitions.example.org/x",
        )
    ).id
    assert staff.get(f"/people/{person.id}/petitions/{external_id}/translations").status_code == 404
    assert staff.get(f"/people/{person.id}/petitions/{external_id}/translations/km").status_code == 404


def test_only_the_petitions_stewards_write_translations(published, login_as, make_user, share_case, db):
    _staff, person, petition = published
    volunteer = make_user("volunteer")
    assert login_as(volunteer).get(url(person, petition)).status_code == 404  # not their case
    assert (
        login_as(volunteer).post(url(person, petition, "/km"), {"title": "x", "story": "y"}).status_code
        == 404
    )
    assert db.count(PetitionTranslation) == 0

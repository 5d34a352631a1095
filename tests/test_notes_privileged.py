"""Privileged notes exist only for staff, admins and attorneys: not on the page, not by URL, not in counts."""

import pytest
import sqlalchemy as sa

from casework.models import Note
from tests.conftest import text_of

SECRET = "Work product: client may have a viable vacatur claim QX-7731"
ORDINARY = "Drove the family to the check-in; officer was courteous."


def note_saying(db, body: str) -> Note | None:
    """The note with this body (bodies are sealed: compared here, never in SQL)."""
    return next((n for n in db.scalars(sa.select(Note)) if n.body == body), None)


@pytest.fixture
def case(make_user, make_person, db):
    volunteer = make_user("volunteer")
    attorney = make_user("attorney")
    staff = make_user("staff")
    person = make_person(assigned=[volunteer, attorney])
    privileged = db.add(Note(person_id=person.id, author_id=attorney.id, body=SECRET, privileged=True))
    ordinary = db.add(Note(person_id=person.id, author_id=staff.id, body=ORDINARY))
    return {
        "person": person,
        "volunteer": volunteer,
        "attorney": attorney,
        "staff": staff,
        "privileged": privileged,
        "ordinary": ordinary,
    }


def test_volunteer_never_sees_a_privileged_note(login_as, case):
    page = text_of(login_as(case["volunteer"]).get(f"/people/{case['person'].id}"))
    assert ORDINARY in page
    assert SECRET not in page and "QX-7731" not in page
    assert "Privileged" not in page  # no badge, no timeline entry, no checkbox
    assert f"note-{case['privileged'].id}" not in page
    assert 'Notes <span class="muted small">(1)</span>' in page  # not in counts either


@pytest.mark.parametrize("role", ["attorney", "staff"])
def test_attorney_on_the_case_and_staff_see_it_with_a_badge(login_as, case, role):
    page = text_of(login_as(case[role]).get(f"/people/{case['person'].id}"))
    assert SECRET in page and ORDINARY in page
    assert "badge-privileged" in page and ">Privileged</span>" in page
    assert 'Notes <span class="muted small">(2)</span>' in page
    assert "Privileged note written by" in page  # the timeline, without the body


def test_admin_sees_it_too(login_as, case):
    assert SECRET in text_of(login_as("admin").get(f"/people/{case['person'].id}"))


def test_attorney_not_on_the_case_sees_nothing(login_as, case):
    outsider = login_as("attorney")
    assert outsider.get(f"/people/{case['person'].id}").status_code == 404
    assert outsider.get(f"/people/{case['person'].id}/notes/{case['privileged'].id}/edit").status_code == 404


def test_every_url_of_a_privileged_note_is_404_for_a_volunteer(login_as, case, db):
    volunteer = login_as(case["volunteer"])
    base = f"/people/{case['person'].id}/notes/{case['privileged'].id}"
    for url in (f"{base}/edit", f"{base}/delete"):
        response = volunteer.get(url)
        assert response.status_code == 404 and "QX-7731" not in text_of(response)
        assert volunteer.post(url, {"body": "overwritten", "version": "1"}).status_code == 404
    saved = db.get(Note, case["privileged"].id)
    assert saved.body == SECRET and saved.version == 1


def test_a_volunteer_who_wrote_a_note_before_cannot_reach_it_if_it_is_privileged(login_as, case, db):
    # e.g. an attorney who later became a volunteer: the rule is the reader's role, not authorship
    note = db.add(
        Note(person_id=case["person"].id, author_id=case["volunteer"].id, body="old memo", privileged=True)
    )
    volunteer = login_as(case["volunteer"])
    assert volunteer.get(f"/people/{case['person'].id}/notes/{note.id}/edit").status_code == 404
    assert "old memo" not in text_of(volunteer.get(f"/people/{case['person'].id}"))


def test_privileged_box_is_offered_only_to_those_who_may_read_privileged_material(login_as, case, db):
    person = case["person"]
    assert 'name="privileged"' in text_of(login_as(case["attorney"]).get(f"/people/{person.id}/notes/new"))
    assert 'name="privileged"' in text_of(login_as(case["attorney"]).get(f"/people/{person.id}"))
    volunteer = login_as(case["volunteer"])
    assert 'name="privileged"' not in text_of(volunteer.get(f"/people/{person.id}/notes/new"))
    assert 'name="privileged"' not in text_of(volunteer.get(f"/people/{person.id}"))
    # a forged box is ignored: a volunteer cannot write a note they could then not read
    response = volunteer.post(
        f"/people/{person.id}/notes/new", {"body": "Forged", "privileged": "y", "version": "0"}
    )
    assert response.status_code == 302
    assert note_saying(db, "Forged").privileged is False


def test_attorney_writes_a_privileged_note(login_as, case, db):
    attorney = login_as(case["attorney"])
    person = case["person"]
    response = attorney.post(
        f"/people/{person.id}/notes/new", {"body": "Memo to file", "privileged": "y", "version": "0"}
    )
    note = note_saying(db, "Memo to file")
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#note-{note.id}"
    )
    assert note.privileged is True
    assert "Memo to file" not in text_of(login_as(case["volunteer"]).get(f"/people/{person.id}"))


def test_partner_with_a_view_share_cannot_touch_notes(login_as, case, make_org, share_case, db):
    volunteer_partner = login_as("volunteer", org=make_org("Partner Firm LLP"))
    share_case(case["person"], user=volunteer_partner.user, level="view")
    person = case["person"]
    page = text_of(volunteer_partner.get(f"/people/{person.id}"))
    assert (
        ORDINARY in page
        and SECRET not in page
        and 'action="/people/' + str(person.id) + '/notes/new"' not in page
    )
    assert (
        volunteer_partner.post(f"/people/{person.id}/notes/new", {"body": "x", "version": "0"}).status_code
        == 403
    )
    # 403 (the case is visible, editing is not) whatever the note id: no oracle for privileged ids
    for note in ("privileged", "ordinary"):
        assert volunteer_partner.get(f"/people/{person.id}/notes/{case[note].id}/edit").status_code == 403
    assert db.count(Note) == 2

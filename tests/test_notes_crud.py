"""Writing, editing and deleting notes; validation; edit conflicts; the audit trail never holds note text."""

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Note
from tests.conftest import shows, text_of

BODY = "Met with Dara Keo's sister about support letters; SENTINEL-BODY-4410."


def _audit_values(db) -> list[str]:
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action.like("note.%")))
    return [
        v
        for e in events
        for v in (getattr(e, c.key) for c in sa.inspect(AuditEvent).columns)
        if isinstance(v, str)
    ]


def test_staff_writes_a_note_and_the_audit_has_no_text(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/notes/new", {"body": BODY, "version": "0"})
    assert response.status_code == 302
    note = db.scalar(sa.select(Note))
    assert (note.person_id, note.author_id, note.body, note.privileged) == (
        person.id,
        staff.user.id,
        BODY,
        False,
    )
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "note.created"))
    assert event.object_id == note.id and event.person_id == person.id
    assert event.field_list == ["body", "privileged"]
    assert not any("SENTINEL" in v or "sister" in v for v in _audit_values(db))
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "SENTINEL-BODY-4410" in page and "Test staff" in page  # body and author
    assert "Note written by Test staff" in page  # the timeline entry, without the body


def test_write_page_works_too(login_as, make_person):
    person = make_person()
    staff = login_as("staff")
    page = staff.get(f"/people/{person.id}/notes/new")
    assert page.status_code == 200 and shows(page, "Write a note")


@pytest.mark.parametrize(
    "body, message",
    [
        ("", "Type the note; an empty note cannot be saved."),
        ("   \n  ", "Type the note; an empty note cannot be saved."),
        ("x" * 20_001, "Keep the note under 20,000 characters; split a longer text into two notes."),
        ("pasted\x0btext", "Remove the invisible control characters from this text"),
    ],
)
def test_validation(login_as, make_person, db, body, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/notes/new", {"body": body, "version": "0"})
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Note) == 0


def test_tabs_and_line_breaks_are_kept(login_as, make_person, db):
    person = make_person()
    body = "Line one\r\n\tindented line two"
    assert (
        login_as("staff").post(f"/people/{person.id}/notes/new", {"body": body, "version": "0"}).status_code
        == 302
    )
    assert db.scalar(sa.select(Note.body)) == body


def test_a_note_of_20000_characters_is_fine(login_as, make_person, db):
    person = make_person()
    assert (
        login_as("staff")
        .post(f"/people/{person.id}/notes/new", {"body": "y" * 20_000, "version": "0"})
        .status_code
        == 302
    )
    assert len(db.scalar(sa.select(Note.body))) == 20_000


def test_author_edits_own_note_others_may_not(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    note = db.add(Note(person_id=person.id, author_id=volunteer.id, body="first draft"))
    url = f"/people/{person.id}/notes/{note.id}/edit"
    for other in (login_as("staff"), login_as("admin")):
        assert other.get(url).status_code == 403
        assert other.post(url, {"body": "hijacked", "version": "1"}).status_code == 403
    author = login_as(volunteer)
    assert shows(author.get(url), "first draft")
    response = author.post(url, {"body": "second draft " + BODY, "version": "1"})
    assert response.status_code == 302
    saved = db.get(Note, note.id)
    assert saved.body.startswith("second draft") and saved.version == 2
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "note.updated"))
    assert event.field_list == ["body"]
    assert not any("SENTINEL" in v or "draft" in v for v in _audit_values(db))


def test_edit_validation_keeps_the_note(login_as, make_user, make_person, db):
    staff = make_user("staff")
    person = make_person()
    note = db.add(Note(person_id=person.id, author_id=staff.id, body="keep me"))
    response = login_as(staff).post(f"/people/{person.id}/notes/{note.id}/edit", {"body": "", "version": "1"})
    assert response.status_code == 200 and shows(response, "Type the note; an empty note cannot be saved.")
    assert db.get(Note, note.id).body == "keep me"


def test_edit_conflict_refuses_the_older_save_and_keeps_the_typed_text(login_as, make_user, make_person, db):
    attorney = make_user("attorney")
    person = make_person(assigned=[attorney])
    note = db.add(Note(person_id=person.id, author_id=attorney.id, body="original"))
    url = f"/people/{person.id}/notes/{note.id}/edit"
    window_a, window_b = login_as(attorney), login_as(attorney)
    assert window_a.post(url, {"body": "saved from window A", "version": "1"}).status_code == 302
    response = window_b.post(url, {"body": "typed in window B", "version": "1"})
    html = text_of(response)
    assert response.status_code == 200
    assert "This note was saved from another window while you were editing" in html
    assert "typed in window B" in html  # kept in the form
    assert "Saved by someone else meanwhile: <strong>saved from window A</strong>" in html
    assert db.get(Note, note.id).body == "saved from window A"
    assert db.count(AuditEvent, AuditEvent.action == "note.updated") == 1
    # saving again, after review, goes through
    assert window_b.post(url, {"body": "typed in window B", "version": "2"}).status_code == 302
    assert db.get(Note, note.id).body == "typed in window B"


def test_missing_version_is_refused(login_as, make_user, make_person, db):
    staff = make_user("staff")
    person = make_person()
    note = db.add(Note(person_id=person.id, author_id=staff.id, body="original"))
    response = login_as(staff).post(f"/people/{person.id}/notes/{note.id}/edit", {"body": "new"})
    assert response.status_code == 200
    assert shows(response, "The form is missing its version; reload the page and try again.")
    assert db.get(Note, note.id).body == "original"


def test_delete_own_note_with_confirmation(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    note = db.add(Note(person_id=person.id, author_id=volunteer.id, body=BODY))
    author = login_as(volunteer)
    url = f"/people/{person.id}/notes/{note.id}/delete"
    assert shows(author.get(url), "Delete this note from the case of")
    assert db.count(Note) == 1  # GET changes nothing
    response = author.post(url)
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#notes"
    assert db.count(Note) == 0
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "note.deleted"))
    assert event.object_id == note.id and event.person_id == person.id
    assert not any("SENTINEL" in v for v in _audit_values(db))


def test_staff_and_admins_delete_any_note_others_only_their_own(login_as, make_user, make_person, db):
    volunteer, attorney = make_user("volunteer"), make_user("attorney")
    person = make_person(assigned=[volunteer, attorney])
    notes = [db.add(Note(person_id=person.id, author_id=attorney.id, body=f"note {i}")) for i in range(2)]
    url = f"/people/{person.id}/notes/{{}}/delete"
    vb = login_as(volunteer)
    assert vb.get(url.format(notes[0].id)).status_code == 403
    assert vb.post(url.format(notes[0].id)).status_code == 403
    assert "Delete…" not in text_of(vb.get(f"/people/{person.id}"))
    assert login_as("staff").post(url.format(notes[0].id)).status_code == 302
    assert login_as("admin").post(url.format(notes[1].id)).status_code == 302
    assert db.count(Note) == 0


def test_a_note_of_another_case_is_404(login_as, make_user, make_person, db):
    staff = make_user("staff")
    person, other = make_person(), make_person()
    note = db.add(Note(person_id=other.id, author_id=staff.id, body="elsewhere"))
    b = login_as(staff)
    assert b.get(f"/people/{person.id}/notes/{note.id}/edit").status_code == 404
    assert b.post(f"/people/{person.id}/notes/{note.id}/delete").status_code == 404
    assert db.count(Note) == 1


def test_unassigned_volunteer_gets_404(login_as, make_user, make_person, db):
    person = make_person()
    note = db.add(Note(person_id=person.id, author_id=make_user("staff").id, body="hello"))
    b = login_as("volunteer")
    assert b.get(f"/people/{person.id}/notes/new").status_code == 404
    assert b.post(f"/people/{person.id}/notes/new", {"body": "x", "version": "0"}).status_code == 404
    assert b.get(f"/people/{person.id}/notes/{note.id}/delete").status_code == 404
    assert db.count(Note) == 1


def test_notes_show_author_and_date_newest_first(login_as, make_user, make_person, db):
    from datetime import UTC, datetime

    author = make_user("staff", name="Chanthy Ouk")
    person = make_person()
    db.add(
        Note(
            person_id=person.id,
            author_id=author.id,
            body="older note",
            created_at=datetime(2024, 3, 1, 15, 30, tzinfo=UTC),
        )
    )
    db.add(
        Note(
            person_id=person.id,
            author_id=author.id,
            body="newer note",
            created_at=datetime(2025, 1, 9, 9, 0, tzinfo=UTC),
        )
    )
    page = text_of(login_as("staff").get(f"/people/{person.id}"))
    assert page.index("newer note") < page.index("older note")
    assert "Chanthy Ouk" in page and "2024-03-01 15:30 UTC" in page

"""The person record: create, edit, validation, edit conflicts, delete and restore."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Person
from tests.conftest import TODAY, shows, text_of

VALID = {
    "legal_name": "Sophal Meas",
    "preferred_name": "Phal",
    "aliases": "Sophal Mea\n  \nPhal Meas ",
    "native_name": "មាស សុផល",
    "birth_date": "1983-02-01",
    "country_of_birth": "Thailand",
    "place_of_birth": "Khao-I-Dang",
    "citizenship": "Cambodia",
    "community": "Cambodian",
    "arrival_date": "1985-05-05",
    "arrival_class": "refugee",
    "immigration_status": "final_order",
    "final_order_date": "2005-03-14",
    "a_number": "A 012-345-678",
    "languages": "Khmer, English",
    "interpreter_needed": "y",
    "city": "Lowell",
    "state": "MA",
    "case_status": "active",
    "private_story": "A story.",
}


def _form(**changes):
    data = dict(VALID, version="0")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_staff_creates_a_person_with_every_field(login_as, db):
    staff = login_as("staff")
    response = staff.post("/people/new", _form())
    assert response.status_code == 302
    person = db.scalar(sa.select(Person))
    assert response.headers["Location"] == f"/people/{person.id}"
    assert person.org_id == staff.user.org_id
    assert person.a_number == "012345678"
    assert person.aliases == "Sophal Mea\nPhal Meas"
    assert person.birth_date == date(1983, 2, 1) and person.interpreter_needed is True
    assert person.arrival_class == "refugee" and person.state == "MA"
    created = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.created"))
    assert created.person_id == person.id and "a_number" in created.field_list
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "A012-345-678" in page and "មាស សុផល" in page and "Age at arrival" in page


def test_blank_text_is_stored_as_null(login_as, db):
    staff = login_as("staff")
    staff.post("/people/new", _form(preferred_name="   ", a_number="", birth_date="", arrival_date=""))
    person = db.scalar(sa.select(Person))
    assert person.preferred_name is None and person.a_number is None and person.birth_date is None


TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("legal_name", "", "Type the person's legal name."),
        ("a_number", "12345", "Type the A-number as 8 or 9 digits, with or without the leading A and dashes"),
        ("a_number", "A12-345-678-90", "Type the A-number as 8 or 9 digits"),
        ("a_number", "B12345678", "Type the A-number as 8 or 9 digits"),
        (
            "birth_date",
            TOMORROW,
            "The date of birth cannot be in the future; type a date on or before today.",
        ),
        ("birth_date", "31/12/1980", "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ("arrival_date", TOMORROW, "The arrival date cannot be in the future"),
        (
            "arrival_date",
            "1980-01-01",
            "The arrival date cannot be before the date of birth; check both dates.",
        ),
        ("case_status", "bogus", "Choose one of the options in the list."),
        ("arrival_class", "tourist", "Choose one of the options in the list."),
        ("legal_name", "x" * 201, "Keep this under 200 characters."),
    ],
)
def test_validation_messages_say_what_to_type(login_as, db, field, value, message):
    staff = login_as("staff")
    response = staff.post("/people/new", _form(**{field: value}))
    assert response.status_code == 200
    assert shows(response, message)
    assert db.count(Person) == 0


@pytest.mark.parametrize("raw", ["A012345678", "012-345-678", "a 012 345 678", "12345678", "A12-345-678"])
def test_a_number_forms_are_normalized(login_as, db, raw):
    staff = login_as("staff")
    assert staff.post("/people/new", _form(a_number=raw)).status_code == 302
    assert db.scalar(sa.select(Person.a_number)) == "012345678"


def test_edit_saves_and_audits_field_names_only(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person(legal_name="Old Name", private_story="old")
    response = staff.post(
        f"/people/{person.id}/edit",
        _form(legal_name="New Name", private_story="SENTINEL-QZX", version=str(person.version)),
    )
    assert response.status_code == 302
    saved = db.get(Person, person.id)
    assert saved.legal_name == "New Name" and saved.version == person.version + 1
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.updated"))
    assert "legal_name" in event.field_list and "private_story" in event.field_list
    columns = [getattr(event, c.key) for c in sa.inspect(AuditEvent).columns]
    assert not any(isinstance(v, str) and ("New Name" in v or "SENTINEL" in v) for v in columns)


def test_edit_conflict_keeps_both_changes_apart(login_as, make_person, db):
    person = make_person(legal_name="Shared Name", city="Lowell")
    alice, bob = login_as("staff"), login_as("staff")
    # both open the form at the same version
    assert alice.get(f"/people/{person.id}/edit").status_code == 200
    assert bob.get(f"/people/{person.id}/edit").status_code == 200
    assert (
        alice.post(
            f"/people/{person.id}/edit",
            _form(legal_name="Shared Name", city="Boston", version=str(person.version)),
        ).status_code
        == 302
    )
    response = bob.post(
        f"/people/{person.id}/edit",
        _form(legal_name="Shared Name", city="Revere", work="Bob typed this", version=str(person.version)),
    )
    html = text_of(response)
    assert response.status_code == 200
    assert "Someone else saved this record while you were editing" in html
    assert 'value="Revere"' in html and "Bob typed this" in html  # the form keeps what Bob typed
    assert "Saved by someone else meanwhile: <strong>Boston</strong>" in html
    saved = db.get(Person, person.id)
    assert saved.city == "Boston" and saved.work is None  # Alice's change kept, Bob's not written
    assert db.count(AuditEvent, AuditEvent.action == "person.updated") == 1


def test_volunteer_edits_assigned_case_without_seeing_a_number(login_as, make_user, make_person, db, org):
    volunteer = make_user("volunteer")
    person = make_person(a_number="012345678", assigned=[volunteer])
    b = login_as(volunteer)
    page = text_of(b.get(f"/people/{person.id}"))
    assert "012-345-678" not in page and "hidden for your role" in page
    form = text_of(b.get(f"/people/{person.id}/edit"))
    assert 'name="a_number"' not in form
    data = _form(version=str(person.version))
    data.pop("a_number")
    assert b.post(f"/people/{person.id}/edit", data).status_code == 302
    assert db.get(Person, person.id).a_number == "012345678"  # untouched


def test_org_setting_lets_volunteers_see_a_numbers(login_as, make_user, make_person, db, org):
    from casework.models import Organization

    db.execute(sa.update(Organization).where(Organization.id == org.id).values(volunteers_see_a_number=True))
    volunteer = make_user("volunteer")
    person = make_person(a_number="012345678", assigned=[volunteer])
    assert "A012-345-678" in text_of(login_as(volunteer).get(f"/people/{person.id}"))


def test_case_view_is_audited(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    staff.get(f"/people/{person.id}")
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.viewed"))
    assert (event.actor_id, event.person_id, event.org_id) == (staff.user.id, person.id, person.org_id)


def test_delete_needs_confirmation_and_admin_restores(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert staff.get(f"/people/{person.id}/delete").status_code == 403
    admin = login_as("admin")
    page = text_of(admin.get(f"/people/{person.id}/delete"))
    assert "Delete the case of" in page
    assert db.get(Person, person.id).deleted_at is None  # GET changes nothing
    assert admin.post(f"/people/{person.id}/delete").status_code == 302
    assert admin.get(f"/people/{person.id}").status_code == 404
    assert staff.get(f"/people/{person.id}").status_code == 404
    assert person.legal_name in text_of(admin.get("/admin/deleted"))
    assert admin.post(f"/admin/deleted/{person.id}/restore").status_code == 302
    assert staff.get(f"/people/{person.id}").status_code == 200
    actions = db.scalars(sa.select(AuditEvent.action).where(AuditEvent.person_id == person.id))
    assert "person.deleted" in actions and "person.restored" in actions


def test_team_assignment(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer")
    person = make_person()
    vb = login_as(volunteer)
    assert vb.get(f"/people/{person.id}").status_code == 404
    staff = login_as("staff")
    assert staff.post(f"/people/{person.id}/team", {"user_id": volunteer.id}).status_code == 302
    assert vb.get(f"/people/{person.id}").status_code == 200
    from casework.models import CaseAssignment

    assignment = db.scalar(sa.select(CaseAssignment))
    assert staff.post(f"/people/{person.id}/team/{assignment.id}/remove").status_code == 302
    assert vb.get(f"/people/{person.id}").status_code == 404
    assert (
        volunteer.id in [e.object_id or 0 for e in []]
        or db.count(AuditEvent, AuditEvent.action.in_(["person.assigned", "person.unassigned"])) == 2
    )

"""Bad input never ends in a 500: each case once found by hand, on SQLite and PostgreSQL.

Unicode digits that str.isdigit() accepts, ids beyond a database integer, dates at the end of the
calendar, a NUL in an address, whitespace-only required dates and filters kept in the session."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.forms import MAX_ID, day_after, parse_day, parse_id, parse_int
from casework.models import CheckIn, Person, PetitionDelivery, ReliefApplication, ReliefStep
from tests.conftest import TODAY, shows
from tests.test_petitions_hosted import make_published

NEXT_WEEK = (TODAY + timedelta(days=7)).isoformat()


# ---------------------------------------------------------------- the one parser


@pytest.mark.parametrize(
    "text, number",
    [
        ("1", 1),
        (" 42 ", 42),
        (str(MAX_ID), MAX_ID),
        (str(MAX_ID + 1), None),
        (str(2**63), None),
        ("99999999999999999999", None),
        ("0", None),
        ("-1", None),
        ("²", None),
        ("٣", None),
        ("1²", None),
        ("+1", None),
        ("1e3", None),
        ("", None),
        (None, None),
        (["1"], None),
    ],
)
def test_parse_id_takes_ascii_digits_within_the_database_range(text, number):
    assert parse_id(text) == number


def test_parse_int_and_dates_stay_in_range():
    assert parse_int("-30", -100, 100) == -30
    assert parse_int("101", -100, 100) is None
    assert parse_day("9999-12-31") is None and parse_day("0001-01-01") is None
    assert parse_day("2026-02-30") is None and parse_day("2026-02-28") == date(2026, 2, 28)
    assert parse_day("２０２６-01-01") is None
    assert day_after(date.max) == date.max


# ---------------------------------------------------------------- paging anchors


@pytest.mark.parametrize("url", ["/people", "/contacts"])
@pytest.mark.parametrize("anchor", ["after", "before"])
@pytest.mark.parametrize("value", ["²", "٣", "2147483648", str(2**63 + 1)])
def test_paging_anchor_of_unicode_digits_or_huge_ids_starts_from_the_top(
    login_as, make_person, url, anchor, value
):
    make_person(legal_name="Dara Keo")
    staff = login_as("staff")
    response = staff.get(f"{url}?{anchor}={value}")
    assert response.status_code == 200


# ---------------------------------------------------------------- audit trail filters


def test_audit_user_of_unicode_digits_is_ignored(login_as):
    response = login_as("admin").get("/admin/audit?user=²")
    assert response.status_code == 200


@pytest.mark.parametrize("value", ["2147483648", str(2**63 + 1), "99999999999999999999"])
def test_audit_case_number_beyond_the_database_range_is_refused(login_as, value):
    response = login_as("admin").get(f"/admin/audit?person={value}")
    assert response.status_code == 200
    assert shows(response, "Type a whole number from 1 to 2147483647.")


def test_audit_end_at_the_end_of_the_calendar_is_refused(login_as):
    response = login_as("admin").get("/admin/audit?start=2020-01-01&end=9999-12-31")
    assert response.status_code == 200
    assert shows(response, "Type a date between 1800-01-01 and 2199-12-31.")


# ---------------------------------------------------------------- What's due


@pytest.mark.parametrize("window", ["²", "2147483648", "-1", "7 "])
def test_due_window_not_offered_shows_the_default_window(login_as, window):
    response = login_as("staff").get(f"/due?window={window}")
    assert response.status_code == 200


# ---------------------------------------------------------------- control characters at the edge


@pytest.mark.parametrize("url", ["/p/%00", "/p/a%00b/thanks", "/people?q=%00", "/people?%00=1"])
def test_nul_in_an_address_is_refused_at_the_edge(browser, login_as, url):
    assert browser.get(url).status_code == 400
    assert login_as("staff").get(url).status_code == 400


def test_control_character_in_a_form_field_name_is_refused(login_as):
    staff = login_as("staff")
    staff.get("/people")
    assert staff.post("/people", {"q\x01": "x"}).status_code == 400


def test_nul_in_a_form_value_is_refused_at_the_edge(login_as, make_person, db):
    """Even where a view reads a field before validating the form (the advocacy log's case search)."""
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/notes/new", {"body": "pasted\x00text"})
    assert response.status_code == 400 and shows(response, "invisible control characters")
    assert staff.post("/advocacy/new", {"title": "Vigil", "find": "a\x00b"}).status_code == 400
    assert staff.post("/people", {"q": "\x00"}).status_code == 400


def test_other_control_characters_in_a_form_value_get_the_field_message(login_as, make_person):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/notes/new", {"body": "pasted\x0btext"})
    assert response.status_code == 200 and shows(response, "Remove the invisible control characters")


# ---------------------------------------------------------------- whitespace-only required dates


def test_check_in_date_of_spaces_is_asked_for_again(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    form = {"scheduled_on": "   ", "office": "Burlington ERO", "outcome": "scheduled", "version": "0"}
    response = staff.post(f"/people/{person.id}/checkins/new", form)
    assert response.status_code == 200
    assert shows(response, "Type the date of the check-in as YYYY-MM-DD")
    assert db.count(CheckIn) == 0


def test_delivery_day_of_spaces_is_asked_for_again(login_as, make_person, db):
    staff, person, petition = make_published(login_as, make_person, db)
    url = f"/people/{person.id}/petitions/{petition.id}/deliveries/new"
    form = {"delivered_on": "   ", "delivered_to": "Field Office", "outcome": "awaiting", "version": "0"}
    response = staff.post(url, form)
    assert response.status_code == 200
    assert shows(response, "Type the day of the delivery, as YYYY-MM-DD.")
    assert db.count(PetitionDelivery) == 0


# ---------------------------------------------------------------- filters kept in the session


def test_custody_filter_of_spaces_is_not_kept(login_as, make_person):
    make_person(legal_name="Dara Keo")
    staff = login_as("staff")
    staff.get("/people")
    staff.post("/people", {"custody": "   ", "sort": "name"})
    response = staff.get("/people")
    assert response.status_code == 200 and shows(response, "Dara Keo")


@pytest.mark.parametrize(
    "stored",
    [
        {"custody": "   "},
        {"custody": "nonsense", "case_status": "x", "outcome": "y"},
        {"assigned": "99999999999999999999"},
        {"assigned": "²"},
        {"detained_from": "9999-12-31", "detained_to": "0000-00-00"},
        {"sort": "nonsense", "q": 7},
        "not a dict",
    ],
)
def test_a_bad_filter_already_in_the_session_is_dropped_on_read(login_as, make_person, app, stored):
    make_person(legal_name="Dara Keo")
    staff = login_as("staff")
    with staff.session_transaction() as session:
        session["people_filters"] = stored
    response = staff.get("/people")
    assert response.status_code == 200 and shows(response, "Dara Keo")


def test_kept_filters_are_checked_once_per_value_and_language(app, monkeypatch):
    from casework.people.forms import PeopleFilterForm

    built = []
    real_init = PeopleFilterForm.__init__
    monkeypatch.setattr(
        PeopleFilterForm, "__init__", lambda self, *a, **k: built.append(1) or real_init(self, *a, **k)
    )
    stored = {"q": f"Keo {id(built)}", "detained_from": "0000-00-00", "custody": "detained", "sort": "x"}
    with app.test_request_context():
        first = PeopleFilterForm.checked_filters(stored, PeopleFilterForm.KEYS)
        again = PeopleFilterForm.checked_filters(dict(stored), PeopleFilterForm.KEYS)
    assert first == again == {"q": stored["q"], "custody": "detained"}
    assert len(built) == 1  # the second read of the same filters is looked up, not checked again
    with app.test_request_context():
        changed = PeopleFilterForm.checked_filters({**stored, "custody": "nonsense"}, PeopleFilterForm.KEYS)
    assert changed == {"q": stored["q"]} and len(built) == 2


def test_a_bad_contact_filter_in_the_session_is_dropped_on_read(login_as):
    staff = login_as("staff")
    with staff.session_transaction() as session:
        session["contact_filters"] = {"q": "x\x00y", "kind": "   "}
    assert staff.get("/contacts").status_code == 200


def test_people_assigned_to_a_huge_number_is_refused(login_as, make_person, db):
    make_person(legal_name="Dara Keo")
    staff = login_as("staff")
    staff.get("/people")
    response = staff.post("/people", {"assigned": "99999999999999999999", "sort": "name"})
    assert response.status_code == 200
    assert shows(response, "Choose one of the options in the list.")
    listed = staff.get("/people")
    assert listed.status_code == 200 and shows(listed, "Dara Keo")
    assert db.count(Person, sa.true()) == 1


# ---------------------------------------------------------------- found by tests/test_fuzz.py


def test_step_saved_from_another_version_with_the_same_values_is_a_conflict(login_as, make_person, db):
    person = make_person()
    application = db.add(
        ReliefApplication(person_id=person.id, kind="parole_board_pardon", jurisdiction="MA", opened_on=TODAY)
    )
    step = db.add(ReliefStep(application_id=application.id, position=1, title="Gather records"))
    url = f"/people/{person.id}/relief/{application.id}/steps/{step.id}/edit"
    form = {"title": "Gather records", "due_on": "", "version": str(step.version + 1)}
    response = login_as("staff").post(url, form)
    assert response.status_code == 200
    assert db.get(ReliefStep, step.id).version == step.version


@pytest.mark.parametrize("user_id", ["²", "٣", "2147483648", "99999999999999999999", "-1", "   "])
def test_team_member_of_a_bad_id_is_refused(login_as, make_person, db, user_id):
    person = make_person()
    admin = login_as("admin")
    admin.get(f"/people/{person.id}")
    response = admin.post(f"/people/{person.id}/team", {"user_id": user_id})
    assert response.status_code == 302
    assert shows(admin.get(f"/people/{person.id}"), "Choose a user from the list to add to the team.")


def test_whitespace_only_answers_are_empty_but_passwords_are_kept_as_typed(app):
    from casework.accounts.forms import ChangePasswordForm
    from casework.record.forms.checkins import CheckInForm

    answers = {"scheduled_on": "   ", "office": " \t ", "current_password": "   "}
    with app.test_request_context(method="POST", data=answers):
        check_in = CheckInForm(meta={"csrf": False})
        assert check_in.scheduled_on.raw_data == [""] and check_in.office.data is None
        assert not check_in.validate() and check_in.scheduled_on.errors
        password = ChangePasswordForm(meta={"csrf": False})
        assert password.current_password.data == "   "

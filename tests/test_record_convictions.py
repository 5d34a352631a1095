"""Convictions: add, edit (with conflicts), delete with confirmation, validation, age at offense, access, audit."""

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, CaseAssignment, Conviction, TriState
from tests.conftest import TODAY, shows, text_of

TOMORROW = (TODAY + timedelta(days=1)).isoformat()

VALID = {
    "state": "MA",
    "county": "Middlesex",
    "court": "Lowell District Court",
    "docket_number": "0311CR004512",
    "statute": "M.G.L. c. 269 § 10(a)",
    "offense": "Unlawful possession of a firearm",
    "level": "felony",
    "offense_date": "2004-06-12",
    "conviction_date": "2005-01-20",
    "plea": "plea_bargain",
    "sentence": "3 years",
    "time_served": "3 years",
    "removal_grounds": ["firearm", "aggravated_felony"],
    "consequences_advised": "no",
    "interpreter_at_plea": "unknown",
    "notes": "No one was injured.",
}


def _form(version="0", **changes):
    data = dict(VALID, version=version)
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def case(make_person):
    return make_person(legal_name="Sokha Chhim", birth_date=date(1983, 2, 1))


def test_staff_adds_a_conviction_with_every_field(login_as, case, db):
    staff = login_as("staff")
    response = staff.post(f"/people/{case.id}/convictions/new", _form())
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{case.id}#convictions"
    conviction = db.scalar(sa.select(Conviction))
    assert conviction.person_id == case.id and conviction.state == "MA"
    assert conviction.removal_grounds == "aggravated_felony,firearm"  # stored in the list's order
    assert (
        conviction.consequences_advised == TriState.NO and conviction.interpreter_at_plea == TriState.UNKNOWN
    )
    assert conviction.offense_date == date(2004, 6, 12)
    page = staff.get(f"/people/{case.id}")
    assert shows(page, "Unlawful possession of a firearm")
    assert shows(page, "2004-06-12 (age 21)")  # age at offense, from the birth date
    assert shows(page, "Firearm offense") and shows(page, "Aggravated felony")
    assert shows(page, "Lowell District Court, Middlesex County, Massachusetts")
    assert shows(page, "Offense: Unlawful possession of a firearm (age 21)")  # in the merged timeline
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "conviction.created"))
    assert event.person_id == case.id and event.object_id == conviction.id
    assert {"offense", "removal_grounds", "notes"} <= set(event.field_list)


def test_only_the_offense_is_required(login_as, case, db):
    staff = login_as("staff")
    response = staff.post(
        f"/people/{case.id}/convictions/new",
        {
            "offense": "Robbery (accomplice)",
            "consequences_advised": "unknown",
            "interpreter_at_plea": "unknown",
            "version": "0",
        },
    )
    assert response.status_code == 302
    conviction = db.scalar(sa.select(Conviction))
    assert conviction.removal_grounds is None and conviction.state is None and conviction.county is None


@pytest.mark.parametrize(
    "field, value, message",
    [
        (
            "offense",
            "",
            "Type the offense as the judgment names it, for example “Unlawful possession of a firearm”.",
        ),
        ("offense", "x" * 301, "Keep this under 300 characters."),
        (
            "offense_date",
            TOMORROW,
            "The offense date cannot be in the future; type a date on or before today.",
        ),
        ("offense_date", "12/06/2004", "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            "offense_date",
            "1980-05-01",
            "The offense date cannot be before the date of birth (1983-02-01); check both dates.",
        ),
        (
            "conviction_date",
            TOMORROW,
            "The conviction date cannot be in the future; type a date on or before today.",
        ),
        (
            "conviction_date",
            "2004-01-01",
            "The conviction date cannot be before the offense date; check both dates.",
        ),
        ("state", "ZZ", "Choose one of the options in the list."),
        ("level", "capital", "Choose one of the options in the list."),
        ("plea", "alford", "Choose one of the options in the list."),
        ("consequences_advised", "maybe", "Choose one of the options in the list."),
        ("consequences_advised", "", "Choose yes, no or unknown."),
        ("interpreter_at_plea", "", "Choose yes, no or unknown."),
        ("removal_grounds", ["firearm", "jaywalking"], "Tick only grounds from the list."),
        ("county", "x" * 101, "Keep this under 100 characters."),
    ],
)
def test_validation_messages_say_what_to_type(login_as, case, db, field, value, message):
    staff = login_as("staff")
    response = staff.post(f"/people/{case.id}/convictions/new", _form(**{field: value}))
    assert response.status_code == 200
    assert shows(response, message), message
    assert shows(response, "Nothing was saved: correct the fields marked below.")
    assert db.count(Conviction) == 0


def test_conviction_before_birth_is_refused_without_an_offense_date(login_as, case, db):
    staff = login_as("staff")
    response = staff.post(
        f"/people/{case.id}/convictions/new", _form(offense_date="", conviction_date="1982-01-01")
    )
    assert shows(
        response, "The conviction date cannot be before the date of birth (1983-02-01); check both dates."
    )
    assert db.count(Conviction) == 0


def test_edit_saves_and_audits_field_names_only(login_as, case, db):
    conviction = db.add(Conviction(person_id=case.id, offense="Robbery", removal_grounds="cimt"))
    staff = login_as("staff")
    assert staff.get(f"/people/{case.id}/convictions/{conviction.id}/edit").status_code == 200
    response = staff.post(
        f"/people/{case.id}/convictions/{conviction.id}/edit",
        _form(version=str(conviction.version), notes="SENTINEL-PLEA-NOTE"),
    )
    assert response.status_code == 302
    saved = db.get(Conviction, conviction.id)
    assert saved.offense == VALID["offense"] and saved.version == conviction.version + 1
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "conviction.updated"))
    assert {"offense", "notes", "removal_grounds"} <= set(event.field_list)
    columns = [getattr(event, c.key) for c in sa.inspect(AuditEvent).columns]
    assert not any(isinstance(v, str) and "SENTINEL" in v for v in columns)


def test_edit_form_shows_the_stored_grounds_ticked(login_as, case, db):
    conviction = db.add(Conviction(person_id=case.id, offense="Robbery", removal_grounds="cimt,firearm"))
    html = text_of(login_as("staff").get(f"/people/{case.id}/convictions/{conviction.id}/edit"))
    checked = re.findall(
        r'<input checked id="removal_grounds-\d" name="removal_grounds" type="checkbox" value="(\w+)"', html
    )
    assert sorted(checked) == ["cimt", "firearm"]


def test_edit_conflict_keeps_what_the_second_user_typed(login_as, case, db):
    conviction = db.add(Conviction(person_id=case.id, offense="Robbery", court="Old court"))
    alice, bob = login_as("staff"), login_as("volunteer")
    db.add(CaseAssignment(person_id=case.id, user_id=bob.user.id))
    url = f"/people/{case.id}/convictions/{conviction.id}/edit"
    assert alice.get(url).status_code == 200 and bob.get(url).status_code == 200
    assert alice.post(url, _form(version=str(conviction.version), court="Alice court")).status_code == 302
    response = bob.post(
        url, _form(version=str(conviction.version), court="Bob court", sentence="Bob typed this")
    )
    html = text_of(response)
    assert response.status_code == 200
    assert "Someone else saved this while you were editing" in html
    assert 'value="Bob court"' in html and "Bob typed this" in html
    assert "Saved by someone else meanwhile: <strong>Alice court</strong>" in html
    saved = db.get(Conviction, conviction.id)
    assert saved.court == "Alice court" and saved.sentence == VALID["sentence"]
    assert db.count(AuditEvent, AuditEvent.action == "conviction.updated") == 1
    # saving again from the conflict page is an informed choice and goes through
    new_version = str(saved.version)
    assert f'value="{new_version}"' in html
    again = bob.post(url, _form(version=new_version, court="Bob court", sentence="Bob typed this"))
    assert again.status_code == 302 and db.get(Conviction, conviction.id).court == "Bob court"


def test_delete_needs_confirmation(login_as, case, db):
    conviction = db.add(Conviction(person_id=case.id, offense="Robbery"))
    staff = login_as("staff")
    url = f"/people/{case.id}/convictions/{conviction.id}/delete"
    page = staff.get(url)
    assert page.status_code == 200 and shows(page, "Delete this conviction?") and shows(page, "Robbery")
    assert db.count(Conviction) == 1  # GET changes nothing
    assert staff.post(url, csrf=False).status_code == 400
    assert db.count(Conviction) == 1
    response = staff.post(url)
    assert response.status_code == 302 and db.count(Conviction) == 0
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "conviction.deleted"))
    assert event.object_id == conviction.id and event.person_id == case.id


def test_access(login_as, make_user, make_person, make_org, share_case, db):
    volunteer, assigned = make_user("volunteer"), make_user("volunteer")
    person = make_person(assigned=[assigned])
    other_case = make_person()
    conviction = db.add(Conviction(person_id=person.id, offense="Robbery"))
    foreign = db.add(Conviction(person_id=other_case.id, offense="Burglary"))
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    editor = make_user("staff", org=make_org("Editing Partner LLP"))
    share_case(person, user=editor, level="edit")
    new = f"/people/{person.id}/convictions/new"
    edit = f"/people/{person.id}/convictions/{conviction.id}/edit"
    delete = f"/people/{person.id}/convictions/{conviction.id}/delete"

    outsider = login_as(volunteer)
    for url in (new, edit, delete):
        assert outsider.get(url).status_code == 404
        assert outsider.post(url, _form()).status_code == 404
    viewer = login_as(partner)
    assert viewer.get(f"/people/{person.id}").status_code == 200
    assert "Add a conviction" not in text_of(viewer.get(f"/people/{person.id}"))
    for url in (new, edit, delete):
        assert viewer.get(url).status_code == 403
        assert viewer.post(url, _form(version=str(conviction.version))).status_code == 403
    staff = login_as("staff")
    # a conviction of another case, addressed through this one, does not exist here
    assert staff.get(f"/people/{person.id}/convictions/{foreign.id}/edit").status_code == 404
    assert staff.post(f"/people/{person.id}/convictions/{foreign.id}/delete").status_code == 404
    assert db.count(Conviction) == 2 and db.get(Conviction, conviction.id).offense == "Robbery"
    # volunteers assigned to the case and partners with an edit share may edit
    assert login_as(assigned).post(edit, _form(version=str(conviction.version))).status_code == 302
    assert login_as(editor).post(new, _form()).status_code == 302
    assert db.count(Conviction) == 3


def test_deleting_a_conviction_targeted_by_relief_unlinks_it(login_as, case, db):
    from casework.models import ReliefApplication, ReliefKind, relief_conviction

    conviction = db.add(Conviction(person_id=case.id, offense="Robbery"))
    application = db.add(
        ReliefApplication(person_id=case.id, kind=ReliefKind.GOVERNOR_PARDON, jurisdiction="MA")
    )
    db.execute(
        sa.insert(relief_conviction).values(application_id=application.id, conviction_id=conviction.id)
    )
    staff = login_as("staff")
    url = f"/people/{case.id}/convictions/{conviction.id}/delete"
    assert shows(
        staff.get(url), "1 relief application(s) target this conviction; they will no longer list it."
    )
    assert staff.post(url).status_code == 302
    assert db.count(Conviction) == 0 and db.count(ReliefApplication) == 1
    assert db.count(relief_conviction) == 0

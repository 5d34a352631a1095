"""Places lived, incarceration and rehabilitation: add, edit (conflicts), delete (after a confirmation),
validation, the case's own convictions only, timeline entries, audit, and who may do what."""

from __future__ import annotations

from datetime import date

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    Conviction,
    Incarceration,
    Rehabilitation,
    RehabilitationKind,
    Residence,
)
from casework.models.base import DatePrecision
from tests.conftest import shows, text_of


def _incarceration(**changes):
    data = {
        "facility": "King County Jail",
        "pretrial": "y",
        "conviction_id": "",
        "from_on": "1994-06",
        "to_on": "1998-07-17",
        "notes": "",
        "version": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _rehabilitation(**changes):
    data = {
        "kind": "diploma",
        "title": "GED",
        "provider": "Concord education program",
        "during_incarceration": "y",
        "from_on": "",
        "to_on": "2003",
        "notes": "",
        "version": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _place(**changes):
    data = {
        "kind": "refugee_camp",
        "place": "Khao-I-Dang",
        "state": "",
        "country": "Thailand",
        "from_on": "1981",
        "to_on": "1983",
        "notes": "",
        "version": "0",
    }
    data.update(changes)
    return data


def timeline(browser, person) -> str:
    page = text_of(browser.get(f"/people/{person.id}"))
    start = page.index('id="timeline"')
    return page[start : page.index("</section>", start)]


def test_a_refugee_camp_is_a_place_lived_with_its_years_on_the_page_and_the_timeline(
    login_as, make_person, db
):
    staff = login_as("staff")
    person = make_person()
    assert staff.post(f"/people/{person.id}/places/new", _place()).status_code == 302
    place = db.scalar(sa.select(Residence))
    assert place.country == "Thailand" and place.state is None and place.kind.value == "refugee_camp"
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "1981–1983" in page and "Khao-I-Dang" in page and "Refugee camp" in page
    shown = timeline(staff, person)
    assert "Lived in Khao-I-Dang, Thailand (refugee camp)" in shown and ">1981</time>" in shown
    assert "Left Khao-I-Dang, Thailand (refugee camp)" in shown and ">1983</time>" in shown
    assert f'href="#residence-{place.id}"' in shown
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "residence.created"))
    assert set(event.field_list) == {
        "kind",
        "place",
        "country",
        "from_on",
        "from_precision",
        "to_on",
        "to_precision",
    }


def test_a_time_in_custody_with_its_conviction(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    robbery = db.add(
        Conviction(person_id=person.id, offense="Robbery (accomplice)", conviction_date=date(1998, 7, 17))
    )
    form = text_of(staff.get(f"/people/{person.id}/incarceration/new"))
    assert "Robbery (accomplice) (1998)" in form
    response = staff.post(
        f"/people/{person.id}/incarceration/new", _incarceration(conviction_id=str(robbery.id))
    )
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#incarceration"
    )
    item = db.scalar(sa.select(Incarceration))
    assert (item.pretrial, item.conviction_id, item.from_precision) == (True, robbery.id, DatePrecision.MONTH)
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "Pretrial" in page and "1994-06–1998-07-17" in page and "Robbery (accomplice) (1998)" in page
    shown = timeline(staff, person)
    assert "Held before trial at King County Jail" in shown and ">1994-06</time>" in shown
    assert "Released from King County Jail" in shown and "1998-07-17" in shown


def test_only_the_cases_own_convictions_are_offered_and_accepted(login_as, make_person, db):
    staff = login_as("staff")
    person, other = make_person(), make_person()
    theirs = db.add(Conviction(person_id=other.id, offense="Someone else's offense"))
    assert "Someone else" not in text_of(staff.get(f"/people/{person.id}/incarceration/new"))
    response = staff.post(
        f"/people/{person.id}/incarceration/new", _incarceration(conviction_id=str(theirs.id))
    )
    assert response.status_code == 200
    assert shows(response, "Choose one of this case’s convictions, or “None or not known”.")
    assert db.count(Incarceration) == 0


def test_the_operation_refuses_another_cases_conviction(app, make_person, make_user, db):
    from casework.background import operations
    from casework.errors import OperationError
    from casework.extensions import db as real_db
    from casework.models import Person, User

    person, other = make_person(), make_person()
    theirs = db.add(Conviction(person_id=other.id, offense="Not this case's"))
    user = make_user("staff")
    with app.test_request_context(), pytest.raises(OperationError, match="this case’s convictions"):
        operations.add_incarceration(
            real_db.session.get(User, user.id),
            real_db.session.get(Person, person.id),
            {"facility": "X", "conviction_id": theirs.id},
        )


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"facility": "", "from_on": ""}, "Type the facility, or when it began (a year is enough)."),
        ({"from_on": "1999", "to_on": "1998-07-17"}, "The end (1998-07-17) is before the start (1999)"),
        ({"facility": "x" * 201}, "Keep the facility under 200 characters."),
        ({"conviction_id": "abc"}, "Choose one of this case’s convictions"),
    ],
)
def test_the_incarceration_form_says_what_to_type(login_as, make_person, db, changes, message):
    staff = login_as("staff")
    person = make_person()
    response = staff.post(f"/people/{person.id}/incarceration/new", _incarceration(**changes))
    assert response.status_code == 200 and shows(response, message), text_of(response)
    assert db.count(Incarceration) == 0


def test_a_facility_or_a_start_is_enough(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    url = f"/people/{person.id}/incarceration/new"
    assert staff.post(url, _incarceration(to_on="", facility="")).status_code == 302
    assert staff.post(url, _incarceration(from_on="", to_on="")).status_code == 302
    assert db.count(Incarceration) == 2


def test_a_ged_earned_inside(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    response = staff.post(f"/people/{person.id}/rehabilitation/new", _rehabilitation())
    assert (
        response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#rehabilitation"
    )
    item = db.scalar(sa.select(Rehabilitation))
    assert item.kind == RehabilitationKind.DIPLOMA and item.during_incarceration
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "GED" in page and "During incarceration" in page and "Diploma or degree" in page
    assert "Earned: GED (inside)" in timeline(staff, person) and ">2003</time>" in timeline(staff, person)


def test_a_program_begins_and_is_completed_on_the_timeline(login_as, make_person):
    staff = login_as("staff")
    person = make_person()
    staff.post(
        f"/people/{person.id}/rehabilitation/new",
        _rehabilitation(
            kind="program",
            title="Welding certificate",
            during_incarceration=None,
            from_on="2012-09-04",
            to_on="2013-05",
        ),
    )
    shown = timeline(staff, person)
    assert "Began: Welding certificate" in shown and "2012-09-04" in shown
    assert "Completed: Welding certificate" in shown and ">2013-05</time>" in shown


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": ""}, "Choose what it is: a diploma, a program, work, community service or other."),
        ({"title": ""}, "Type what it was, for example “GED” or “Welding certificate, 480 hours”."),
        ({"from_on": "2004", "to_on": "2003"}, "The end (2003) is before the start (2004)"),
        ({"to_on": "03/2003"}, "Type the year (1996), the month (1996-04) or the day (1996-04-12)."),
    ],
)
def test_the_rehabilitation_form_says_what_to_type(login_as, make_person, db, changes, message):
    staff = login_as("staff")
    person = make_person()
    response = staff.post(f"/people/{person.id}/rehabilitation/new", _rehabilitation(**changes))
    assert response.status_code == 200 and shows(response, message), text_of(response)
    assert db.count(Rehabilitation) == 0


def test_an_edit_keeps_the_partial_dates_and_audits_the_changed_fields(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    staff.post(f"/people/{person.id}/places/new", _place())
    place = db.scalar(sa.select(Residence))
    form = text_of(staff.get(f"/people/{person.id}/places/{place.id}/edit"))
    assert 'value="1981"' in form and 'value="1983"' in form
    response = staff.post(f"/people/{person.id}/places/{place.id}/edit", _place(to_on="1983-06", version="1"))
    assert response.status_code == 302
    place = db.get(Residence, place.id)
    assert (place.to_on, place.to_precision) == (date(1983, 6, 1), DatePrecision.MONTH)
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "residence.updated"))
    assert set(event.field_list) == {"to_on", "to_precision"}


def test_an_edit_from_an_older_version_shows_the_saved_date_as_it_was_typed(login_as, make_person, db):
    staff, colleague = login_as("staff"), login_as("staff")
    person = make_person()
    staff.post(f"/people/{person.id}/rehabilitation/new", _rehabilitation())
    item = db.scalar(sa.select(Rehabilitation))
    colleague.post(
        f"/people/{person.id}/rehabilitation/{item.id}/edit", _rehabilitation(to_on="2002", version="1")
    )
    response = staff.post(
        f"/people/{person.id}/rehabilitation/{item.id}/edit", _rehabilitation(to_on="2004-05", version="1")
    )
    assert response.status_code == 200 and shows(response, "Your changes were NOT saved")
    assert "Saved by someone else meanwhile: <strong>2002</strong>" in text_of(response)
    assert 'value="2004-05"' in text_of(response)  # what was typed is kept
    assert db.get(Rehabilitation, item.id).to_on == date(2002, 1, 1)


@pytest.mark.parametrize(
    "path, model, form, gone",
    [
        ("places", Residence, _place, "The place was deleted."),
        ("incarceration", Incarceration, _incarceration, "The time in custody was deleted."),
        ("rehabilitation", Rehabilitation, _rehabilitation, "The record of rehabilitation was deleted."),
    ],
)
def test_delete_asks_first(login_as, make_person, db, path, model, form, gone):
    staff = login_as("staff")
    person = make_person()
    staff.post(f"/people/{person.id}/{path}/new", form())
    item = db.scalar(sa.select(model))
    page = staff.get(f"/people/{person.id}/{path}/{item.id}/delete")
    assert page.status_code == 200 and shows(page, "This cannot be undone")
    assert db.count(model) == 1
    response = staff.post(f"/people/{person.id}/{path}/{item.id}/delete")
    assert response.status_code == 302 and db.count(model) == 0
    assert shows(staff.get(response.headers["Location"]), gone)
    action = {"places": "residence", "incarceration": "incarceration", "rehabilitation": "rehabilitation"}[
        path
    ]
    assert db.count(AuditEvent, AuditEvent.action == f"{action}.deleted") == 1


# ---------------------------------------------------------------- who may do what


@pytest.fixture
def background_case(db, make_person, make_user):
    """A case with one of each background item, assigned to a volunteer."""
    assigned = make_user("volunteer")
    person = make_person(assigned=[assigned])
    residence = db.add(Residence(person_id=person.id, place="Stockton", state="CA"))
    incarceration = db.add(Incarceration(person_id=person.id, facility="Tacoma", pretrial=False))
    rehab = db.add(Rehabilitation(person_id=person.id, kind=RehabilitationKind.WORK, title="Kitchen"))
    urls = [
        f"/people/{person.id}/places/{residence.id}/edit",
        f"/people/{person.id}/incarceration/{incarceration.id}/edit",
        f"/people/{person.id}/rehabilitation/{rehab.id}/edit",
        f"/people/{person.id}/places/new",
    ]
    return person, assigned, urls


def test_the_assigned_volunteer_may_change_the_background(background_case, login_as):
    person, assigned, urls = background_case
    browser = login_as(assigned)
    assert [browser.get(u).status_code for u in urls] == [200] * 4
    page = text_of(browser.get(f"/people/{person.id}"))
    assert "Stockton" in page and "Add a place" in page


def test_a_volunteer_not_assigned_finds_nothing(background_case, login_as):
    person, _assigned, urls = background_case
    browser = login_as("volunteer")
    assert [browser.get(u).status_code for u in urls] == [404] * 4
    assert browser.post(urls[3], _place()).status_code == 404


@pytest.mark.parametrize("level, code", [("view", 403), ("edit", 200)])
def test_a_partner_changes_the_background_only_with_an_edit_share(
    background_case, login_as, make_org, make_user, share_case, level, code
):
    person, _assigned, urls = background_case
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, level=level)
    browser = login_as(partner)
    assert [browser.get(u).status_code for u in urls] == [code] * 4
    page = text_of(browser.get(f"/people/{person.id}"))
    assert "Stockton" in page and ("Add a place" in page) is (level == "edit")


def test_another_organization_finds_nothing(background_case, login_as, make_org, make_user, db):
    _person, _assigned, urls = background_case
    browser = login_as(make_user("admin", org=make_org()))
    assert [browser.get(u).status_code for u in urls] == [404] * 4
    before = db.count(Residence)
    assert browser.post(urls[0], _place(version="1")).status_code == 404
    assert db.count(Residence) == before


def test_an_item_of_another_case_is_not_found(background_case, login_as, make_person):
    _person, _assigned, urls = background_case
    other = make_person()
    staff = login_as("staff")
    for url in urls[:3]:
        assert staff.get(url.replace(f"/people/{_person.id}/", f"/people/{other.id}/")).status_code == 404

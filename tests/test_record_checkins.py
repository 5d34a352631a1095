"""ICE check-ins: scheduling, outcomes, re-detention into the custody timeline, edit, delete, access."""

from datetime import time, timedelta

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    CaseAssignment,
    CheckIn,
    CheckInOutcome,
    CustodyEvent,
    CustodyKind,
    CustodyStatus,
    Person,
)
from tests.conftest import TODAY, shows, text_of

NEXT_WEEK = (TODAY + timedelta(days=7)).isoformat()
LAST_WEEK = (TODAY - timedelta(days=7)).isoformat()


def _form(version="0", **changes):
    data = {
        "scheduled_on": NEXT_WEEK,
        "scheduled_time": "09:30",
        "office": "Burlington ERO",
        "accompanied_by": "Two volunteers",
        "outcome": "scheduled",
        "notes": "",
        "version": version,
    }
    data.update(changes)
    return data


def test_schedule_a_check_in(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/checkins/new", _form())
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#checkins"
    check_in = db.scalar(sa.select(CheckIn))
    assert check_in.scheduled_time == time(9, 30) and check_in.outcome == CheckInOutcome.SCHEDULED
    assert check_in.custody_event_id is None
    page = staff.get(f"/people/{person.id}")
    assert shows(page, f"{NEXT_WEEK} 09:30") and shows(page, "Burlington ERO")
    assert shows(page, "Next check-in")  # the glance in the header
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "check_in.created"))
    assert event.object_id == check_in.id and {"scheduled_on", "office"} <= set(event.field_list)


def test_upcoming_check_ins_come_first(login_as, make_person, db):
    person = make_person()
    for day, office in [
        (TODAY - timedelta(days=60), "Old office"),
        (TODAY + timedelta(days=90), "Later office"),
        (TODAY + timedelta(days=30), "Sooner office"),
    ]:
        db.add(
            CheckIn(
                person_id=person.id,
                scheduled_on=day,
                office=office,
                outcome=CheckInOutcome.ATTENDED if day < TODAY else CheckInOutcome.SCHEDULED,
            )
        )
    html = text_of(login_as("staff").get(f"/people/{person.id}"))
    section = html[html.index('id="checkins"') :]
    assert section.index("Sooner office") < section.index("Later office") < section.index("Old office")
    assert f"Next check-in</span> {(TODAY + timedelta(days=30)).isoformat()}" in html


@pytest.mark.parametrize(
    "field, value, message",
    [
        ("scheduled_on", "", "Type the date of the check-in as YYYY-MM-DD, for example 2026-12-03."),
        ("scheduled_on", "next tuesday", "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            "scheduled_time",
            "9.30am",
            "Type the time as HH:MM on a 24-hour clock, for example 09:30 or 14:00.",
        ),
        ("scheduled_time", "25:00", "Type the time as HH:MM on a 24-hour clock"),
        ("outcome", "fled", "Choose one of the options in the list."),
        ("outcome", "", "Choose the outcome, or “Scheduled” if not held yet."),
        (
            "outcome",
            "attended",
            (
                f"This check-in is on {NEXT_WEEK}, after today: until that day its outcome can "
                "only be “Scheduled” or “Rescheduled”."
            ),
        ),
        ("outcome", "missed", "after today"),
        ("outcome", "redetained", "after today"),
        ("office", "x" * 201, "Keep this under 200 characters."),
        ("accompanied_by", "x" * 301, "Keep this under 300 characters."),
    ],
)
def test_validation_messages(login_as, make_person, db, field, value, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/checkins/new", _form(**{field: value}))
    assert response.status_code == 200 and shows(response, message), message
    assert db.count(CheckIn) == 0 and db.count(CustodyEvent) == 0


def test_a_future_check_in_may_be_rescheduled(login_as, make_person, db):
    person = make_person()
    assert (
        login_as("staff").post(f"/people/{person.id}/checkins/new", _form(outcome="rescheduled")).status_code
        == 302
    )
    assert db.scalar(sa.select(CheckIn)).outcome == CheckInOutcome.RESCHEDULED


def test_time_with_seconds_from_a_browser_is_accepted(login_as, make_person, db):
    person = make_person()
    login_as("staff").post(f"/people/{person.id}/checkins/new", _form(scheduled_time="14:05:00"))
    assert db.scalar(sa.select(CheckIn)).scheduled_time == time(14, 5)


def test_recording_a_re_detention_enters_the_custody_timeline(login_as, make_person, db):
    person = make_person()
    check_in = db.add(
        CheckIn(person_id=person.id, scheduled_on=TODAY - timedelta(days=7), office="Burlington ERO")
    )
    staff = login_as("staff")
    url = f"/people/{person.id}/checkins/{check_in.id}/edit"
    assert "Record outcome" in text_of(staff.get(f"/people/{person.id}"))
    response = staff.post(
        url, _form(version=str(check_in.version), scheduled_on=LAST_WEEK, outcome="redetained")
    )
    assert response.status_code == 302
    saved = db.get(CheckIn, check_in.id)
    event = db.get(CustodyEvent, saved.custody_event_id)
    assert event.kind == CustodyKind.REDETAINED and event.occurred_on == TODAY - timedelta(days=7)
    assert event.field_office == "Burlington ERO" and event.facility == "Burlington ERO"
    assert event.created_by_id == staff.user.id
    refreshed = db.get(Person, person.id)
    assert (
        refreshed.custody_status == CustodyStatus.DETAINED
        and refreshed.custody_since == TODAY - timedelta(days=7)
    )
    html = text_of(staff.get(f"/people/{person.id}"))
    assert 'class="badge custody custody-detained"' in html
    actions = set(db.scalars(sa.select(AuditEvent.action).where(AuditEvent.person_id == person.id)))
    assert {"check_in.updated", "custody_event.created"} <= actions
    # saving the check-in again (a note) does not record a second re-detention
    assert (
        staff.post(
            url,
            _form(
                version=str(saved.version),
                scheduled_on=LAST_WEEK,
                outcome="redetained",
                notes="Held in the basement",
            ),
        ).status_code
        == 302
    )
    assert db.count(CustodyEvent) == 1


def test_a_new_check_in_logged_as_re_detention_creates_the_event(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert (
        staff.post(
            f"/people/{person.id}/checkins/new", _form(scheduled_on=LAST_WEEK, outcome="redetained")
        ).status_code
        == 302
    )
    check_in = db.scalar(sa.select(CheckIn))
    assert check_in.custody_event_id == db.scalar(sa.select(CustodyEvent.id))


def test_re_detention_is_refused_when_already_detained(login_as, make_person, db):
    person = make_person()
    db.add(
        CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=TODAY - timedelta(days=30))
    )
    check_in = db.add(
        CheckIn(person_id=person.id, scheduled_on=TODAY - timedelta(days=7), office="Burlington ERO")
    )
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/checkins/{check_in.id}/edit",
        _form(version=str(check_in.version), scheduled_on=LAST_WEEK, outcome="redetained", notes="typed"),
    )
    assert response.status_code == 200
    assert shows(response, f"Nothing was saved: Re-detained on {LAST_WEEK}: the person was already detained")
    saved = db.get(CheckIn, check_in.id)
    assert (
        saved.outcome == CheckInOutcome.SCHEDULED and saved.notes is None and saved.custody_event_id is None
    )
    assert db.count(CustodyEvent) == 1
    assert db.count(AuditEvent, AuditEvent.action == "check_in.updated") == 0
    # and when logging a new one
    response = staff.post(
        f"/people/{person.id}/checkins/new", _form(scheduled_on=LAST_WEEK, outcome="redetained")
    )
    assert response.status_code == 200 and shows(response, "the person was already detained")
    assert db.count(CheckIn) == 1


def _redetained_check_in(staff, person, db):
    staff.post(f"/people/{person.id}/checkins/new", _form(scheduled_on=LAST_WEEK, outcome="redetained"))
    return db.scalar(sa.select(CheckIn))


def test_date_and_outcome_are_locked_while_the_re_detention_stands(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    check_in = _redetained_check_in(staff, person, db)
    url = f"/people/{person.id}/checkins/{check_in.id}/edit"
    response = staff.post(
        url, _form(version=str(check_in.version), scheduled_on=LAST_WEEK, outcome="attended")
    )
    assert response.status_code == 200
    assert shows(
        response,
        f"This check-in recorded a re-detention on {LAST_WEEK} in the custody timeline. To change "
        "its date or outcome, void that custody entry first, then edit the check-in.",
    )
    assert db.get(CheckIn, check_in.id).outcome == CheckInOutcome.REDETAINED
    # once the custody entry is voided, the check-in can be corrected
    assert (
        staff.post(
            f"/people/{person.id}/custody/{check_in.custody_event_id}/void",
            {"reason": "Released the same day"},
        ).status_code
        == 302
    )
    assert db.get(Person, person.id).custody_status == CustodyStatus.FREE
    assert "its custody entry was voided" in text_of(staff.get(f"/people/{person.id}"))
    assert (
        staff.post(
            url, _form(version=str(check_in.version), scheduled_on=LAST_WEEK, outcome="attended")
        ).status_code
        == 302
    )
    assert db.get(CheckIn, check_in.id).outcome == CheckInOutcome.ATTENDED


def test_delete_is_refused_while_the_re_detention_stands(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    check_in = _redetained_check_in(staff, person, db)
    url = f"/people/{person.id}/checkins/{check_in.id}/delete"
    page = staff.get(url)
    assert page.status_code == 200 and shows(page, "Void that custody entry first, then delete the check-in.")
    assert "Delete the check-in</button>" not in text_of(page)
    response = staff.post(url)
    assert response.status_code == 302
    assert shows(
        staff.get(response.headers["Location"]), "Not deleted: This check-in created the re-detention of"
    )
    assert db.count(CheckIn) == 1
    staff.post(f"/people/{person.id}/custody/{check_in.custody_event_id}/void", {"reason": "Wrong person"})
    assert "Delete the check-in</button>" in text_of(staff.get(url))
    assert staff.post(url).status_code == 302
    assert db.count(CheckIn) == 0 and db.count(CustodyEvent) == 1  # the voided entry stays
    assert db.count(AuditEvent, AuditEvent.action == "check_in.deleted") == 1


def test_delete_needs_confirmation(login_as, make_person, db):
    person = make_person()
    check_in = db.add(CheckIn(person_id=person.id, scheduled_on=TODAY, office="Burlington ERO"))
    staff = login_as("staff")
    url = f"/people/{person.id}/checkins/{check_in.id}/delete"
    assert shows(staff.get(url), f"ICE check-in on {TODAY} at Burlington ERO")
    assert staff.post(url, csrf=False).status_code == 400 and db.count(CheckIn) == 1
    assert staff.post(url).status_code == 302 and db.count(CheckIn) == 0


def test_edit_conflict(login_as, make_person, db):
    person = make_person()
    check_in = db.add(
        CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=3), office="Burlington ERO")
    )
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/checkins/{check_in.id}/edit"
    day = (TODAY + timedelta(days=3)).isoformat()
    assert (
        alice.post(
            url, _form(version=str(check_in.version), scheduled_on=day, office="Boston ERO")
        ).status_code
        == 302
    )
    response = bob.post(url, _form(version=str(check_in.version), scheduled_on=day, office="Chelmsford ERO"))
    assert response.status_code == 200 and shows(response, "Someone else saved this while you were editing")
    assert "Saved by someone else meanwhile: <strong>Boston ERO</strong>" in text_of(response)
    assert 'value="Chelmsford ERO"' in text_of(response)
    assert db.get(CheckIn, check_in.id).office == "Boston ERO"


def test_access(login_as, make_user, make_person, make_org, share_case, db):
    volunteer, assigned = make_user("volunteer"), make_user("volunteer")
    person = make_person()
    db.add(CaseAssignment(person_id=person.id, user_id=assigned.id))
    check_in = db.add(CheckIn(person_id=person.id, scheduled_on=TODAY))
    foreign = db.add(CheckIn(person_id=make_person().id, scheduled_on=TODAY))
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    urls = [
        f"/people/{person.id}/checkins/new",
        f"/people/{person.id}/checkins/{check_in.id}/edit",
        f"/people/{person.id}/checkins/{check_in.id}/delete",
    ]
    outsider, viewer = login_as(volunteer), login_as(partner)
    for url in urls:
        assert outsider.get(url).status_code == 404 and outsider.post(url, _form()).status_code == 404
        assert viewer.get(url).status_code == 403 and viewer.post(url, _form()).status_code == 403
    assert "Schedule a check-in" not in text_of(viewer.get(f"/people/{person.id}"))
    staff = login_as("staff")
    assert staff.post(f"/people/{person.id}/checkins/{foreign.id}/delete").status_code == 404
    assert db.count(CheckIn) == 2
    assert login_as(assigned).post(urls[0], _form()).status_code == 302

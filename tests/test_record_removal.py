"""The removal case: create and edit, validation, the BIA appeal deadline, the custody clock on the case page."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, CustodyEvent, CustodyKind, RemovalCase, RemovalStage, StayStatus
from tests.conftest import TODAY, shows, text_of

TOMORROW = (TODAY + timedelta(days=1)).isoformat()


def _form(version="0", **changes):
    data = {
        "stage": "hearings",
        "court": "Boston Immigration Court",
        "nta_date": "2023-01-10",
        "next_hearing_on": (TODAY + timedelta(days=40)).isoformat(),
        "order_date": "",
        "order_type": "",
        "stay_status": "none",
        "stay_granted_on": "",
        "stay_ended_on": "",
        "notes": "",
        "version": version,
    }
    data.update(changes)
    return data


def test_create_then_edit_the_removal_case(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    page = staff.get(f"/people/{person.id}")
    assert shows(page, "No removal proceedings recorded.") and shows(page, "Record the removal case")
    response = staff.post(f"/people/{person.id}/removal", _form())
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#removal"
    removal = db.scalar(sa.select(RemovalCase))
    assert removal.stage == RemovalStage.HEARINGS and removal.nta_date == date(2023, 1, 10)
    created = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "removal_case.created"))
    assert created.object_id == removal.id and {"stage", "court", "nta_date"} <= set(created.field_list)

    order_day = (TODAY - timedelta(days=10)).isoformat()
    response = staff.post(
        f"/people/{person.id}/removal",
        _form(version=str(removal.version), stage="final_order", order_date=order_day, order_type="removal"),
    )
    assert response.status_code == 302
    removal = db.get(RemovalCase, removal.id)
    assert removal.stage == RemovalStage.FINAL_ORDER and removal.version == 2
    updated = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "removal_case.updated"))
    assert set(updated.field_list) == {"stage", "order_date", "order_type"}
    assert db.count(RemovalCase) == 1
    html = text_of(staff.get(f"/people/{person.id}"))
    deadline = (TODAY + timedelta(days=20)).isoformat()
    assert "BIA appeal deadline" in html and deadline in html and "(20 days left)" in html
    assert "Order of removal entered" in html  # timeline
    assert "Notice to Appear issued" in html


def test_passed_appeal_deadline_is_shown_as_passed(login_as, make_person, db):
    person = make_person()
    db.add(RemovalCase(person_id=person.id, stage=RemovalStage.FINAL_ORDER, order_date=date(2020, 1, 1)))
    html = text_of(login_as("staff").get(f"/people/{person.id}"))
    assert "2020-01-31 (passed)" in html
    assert "BIA appeal deadline</span>" not in html  # no glance for a deadline gone by


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"stage": "final_order", "order_date": ""},
            "A final order of removal needs its date: type the order date as YYYY-MM-DD, or choose another stage.",
        ),
        (
            {"order_date": "2022-12-01"},
            "The order date cannot be before the Notice to Appear date; check both dates.",
        ),
        ({"order_date": TOMORROW}, "The order date cannot be in the future; type a date on or before today."),
        (
            {"nta_date": TOMORROW},
            "The Notice to Appear date cannot be in the future; type a date on or before today.",
        ),
        ({"nta_date": "Jan 10"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            {"stay_status": "granted", "stay_granted_on": TOMORROW},
            "The date the stay was granted cannot be in the future; type a date on or before today.",
        ),
        (
            {"stay_status": "ended", "stay_granted_on": "2024-02-01", "stay_ended_on": TOMORROW},
            "The date the stay ended cannot be in the future; type a date on or before today.",
        ),
        (
            {"stay_status": "ended", "stay_granted_on": "2024-02-01", "stay_ended_on": "2024-01-01"},
            "The stay cannot end before it was granted; check both dates.",
        ),
        (
            {"stay_status": "granted"},
            "Type the date the stay was granted as YYYY-MM-DD (the custody clock pauses from that day).",
        ),
        (
            {"stay_status": "ended", "stay_granted_on": "2024-02-01"},
            "Type the date the stay ended as YYYY-MM-DD (the custody clock resumes from that day).",
        ),
        (
            {"stay_status": "granted", "stay_granted_on": "2024-02-01", "stay_ended_on": "2024-03-01"},
            "Only a stay that has ended has an end date: choose “Stay ended” as the stay status, or clear this date.",
        ),
        ({"stage": "sentenced"}, "Choose one of the options in the list."),
        ({"stage": ""}, "Choose where the removal case stands."),
        ({"stay_status": ""}, "Choose the stay status, or “No stay”."),
        ({"order_type": "banishment"}, "Choose one of the options in the list."),
        ({"court": "x" * 201}, "Keep this under 200 characters."),
    ],
)
def test_validation_messages(login_as, make_person, db, changes, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/removal", _form(**changes))
    assert response.status_code == 200 and shows(response, message), message
    assert db.count(RemovalCase) == 0


def test_next_hearing_may_be_in_the_future(login_as, make_person, db):
    person = make_person()
    login_as("staff").post(
        f"/people/{person.id}/removal", _form(next_hearing_on=(TODAY + timedelta(days=400)).isoformat())
    )
    assert db.scalar(sa.select(RemovalCase)).next_hearing_on == TODAY + timedelta(days=400)


def test_edit_conflict(login_as, make_person, db):
    person = make_person()
    removal = db.add(
        RemovalCase(person_id=person.id, stage=RemovalStage.HEARINGS, court="Boston Immigration Court")
    )
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/removal"
    assert alice.post(url, _form(version=str(removal.version), court="Chelmsford court")).status_code == 302
    response = bob.post(url, _form(version=str(removal.version), court="Hartford court"))
    assert response.status_code == 200 and shows(response, "Someone else saved this while you were editing")
    assert "Saved by someone else meanwhile: <strong>Chelmsford court</strong>" in text_of(response)
    assert db.get(RemovalCase, removal.id).court == "Chelmsford court"


def test_two_first_saves_do_not_create_two_removal_cases(login_as, make_person, db):
    person = make_person()
    alice, bob = login_as("staff"), login_as("staff")
    url = f"/people/{person.id}/removal"
    assert alice.get(url).status_code == 200 and bob.get(url).status_code == 200
    assert alice.post(url, _form(court="Alice court")).status_code == 302
    response = bob.post(url, _form(court="Bob court"))  # Bob's form was for a case that did not exist yet
    assert response.status_code == 200 and shows(response, "Someone else saved this while you were editing")
    assert db.count(RemovalCase) == 1 and db.scalar(sa.select(RemovalCase)).court == "Alice court"


def test_custody_clock_on_the_case_page(login_as, make_person, db):
    person = make_person()
    order_day = TODAY - timedelta(days=95)
    db.add(
        RemovalCase(
            person_id=person.id,
            stage=RemovalStage.FINAL_ORDER,
            order_date=order_day,
            stay_status=StayStatus.NONE,
        )
    )
    staff = login_as("staff")
    staff.post(
        f"/people/{person.id}/custody/new",
        {"kind": "ice_arrest", "occurred_on": (TODAY - timedelta(days=200)).isoformat()},
    )
    html = text_of(staff.get(f"/people/{person.id}"))
    assert "<strong>Day 95</strong> of custody after the final order" in html
    assert (
        'glance glance-alert"><span class="muted small">Custody</span> Detained day 95 after final order'
        in html
    )
    assert f"Past day 90 since {(order_day + timedelta(days=90)).isoformat()}" in html  # a fact
    assert f"Day 180 on {(order_day + timedelta(days=180)).isoformat()}" in html


def test_custody_clock_paused_and_under_90_days(login_as, make_person, db):
    person = make_person()
    db.add(
        RemovalCase(
            person_id=person.id,
            stage=RemovalStage.FINAL_ORDER,
            order_date=TODAY - timedelta(days=30),
            stay_status=StayStatus.GRANTED,
            stay_granted_on=TODAY - timedelta(days=10),
        )
    )
    db.add(
        CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=TODAY - timedelta(days=40))
    )
    staff = login_as("staff")
    # a direct insert does not refresh the person's columns; recording through the page does
    staff.post(
        f"/people/{person.id}/custody/new",
        {"kind": "booked", "occurred_on": TODAY.isoformat(), "facility": "Plymouth"},
    )
    html = text_of(staff.get(f"/people/{person.id}"))
    assert "Paused by a stay" in html
    assert (
        'glance glance-warn"><span class="muted small">Custody</span> Detained day 20 after final order '
        "(paused by a stay)" in html
    )


def test_no_clock_when_released(login_as, make_person, db):
    person = make_person()
    db.add(
        RemovalCase(
            person_id=person.id, stage=RemovalStage.FINAL_ORDER, order_date=TODAY - timedelta(days=30)
        )
    )
    staff = login_as("staff")
    staff.post(
        f"/people/{person.id}/custody/new",
        {"kind": "ice_arrest", "occurred_on": (TODAY - timedelta(days=60)).isoformat()},
    )
    assert "of custody after the final order" in text_of(staff.get(f"/people/{person.id}"))
    staff.post(
        f"/people/{person.id}/custody/new",
        {"kind": "released_supervision", "occurred_on": (TODAY - timedelta(days=1)).isoformat()},
    )
    html = text_of(staff.get(f"/people/{person.id}"))
    assert "of custody after the final order" not in html and "Detained day" not in html


def test_access(login_as, make_user, make_person, make_org, share_case, db):
    volunteer = make_user("volunteer")
    person = make_person()
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    url = f"/people/{person.id}/removal"
    assert login_as(volunteer).get(url).status_code == 404
    assert login_as(volunteer).post(url, _form()).status_code == 404
    viewer = login_as(partner)
    assert viewer.get(url).status_code == 403 and viewer.post(url, _form()).status_code == 403
    assert "Record the removal case" not in text_of(viewer.get(f"/people/{person.id}"))
    assert db.count(RemovalCase) == 0


# ---------------------------------------------------------------- the BIA appeal deadline


def _appeal_case(db, make_person, **fields):
    person = make_person()
    values = {
        "stage": RemovalStage.FINAL_ORDER,
        "order_date": TODAY - timedelta(days=10),
        "order_type": "removal",
    }
    values.update(fields)
    db.add(RemovalCase(person_id=person.id, **values))
    return person


def _due(browser) -> str:
    return text_of(browser.get("/due?window=all")).split('id="overdue"')[1]


@pytest.mark.parametrize("order_type", ["removal", "deportation", "voluntary_departure", None])
def test_an_immigration_judges_order_gives_the_appeal_deadline_with_its_rule(
    login_as, make_person, db, order_type
):
    person = _appeal_case(db, make_person, order_type=order_type)
    staff = login_as("staff")
    order_day, deadline = TODAY - timedelta(days=10), TODAY + timedelta(days=20)
    rule = f"30 days after the immigration judge's order of {order_day.isoformat()}"
    page = staff.get(f"/people/{person.id}")
    html = text_of(page)
    assert "BIA appeal deadline" in html and f"{deadline.isoformat()}</strong>" in html
    assert shows(page, rule) and "(20 days left)" in html
    due = staff.get("/due?window=all")
    assert shows(due, f"Last day to appeal the removal order to the BIA: {rule}")
    assert deadline.isoformat() in _due(staff)


@pytest.mark.parametrize(
    "fields, reason",
    [
        (
            {"appeal_waived": True},
            "Appeal waived: the order was final when the immigration judge entered it.",
        ),
        ({"order_type": "stipulated"}, "No BIA appeal: a stipulated order waives appeal."),
        (
            {"order_type": "administrative"},
            "No BIA appeal: an administrative order is DHS&#39;s, not an immigration",
        ),
        ({"stage": RemovalStage.APPEAL}, None),  # the appeal was filed
        ({"stage": RemovalStage.REOPENED}, None),  # the case moved on
    ],
)
def test_no_appeal_deadline_once_waived_filed_or_moved_on(login_as, make_person, db, fields, reason):
    person = _appeal_case(db, make_person, **fields)
    staff = login_as("staff")
    html = text_of(staff.get(f"/people/{person.id}"))
    assert "BIA appeal deadline" not in html
    if reason:
        assert reason in html
    assert "Last day to appeal" not in _due(staff)


def test_appeal_waived_through_the_form(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    url = f"/people/{person.id}/removal"
    response = staff.post(url, _form(appeal_waived="y"))
    assert response.status_code == 200
    assert shows(response, "Only an order can have its appeal waived: type the order date, or untick")
    order_day = (TODAY - timedelta(days=3)).isoformat()
    response = staff.post(
        url, _form(stage="final_order", order_date=order_day, order_type="removal", appeal_waived="y")
    )
    assert response.status_code == 302
    removal = db.scalar(sa.select(RemovalCase))
    assert removal.appeal_waived is True and removal.appeal_deadline is None
    assert "Last day to appeal" not in _due(staff)
    response = staff.post(url, _form(version=str(removal.version), stage="final_order", order_date=order_day))
    assert response.status_code == 302 and db.get(RemovalCase, removal.id).appeal_waived is False
    assert "Last day to appeal" in _due(staff)


def test_an_appeal_deadline_gone_by_is_not_in_whats_due(login_as, make_person, db):
    _appeal_case(db, make_person, order_date=TODAY - timedelta(days=31))
    _appeal_case(db, make_person, order_date=TODAY - timedelta(days=30))  # the last day is today
    due = _due(login_as("staff"))
    overdue, upcoming = due.split('id="upcoming"')
    assert "Nothing is overdue." in overdue and upcoming.count("Last day to appeal") == 1
    assert TODAY.isoformat() in upcoming


def test_the_rule_says_what_a_weekend_does_to_the_last_day():
    saturday = RemovalCase(stage=RemovalStage.FINAL_ORDER, order_date=date(1999, 9, 30), order_type="removal")
    assert saturday.appeal_deadline == date(1999, 10, 30)
    assert saturday.appeal.rule_in_full == (
        "30 days after the immigration judge's order of 1999-09-30 (a Saturday: an appeal filed on the next "
        "business day is still on time)"
    )
    weekday = RemovalCase(stage=RemovalStage.FINAL_ORDER, order_date=date(2020, 1, 1))
    assert weekday.appeal.rule_in_full == "30 days after the immigration judge's order of 2020-01-01"

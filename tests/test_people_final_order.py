"""One fact, one place: the final order of removal lives on the removal case, and the person's immigration status
follows it, both ways, through the real forms; the migration that brought existing rows together."""

import importlib.util
import re
from datetime import date, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    CustodyEvent,
    CustodyKind,
    ImmigrationStatus,
    Person,
    RemovalCase,
    RemovalStage,
)
from tests.conftest import TODAY, shows, text_of

FINAL = (
    "A final order of removal needs its date: type the order date as YYYY-MM-DD, or choose another status."
)


def _person_form(**changes):
    data = {"legal_name": "Vuthy Chan", "case_status": "active", "immigration_status": "", "version": "0"}
    data.update(changes)
    return data


def _removal_form(version, **changes):
    data = {
        "stage": "hearings",
        "court": "",
        "nta_date": "",
        "next_hearing_on": "",
        "order_date": "",
        "order_type": "",
        "stay_status": "none",
        "stay_granted_on": "",
        "stay_ended_on": "",
        "notes": "",
        "version": str(version),
    }
    data.update(changes)
    return data


def _removal(db, person):
    return db.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == person.id))


# ---------------------------------------------------------------- the person record opens the removal case


def test_a_final_order_status_needs_its_date_and_opens_the_removal_case(login_as, db):
    staff = login_as("staff")
    response = staff.post("/people/new", _person_form(immigration_status="final_order"))
    assert response.status_code == 200 and shows(response, FINAL)
    assert db.count(Person) == 0 and db.count(RemovalCase) == 0

    response = staff.post(
        "/people/new", _person_form(immigration_status="final_order", final_order_date="2019-01-15")
    )
    assert response.status_code == 302
    person = db.scalar(sa.select(Person))
    assert person.immigration_status == ImmigrationStatus.FINAL_ORDER
    removal = _removal(db, person)
    assert (removal.stage, removal.order_date) == (RemovalStage.FINAL_ORDER, date(2019, 1, 15))
    created = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "removal_case.created"))
    assert created.person_id == person.id and set(created.field_list) == {"stage", "order_date"}
    html = text_of(staff.get(f"/people/{person.id}"))
    assert "Final order of removal" in html and "2019-01-15" in html


def test_an_order_date_without_a_final_order_status_is_refused(login_as, db):
    response = login_as("staff").post(
        "/people/new", _person_form(immigration_status="lpr", final_order_date="2019-01-15")
    )
    assert response.status_code == 200
    assert shows(
        response, "Only a final order has its date here: choose “Final order of removal” as the status"
    )
    assert db.count(Person) == 0


def test_the_person_record_moves_the_removal_case_to_the_final_order(login_as, make_person, db):
    person = make_person(immigration_status="in_proceedings")
    db.add(RemovalCase(person_id=person.id, stage=RemovalStage.HEARINGS, nta_date=date(2018, 5, 1)))
    staff = login_as("staff")
    url = f"/people/{person.id}/edit"
    response = staff.post(
        url,
        _person_form(
            version=str(person.version),
            immigration_status="order_of_supervision",
            final_order_date="2018-01-01",
        ),
    )
    assert response.status_code == 200  # before the Notice to Appear on the removal case
    assert shows(
        response, "The order date cannot be before the Notice to Appear date on the removal case (2018-05-01)"
    )
    assert _removal(db, person).stage == RemovalStage.HEARINGS
    assert db.get(Person, person.id).immigration_status == ImmigrationStatus.IN_PROCEEDINGS  # nothing kept

    response = staff.post(
        url,
        _person_form(
            version=str(person.version),
            immigration_status="order_of_supervision",
            final_order_date="2019-02-01",
        ),
    )
    assert response.status_code == 302
    removal = _removal(db, person)
    assert (removal.stage, removal.order_date) == (RemovalStage.FINAL_ORDER, date(2019, 2, 1))
    assert db.get(Person, person.id).immigration_status == ImmigrationStatus.ORDER_OF_SUPERVISION
    assert db.count(RemovalCase) == 1


def test_while_the_removal_case_records_a_final_order_the_status_says_so(login_as, make_person, db):
    person = make_person(immigration_status="final_order")
    db.add(RemovalCase(person_id=person.id, stage=RemovalStage.FINAL_ORDER, order_date=date(2019, 1, 15)))
    staff = login_as("staff")
    url = f"/people/{person.id}/edit"
    form = text_of(staff.get(url))
    select = form[form.index('name="immigration_status"') :]
    select = select[: select.index("</select>")]
    assert re.findall(r'<option[^>]*value="(\w*)"', select) == ["final_order", "order_of_supervision"]
    assert 'name="final_order_date"' not in form  # the date is the removal case's
    assert "2019-01-15" in form and f'href="/people/{person.id}/removal"' in form
    response = staff.post(url, _person_form(version=str(person.version), immigration_status="lpr"))
    assert response.status_code == 200
    assert shows(
        response, "The removal case records a final order of removal of 2019-01-15: the status stays"
    )
    assert db.get(Person, person.id).immigration_status == ImmigrationStatus.FINAL_ORDER
    # other fields save as ever; the order date stays the removal case's
    response = staff.post(
        url,
        _person_form(version=str(person.version), immigration_status="order_of_supervision", city="Tacoma"),
    )
    assert response.status_code == 302
    saved = db.get(Person, person.id)
    assert saved.city == "Tacoma" and saved.immigration_status == ImmigrationStatus.ORDER_OF_SUPERVISION
    assert _removal(db, person).order_date == date(2019, 1, 15)


def test_an_undated_final_order_on_record_lets_the_record_be_edited_and_takes_a_date(
    login_as, make_person, db
):
    person = make_person(immigration_status="final_order")
    db.add(RemovalCase(person_id=person.id, stage=RemovalStage.FINAL_ORDER))  # as the migration opens it
    staff = login_as("staff")
    url = f"/people/{person.id}/edit"
    assert 'name="final_order_date"' in text_of(staff.get(url))
    assert (
        staff.post(
            url, _person_form(version=str(person.version), immigration_status="final_order")
        ).status_code
        == 302
    )
    assert _removal(db, person).order_date is None
    saved = db.get(Person, person.id)
    response = staff.post(
        url,
        _person_form(
            version=str(saved.version), immigration_status="final_order", final_order_date="2019-01-15"
        ),
    )
    assert response.status_code == 302
    assert _removal(db, person).order_date == date(2019, 1, 15)


# ---------------------------------------------------------------- the removal case sets the status


def test_a_final_order_on_the_removal_case_sets_the_status(login_as, make_person, db):
    person = make_person(immigration_status="lpr")
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/removal",
        _removal_form(0, stage="final_order", order_date="2020-03-02", order_type="removal"),
    )
    assert response.status_code == 302
    saved = db.get(Person, person.id)
    assert saved.immigration_status == ImmigrationStatus.FINAL_ORDER and saved.version == person.version + 1
    event = db.scalar(
        sa.select(AuditEvent).where(AuditEvent.action == "person.updated", AuditEvent.person_id == person.id)
    )
    assert event.field_list == ["immigration_status"] and event.detail == "follows the removal case"
    page = staff.get(f"/people/{person.id}")
    assert shows(page, "The person's status now reads “Final order of removal”, as the removal case says.")
    assert 'badge">Final order of removal</span>' in text_of(page)
    # the people list's CSV carries the same status
    csv = text_of(staff.get("/people/export.csv"))
    assert "Final order of removal" in csv.splitlines()[1]


def test_a_status_released_on_supervision_is_kept_at_the_final_order(login_as, make_person, db):
    person = make_person(immigration_status="order_of_supervision")
    login_as("staff").post(
        f"/people/{person.id}/removal", _removal_form(0, stage="final_order", order_date="2020-03-02")
    )
    assert db.get(Person, person.id).immigration_status == ImmigrationStatus.ORDER_OF_SUPERVISION


@pytest.mark.parametrize(
    "stage, status, note",
    [
        (
            "appeal",
            ImmigrationStatus.IN_PROCEEDINGS,
            "The person's status now reads “In removal proceedings”",
        ),
        (
            "reopened",
            ImmigrationStatus.IN_PROCEEDINGS,
            "The person's status now reads “In removal proceedings”",
        ),
        (
            "terminated",
            None,
            "The person's status said “Final order of removal”, which no longer holds with the removal case at "
            "“Proceedings terminated”: choose their status now on the person record.",
        ),
    ],
)
def test_moving_the_removal_case_on_moves_a_final_order_status(
    login_as, make_person, db, stage, status, note
):
    person = make_person(immigration_status="final_order")
    removal = db.add(
        RemovalCase(person_id=person.id, stage=RemovalStage.FINAL_ORDER, order_date=date(2020, 3, 2))
    )
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/removal", _removal_form(removal.version, stage=stage, order_date="2020-03-02")
    )
    assert response.status_code == 302
    assert db.get(Person, person.id).immigration_status == status
    assert shows(staff.get(f"/people/{person.id}"), note)


def test_other_statuses_are_the_teams_to_choose(login_as, make_person, db):
    person = make_person(immigration_status="refugee")
    response = login_as("staff").post(f"/people/{person.id}/removal", _removal_form(0, stage="hearings"))
    assert response.status_code == 302
    assert db.get(Person, person.id).immigration_status == ImmigrationStatus.REFUGEE


# ---------------------------------------------------------------- existing rows: migration 0009


def _migration():
    path = Path(__file__).resolve().parent.parent / "migrations" / "versions" / "0009_final_order_one_fact.py"
    spec = importlib.util.spec_from_file_location("migration_0009", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def test_the_migration_opens_the_missing_removal_cases_so_detained_people_get_their_clock(
    app, login_as, make_person, db
):
    since = TODAY - timedelta(days=400)
    detained = [
        make_person(
            legal_name=f"Detained {i}",
            immigration_status="final_order",
            custody_status="detained",
            custody_since=since,
        )
        for i in range(3)
    ]
    for person in detained:
        db.add(CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=since))
    hearings = make_person(legal_name="Hearings", immigration_status="order_of_supervision")
    db.add(RemovalCase(person_id=hearings.id, stage=RemovalStage.HEARINGS, notes="Old note"))
    ordered = make_person(legal_name="Ordered", immigration_status="lpr")
    db.add(RemovalCase(person_id=ordered.id, stage=RemovalStage.FINAL_ORDER, order_date=date(2010, 1, 1)))
    terminated = make_person(legal_name="Terminated", immigration_status="final_order")
    db.add(RemovalCase(person_id=terminated.id, stage=RemovalStage.TERMINATED))
    agreeing = make_person(legal_name="Agreeing", immigration_status="refugee")

    from casework.extensions import db as sqla

    with app.app_context(), sqla.engine.begin() as conn:
        _migration()._bring_together(conn)

    for person in detained:
        removal = _removal(db, person)
        assert removal.stage == RemovalStage.FINAL_ORDER and removal.order_date is None
        assert "type the date of the order" in removal.notes
    moved = _removal(db, hearings)
    assert moved.stage == RemovalStage.FINAL_ORDER and moved.notes.startswith(
        "Old note\n\nStage was “Hearings"
    )
    assert db.get(Person, ordered.id).immigration_status == ImmigrationStatus.FINAL_ORDER
    assert db.get(Person, terminated.id).immigration_status is None
    assert db.get(Person, agreeing.id).immigration_status == ImmigrationStatus.REFUGEE and not _removal(
        db, agreeing
    )
    assert db.count(AuditEvent, AuditEvent.detail == "migration 0009") == 3 + 1 + 1 + 1

    staff = login_as("staff")
    html = text_of(staff.get(f"/people/{detained[0].id}"))
    assert "<strong>Day 400</strong> of custody after the final order" in html
    assert (
        f"counted from the detention of {since.isoformat()} (the date of the final order is not recorded"
        in html
    )
    assert "final order, date not recorded: edit the removal case to type it" in html
    assert f"<strong>Past day 180 since {(since + timedelta(days=180)).isoformat()}</strong>" in html
    dashboard = text_of(staff.get("/dashboard"))
    assert dashboard.count("Day 400 after the final order") == 3

"""The steps of an application, the volunteer's log: done, reopened, notes, reassigned, added, edited."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, ReliefApplication, ReliefEvent, ReliefStep
from tests.conftest import TODAY, shows, text_of

TOMORROW = (TODAY + timedelta(days=1)).isoformat()


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer", name="Sokha Lim")


@pytest.fixture
def person(make_person, volunteer):
    return make_person(legal_name="Bora Chhun", assigned=[volunteer])


@pytest.fixture
def application(db, person):
    application = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="parole_board_pardon",
            jurisdiction="MA",
            opened_on=TODAY - timedelta(days=90),
        )
    )
    for position, (title, due) in enumerate(
        [("Gather records", -60), ("Collect letters", -5), ("Draft the petition", 10)], start=1
    ):
        db.add(
            ReliefStep(
                application_id=application.id,
                position=position,
                title=title,
                due_on=TODAY + timedelta(days=due),
            )
        )
    return application


@pytest.fixture
def helper(login_as, volunteer):
    """The volunteer assigned to the case, signed in."""
    return login_as(volunteer)


def step(db, application, position):
    return db.scalar(
        sa.select(ReliefStep).where(
            ReliefStep.application_id == application.id, ReliefStep.position == position
        )
    )


def url(person, application, s, action):
    return f"/people/{person.id}/relief/{application.id}/steps/{s.id}/{action}"


def fields(s, **values):
    """Form data of a step's forms on the application page (each step's fields carry its prefix)."""
    return {f"step-{s.id}-{k}": v for k, v in values.items()}


def summaries(db, application):
    return [
        e.summary
        for e in db.scalars(
            sa.select(ReliefEvent)
            .where(ReliefEvent.application_id == application.id)
            .order_by(ReliefEvent.id)
        )
    ]


def audit_rows(db, action):
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action).order_by(AuditEvent.id))


def test_the_page_is_a_checklist_with_overdue_steps_marked(helper, db, person, application):
    page = text_of(helper.get(f"/people/{person.id}/relief/{application.id}"))
    assert "Bora Chhun" in page and "Pardon through the parole board" in page and "Massachusetts" in page
    first, second, third = (step(db, application, n) for n in (1, 2, 3))
    assert f'id="step-{first.id}" class="relief-step is-overdue"' in page
    assert f'id="step-{second.id}" class="relief-step is-overdue"' in page
    assert f'id="step-{third.id}" class="relief-step"' in page
    assert page.count("· overdue") == 2
    # "done on" is today by default
    assert f'name="step-{first.id}-done_on" type="date" value="{TODAY.isoformat()}"' in page


def test_volunteer_marks_a_step_done(helper, db, person, application, volunteer):
    s = step(db, application, 3)
    response = helper.post(url(person, application, s, "done"), fields(s, done_on="", version=s.version))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{person.id}/relief/{application.id}#step-{s.id}"
    assert step(db, application, 3).done_on == TODAY
    (event,) = db.scalars(sa.select(ReliefEvent))
    assert event.summary == "Step 3 marked done" and event.kind == "step_done"
    assert event.step_id == s.id and event.actor_id == volunteer.id
    (audit,) = audit_rows(db, "relief.step_done")
    assert audit.field_list == ["done_on"] and audit.person_id == person.id and audit.object_id == s.id
    page = text_of(helper.get(f"/people/{person.id}/relief/{application.id}"))
    assert f'id="step-{s.id}" class="relief-step is-done"' in page and f"Done {TODAY.isoformat()}" in page


def test_done_on_another_day(helper, db, person, application):
    s = step(db, application, 1)
    day = (TODAY - timedelta(days=20)).isoformat()
    helper.post(url(person, application, s, "done"), fields(s, done_on=day, version=s.version))
    assert step(db, application, 1).done_on.isoformat() == day


@pytest.mark.parametrize(
    "value, message",
    [
        (TOMORROW, "The date it was done cannot be in the future; type a date on or before today."),
        ("yesterday", "Type the date as YYYY-MM-DD, for example 2009-04-30."),
    ],
)
def test_done_on_validation(helper, db, person, application, value, message):
    s = step(db, application, 1)
    response = helper.post(url(person, application, s, "done"), fields(s, done_on=value, version=s.version))
    assert response.status_code == 200 and shows(response, message)
    assert shows(response, "Step 1 was not changed: correct the field marked below.")
    assert f'value="{value}"' in text_of(response)  # what was typed is kept
    assert step(db, application, 1).done_on is None and db.count(ReliefEvent) == 0


def test_reopen_and_done_twice(helper, db, person, application):
    s = step(db, application, 1)
    helper.post(url(person, application, s, "done"), fields(s, version=s.version))
    s = step(db, application, 1)
    again = helper.post(
        url(person, application, s, "done"), fields(s, version=s.version), follow_redirects=True
    )
    assert shows(again, f"Step 1 is already marked done (on {TODAY.isoformat()}).")
    assert helper.post(url(person, application, s, "reopen"), fields(s, version=s.version)).status_code == 302
    assert step(db, application, 1).done_on is None
    assert summaries(db, application) == ["Step 1 marked done", "Step 1 reopened"]
    assert [a.field_list for a in audit_rows(db, "relief.step_reopened")] == [["done_on"]]


def test_a_step_changed_meanwhile_is_not_overwritten(helper, login_as, db, person, application):
    s = step(db, application, 2)
    staff = login_as("staff")
    staff.post(url(person, application, s, "done"), fields(s, done_on="2000-01-01", version=s.version))
    response = helper.post(url(person, application, s, "done"), fields(s, done_on="", version=s.version))
    assert response.status_code == 200
    assert shows(response, "Someone else changed step 2 while you were working on it. Nothing was saved")
    assert step(db, application, 2).done_on == date(2000, 1, 1)
    assert summaries(db, application) == ["Step 2 marked done"]


def test_notes_are_appended_with_date_and_author(helper, login_as, db, person, application):
    s = step(db, application, 3)
    assert (
        helper.post(
            url(person, application, s, "note"),
            fields(s, note="Called the clerk's office; records ready Friday."),
        ).status_code
        == 302
    )
    staff = login_as("staff", name="Ravi Okafor")
    staff.post(url(person, application, s, "note"), fields(s, note="  Picked them up.  "))
    assert step(db, application, 3).notes == (
        f"{TODAY.isoformat()} Sokha Lim: Called the clerk's office; records "
        f"ready Friday.\n{TODAY.isoformat()} Ravi Okafor: Picked them up."
    )
    assert summaries(db, application) == ["Note added to step 3", "Note added to step 3"]
    audits = audit_rows(db, "relief.step_noted")
    assert [a.field_list for a in audits] == [["notes"], ["notes"]]
    assert not any("clerk" in (a.detail or "") + (a.fields or "") for a in audits)


@pytest.mark.parametrize(
    "note, message",
    [
        ("", "Type the note to add, for example who you called and what they said."),
        ("x" * 2001, "Keep a note under 2,000 characters."),
    ],
)
def test_note_validation(helper, db, person, application, note, message):
    s = step(db, application, 3)
    response = helper.post(url(person, application, s, "note"), fields(s, note=note))
    assert response.status_code == 200 and shows(response, message)
    # the form stays open with its error
    assert '<details class="relief-step-work" open>' in text_of(response)
    assert step(db, application, 3).notes is None and db.count(ReliefEvent) == 0


def test_reassign_a_step(helper, make_user, db, person, application):
    grace = make_user("volunteer", name="Grace Ellison")
    s = step(db, application, 2)
    assert (
        helper.post(
            url(person, application, s, "assign"), fields(s, assignee_id=str(grace.id), version=s.version)
        ).status_code
        == 302
    )
    assert step(db, application, 2).assignee_id == grace.id
    s = step(db, application, 2)
    same = helper.post(
        url(person, application, s, "assign"),
        fields(s, assignee_id=str(grace.id), version=s.version),
        follow_redirects=True,
    )
    assert shows(same, "Nothing was changed.")
    helper.post(url(person, application, s, "assign"), fields(s, assignee_id="", version=s.version))
    assert step(db, application, 2).assignee_id is None
    assert summaries(db, application) == ["Step 2 reassigned to Grace Ellison", "Step 2 unassigned"]
    assert [a.field_list for a in audit_rows(db, "relief.step_assigned")] == [
        ["assignee_id"],
        ["assignee_id"],
    ]


def test_reassign_only_to_active_users_of_the_case_organization(
    helper, make_user, make_org, db, person, application
):
    outsider = make_user("staff", org=make_org("Elsewhere Legal"))
    gone = make_user("volunteer", active=False)
    s = step(db, application, 2)
    for candidate in (outsider, gone):
        response = helper.post(
            url(person, application, s, "assign"), fields(s, assignee_id=str(candidate.id), version=s.version)
        )
        assert response.status_code == 200 and shows(response, "Choose one of the options in the list.")
    assert step(db, application, 2).assignee_id is None and db.count(ReliefEvent) == 0


def test_add_a_step(helper, db, person, application):
    due = (TODAY + timedelta(days=30)).isoformat()
    response = helper.post(
        f"/people/{person.id}/relief/{application.id}/steps",
        {"title": "Ask the pastor for a support letter", "due_on": due},
    )
    new = step(db, application, 4)
    assert response.headers["Location"].endswith(f"#step-{new.id}")
    assert new.title == "Ask the pastor for a support letter" and new.due_on.isoformat() == due
    assert summaries(db, application) == ["Step 4 added: Ask the pastor for a support letter"]
    (audit,) = audit_rows(db, "relief.step_added")
    assert set(audit.field_list) == {"title", "due_on"} and audit.object_id == new.id


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"title": "", "due_on": ""},
            "Type what has to be done, for example “Ask the District Attorney for a letter”.",
        ),
        ({"title": "x" * 301, "due_on": ""}, "Keep the step under 300 characters."),
        ({"title": "Call", "due_on": "next week"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
    ],
)
def test_add_step_validation(helper, db, person, application, data, message):
    response = helper.post(f"/people/{person.id}/relief/{application.id}/steps", data)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(ReliefStep) == 3


def test_edit_a_step_and_its_conflict(helper, login_as, db, person, application):
    s = step(db, application, 3)
    edit_url = url(person, application, s, "edit")
    assert helper.get(edit_url).status_code == 200
    staff = login_as("staff")
    assert (
        staff.post(
            edit_url, {"title": "Draft the petition", "due_on": "2031-01-01", "version": str(s.version)}
        ).status_code
        == 302
    )
    response = helper.post(
        edit_url,
        {
            "title": "Draft the petition and statement",
            "due_on": s.due_on.isoformat(),
            "version": str(s.version),
        },
    )
    html = text_of(response)
    assert response.status_code == 200 and "Someone else changed this step while you were editing" in html
    assert 'value="Draft the petition and statement"' in html
    assert "Saved by someone else meanwhile: <strong>2031-01-01</strong>" in html
    saved = step(db, application, 3)
    assert saved.title == "Draft the petition" and saved.due_on == date(2031, 1, 1)
    assert (
        helper.post(
            edit_url,
            {
                "title": "Draft the petition and statement",
                "due_on": "2031-01-01",
                "version": str(saved.version),
            },
        ).status_code
        == 302
    )
    assert step(db, application, 3).title == "Draft the petition and statement"
    assert summaries(db, application) == ["Step 3 changed: due date", "Step 3 changed: title"]
    assert [a.field_list for a in audit_rows(db, "relief.step_updated")] == [["due_on"], ["title"]]


def test_edit_step_validation(helper, db, person, application):
    s = step(db, application, 3)
    response = helper.post(
        url(person, application, s, "edit"), {"title": "", "due_on": "31.12.2030", "version": str(s.version)}
    )
    assert shows(response, "Type what has to be done") and shows(response, "Type the date as YYYY-MM-DD")
    assert step(db, application, 3).title == "Draft the petition"


def test_steps_of_another_application_or_case_are_not_found(
    helper, login_as, make_person, db, person, application
):
    other_app = db.add(ReliefApplication(person_id=person.id, kind="commutation", jurisdiction="MA"))
    elsewhere = db.add(ReliefStep(application_id=other_app.id, position=1, title="Elsewhere"))
    mine = step(db, application, 1)
    assert (
        helper.post(url(person, application, elsewhere, "done"), fields(elsewhere, version=1)).status_code
        == 404
    )
    assert helper.get(url(person, application, elsewhere, "edit")).status_code == 404
    other_person = make_person()
    staff = login_as("staff")
    assert (
        staff.post(
            f"/people/{other_person.id}/relief/{application.id}/steps/{mine.id}/done",
            fields(mine, version=mine.version),
        ).status_code
        == 404
    )
    assert db.count(ReliefEvent) == 0


def test_walls_around_step_actions(login_as, make_user, make_org, share_case, db, person, application):
    s = step(db, application, 1)
    outsider = login_as("volunteer")  # same organization, not assigned
    assert outsider.post(url(person, application, s, "done"), fields(s, version=s.version)).status_code == 404
    assert outsider.post(url(person, application, s, "note"), fields(s, note="x")).status_code == 404
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    viewer = login_as(partner)
    for action, data in (
        ("done", fields(s, version=s.version)),
        ("reopen", fields(s, version=s.version)),
        ("note", fields(s, note="x")),
        ("assign", fields(s, assignee_id="", version=s.version)),
    ):
        assert viewer.post(url(person, application, s, action), data).status_code == 403
    assert (
        viewer.post(f"/people/{person.id}/relief/{application.id}/steps", {"title": "x"}).status_code == 403
    )
    assert viewer.get(url(person, application, s, "edit")).status_code == 403
    assert db.count(ReliefEvent) == 0 and step(db, application, 1).done_on is None

"""Tasks on a case: add, edit, done and reopen, delete; assignee rules; overdue marking; the glance."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Task
from tests.conftest import TODAY, shows, text_of


def _form(**changes):
    data = {
        "title": "Ask the DA's office for the plea transcript",
        "due_on": "2030-06-01",
        "assignee_id": "",
        "notes": "",
        "version": "0",
    }
    data.update(changes)
    return data


def test_add_a_task_with_an_assignee(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer", name="Grace Ellison")
    person = make_person(assigned=[volunteer])
    staff = login_as("staff")
    page = text_of(staff.get(f"/people/{person.id}/tasks/new"))
    assert "Grace Ellison (Volunteer)" in page and "Nobody yet" in page
    response = staff.post(
        f"/people/{person.id}/tasks/new", _form(assignee_id=str(volunteer.id), notes="Call first")
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#tasks"
    task = db.scalar(sa.select(Task))
    assert (task.person_id, task.assignee_id, task.due_on, task.created_by_id) == (
        person.id,
        volunteer.id,
        date(2030, 6, 1),
        staff.user.id,
    )
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "task.created"))
    assert event.person_id == person.id and set(event.field_list) == {
        "title",
        "due_on",
        "assignee_id",
        "notes",
    }
    assert not any(
        isinstance(v, str) and "transcript" in v
        for v in (getattr(event, c.key) for c in sa.inspect(AuditEvent).columns)
    )
    case_page = text_of(staff.get(f"/people/{person.id}"))
    assert "Ask the DA&#39;s office for the plea transcript" in case_page and "Grace Ellison" in case_page


def test_a_task_without_due_date_or_assignee(login_as, make_person, db):
    person = make_person()
    assert login_as("staff").post(f"/people/{person.id}/tasks/new", _form(due_on="")).status_code == 302
    task = db.scalar(sa.select(Task))
    assert task.due_on is None and task.assignee_id is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "Type what needs doing, for example “Ask the DA's office for the plea transcript”."),
        ({"title": "t" * 301}, "Keep the task under 300 characters; put the details in the notes."),
        ({"due_on": "01/06/2030"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ({"due_on": "1202-06-01"}, "Check the year: type a due date between 2000-01-01 and 2099-12-31."),
        ({"assignee_id": "abc"}, "Choose someone from the list, or “Nobody yet”."),
        ({"assignee_id": "999999"}, "Choose someone from the list, or “Nobody yet”."),
        ({"notes": "n" * 8001}, "Keep the notes under 8,000 characters."),
        ({"title": "Call\x0bthe clerk"}, "Remove the invisible control characters from this text"),
    ],
)
def test_validation(login_as, make_person, db, changes, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/tasks/new", _form(**changes))
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Task) == 0


def test_assignee_must_be_an_active_user_of_the_cases_organization(
    login_as, make_user, make_org, make_person, db
):
    outsider = make_user("staff", org=make_org("Partner Firm LLP"), name="Outside Person")
    gone = make_user("staff", name="Former Staff", active=False)
    person = make_person()
    staff = login_as("staff")
    page = text_of(staff.get(f"/people/{person.id}/tasks/new"))
    assert "Outside Person" not in page and "Former Staff" not in page
    for user in (outsider, gone):
        response = staff.post(f"/people/{person.id}/tasks/new", _form(assignee_id=str(user.id)))
        assert response.status_code == 200 and shows(
            response, "Choose someone from the list, or “Nobody yet”."
        )
    assert db.count(Task) == 0


def test_a_deactivated_assignee_may_stay_but_not_be_newly_chosen(login_as, make_user, make_person, db):
    gone = make_user("volunteer", name="Former Volunteer", active=False)
    other_gone = make_user("volunteer", name="Another Former", active=False)
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Old task", assignee_id=gone.id))
    staff = login_as("staff")
    url = f"/people/{person.id}/tasks/{task.id}/edit"
    assert "Former Volunteer (Volunteer) — deactivated" in text_of(staff.get(url))
    kept = staff.post(url, _form(title="Old task, renamed", assignee_id=str(gone.id), due_on="", version="1"))
    assert kept.status_code == 302 and db.get(Task, task.id).assignee_id == gone.id
    refused = staff.post(url, _form(assignee_id=str(other_gone.id), version="2"))
    assert shows(refused, "Choose someone from the list, or “Nobody yet”.")
    assert db.get(Task, task.id).assignee_id == gone.id


def test_edit_and_audit(login_as, make_person, db):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Draft the pardon petition", due_on=date(2030, 1, 1)))
    staff = login_as("staff")
    url = f"/people/{person.id}/tasks/{task.id}/edit"
    assert shows(staff.get(url), "Draft the pardon petition")
    response = staff.post(url, _form(title="Draft the pardon petition", due_on="2030-02-01", version="1"))
    assert response.status_code == 302
    assert db.get(Task, task.id).due_on == date(2030, 2, 1)
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "task.updated"))
    assert event.field_list == ["due_on"]


def test_edit_conflict(login_as, make_person, db):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Collect support letters"))
    url = f"/people/{person.id}/tasks/{task.id}/edit"
    alice, bob = login_as("staff"), login_as("staff")
    assert (
        alice.post(url, _form(title="Collect 20 support letters", due_on="", version="1")).status_code == 302
    )
    response = bob.post(url, _form(title="Collect letters from the temple", due_on="2030-03-03", version="1"))
    html = text_of(response)
    assert response.status_code == 200 and "Someone else saved this task while you were editing" in html
    assert 'value="Collect letters from the temple"' in html and 'value="2030-03-03"' in html
    assert "Saved by someone else meanwhile: <strong>Collect 20 support letters</strong>" in html
    saved = db.get(Task, task.id)
    assert saved.title == "Collect 20 support letters" and saved.due_on is None


def test_done_and_reopen(login_as, make_person, db):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="File the FOIA request"))
    staff = login_as("staff")
    base = f"/people/{person.id}/tasks/{task.id}"
    response = staff.post(f"{base}/done")
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#tasks"
    assert db.get(Task, task.id).done_on == TODAY
    page = text_of(staff.get(f"/people/{person.id}"))
    assert f"done {TODAY.isoformat()}" in page and "Done: File the FOIA request" in page  # list and timeline
    again = staff.post(f"{base}/done")
    assert again.status_code == 302 and db.get(Task, task.id).done_on == TODAY
    assert shows(staff.get(f"/people/{person.id}"), "This task is already done.")
    assert staff.post(f"{base}/reopen").status_code == 302
    assert db.get(Task, task.id).done_on is None
    actions = db.scalars(
        sa.select(AuditEvent.action).where(AuditEvent.action.like("task.%")).order_by(AuditEvent.id)
    )
    assert actions == ["task.done", "task.reopened"]


def test_done_and_reopen_need_the_csrf_token(login_as, make_person, db):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="File the FOIA request"))
    response = login_as("staff").post(f"/people/{person.id}/tasks/{task.id}/done", csrf=False)
    assert response.status_code == 400
    assert db.get(Task, task.id).done_on is None


def test_delete_with_confirmation(login_as, make_person, db):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Obsolete task"))
    staff = login_as("staff")
    url = f"/people/{person.id}/tasks/{task.id}/delete"
    assert shows(staff.get(url), "Delete the task “Obsolete task”?")
    assert db.count(Task) == 1
    assert staff.post(url).status_code == 302
    assert db.count(Task) == 0
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "task.deleted"))
    assert event.object_id == task.id and event.person_id == person.id


def test_open_tasks_first_overdue_marked_then_done(login_as, make_person, db):
    person = make_person()
    db.add(Task(person_id=person.id, title="Undated task"))
    db.add(Task(person_id=person.id, title="Later task", due_on=TODAY + timedelta(days=30)))
    db.add(Task(person_id=person.id, title="Late task", due_on=TODAY - timedelta(days=3)))
    db.add(
        Task(
            person_id=person.id,
            title="Finished task",
            due_on=TODAY - timedelta(days=10),
            done_on=TODAY - timedelta(days=9),
        )
    )
    page = text_of(login_as("staff").get(f"/people/{person.id}"))
    positions = [page.index(t) for t in ("Late task", "Later task", "Undated task", "Finished task")]
    assert positions == sorted(positions)
    late = page[page.index("Late task") : page.index("Later task")]
    assert "overdue · was due " + (TODAY - timedelta(days=3)).isoformat() in late
    assert 'class="task task-overdue"' in page
    finished = page[page.index("Finished task") - 300 : page.index("Finished task") + 400]
    assert "overdue" not in finished  # a done task is never overdue
    assert 'Tasks <span class="muted small">(3 open)</span>' in page


def test_glance_shows_the_next_task_due(login_as, make_person, db):
    person = make_person()
    db.add(Task(person_id=person.id, title="Later", due_on=date(2099, 12, 1)))
    db.add(Task(person_id=person.id, title="Sooner", due_on=date(2098, 12, 1)))
    db.add(Task(person_id=person.id, title="Done one", due_on=date(2020, 1, 1), done_on=date(2020, 1, 1)))
    page = text_of(login_as("staff").get(f"/people/{person.id}"))
    assert '<span class="muted small">Next task due</span> 2098-12-01' in page


def test_glance_warns_of_an_overdue_task(login_as, make_person, db):
    person = make_person()
    due = TODAY - timedelta(days=2)
    db.add(Task(person_id=person.id, title="Late", due_on=due))
    page = text_of(login_as("staff").get(f"/people/{person.id}"))
    assert f'glance-alert"><span class="muted small">Next task due</span> {due.isoformat()} (overdue)' in page


def test_no_glance_without_a_dated_open_task(login_as, make_person, db):
    person = make_person()
    db.add(Task(person_id=person.id, title="Undated"))
    assert "Next task due" not in text_of(login_as("staff").get(f"/people/{person.id}"))


def test_assigned_volunteer_manages_tasks_partner_with_view_share_does_not(
    login_as, make_user, make_person, make_org, share_case, db
):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    task = db.add(Task(person_id=person.id, title="Shared task"))
    vb = login_as(volunteer)
    assert vb.post(f"/people/{person.id}/tasks/new", _form()).status_code == 302
    assert vb.post(f"/people/{person.id}/tasks/{task.id}/done").status_code == 302
    partner = login_as("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner.user, level="view")
    page = text_of(partner.get(f"/people/{person.id}"))
    assert "Shared task" in page and "Mark done" not in page and "Add a task" not in page
    base = f"/people/{person.id}/tasks/{task.id}"
    assert partner.post(f"/people/{person.id}/tasks/new", _form()).status_code == 403
    for url in (f"{base}/edit", f"{base}/delete"):
        assert partner.get(url).status_code == 403
    for url in (f"{base}/reopen", f"{base}/delete"):
        assert partner.post(url).status_code == 403
    assert db.count(Task) == 2 and db.get(Task, task.id).done_on == TODAY


def test_unassigned_volunteer_and_other_organizations_get_404(login_as, make_org, make_person, db):
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Private"))
    for b in (login_as("volunteer"), login_as("admin", org=make_org("Elsewhere"))):
        assert b.get(f"/people/{person.id}/tasks/new").status_code == 404
        assert b.get(f"/people/{person.id}/tasks/{task.id}/edit").status_code == 404
        assert b.post(f"/people/{person.id}/tasks/{task.id}/done").status_code == 404
    assert db.get(Task, task.id).done_on is None


def test_a_task_of_another_case_is_404(login_as, make_person, db):
    person, other = make_person(), make_person()
    task = db.add(Task(person_id=other.id, title="Elsewhere"))
    staff = login_as("staff")
    assert staff.get(f"/people/{person.id}/tasks/{task.id}/edit").status_code == 404
    assert staff.post(f"/people/{person.id}/tasks/{task.id}/done").status_code == 404
    assert staff.post(f"/people/{person.id}/tasks/{task.id}/delete").status_code == 404
    assert db.count(Task) == 1 and db.get(Task, task.id).done_on is None

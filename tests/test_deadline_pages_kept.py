"""What's due and the dashboard are kept whole for staff and admins until a write changes them, and every change
they show shows at once, whichever way it was written (the application's models or plain SQL, as purge and
imports write): check-ins, hearings and orders, relief applications and their steps, tasks, travel documents,
people, teams and names; another organization's writes leave them kept."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.extensions import db as real_db
from casework.models import (
    CaseAssignment,
    CheckIn,
    Person,
    ReliefApplication,
    ReliefStep,
    RemovalCase,
    Task,
    TravelDocument,
)
from tests.conftest import TODAY, statements_sent, templates_made

DUE = "/due?window=all"


def days(n: int) -> date:
    return TODAY + timedelta(days=n)


def html(browser, path: str) -> str:
    response = browser.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def due(browser, path: str = DUE) -> str:
    """What's due's lists, without the filter form (whose options name every kind)."""
    return html(browser, path).split('id="overdue"')[1]


@pytest.fixture
def staff(login_as):
    return login_as("staff")


@pytest.fixture
def person(make_person):
    return make_person(legal_name="Sokha Lim")


def test_a_page_is_made_once_then_kept_in_one_statement(app, staff, person, db):
    db.add(Task(person_id=person.id, title="Call the consulate", due_on=days(-1)))
    for path, template in ((DUE, "deadlines/due.html"), ("/dashboard", "deadlines/dashboard.html")):
        with templates_made(app, template) as made:
            first = html(staff, path)
            with statements_sent(app) as sent:
                second = html(staff, path)
        assert len(made) == 1 and "Call the consulate" in second, path
        assert len(sent) == 1 and "people_list_stamp" in sent[0], (path, sent)
        assert first.count('name="csrf_token"') == second.count('name="csrf_token"') >= 1


@pytest.mark.parametrize("way", ["models", "sql"])
def test_every_kind_of_dated_row_shows_at_once(app, staff, person, db, way):
    assert "ICE check-in" not in due(staff)
    check_in = db.add(CheckIn(person_id=person.id, scheduled_on=days(3), office="Burlington ERO"))
    assert "ICE check-in at Burlington ERO" in due(staff)
    assert "Burlington ERO" in html(staff, "/dashboard")

    def update(model, row_id, **values):
        if way == "sql":
            db.execute(sa.update(model).where(model.id == row_id).values(**values))
            return
        with app.app_context():
            row = real_db.session.get(model, row_id)
            for name, value in values.items():
                setattr(row, name, value)
            real_db.session.commit()

    update(CheckIn, check_in.id, office="Lowell ERO")
    assert "ICE check-in at Lowell ERO" in due(staff)
    assert "Lowell ERO" in html(staff, "/dashboard")
    db.execute(sa.delete(CheckIn).where(CheckIn.id == check_in.id))
    assert "Lowell ERO" not in due(staff) and "Lowell ERO" not in html(staff, "/dashboard")

    removal = db.add(RemovalCase(person_id=person.id, stage="hearings", next_hearing_on=days(20)))
    assert "Immigration court hearing" in due(staff)
    update(RemovalCase, removal.id, next_hearing_on=None)
    assert "Immigration court hearing" not in due(staff)

    application = db.add(
        ReliefApplication(person_id=person.id, kind="governor_pardon", jurisdiction="MA", opened_on=days(-10))
    )
    step = db.add(
        ReliefStep(application_id=application.id, position=1, title="File the petition", due_on=days(5))
    )
    assert "File the petition" in due(staff)
    update(ReliefStep, step.id, title="File the pardon petition")
    assert "File the pardon petition" in due(staff)
    update(ReliefApplication, application.id, status="withdrawn")  # a closed application's steps are not due
    assert "File the pardon petition" not in due(staff)

    task = db.add(Task(person_id=person.id, title="Call the consulate", due_on=days(-1)))
    assert "Call the consulate" in due(staff) and "Call the consulate" in html(staff, "/dashboard")
    update(Task, task.id, done_on=TODAY)
    assert "Call the consulate" not in due(staff)
    assert "Call the consulate" not in html(staff, "/dashboard")

    document = db.add(
        TravelDocument(
            person_id=person.id,
            country="Cambodia",
            outcome="issued",
            decided_on=days(-20),
            expires_on=days(40),
        )
    )
    assert "Travel document from Cambodia expires" in due(staff)
    assert "Cambodia" in html(staff, "/dashboard")
    update(TravelDocument, document.id, country="Laos")
    assert "Travel document from Laos expires" in due(staff)
    db.execute(sa.delete(TravelDocument).where(TravelDocument.id == document.id))
    assert "Travel document from" not in due(staff)


def test_people_and_teams_show_at_once(staff, person, db):
    db.add(CheckIn(person_id=person.id, scheduled_on=days(3), office="Burlington ERO"))
    assert "Sokha Lim" in due(staff)
    db.execute(sa.update(Person).where(Person.id == person.id).values(legal_name="Sokha Lim Chea"))
    assert "Sokha Lim Chea" in due(staff)
    mine = "/due?window=all&mine=y"  # a check-in is the work of the person's team
    assert "Burlington ERO" not in due(staff, mine)
    db.add(CaseAssignment(person_id=person.id, user_id=staff.user.id))
    assert "Burlington ERO" in due(staff, mine)
    db.execute(sa.update(Person).where(Person.id == person.id).values(deleted_at=sa.func.now()))
    assert "Sokha Lim" not in due(staff) and "Sokha Lim" not in html(staff, "/dashboard")


def test_the_detained_show_at_once_on_the_dashboard(staff, person, db):
    assert "Sokha Lim" not in html(staff, "/dashboard")
    db.execute(
        sa.update(Person)
        .where(Person.id == person.id)
        .values(custody_status="detained", custody_since=days(-30))
    )
    assert "Sokha Lim" in html(staff, "/dashboard")


def test_another_organizations_writes_leave_the_pages_kept(app, staff, person, db, make_org, make_person):
    other = make_person(org=make_org(), legal_name="Vanna Keo")
    due(staff)
    html(staff, "/dashboard")
    db.add(Task(person_id=other.id, title="Their task", due_on=days(1)))
    db.add(CheckIn(person_id=other.id, scheduled_on=days(2), office="Elsewhere ERO"))
    with (
        templates_made(app, "deadlines/due.html") as due_made,
        templates_made(app, "deadlines/dashboard.html") as dashboard_made,
    ):
        assert "Their task" not in due(staff)
        assert "Elsewhere ERO" not in html(staff, "/dashboard")
    assert not due_made and not dashboard_made


def test_filters_are_kept_apart_and_errors_shown(staff, person, db):
    db.add(Task(person_id=person.id, title="Call the consulate", due_on=days(2)))
    db.add(CheckIn(person_id=person.id, scheduled_on=days(3), office="Burlington ERO"))
    only_tasks = due(staff, "/due?window=all&kind=task")
    assert "Call the consulate" in only_tasks and "Burlington ERO" not in only_tasks
    everything = due(staff)
    assert "Call the consulate" in everything and "Burlington ERO" in everything
    assert html(staff, "/due?window=nonsense") == html(staff, "/due?window=nonsense")


def test_each_session_gets_its_own_csrf_token_and_a_flash_is_shown(app, login_as, person, staff):
    other = login_as(staff.user)
    one, two = html(staff, "/dashboard"), html(other, "/dashboard")
    token = 'name="csrf_token" value="'
    assert one.split(token)[1].split('"')[0] != two.split(token)[1].split('"')[0]
    with staff.client.session_transaction() as session:
        session["_flashes"] = [("success", "Saved the check-in.")]
    assert "Saved the check-in." in html(staff, "/dashboard")
    assert "Saved the check-in." not in html(staff, "/dashboard")


def test_a_user_reached_by_shares_gets_pages_of_their_own(app, staff, db, make_org, make_person):
    theirs = make_person(org=make_org(), legal_name="Vanna Keo")
    db.add(Task(person_id=theirs.id, title="Their task", due_on=days(1)))
    assert "Their task" not in due(staff)
    from casework.models import CaseShare

    db.add(CaseShare(person_id=theirs.id, user_id=staff.user.id, level="view"))
    with templates_made(app, "deadlines/due.html") as made:
        assert "Their task" in due(staff)
        assert "Their task" in due(staff)
    assert len(made) == 2, "made afresh every time"


def test_nothing_is_kept_when_turned_off(app, staff, person, monkeypatch):
    monkeypatch.setitem(app.config, "DEADLINE_PAGES_KEPT", 0)
    with templates_made(app, "deadlines/dashboard.html") as made:
        html(staff, "/dashboard")
        html(staff, "/dashboard")
    assert len(made) == 2

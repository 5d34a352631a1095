"""Task operations on their own (no request): they flush, audit, never commit, and refuse what is wrong."""

from datetime import date

import pytest
import sqlalchemy as sa

from casework.errors import EditConflict, OperationError
from casework.models import AuditEvent, Person, Task, User
from tests.conftest import shows


def test_operations_flush_and_audit_but_do_not_commit(app, make_user, make_person):
    staff = make_user("staff")
    person = make_person()
    with app.test_request_context():
        from casework.extensions import db
        from casework.tasks import operations

        actor, case = db.session.get(User, staff.id), db.session.get(Person, person.id)
        task = operations.add_task(
            actor, case, {"title": "Call the clerk", "due_on": None, "assignee_id": None, "notes": None}
        )
        operations.mark_done(actor, case, task, on=date(2030, 1, 2))
        with pytest.raises(OperationError, match="already done"):
            operations.mark_done(actor, case, task)
        operations.reopen(actor, case, task)
        with pytest.raises(OperationError, match="already open"):
            operations.reopen(actor, case, task)
        actions = db.session.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)).all()
        assert actions == ["task.created", "task.done", "task.reopened"]
        db.session.rollback()  # nothing was committed: all of it goes
        assert db.session.scalar(sa.select(sa.func.count()).select_from(Task)) == 0


def test_assignee_from_another_organization_is_refused_by_the_operation(
    app, make_user, make_org, make_person
):
    outsider = make_user("staff", org=make_org("Elsewhere"))
    staff = make_user("staff")
    person = make_person()
    with app.test_request_context():
        from casework.extensions import db
        from casework.tasks import operations

        actor, case = db.session.get(User, staff.id), db.session.get(Person, person.id)
        with pytest.raises(OperationError, match="active member of the case's organization"):
            operations.add_task(
                actor, case, {"title": "x", "due_on": None, "assignee_id": outsider.id, "notes": None}
            )
        db.session.rollback()


def test_a_task_changed_by_someone_else_is_not_overwritten(app, make_user, make_person, db):
    staff = make_user("staff")
    person = make_person()
    task = db.add(Task(person_id=person.id, title="Original"))
    with app.test_request_context():
        from casework.extensions import db as sqla
        from casework.tasks import operations

        actor, case = sqla.session.get(User, staff.id), sqla.session.get(Person, person.id)
        mine = sqla.session.get(Task, task.id)
        db.execute(sa.update(Task).where(Task.id == task.id).values(title="Theirs", version=Task.version + 1))
        with pytest.raises(EditConflict):  # the mapper's version check, as the shared conflict error
            operations.mark_done(actor, case, mine)
        sqla.session.rollback()
    assert db.get(Task, task.id).done_on is None


def test_the_view_answers_a_stale_save_with_a_message(login_as, make_person, db, monkeypatch):
    from casework.tasks import operations

    def stale(*args, **kwargs):
        raise EditConflict(["done_on"])

    person = make_person()
    task = db.add(Task(person_id=person.id, title="Original"))
    monkeypatch.setattr(operations, "mark_done", stale)
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/tasks/{task.id}/done")
    assert response.status_code == 302
    assert shows(
        staff.get(f"/people/{person.id}"), "Someone else changed this task meanwhile; nothing was changed."
    )

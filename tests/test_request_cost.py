"""The fixed cost of a signed-in request: the session row and its user in one statement, on the one
connection the page then uses; what is read once per request is still read fresh on every request."""

from contextlib import contextmanager

import sqlalchemy as sa

from casework.extensions import db as real_db
from casework.models import User


@contextmanager
def counting(app):
    """Count the statements sent and the connections checked out of the pool meanwhile."""
    seen = {"statements": [], "checkouts": 0}
    with app.app_context():
        engine = real_db.engine

    def statement(conn, cursor, text, *args):
        seen["statements"].append(text)

    def checkout(*args):
        seen["checkouts"] += 1

    sa.event.listen(engine, "before_cursor_execute", statement)
    sa.event.listen(engine.pool, "checkout", checkout)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", statement)
        sa.event.remove(engine.pool, "checkout", checkout)


def test_a_signed_in_request_reads_session_and_user_in_one_statement(app, login_as):
    staff = login_as("staff")
    staff.get("/")
    with counting(app) as seen:
        assert staff.get("/").status_code == 302  # signed in: on to the dashboard
    assert seen["checkouts"] == 1
    assert len(seen["statements"]) == 1, seen["statements"]
    assert "web_session" in seen["statements"][0] and "user_account" in seen["statements"][0]


def test_the_people_list_uses_one_connection(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Dara Keo")
    staff.get("/people")
    with counting(app) as seen:
        assert staff.get("/people").status_code == 200
    assert seen["checkouts"] == 1
    assert not [s for s in seen["statements"] if s.lstrip().startswith("SELECT user_account")]


def test_the_user_is_read_fresh_on_every_request(app, login_as, db):
    """Nothing of the user outlives a request: a role changed or an account deactivated in the database
    (by another server, without ending the sessions) counts from the next request on."""
    staff = login_as("staff")
    assert staff.get("/admin/users").status_code == 403
    db.execute(sa.update(User).where(User.id == staff.user.id).values(role="admin"))
    assert staff.get("/admin/users").status_code == 200
    db.execute(sa.update(User).where(User.id == staff.user.id).values(active=False))
    response = staff.get("/people")
    assert response.status_code == 302 and "/login" in response.headers["Location"]

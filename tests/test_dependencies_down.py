"""Dependencies down degrade, never lose: Redis down (limits counted in-process, said once in the log),
the database unreachable (one 503 page, /healthz 503, one-line CLI errors)."""

from __future__ import annotations

import logging
import os
import subprocess
import sys

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.extensions import db as sqlalchemy_db
from casework.extensions import limiter
from casework.models import Signature
from tests.conftest import Browser, shows
from tests.test_petitions_hosted import make_published

DEAD_REDIS = "redis://127.0.0.1:1"  # nothing listens on port 1
UNREACHABLE = {
    "postgresql": "postgresql+psycopg://x@127.0.0.1:1/x",
    "sqlite": "sqlite:////nonexistent-casework-dir/missing/casework.sqlite",
}
MESSAGE = "The database is unreachable. Try again in a minute."


@pytest.fixture
def app_with_dead_redis(another_app):
    """The test database, with the rate limits stored in a Redis that does not answer."""
    return another_app({"RATELIMIT_STORAGE_URI": DEAD_REDIS, "LOGIN_RATE_LIMIT": "3 per minute"})


def _fallback_warnings(caplog) -> list[str]:
    """What the log says about the switch (ours, and Flask-Limiter's own wording, which must not add to it)."""
    return [r.getMessage() for r in caplog.records if "storage unreachable" in r.getMessage().lower()]


def test_with_redis_down_sign_in_works_and_is_still_limited(app_with_dead_redis, make_user, caplog):
    user = make_user("staff")
    caplog.set_level(logging.WARNING)
    browser = Browser(app_with_dead_redis.test_client())
    browser.login(user.email)
    assert browser.get("/people").status_code == 200
    # The in-process limits still count: the fourth attempt within the minute is refused.
    stranger = Browser(app_with_dead_redis.test_client())
    stranger.get("/login")
    answers = [
        stranger.post("/login", {"email": user.email, "password": "wrong"}).status_code for _ in range(3)
    ]
    assert 429 in answers and 500 not in answers
    assert len(_fallback_warnings(caplog)) == 1, "the switch to in-process limits is logged once"


def test_with_redis_down_a_signature_is_stored_and_answered(
    app_with_dead_redis, login_as, make_person, db, caplog
):
    make_published(login_as, make_person, db)
    caplog.set_level(logging.WARNING)
    client = app_with_dead_redis.test_client()
    response = client.post(
        "/p/let-sokha-stay/sign",
        data={"name": "Maya Thornbury", "email": "maya@example.org", "zip_code": "01852", "comment": ""},
        environ_base={"REMOTE_ADDR": "198.51.100.7"},
    )
    assert response.status_code == 303 and response.headers["Location"] == "/p/let-sokha-stay/thanks"
    assert shows(client.get("/p/let-sokha-stay/thanks"), "Check your e-mail")
    assert db.count(Signature) == 1 and db.scalar(sa.select(Signature)).state == "pending"
    assert len(_fallback_warnings(caplog)) == 1


def test_direct_counts_fall_back_too(app_with_dead_redis, caplog):
    """Code that counts through `limiter.limiter` (petition signing) switches as the decorators do."""
    from limits import parse

    caplog.set_level(logging.WARNING)
    with app_with_dead_redis.test_request_context():
        assert limiter.limiter.hit(parse("2 per minute"), "test", "one")
        assert limiter.limiter.hit(parse("2 per minute"), "test", "one")
        assert not limiter.limiter.hit(parse("2 per minute"), "test", "one")
    assert len(_fallback_warnings(caplog)) == 1


@pytest.fixture(params=sorted(UNREACHABLE))
def unreachable_app(request, tmp_path, monkeypatch, restore_limiter):
    """An app whose database (PostgreSQL on a closed port, SQLite in a missing folder) cannot be reached."""
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    return create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE[request.param], "SECRET_KEY": "x" * 32})


def test_database_unreachable_is_one_clear_503_page(unreachable_app, caplog):
    caplog.set_level(logging.WARNING)
    client = unreachable_app.test_client()
    for path in ("/login", "/people", "/p/some-petition", "/admin/users"):
        response = client.get(path)
        assert response.status_code == 503, path
        assert shows(response, MESSAGE) and response.headers["Retry-After"] == "60"
    client.set_cookie("casework_session", "a-token-from-before-the-outage")
    for response in (client.get("/people/1"), client.post("/login", data={"email": "a@example.org"})):
        assert response.status_code == 503 and shows(response, MESSAGE)
    assert client.get("/people.json", headers={"Accept": "application/json"}).json == {"error": MESSAGE}
    assert not [r for r in caplog.records if r.exc_info], "no traceback, only one line per request"
    assert all(
        "the database is unreachable" in r.getMessage() for r in caplog.records if r.name == "casework"
    )


def test_healthz_answers_503_with_or_without_a_session(unreachable_app):
    client = unreachable_app.test_client()
    assert client.get("/healthz").status_code == 503
    client.set_cookie("casework_session", "a-token-from-before-the-outage")
    response = client.get("/healthz")
    assert response.status_code == 503 and response.json == {"status": "degraded", "database": False}


def test_statement_errors_are_not_outages(app, db):
    """A statement that fails on a live connection keeps its own error: only connecting is an outage."""
    from casework.outage import DatabaseUnreachable

    with app.app_context():
        with pytest.raises(sa.exc.SQLAlchemyError) as raised:
            sqlalchemy_db.session.execute(sa.text("SELECT * FROM no_such_table"))
        sqlalchemy_db.session.rollback()
    assert not isinstance(raised.value, DatabaseUnreachable)


@pytest.mark.parametrize("kind", sorted(UNREACHABLE))
@pytest.mark.parametrize(
    "command", [["create-org", "Riverbend"], ["db", "upgrade"], ["petitions", "reconcile"]]
)
def test_cli_commands_print_one_line(tmp_path, kind, command):
    env = {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "CASEWORK_INSTANCE_PATH": str(tmp_path),
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_ENV": "test",
        "CASEWORK_SQLALCHEMY_DATABASE_URI": UNREACHABLE[kind],
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", *command],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        cwd=os.path.dirname(os.path.dirname(os.path.abspath(__file__))),
    )
    assert result.returncode == 1
    assert "Traceback" not in result.stderr
    errors = [line for line in result.stderr.splitlines() if line.startswith("Error:")]
    location = "127.0.0.1:1" if kind == "postgresql" else "/nonexistent-casework-dir/missing/casework.sqlite"
    assert errors == [errors[0]] and errors[0].startswith(
        f"Error: the database is unreachable ({location}): "
    )


@pytest.fixture
def lose_the_database(app):
    """lose_the_database() -> from now on, every new connection of the test app is refused (until the
    test ends)."""
    engines = []

    def refuse(dialect, connection_record, cargs, cparams):
        raise dialect.loaded_dbapi.OperationalError("connection refused (the server went away)")

    def lose():
        with app.app_context():
            engine = sqlalchemy_db.engine
        engine.dispose()
        sa.event.listen(engine, "do_connect", refuse)
        engines.append(engine)

    yield lose
    for engine in engines:
        sa.event.remove(engine, "do_connect", refuse)
        engine.dispose()


def test_the_database_going_away_mid_request(app, login_as, lose_the_database, monkeypatch, caplog):
    """The session (with its user) was read, then the database went away, the request's own connection
    with it: the page's first query fails, the page is the 503 page for an anonymous visitor (showing the
    signed-in user could query again), nothing retries."""
    from casework import sessions
    from casework.extensions import db

    staff = login_as("staff")
    real_open = sessions.DatabaseSessionInterface._open

    def open_then_lose(self, application, token, *rest):
        session = real_open(self, application, token, *rest)
        db.session.connection().connection.dbapi_connection.close()  # the server dropped it
        lose_the_database()
        return session

    monkeypatch.setattr(sessions.DatabaseSessionInterface, "_open", open_then_lose)
    caplog.set_level(logging.WARNING)
    response = staff.get("/people")
    assert response.status_code == 503 and shows(response, MESSAGE)
    assert staff.user.email not in response.get_data(as_text=True)
    assert "Set-Cookie" not in response.headers  # the session was left alone
    assert not [r for r in caplog.records if r.exc_info]
    assert len([r for r in caplog.records if "the database is unreachable" in r.getMessage()]) == 1

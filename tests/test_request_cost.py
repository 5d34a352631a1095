"""The fixed cost of a signed-in request: the session row and its user in one statement, on the one
connection the page then uses; what is read once per request is still read fresh on every request."""

from contextlib import contextmanager

import sqlalchemy as sa

from casework.extensions import db as real_db
from casework.models import User
from tests.conftest import TEST_DB


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


@contextmanager
def orm_sessions_made(monkeypatch):
    """Count the ORM sessions made meanwhile (one per request that needs one)."""
    from casework.extensions import RequestSession

    made = []
    original = RequestSession.__init__

    def counted(self, *args, **kwargs):
        made.append(self)
        original(self, *args, **kwargs)

    monkeypatch.setattr(RequestSession, "__init__", counted)
    yield made


def test_a_page_kept_whole_makes_no_orm_session_on_postgresql(app, login_as, make_person, monkeypatch):
    """A signed-in GET on PostgreSQL reads its session's row on a connection of the request; the people list,
    kept whole, needs nothing else, and makes no ORM session at all (nor pays its commit). On SQLite the row
    is read on the ORM session's connection. Either way: one connection, back in the pool at the end."""
    staff = login_as("staff")
    make_person(legal_name="Dara Keo")
    staff.get("/people")
    with counting(app) as seen, orm_sessions_made(monkeypatch) as made:
        response = staff.get("/people")
    assert response.status_code == 200 and b"Dara Keo" in response.data
    assert seen["checkouts"] == 1 and len(seen["statements"]) == 1
    assert len(made) == (0 if TEST_DB == "postgresql" else 1)
    with app.app_context():
        assert real_db.engine.pool.checkedout() == 0


def test_a_page_that_needs_the_orm_session_runs_it_on_the_requests_one_connection(
    app, login_as, make_person, db, monkeypatch
):
    """The case page loads the person with the ORM and writes its audit record: the ORM session is made on the
    connection the session's row was read on, holding the signed-in user from the start (no statement loads
    it again), and the audit record is committed."""
    from casework.models import AuditEvent

    staff = login_as("staff")
    person = make_person(legal_name="Sokha Lim")
    staff.get(f"/people/{person.id}")
    before = db.count(AuditEvent)
    with counting(app) as seen, orm_sessions_made(monkeypatch) as made:
        response = staff.get(f"/people/{person.id}")
    assert response.status_code == 200 and b"Sokha Lim" in response.data
    assert seen["checkouts"] == 1 and len(made) == 1
    loads_by_id = [s for s in seen["statements"] if "FROM user_account" in s and "pk_1" in s]
    assert not loads_by_id  # the user loader's `get` found the user held: no statement
    assert db.count(AuditEvent) == before + 1
    with app.app_context():
        assert real_db.engine.pool.checkedout() == 0


def test_a_get_that_ends_before_or_in_its_view_gives_its_connection_back(app, login_as, make_person, db):
    """A hook's refusal (before the view), a view's 404 and a missing page each end the request's
    connection: nothing is left checked out, and the next page works."""
    staff = login_as("staff")
    staff.get("/people")
    for path, status in (("/people?q=%01", 400), ("/people/999999999", 404), ("/no-such-page", 404)):
        assert staff.get(path).status_code == status
        with app.app_context():
            assert real_db.engine.pool.checkedout() == 0, path
    assert staff.get("/people").status_code == 200


def test_an_orm_session_made_after_the_row_holds_the_user_read_with_it(app, login_as):
    """Made after the session's row was read (on PostgreSQL, when a page first needs it), the request's ORM
    session holds the user and its organization from the start: a query that loads the user finds that same
    object, and what it loads again of it runs on the request's connection."""
    from flask import request

    from casework.unit_of_work import request_read_connection

    staff = login_as("staff")
    name = app.session_interface.get_cookie_name(app)
    cookie = f"{name}={staff.client.get_cookie(name).value}"
    with app.test_request_context("/people", headers={"Cookie": cookie}):
        opened = app.session_interface.open_session(app, request)
        user = opened.user_read_with_row
        connection = request_read_connection()
        if TEST_DB == "postgresql":
            assert connection is not None and not real_db.session.registry.has()
            assert sa.inspect(user).detached
        assert real_db.session.scalars(sa.select(User).where(User.id == user.id)).one() is user
        assert sa.inspect(user).persistent and sa.inspect(user.organization).persistent
        real_db.session.expire(user, ["name"])
        assert user.name == staff.user.name  # loaded again through the ORM session
        if connection is not None:
            assert real_db.session.connection() is connection


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


def test_messages_follow_a_forced_language_and_come_back(app):
    """The request's catalog is kept for the request, yet a block in another language gets that language's
    messages, in Python and in templates alike, and the request's own come back after it."""
    from flask import render_template_string

    from casework.i18n import force_locale, gettext

    with app.test_request_context("/people"):
        assert gettext("Sign") == "Sign"
        with force_locale("km"):
            assert gettext("Sign") == "ចុះហត្ថលេខា"
            assert render_template_string("{{ _('Sign') }}") == "ចុះហត្ថលេខា"
            with force_locale("en"):
                assert render_template_string("{{ _('Sign') }}") == "Sign"
            assert gettext("Sign") == "ចុះហត្ថលេខា"
        assert gettext("Sign") == render_template_string("{{ _('Sign') }}") == "Sign"
    with app.test_request_context("/p/any", query_string={"lang": "km"}):
        assert render_template_string("{{ _('Sign') }}") == "ចុះហត្ថលេខា"


def test_select_options_are_escaped_marked_and_kept_per_language(app):
    """Option markup is kept once made, yet each option is escaped, the chosen one marked, and a label
    translated lazily shows in the page's language."""
    from wtforms import SelectField

    from casework.forms import BaseForm, KeptOptionsSelect, options
    from casework.i18n import _l, force_locale

    class Pick(BaseForm):
        community = SelectField("Community", choices=[], validate_choice=False)

    with app.test_request_context("/people"):
        for chosen in ('"><script>', "Lao", '"><script>'):
            form = Pick(data={"community": chosen}, meta={"csrf": False})
            form.community.choices = options([("", _l("Sign")), ("Lao", "Lao"), ('"><script>', "<b>&</b>")])
            html = str(form.community())
            assert isinstance(form.community.widget, KeptOptionsSelect)
            assert "<script>" not in html and "<b>" not in html
            assert '<option value="&#34;&gt;&lt;script&gt;">' in html.replace("selected ", "")
            assert "&lt;b&gt;&amp;&lt;/b&gt;</option>" in html
            assert html.count("selected") == 1
            selected = '<option selected value="Lao">' if chosen == "Lao" else 'selected value="&#34;'
            assert selected in html
            with force_locale("km"):
                assert '<option value="">ចុះហត្ថលេខា</option>' in str(form.community())
            assert '<option value="">Sign</option>' in str(form.community())


def test_a_page_without_limits_skips_the_limiters_check_and_a_default_limit_still_counts(
    app, login_as, another_app, monkeypatch
):
    """With no limit set for every request (none is, by default), Flask-Limiter's check before the view is
    skipped: it would count nothing. A route's own limit still counts (its decorator checks it), and a default
    limit, once configured, is checked before every request again."""
    import flask_limiter

    checks = []
    library_check = flask_limiter.Limiter._check_request_limit

    def counted(self, callable_name=None, in_middleware=True):
        checks.append((callable_name, in_middleware))
        return library_check(self, callable_name, in_middleware)

    monkeypatch.setattr(flask_limiter.Limiter, "_check_request_limit", counted)
    staff = login_as("staff")
    checks.clear()
    assert staff.get("/people").status_code == 200
    assert checks == []

    limited = another_app({"RATELIMIT_DEFAULT": "2 per minute"}).test_client()
    assert [limited.get("/healthz").status_code for _ in range(3)] == [200, 200, 429]
    assert checks and all(in_middleware for _, in_middleware in checks)


def test_whether_a_hook_is_a_coroutine_is_asked_once_per_function_body(app, monkeypatch):
    """Flask asks, for every hook of every request, whether it is a coroutine: the answer is kept per code
    object, so a closure made for one request (an after_this_request hook) adds nothing to keep, and a plain
    function comes back as it is."""
    import inspect

    import casework.unit_of_work as unit_of_work

    asked: list[object] = []
    real = inspect.iscoroutinefunction
    monkeypatch.setattr(unit_of_work.inspect, "iscoroutinefunction", lambda f: asked.append(f) or real(f))

    def hook_for(n):
        def hook(response):
            return n

        return hook

    first, second = hook_for(1), hook_for(2)
    assert app.ensure_sync(first) is first and app.ensure_sync(second) is second
    assert app.ensure_sync(first) is first
    assert asked == [first]  # the second closure shares the first one's code: not asked again

    async def coroutine():
        return 1

    try:  # a coroutine is still wrapped (or refused, without Flask's async extra): never run as it is
        assert app.ensure_sync(coroutine) is not coroutine
    except RuntimeError as refused:
        assert "async" in str(refused)


def test_the_user_read_with_the_session_row_is_as_the_orm_loads_it(app, login_as, db):
    """The session's statement runs on the driver and its user (with the organization) is made by hand: it is
    the same object the ORM would load, persistent in the request's session, with nothing to flush, and an
    edit of it is written as any other."""
    from flask import request

    from casework.models import Organization

    staff = login_as("staff")
    name = app.session_interface.get_cookie_name(app)
    cookie = f"{name}={staff.client.get_cookie(name).value}"
    columns = [attr.key for attr in sa.inspect(User).column_attrs]
    with app.test_request_context("/people", headers={"Cookie": cookie}):
        opened = app.session_interface.open_session(app, request)
        user = opened.user_read_with_row
        # The request's ORM session holds it (a GET on PostgreSQL makes that session only when first used).
        assert real_db.session.get(User, staff.user.id) is user  # the user loader's get: no statement
        state = sa.inspect(user)
        assert state.persistent and not state.modified and not real_db.session.dirty
        assert "organization" in state.dict and isinstance(user.organization, Organization)
        read = {key: getattr(user, key) for key in columns}
        organization = {
            a.key: getattr(user.organization, a.key) for a in sa.inspect(Organization).column_attrs
        }
        user.name = "Renamed By Hand"
        real_db.session.commit()
    with app.app_context():
        loaded = real_db.session.get(User, staff.user.id)
        assert loaded.name == "Renamed By Hand"
        assert {
            key: getattr(loaded, key) for key in columns if key not in ("name", "version", "updated_at")
        } == {key: value for key, value in read.items() if key not in ("name", "version", "updated_at")}
        assert {
            a.key: getattr(loaded.organization, a.key) for a in sa.inspect(Organization).column_attrs
        } == (organization)


def test_an_unknown_or_userless_session_token_signs_no_one_in(app, browser):
    """A token no row holds reads nothing and opens an empty session (the outer joins find no user)."""
    from flask import request

    name = app.session_interface.get_cookie_name(app)
    with app.test_request_context("/people", headers={"Cookie": f"{name}=no-such-token"}):
        opened = app.session_interface.open_session(app, request)
        assert opened.user_read_with_row is None and not opened.signed_in

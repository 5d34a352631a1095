"""Fixtures: one database per run (SQLite or PostgreSQL), emptied after every test; factories; login."""

from __future__ import annotations

import gc
import os
import re
import secrets
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date

import pytest
import sqlalchemy as sa
from flask import template_rendered
from hypothesis import HealthCheck, settings

from casework import clock, create_app, shared_pages
from casework.extensions import db as _db
from casework.extensions import limiter
from casework.models import (
    Base,
    CaseAssignment,
    CaseShare,
    Document,
    Organization,
    Person,
    Role,
    ShareLevel,
    User,
)
from casework.petitions import crypto

# Property tests judge the code, not the machine: a busy CI host may generate examples slowly.
settings.register_profile("casework", deadline=None, suppress_health_check=[HealthCheck.too_slow])
settings.load_profile("casework")

PASSWORD = "correct horse battery staple"
TEST_DB = os.environ.get("CASEWORK_TEST_DB", "sqlite").lower()
POSTGRES_URL = os.environ.get(
    "CASEWORK_TEST_POSTGRES_URL", "postgresql+psycopg://postgres@127.0.0.1:5432/test"
)
IN_CI = os.environ.get("CI", "").lower() in ("1", "true", "yes")
# Apps made by tests (and servers they start) run without PUBLIC_BASE_URL, under the local default address.
os.environ.setdefault("CASEWORK_ENV", "test")


# The day of the whole run, read once: the application's clock is pinned to it (`_one_day_per_run`) and the
# tests take their dates from it, so that a run crossing midnight sees one day throughout. Servers and
# commands started as subprocesses (gunicorn, the CLI, PDF renderers) keep the real clock.
TODAY = date.today()


@pytest.fixture(scope="session", autouse=True)
def _shared_pages_in_the_run(tmp_path_factory) -> None:
    """Pages kept for a server's workers (casework.shared_pages) go to this run's own folder, not /dev/shm."""
    os.environ["CASEWORK_KEPT_PAGES_SHARED_DIR"] = str(tmp_path_factory.mktemp("kept") / "pages")


@pytest.fixture(scope="session", autouse=True)
def _one_day_per_run() -> Iterator[None]:
    """casework.clock.today() answers TODAY for the whole run (a test may pin another day inside it)."""
    with clock.pinned(TODAY):
        yield


def require_service(available: bool, reason: str) -> None:
    """Skip when a service or browser is missing, except under CI, where a missing one is a failure."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{reason} (CI=true: a missing service or browser fails the run)", pytrace=False)
    pytest.skip(reason)


@pytest.fixture(scope="session")
def database_url(tmp_path_factory):
    """A fresh database for this run: a SQLite file, or a PostgreSQL database created and dropped here."""
    if TEST_DB == "sqlite":
        yield "sqlite:///" + str(tmp_path_factory.mktemp("db") / "test.sqlite")
        return
    if TEST_DB != "postgresql":
        raise pytest.UsageError("CASEWORK_TEST_DB must be sqlite or postgresql")
    admin_engine = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    try:
        with admin_engine.connect() as conn:
            conn.execute(sa.text("SELECT 1"))
    except sa.exc.OperationalError as exc:
        admin_engine.dispose()
        require_service(False, f"PostgreSQL is not reachable at {POSTGRES_URL}: {exc.__class__.__name__}")
    name = f"casework_test_{uuid.uuid4().hex[:12]}"
    with admin_engine.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        # No wait for the disk at each commit: a lost test database is worth nothing (SQLite: synchronous=OFF).
        conn.execute(sa.text(f'ALTER DATABASE "{name}" SET synchronous_commit TO off'))
    url = sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    try:
        yield url
    finally:
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin_engine.dispose()


# What every application the tests make shares.
TEST_SETTINGS = {
    "TESTING": True,
    "ARGON2_TIME_COST": 1,  # cheap hashes keep the suite fast; production uses the library defaults
    "ARGON2_MEMORY_COST": 1024,
    "SQLITE_SYNCHRONOUS": "OFF",  # no fsync per test: a lost test database is worth nothing
    "PDF_START_AHEAD": False,  # no renderer waiting in every test process (tests/test_pdf_limits.py starts one)
}


@pytest.fixture(scope="session")
def app(database_url, tmp_path_factory):
    """The application, its schema built by the migrations (as in production)."""
    instance = tmp_path_factory.mktemp("instance")
    os.environ["CASEWORK_INSTANCE_PATH"] = str(instance)
    application = create_app(
        {
            **TEST_SETTINGS,
            "SECRET_KEY": secrets.token_hex(16),
            "SQLALCHEMY_DATABASE_URI": database_url,
            "LOGIN_RATE_LIMIT": "1000 per minute",  # test_login_is_rate_limited sets the real one
            "SERVER_NAME": None,
        }
    )
    from flask_migrate import upgrade

    with application.app_context():
        upgrade()
        # As on a first start: the signature key exists before any test stores data sealed with it (some tests
        # insert such rows directly, without sealing anything through the app).
        crypto.keys(application)
    yield application
    with application.app_context():
        _db.engine.dispose()


@pytest.fixture
def restore_limiter():
    """The limiter is one object for every app: put back the test app's (in-memory) storage afterwards, and the
    limits another app's settings gave it (its limit manager is changed in place)."""
    saved = dict(limiter.__dict__)
    manager = limiter.limit_manager
    saved_manager = dict(manager.__dict__)
    yield
    limiter.__dict__.clear()
    limiter.__dict__.update(saved)
    manager.__dict__.clear()
    manager.__dict__.update(saved_manager)


@pytest.fixture
def another_app(app, restore_limiter):
    """Makes another application on the test database, with `config` over the test settings (limits stored
    elsewhere, other rates); closes its connections and puts the limiter back afterwards."""
    made = []

    def make(config: dict):
        application = create_app(
            {
                **TEST_SETTINGS,
                "SECRET_KEY": app.config["SECRET_KEY"],
                "SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
                **config,
            }
        )
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.engine.dispose()  # its own pool of connections to the test database


@pytest.fixture
def documents_dir(app, tmp_path, monkeypatch):
    """A documents folder of the test's own (configured for the app while the test runs)."""
    folder = tmp_path / "documents"
    folder.mkdir()
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(folder))
    return folder


# Rows the migrations seed (built-in relief templates) survive the cleaning between tests.
SEEDED = {
    "relief_template_step": "DELETE FROM relief_template_step WHERE template_id IN "
    "(SELECT id FROM relief_template WHERE org_id IS NOT NULL)",
    "relief_template": "DELETE FROM relief_template WHERE org_id IS NOT NULL",
}


@pytest.fixture(autouse=True)
def _keep_environment():
    """Every test leaves the process environment as it found it (gunicorn.conf.py, loaded by some tests,
    sets CASEWORK_WORKERS for the workers it configures; later tests' subprocesses must not inherit it), and
    the garbage collector too (it turns collection off while the master loads, and its start hook freezes
    what exists)."""
    saved = dict(os.environ)
    collecting, frozen = gc.isenabled(), gc.get_freeze_count()
    yield
    os.environ.clear()
    os.environ.update(saved)
    if gc.get_freeze_count() > frozen:
        gc.unfreeze()
    if collecting:
        gc.enable()


@pytest.fixture(autouse=True)
def _clean_database(request):
    """Every test starts from empty tables (committed data is visible to live servers too)."""
    yield
    if "app" not in request.fixturenames:
        return
    empty_database(request.getfixturevalue("app"))


def empty_database(application) -> None:
    """Delete every row but those the migrations seed."""
    with application.app_context():
        _db.session.remove()
        tables = [t.name for t in reversed(Base.metadata.sorted_tables)]
        with _db.engine.begin() as conn:  # DELETE beats TRUNCATE on tables this small
            for t in tables:
                if t in SEEDED:
                    conn.execute(sa.text(SEEDED[t]))
                else:
                    conn.execute(sa.text(f'DELETE FROM "{t}"'))
        limiter.reset()
    # Pages kept for other workers under stamps that the emptied tables no longer hold (casework.shared_pages).
    if (store := shared_pages.shared_pages(application)) is not None and store.folder.is_dir():
        for path in store.folder.iterdir():
            path.unlink(missing_ok=True)


@contextmanager
def templates_made(application, name: str) -> Iterator[list[str]]:
    """The times the template `name` was rendered while the block runs."""
    made: list[str] = []

    def rendered(sender, template, context, **extra):
        if template.name == name:
            made.append(template.name)

    template_rendered.connect(rendered, application)
    try:
        yield made
    finally:
        template_rendered.disconnect(rendered, application)


@contextmanager
def statements_sent(application) -> Iterator[list[str]]:
    """The SQL statements the application sends while the block runs (every one: reads, CTEs, writes)."""
    with application.app_context():
        engine = _db.engine
    seen: list[str] = []

    def before(conn, cursor, statement, *args):
        seen.append(statement)

    sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        sa.event.remove(engine, "before_cursor_execute", before)


@contextmanager
def row_sets_cache_hits(application) -> Iterator[list[bool]]:
    """For each statement of row sets (casework.row_sets) the application runs while the block runs, whether
    SQLAlchemy found it compiled in its cache."""
    from sqlalchemy.engine import default

    with application.app_context():
        engine = _db.engine
    hits: list[bool] = []

    def after(conn, cursor, statement, params, context, executemany):
        if context is not None and ("json_agg" in statement or "json_group_array" in statement):
            hits.append(context.cache_hit is default.CACHE_HIT)

    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        yield hits
    finally:
        sa.event.remove(engine, "after_cursor_execute", after)


def terminate_backend(engine: sa.Engine, pid: int) -> None:
    """End PostgreSQL backend `pid` from a connection of its own (as a restart or a network cut would), and give
    the server a moment to close it."""
    admin = sa.create_engine(engine.url.render_as_string(hide_password=False), poolclass=sa.pool.NullPool)
    try:
        with admin.connect() as other:
            other.execute(sa.text("SELECT pg_terminate_backend(:pid)"), {"pid": pid})
            other.commit()
    finally:
        admin.dispose()
    time.sleep(0.2)


class Database:
    """Reads and writes for tests, each in an application context of its own.

    Tests must not hold an application context while they make requests: Flask would reuse it for
    the requests, sharing `g` (the signed-in user) and the session's identity map between them.
    Objects come back detached, with their columns loaded.
    """

    def __init__(self, app):
        self.app = app

    def _detach(self, value):
        if isinstance(value, Base):
            _db.session.refresh(value)
            _db.session.expunge(value)
        return value

    def scalar(self, statement):
        with self.app.app_context():
            return self._detach(_db.session.scalar(statement))

    def scalars(self, statement) -> list:
        with self.app.app_context():
            return [self._detach(v) for v in _db.session.scalars(statement).all()]

    def get(self, model, ident):
        with self.app.app_context():
            return self._detach(_db.session.get(model, ident))

    def count(self, model, *where) -> int:
        with self.app.app_context():
            return _db.session.scalar(sa.select(sa.func.count()).select_from(model).where(*where))

    def add(self, *objects):
        """Insert objects and commit; returns the first, detached."""
        with self.app.app_context():
            _db.session.add_all(objects)
            _db.session.commit()
            for obj in objects:
                self._detach(obj)
        return objects[0]

    def execute(self, statement):
        with self.app.app_context():
            _db.session.execute(statement)
            _db.session.commit()


@pytest.fixture
def db(app) -> Database:
    """Database access for tests (see Database)."""
    return Database(app)


# ---------------------------------------------------------------- factories


@pytest.fixture
def make_org(db):
    """make_org(name=None, **fields) -> Organization (committed)."""

    def make(name: str | None = None, **fields) -> Organization:
        return db.add(Organization(name=name or f"Org {uuid.uuid4().hex[:8]}", **fields))

    return make


@pytest.fixture
def org(make_org):
    """The organization most tests happen in."""
    return make_org("Riverbend Defense Project")


@pytest.fixture
def make_user(db, org):
    """make_user(role="staff", org=None, email=None, password=PASSWORD, **fields) -> User (committed)."""
    from casework.accounts.passwords import hash_password

    hashed = {}

    def make(
        role: str | Role = "staff",
        org: Organization | None = None,
        email: str | None = None,
        password: str = PASSWORD,
        **fields,
    ) -> User:
        if password not in hashed:
            hashed[password] = hash_password(password)
        return db.add(
            User(
                org_id=(org or org_default).id,
                email=email or f"{role}-{uuid.uuid4().hex[:6]}@example.org",
                role=Role(role),
                password_hash=hashed[password],
                name=fields.pop("name", f"Test {role}"),
                **fields,
            )
        )

    org_default = org
    return make


@pytest.fixture
def make_person(db, org):
    """make_person(org=None, assigned=(), **fields) -> Person (committed)."""

    def make(org: Organization | None = None, assigned=(), **fields) -> Person:
        fields.setdefault("legal_name", f"Person {uuid.uuid4().hex[:6]}")
        person = db.add(Person(org_id=(org or org_default).id, **fields))
        for user in assigned:
            db.add(CaseAssignment(person_id=person.id, user_id=user.id))
        return person

    org_default = org
    return make


def document_without_file(person_id: int, title: str, **fields) -> Document:
    """A document's row with no file behind it (its download answers 410), for tests of who sees what;
    `fields` set any other column or replace a made-up one."""
    made_up = {
        "filename": "letter.pdf",
        "content_type": "application/pdf",
        "size": 10,
        "sha256": uuid.uuid4().hex * 2,
        "storage_name": uuid.uuid4().hex,
    }
    return Document(person_id=person_id, title=title, **{**made_up, **fields})


@pytest.fixture
def share_case(db):
    """share_case(person, user=None, org=None, level="view", expires_on=None, **policy) -> CaseShare; policy:
    includes_privileged, includes_a_number, allows_export (all off unless given)."""

    def make(
        person: Person,
        user: User | None = None,
        org: Organization | None = None,
        level: str = "view",
        expires_on: date | None = None,
        **policy: bool,
    ) -> CaseShare:
        return db.add(
            CaseShare(
                person_id=person.id,
                user_id=user.id if user else None,
                org_id=org.id if org else None,
                level=ShareLevel(level),
                expires_on=expires_on,
                **policy,
            )
        )

    return make


# ---------------------------------------------------------------- clients

CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')


def csrf_token_from(html: str) -> str:
    """The CSRF token rendered in a page."""
    match = CSRF_RE.search(html)
    assert match, "no CSRF token on the page"
    return match.group(1) or match.group(2)


class Browser:
    """A test client that keeps its CSRF token, as a browser keeps the page's hidden field."""

    def __init__(self, client):
        self.client = client
        self.token: str | None = None

    def get(self, url, **kw):
        response = self.client.get(url, **kw)
        response.get_data()
        response.close()
        if response.mimetype == "text/html":
            match = CSRF_RE.search(response.get_data(as_text=True))
            if match:
                self.token = match.group(1) or match.group(2)
        return response

    def post(self, url, data=None, csrf=True, **kw):
        data = dict(data or {})
        if csrf:
            if self.token is None:
                self.get("/login")
            data.setdefault("csrf_token", self.token)
        response = self.client.post(url, data=data, **kw)
        response.get_data()
        response.close()
        return response

    def login(self, email: str, password: str = PASSWORD):
        self.get("/login")
        response = self.post("/login", {"email": email, "password": password})
        assert response.status_code == 302, "login failed"
        # As a browser does: the page after the sign-in carries the new CSRF token.
        self.get(response.headers["Location"], follow_redirects=True)
        return response

    def __getattr__(self, name):
        return getattr(self.client, name)


@pytest.fixture
def browser(app):
    """A fresh anonymous browser."""
    return Browser(app.test_client())


@pytest.fixture
def new_browser(app):
    """new_browser() -> another independent browser (for two users at once)."""
    return lambda: Browser(app.test_client())


@pytest.fixture
def login_as(app, make_user):
    """login_as(role_or_user, **user_fields) -> a Browser signed in through the real login form."""

    def login(who: str | User = "staff", **fields) -> Browser:
        user = who if isinstance(who, User) else make_user(who, **fields)
        b = Browser(app.test_client())
        b.login(user.email)
        b.user = user
        return b

    return login


def text_of(response) -> str:
    """The response body as text."""
    return response.get_data(as_text=True)


def shows(response, message: str) -> bool:
    """Whether the page shows `message` (as Jinja escapes it)."""
    from markupsafe import escape

    return str(escape(message)) in response.get_data(as_text=True)

"""A new worker's warm-up (casework/warm_up.py): it makes the busiest pages once for nobody, so that a user's
first list, search, What's due and dashboard find their SQL compiled; it writes nothing, keeps nothing anyone
could be served, and a failure leaves the worker serving."""

from __future__ import annotations

import logging
import runpy
import types
from datetime import timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa
from flask import current_app
from sqlalchemy.engine import default

from casework import kept_pages, shared_pages, warm_up
from casework.deadlines import kept as kept_statements
from casework.extensions import db as _db
from casework.models import CheckIn, Task
from tests.conftest import TODAY, Browser, row_sets_cache_hits, statements_sent

CONFIG = Path(__file__).resolve().parent.parent / "gunicorn.conf.py"
READS = ("SELECT", "WITH", "PRAGMA")
# A user's first pages: the list, a search by name of two words, by A-number, What's due and the dashboard.
FIRST_PAGES = (
    ("/people", None),
    ("/people", {"q": "Sokha Lim"}),
    ("/people", {"q": "A123456789"}),
    ("/due", None),
    ("/dashboard", None),
)


@pytest.fixture
def cases(make_person, db):
    """A person with a check-in next week and a task overdue, and one without."""
    person = make_person(legal_name="Sokha Lim", a_number="123456789")
    make_person(legal_name="Dara Keo")
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=3), office="Tacoma field office"))
    db.add(Task(person_id=person.id, title="Call the consulate", due_on=TODAY - timedelta(days=1)))
    return person


def _statements_compiled_afresh(application, browser: Browser) -> list[str]:
    """The statements of FIRST_PAGES (asked by `browser`) that SQLAlchemy had to compile (not in its cache)."""
    with application.app_context():
        engine = _db.engine
    missed: list[str] = []

    def after(conn, cursor, statement, params, context, executemany):
        # No context: a statement run on the driver (casework.direct_sql), compiled once per process, not per
        # engine, so a new application finds it compiled; the warm-up's session token compiles it first.
        if context is not None and context.cache_hit is not default.CACHE_HIT:
            missed.append(statement)

    sa.event.listen(engine, "after_cursor_execute", after)
    try:
        for path, search in FIRST_PAGES:
            if search is not None:
                assert browser.post("/people", {"sort": "name", **search}).status_code == 302
            assert browser.get(path).status_code == 200, path
            if search is not None:
                browser.post("/people", {"clear": "1"})
    finally:
        sa.event.remove(engine, "after_cursor_execute", after)
    return missed


def _signed_in(application, user) -> Browser:
    browser = Browser(application.test_client())
    browser.login(user.email)
    return browser


def test_after_the_warm_up_a_users_first_pages_compile_no_sql(another_app, make_user, cases):
    staff = make_user("staff")
    cold, warmed = another_app({}), another_app({})  # each a new engine: nothing compiled yet

    assert warm_up.warm(warmed) is not None
    # Signed in first: the sign-in's own statements are not what the warm-up is for.
    cold_browser, warmed_browser = _signed_in(cold, staff), _signed_in(warmed, staff)

    assert _statements_compiled_afresh(cold, cold_browser), "a cold worker compiles its first pages' SQL"
    missed = _statements_compiled_afresh(warmed, warmed_browser)
    assert missed == []


def test_the_warm_up_only_reads_and_keeps_nothing(app, cases):
    app.extensions.pop("kept_pages.people_list", None)
    app.extensions.pop("kept_pages.deadlines", None)
    app.extensions.pop("list_choices", None)
    statements_before = len(kept_statements._kept)
    shared = shared_pages.shared_pages(app).folder
    shared_before = set(shared.iterdir()) if shared.exists() else set()

    with statements_sent(app) as sent:
        assert warm_up.warm(app) is not None

    assert sent, "the warm-up reads the database"
    writes = [s for s in sent if not s.lstrip().upper().startswith(READS)]
    assert writes == []
    kept = {name: app.extensions.get(name) for name in ("kept_pages.people_list", "kept_pages.deadlines")}
    assert not any(kept.values()), kept
    assert not app.extensions.get("list_choices")
    assert (set(shared.iterdir()) if shared.exists() else set()) == shared_before, "nor for other workers"
    assert len(kept_statements._kept) == statements_before
    with app.app_context():
        assert _db.engine.pool.checkedout() == 0, "the warm-up gives its connection back"


def test_pages_are_kept_again_after_the_warm_up(app, login_as, cases):
    app.extensions.pop("kept_pages.people_list", None)  # other tests' organizations' pages
    staff = login_as("staff")
    with kept_pages.keeping_nothing():
        assert not kept_pages.keeping()
    assert kept_pages.keeping()

    assert warm_up.warm(app) is not None
    staff.get("/people")
    kept = app.extensions["kept_pages.people_list"]
    assert [key[0] for key in kept] == [staff.user.org_id]


def test_a_failed_warm_up_is_logged_by_its_kind_alone(app, monkeypatch, caplog):
    from casework.people import list_page

    def unreachable(*args, **kwargs):
        raise sa.exc.OperationalError("SELECT secret", {"name": "Sokha Lim"}, Exception("server closed"))

    monkeypatch.setattr(list_page, "page", unreachable)
    with caplog.at_level(logging.WARNING, logger="casework.warm_up"):
        assert warm_up.warm(app) is None
    assert [r.getMessage() for r in caplog.records] == ["worker warm-up stopped: OperationalError"]
    with app.app_context():
        assert not _db.session().in_transaction()


def test_the_warm_up_can_be_turned_off(another_app):
    assert warm_up.start(another_app({"WARM_UP": False})) is None


def test_each_new_worker_starts_its_warm_up(app, monkeypatch):
    started = []
    monkeypatch.setattr(warm_up, "start", started.append)
    hook = runpy.run_path(str(CONFIG))["post_worker_init"]

    hook(types.SimpleNamespace(wsgi=app))
    hook(types.SimpleNamespace(wsgi=lambda environ, start_response: []))  # some other application: nothing

    assert started == [app]


def test_the_warm_up_runs_on_a_thread_of_its_own(another_app, cases):
    application = another_app({})
    thread = warm_up.start(application)
    assert thread is not None and thread.daemon
    thread.join(60)
    assert not thread.is_alive()
    with application.app_context():
        assert current_app.extensions.get("kept_pages.people_list") is None


def _row_sets_compiled_afresh(application, browser: Browser, person_id: int) -> list[str]:
    """The pages of a case (its case page, its PDF summary) whose one statement of row sets was compiled
    afresh by SQLAlchemy (not found in its cache)."""
    missed: list[str] = []
    for page in (f"/people/{person_id}", f"/people/{person_id}/summary.pdf"):
        with row_sets_cache_hits(application) as hits:
            assert browser.get(page).status_code == 200, page
        missed += [page for hit in hits if not hit]
    return missed


def test_after_the_warm_up_a_users_first_case_page_and_summary_find_their_statement_compiled(
    another_app, make_user, cases
):
    staff = make_user("staff")
    cold, warmed = another_app({}), another_app({})

    assert warm_up.warm(warmed) is not None
    cold_browser, warmed_browser = _signed_in(cold, staff), _signed_in(warmed, staff)

    assert _row_sets_compiled_afresh(cold, cold_browser, cases.id) == [
        f"/people/{cases.id}",
        f"/people/{cases.id}/summary.pdf",
    ]
    assert _row_sets_compiled_afresh(warmed, warmed_browser, cases.id) == []

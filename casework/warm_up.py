"""A new server worker makes its busiest pages once, in the background, before users ask for them.

A worker starts cold: its templates are not compiled, nor its SQL, nor are its keys read. The first people
list, search, What's due or dashboard it serves pays for that (What's due alone: about 0.3 s; the row sets of
a case page or a PDF summary, one statement built and compiled: about 0.1 s), and with
several workers every user meets a cold one now and then after each start or recycle. So each new worker
(gunicorn's `post_worker_init`, gunicorn.conf.py) makes those pages once on a thread of its own, as a staff
member of an organization that does not exist (id 0: no organization ever gets it), while it already
answers requests.

It reads and never writes: its transaction is rolled back, nothing it makes is kept
(kept_pages.keeping_nothing), and it needs no account and no request from outside. A failure (the database
unreachable at start, say) only leaves the worker as cold as it would have been; it is logged by its kind alone.
"""

from __future__ import annotations

import logging
import secrets
import threading
import time
import types
from collections.abc import Callable
from functools import partial
from typing import cast

import sqlalchemy as sa
from flask import Flask, g

from casework import kept_pages
from casework.extensions import db
from casework.models import Organization, Person, Role, User

log = logging.getLogger(__name__)

NOBODY = 0  # the id of nobody's user, organization and case: ids start at 1, so nothing real has it

# The people list's filters warmed: the list itself, a name search of one, two and three words (on PostgreSQL
# each is a statement of its own) and an A-number search (which also reads the A-number keys).
LIST_FILTERS: tuple[dict[str, str], ...] = (
    {},
    {"sort": "name", "q": "warm"},
    {"sort": "name", "q": "warm up"},
    {"sort": "name", "q": "warm up now"},
    {"sort": "name", "q": "A000000000"},
)


def start(app: Flask) -> threading.Thread | None:
    """Warm `app` on a daemon thread (None when WARM_UP is off)."""
    if not app.config.get("WARM_UP", True):
        return None
    thread = threading.Thread(target=warm, args=(app,), name="casework-warm-up", daemon=True)
    thread.start()
    return thread


def warm(app: Flask) -> float | None:
    """Make the people list, its searches, What's due and the dashboard once for nobody, and read the data of
    a case page and of a PDF summary; the seconds it took, or None when it failed."""
    started = time.perf_counter()
    try:
        with kept_pages.keeping_nothing():
            _make_pages(app)
    except Exception as error:  # noqa: BLE001 (a cold worker still serves; the kind alone is logged)
        log.warning("worker warm-up stopped: %s", type(error).__name__)
        return None
    seconds = time.perf_counter() - started
    log.debug("worker warmed up in %.0f ms", seconds * 1000)
    return seconds


def _nobody() -> User:
    """A staff member of no organization: sees every live case of organization 0, which has none."""
    user = User(id=NOBODY, org_id=NOBODY, role=Role.STAFF, active=True, name="", email="")
    user.organization = Organization(id=NOBODY, name="", volunteers_see_a_number=False)
    return user


def _case_data(user: User) -> list[Callable[[], object]]:
    """Reading a case page's data, and a PDF summary's, of a case of nobody's (no row of any table is its)."""
    from casework import case_page

    person = Person(id=NOBODY, org_id=NOBODY, legal_name="", preferred_name="")
    # Staff print summaries for attorneys (with the privileged parts) and for their own organization.
    summaries = [partial(_summary_data, user, person, audience) for audience in ("attorney", "internal")]
    return [partial(case_page.load_sections, person, user), *summaries]


def _summary_data(user: User, person: Person, audience: str) -> object:
    from casework.packets.content import Audience, gather, section_choices

    return gather(user, person, Audience(audience), [key for key, _ in section_choices()])


def _make_pages(app: Flask) -> None:
    from casework.deadlines import views as deadlines
    from casework.people import list_page, search

    user = _nobody()
    pages: list[tuple[str, Callable[[], object]]] = [
        ("/people", partial(list_page.page, filters, None, None, None)) for filters in LIST_FILTERS
    ]
    # Nobody's list is empty, so it never asks for its rows' teams: asked here for a person no one is.
    no_row = cast(sa.Row, types.SimpleNamespace(id=NOBODY))
    pages.append(("/people", partial(search.teams_of, [no_row])))
    pages += [("/due", deadlines.due), ("/dashboard", deadlines.dashboard)]
    pages += [(f"/people/{NOBODY}", make) for make in _case_data(user)]
    # A session token no one holds: opening it reads (and so compiles) each page's session statement, finds
    # no row and signs no one in (casework.sessions).
    cookie = f"{app.session_interface.get_cookie_name(app)}={secrets.token_urlsafe(32)}"
    for path, make in pages:
        with app.test_request_context(path, headers={"Cookie": cookie}):
            g._login_user = user  # Flask-Login's signed-in user for this context
            try:
                make()
            finally:
                db.session.rollback()
        time.sleep(0)  # let the worker's requests in between pages

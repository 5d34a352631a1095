"""Real-browser harness: the app served on 127.0.0.1 in a thread, Debian's Chromium driven by Playwright.

Journeys live in tests/browser/test_*.py and use the `live_server` and `page` fixtures; every test in this
folder carries the `browser` marker (added at collection, below), so `-m "not browser"` launches no browser. Set
CASEWORK_SCREENSHOTS=/some/dir to keep a screenshot of every page a journey calls `shot()` on.
"""

from __future__ import annotations

import os
import re
import shutil
import threading
from pathlib import Path

import pytest
from werkzeug.serving import make_server

from tests.conftest import require_service

BROWSER_DIR = Path(__file__).parent


def pytest_collection_modifyitems(config, items):
    """Mark every journey in this folder `browser` (a conftest's `pytestmark` marks nothing)."""
    for item in items:
        if BROWSER_DIR in Path(item.fspath).parents:
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _links_to_the_live_server(request):
    """Links in e-mails come from PUBLIC_BASE_URL only: during a journey, the live server's address (the
    tests outside this folder expect the development default)."""
    if "live_server" not in request.fixturenames:
        yield
        return
    app = request.getfixturevalue("app")
    previous = app.config["PUBLIC_BASE_URL"]
    app.config["PUBLIC_BASE_URL"] = request.getfixturevalue("live_server")
    yield
    app.config["PUBLIC_BASE_URL"] = previous


@pytest.fixture(scope="session")
def live_server(app):
    """The test application served over HTTP on a free local port."""

    def buffered(environ, start_response):
        # Read each response whole and close it here: Chromium drops connections it no longer needs (a
        # favicon, say), and werkzeug's server then leaves the static file open until garbage collection.
        iterable = app(environ, start_response)
        try:
            body = b"".join(iterable)
        finally:
            if hasattr(iterable, "close"):
                iterable.close()
        return [body]

    server = make_server("127.0.0.1", 0, buffered, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_port}"
    server.shutdown()
    thread.join(timeout=5)


@pytest.fixture(scope="session")
def chromium():
    """A headless Chromium (Debian's package), launched once per run."""
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    require_service(executable is not None, "Chromium is not installed (Debian package `chromium`)")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:  # pragma: no cover - the test extra installs it
        require_service(False, "Playwright is not installed (pip install -e '.[test]')")
    with sync_playwright() as pw:
        browser = pw.chromium.launch(
            executable_path=executable,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield browser
        browser.close()


@pytest.fixture
def page(chromium, live_server):
    """A fresh browser context (no cookies) with one page.

    Fails the test on a console error (a CSP violation, say) or a failed stylesheet, image or script;
    pages themselves may answer 403/404 when a journey checks the walls.
    """
    context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    context.set_default_timeout(10_000)
    pg = context.new_page()
    errors: list[str] = []

    def on_console(msg):
        if msg.type == "error" and not msg.text.startswith("Failed to load resource"):
            errors.append(msg.text)

    def on_response(response):
        if response.request.resource_type != "document" and response.status >= 400:
            errors.append(f"{response.status} {response.url}")

    pg.on("console", on_console)
    pg.on("response", on_response)
    yield pg
    context.close()
    assert not errors, f"browser console errors: {errors}"


@pytest.fixture
def shot(request):
    """shot(page, name): keep a screenshot when CASEWORK_SCREENSHOTS is set."""
    folder = os.environ.get("CASEWORK_SCREENSHOTS")

    def take(pg, name: str, full_page: bool = True) -> None:
        if folder:
            Path(folder).mkdir(parents=True, exist_ok=True)
            pg.screenshot(path=str(Path(folder) / f"{request.node.name}-{name}.png"), full_page=full_page)

    return take


def sign_in(pg, email: str, password: str) -> None:
    """Sign in through the real form."""
    pg.goto("/login")
    pg.get_by_label("E-mail").fill(email)
    pg.get_by_label("Password").fill(password)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(lambda url: "/login" not in url)


def confirmation_link(chromium, live_server, admin_password: str, signer: str, slug: str) -> str:
    """The confirmation link e-mailed to `signer`, as the demo's admin reads it in the development outbox."""
    from playwright.sync_api import expect

    context = chromium.new_context(base_url=live_server)
    admin = context.new_page()
    sign_in(admin, "admin@example.org", admin_password)
    admin.goto("/admin/outbox")
    expect(admin.get_by_text(f"To {signer}")).to_be_visible()
    link = admin.locator("pre.petition-mail a").first.get_attribute("href")
    assert link and re.search(rf"/p/{slug}/confirm/", link)
    admin.wait_for_load_state("networkidle")  # let the favicon finish before closing the window
    context.close()
    return link

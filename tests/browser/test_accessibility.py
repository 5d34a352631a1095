"""Accessibility measured with axe-core: every kind of page has no violation of impact serious or critical.

The staff pages are found from the application's own routes: every GET route without parameters is a starting
point, and the pages they link to (a case page links to each of its forms, and so on) are followed until every
GET route has been seen once, on the fictional demo data. A route no link reaches fails the test unless it is in
EXCLUDED with the reason; so a new page is measured as soon as something links to it. The public petition is
measured in every language the application offers, from the page to the thanks page.
"""

from __future__ import annotations

import importlib
import io
import re
from collections import deque
from urllib.parse import urljoin, urlsplit

import pytest
import sqlalchemy as sa
from flask import url_for
from PIL import Image
from playwright.sync_api import expect
from werkzeug.exceptions import HTTPException
from werkzeug.routing import RequestRedirect

from tests.browser.axe import load_axe, serious_violations
from tests.browser.conftest import sign_in
from tests.conftest import TODAY, Database, empty_database
from tests.test_relief_templates import ensure_builtin_templates

PASSWORD = "accessibility demo password 2031"

# Pages measured for every object the walk meets (each case, application and petition shows different parts, and
# links to the forms of what it holds); other routes: one page each.
EACH = {"people.show", "relief.show", "petitions.show"}

# Kept as screenshots when CASEWORK_SCREENSHOTS is set, to look at after a change of templates or styles.
SHOTS = {
    "people.show",
    "people.index",
    "deadlines.dashboard",
    "packets.build",
    "record.add_conviction",
    "admin.users",
}

# GET routes that are not pages, or that the walk from a signed-in admin cannot reach, and why.
EXCLUDED = {
    "static": "stylesheets, images and scripts, not pages",
    "core.healthz": "a status line for monitors",
    "deadlines.calendar_feed": "an iCalendar feed",
    "documents.download": "a stored file",
    "packets.summary": "a PDF (the page that builds it, packets.build, is measured)",
    "petitions.delivery_pdf": "a PDF",
    "petitions.signatures_csv": "a CSV file",
    "transfer.export_json": "a JSON file",
    "transfer.export_bundle": "a ZIP file",
    "transfer.people_csv": "a CSV file",
    "advocacy.export_csv": "a CSV file",
    "reports.check_ins_csv": "a CSV file",
    "reports.custody_events_csv": "a CSV file",
    "reports.citizenship_custody_csv": "a CSV file",
    "reports.relief_csv": "a CSV file",
    "reports.relief_outcomes_csv": "a CSV file",
    "reports.travel_documents_csv": "a CSV file",
    "public.count_json": "the petition count as JSON",
    # measured elsewhere in this module, by a visitor or before signing in
    "public.petition": "test_public_petition_page",
    "public.confirm": "test_signing_pages",
    "public.thanks": "test_signing_pages",
    "accounts.login": "test_sign_in_pages",
    "account_reset.request_reset": "test_sign_in_pages",
    "account_reset.choose_password": "test_sign_in_pages",
    "accounts.login_code": "test_sign_in_pages",
}


@pytest.fixture(autouse=True)
def _clean_database():
    """The demo data is loaded once for the whole module (see `demo`, which empties the database at its end):
    the pages are only read, and what a test adds (a signature, a document) disturbs no other test here."""
    yield


@pytest.fixture(scope="module")
def demo(app):
    """The fictional demo data, with a known password, for every test of the module."""
    ensure_builtin_templates(Database(app))
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CASEWORK_PASSWORD", PASSWORD)
        result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    yield
    empty_database(app)


def get_routes(app) -> dict[str, str]:
    """Every GET route: endpoint -> rule."""
    return {r.endpoint: r.rule for r in app.url_map.iter_rules() if "GET" in (r.methods or ())}


def match(adapter, url: str) -> tuple[str, dict] | None:
    """(endpoint, arguments) of a same-site address, or None."""
    try:
        endpoint, args = adapter.match(urlsplit(url).path, method="GET")
    except (RequestRedirect, HTTPException):
        return None
    return str(endpoint), dict(args)


def links(pg, base: str) -> list[str]:
    hrefs = pg.eval_on_selector_all("a[href]", "els => els.map(e => e.getAttribute('href'))")
    urls = (urljoin(pg.url, href).split("#")[0] for href in hrefs)
    return [url for url in urls if url.startswith(base + "/")]


class Walk:
    """Pages measured so far, and the problems found on them."""

    def __init__(self, app, base: str, shot=None):
        self.app = app
        self.shot = shot
        self.base = base
        self.routes = get_routes(app)
        self.adapter = app.url_map.bind("localhost")
        self.measured: dict[str, dict] = {}  # endpoint -> the arguments of the page measured
        self.measured_urls: set[str] = set()
        self.seen: dict[int, set[str]] = {}  # per browser page (each user tries every address once)
        self.problems: list[str] = []

    def start(self) -> list[str]:
        return [self.base + rule for endpoint, rule in sorted(self.routes.items()) if "<" not in rule]

    def follow(self, pg, urls: list[str]) -> None:
        """Measure the pages at `urls` and every page they link to, one page per route (case pages: each)."""
        queue = deque(urls)
        seen = self.seen.setdefault(id(pg), set())
        while queue:
            url = queue.popleft()
            found = match(self.adapter, url)
            if url in seen or found is None or found[0] in EXCLUDED:
                continue
            endpoint, args = found
            if url in self.measured_urls or (endpoint in self.measured and endpoint not in EACH):
                continue
            seen.add(url)
            response = pg.goto(url)
            if response is None or response.status != 200:
                continue  # another signed-in user may reach it; unreached routes are reported at the end
            if self.shot and endpoint in SHOTS and endpoint not in self.measured:
                self.shot(pg, endpoint)
            self.measured.setdefault(endpoint, args)
            self.measured_urls.add(url)
            self.problems += serious_violations(pg, f"{endpoint} {urlsplit(url).path}")
            queue.extend(links(pg, self.base))

    def by_arguments(self) -> list[str]:
        """Addresses for the routes no link reached, built from the arguments of pages measured (a form that
        is only posted to from the case page answers a GET with the same form on a page of its own)."""
        urls = []
        with self.app.test_request_context():
            for endpoint, rule in sorted(self.routes.items()):
                if endpoint in self.measured or endpoint in EXCLUDED:
                    continue
                needed = {name for name in re.findall(r"<(?:[^:>]+:)?([^>]+)>", rule)}
                for args in self.measured.values():
                    if needed and needed <= set(args):
                        urls.append(url_for(endpoint, **{k: args[k] for k in needed}))
                        break
        return [self.base + url for url in urls]

    def unreached(self) -> list[str]:
        missing = sorted(set(self.routes) - set(self.measured) - set(EXCLUDED))
        return [
            f"{e} ({self.routes[e]}): no page reached it; link it or exclude it with a reason"
            for e in missing
        ]


def add_a_document(pg, db) -> None:
    """The demo stores no file: one small image, uploaded through the form, gives the document pages."""
    from casework.models import Person

    person_id = db.scalar(sa.select(Person.id).where(Person.legal_name == "Khamla Phommachanh"))
    image = io.BytesIO()
    Image.new("RGB", (8, 8), "white").save(image, format="PNG")
    pg.goto(f"/people/{person_id}/documents/new")
    pg.locator("input[type=file]").set_input_files(
        {"name": "letter.png", "mimeType": "image/png", "buffer": image.getvalue()}
    )
    pg.locator("input[name=title]").fill("Letter of support")
    pg.locator("main form button[type=submit]").first.click()
    expect(pg.locator(".flash-success").first).to_be_visible()


def add_a_delivery(pg, db) -> None:
    """The demo's petitions have not been delivered yet: one delivery gives the page that records the answer."""
    from casework.models import Petition

    petition = db.scalar(sa.select(Petition).where(Petition.slug == "keep-dara-home"))
    pg.goto(f"/people/{petition.person_id}/petitions/{petition.id}/deliveries/new")
    pg.locator("input[name=delivered_on]").fill(TODAY.isoformat())
    pg.locator("input[name=delivered_to]").fill("DHS/ICE Boston Field Office Director")
    pg.locator("select[name=outcome]").select_option(index=1)
    pg.locator("main form button[type=submit]").first.click()
    expect(pg.locator(".flash-success").first).to_be_visible()


def add_an_organization_template(pg) -> None:
    """The demo uses the built-in relief templates only (read-only): one of the organization's own, with a
    step, gives the pages that edit a template."""
    pg.goto("/admin/relief-templates/new")
    pg.locator("input[name=name]").fill("Oregon: pardon petition to the Governor")
    pg.locator("select[name=jurisdiction]").select_option(index=1)
    pg.locator("main form button[type=submit]").first.click()
    expect(pg.locator(".flash-success").first).to_be_visible()
    pg.get_by_role("link", name="Add a step").click()
    pg.locator("input[name=title]").fill("File the petition")
    pg.locator("main form button[type=submit]").first.click()
    expect(pg.locator(".flash-success").first).to_be_visible()


def add_a_share(pg, db) -> str:
    """The demo shares no case: one share through the case page's form gives the page that changes it; its
    address (the page is reached by the share's own form, not by a link)."""
    from casework.models import CaseShare, Person

    person_id = db.scalar(sa.select(Person.id).where(Person.legal_name == "Tuan Minh Pham"))
    pg.goto(f"/people/{person_id}")
    sharing = pg.locator("#sharing")
    sharing.get_by_label("Share with").fill("partner@example.net")
    pg.get_by_role("button", name="Share", exact=True).click()
    expect(pg.locator(".flash-success").first).to_be_visible()
    share_id = db.scalar(sa.select(CaseShare.id).where(CaseShare.person_id == person_id))
    return f"/people/{person_id}/shares/{share_id}"


def report(problems: list[str]) -> str:
    return f"{len(problems)} accessibility problem(s):\n" + "\n".join(problems)


def test_routes_are_measured_or_excluded_with_a_reason(app):
    """Every excluded endpoint exists (a renamed route does not leave a stale exclusion behind)."""
    assert not sorted(set(EXCLUDED) - set(get_routes(app))), "excluded endpoints that no longer exist"


def test_staff_pages(page, chromium, app, db, demo, live_server, shot):
    """Walk every GET route from the parameterless pages and their links: as a staff member (who works the
    cases), then as the admin (the admin pages), then by the arguments of the pages seen."""
    walk = Walk(app, live_server, shot)
    load_axe(page.context)
    sign_in(page, "staff@example.org", PASSWORD)
    add_a_document(page, db)
    add_a_delivery(page, db)
    share_page = add_a_share(page, db)
    walk.follow(page, walk.start() + [walk.base + share_page])
    admin_context = chromium.new_context(base_url=live_server, viewport={"width": 1280, "height": 900})
    load_axe(admin_context)
    admin = admin_context.new_page()
    sign_in(admin, "admin@example.org", PASSWORD)
    add_an_organization_template(admin)
    walk.follow(admin, walk.start())
    walk.follow(page, walk.by_arguments())
    walk.follow(admin, walk.by_arguments())
    admin_context.close()
    problems = walk.problems + walk.unreached()
    assert not problems, report(problems)


def public_languages() -> tuple[str, ...]:
    """The languages the public pages offer (casework.i18n.PUBLIC_LANGUAGES where the application has it)."""
    try:
        i18n = importlib.import_module("casework.i18n")
    except ImportError:
        return ("en",)
    return tuple(getattr(i18n, "PUBLIC_LANGUAGES", ("en",)))


def confirmation_link(db, slug: str) -> str:
    """The link of the newest confirmation e-mail for the petition at `slug` (the outbox, as in development)."""
    from casework.models import OutboxEmail

    body = db.scalar(sa.select(OutboxEmail.body).order_by(OutboxEmail.id.desc()).limit(1))
    found = re.search(r"https?://\S+/p/" + re.escape(slug) + r"/confirm/\S+", body or "")
    assert found, "no confirmation link in the newest outbox e-mail"
    return found.group(0)


@pytest.mark.parametrize("lang", public_languages())
def test_public_petition_page(page, demo, lang):
    """The petition, in each language the public pages offer; the page's `lang` follows."""
    load_axe(page.context)
    response = page.goto("/p/keep-dara-home" + ("" if lang == "en" else f"?lang={lang}"))
    assert response is not None and response.status == 200
    expect(page.locator("html")).to_have_attribute("lang", lang)
    problems = serious_violations(page, f"public.petition ({lang})")
    assert not problems, report(problems)


def test_signing_pages(page, db, demo):
    """The form with its errors, then 'check your e-mail', the confirmation and the thanks; and the page of a
    petition that is not there."""
    load_axe(page.context)
    problems: list[str] = []
    page.goto("/p/keep-dara-home")
    page.locator("form button[type=submit]").first.click()
    expect(page.locator(".flash-error")).to_be_visible()
    problems += serious_violations(page, "public.sign (errors)")
    page.locator("input[name=name]").fill("Perrin Ashdown")
    page.locator("input[name=email]").fill("perrin.ashdown@example.com")
    page.locator("form button[type=submit]").first.click()
    page.wait_for_url(re.compile(r"/thanks"))
    problems += serious_violations(page, "public.thanks")
    page.goto(confirmation_link(db, "keep-dara-home"))
    problems += serious_violations(page, "public.confirm")
    page.locator("form button[type=submit]").first.click()
    expect(page.locator(".public-count")).to_be_visible()
    problems += serious_violations(page, "public.confirm (done)")
    response = page.goto("/p/no-such-petition")
    assert response is not None and response.status == 404
    problems += serious_violations(page, "public.petition (not found)")
    assert not problems, report(problems)


def test_sign_in_pages(page, db, demo, make_user):
    """Signing in (and its errors), the second step with a code, asking for a reset link and choosing a new
    password from it."""
    from casework.models import OutboxEmail
    from tests.conftest import PASSWORD as USER_PASSWORD
    from tests.mfa_helpers import code_at

    load_axe(page.context)
    problems: list[str] = []
    user = make_user("staff", email="reader@example.org", name="Sokha Lim")
    page.goto("/login")
    problems += serious_violations(page, "accounts.login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill("not the password")
    page.get_by_role("button", name="Sign in").click()
    expect(page.locator(".flash-error, .error").first).to_be_visible()
    problems += serious_violations(page, "accounts.login (refused)")

    page.goto("/account/reset")
    problems += serious_violations(page, "account_reset.request_reset")
    page.locator("input[name=email]").fill(user.email)
    page.locator("form button[type=submit]").first.click()
    page.wait_for_load_state()
    problems += serious_violations(page, "account_reset.request_reset (sent)")
    body = db.scalar(sa.select(OutboxEmail.body).order_by(OutboxEmail.id.desc()).limit(1))
    link = re.search(r"https?://\S+/account/reset/\S+", body or "")
    assert link, "no reset link in the outbox"
    page.goto(link.group(0))
    problems += serious_violations(page, "account_reset.choose_password")

    sign_in(page, user.email, USER_PASSWORD)
    page.goto("/account/mfa")
    secret = page.locator("#totp-secret").inner_text().strip()
    page.get_by_label("Code from the app").fill(code_at(secret))
    page.get_by_role("button", name="Turn on").click()
    expect(page.get_by_role("heading", name="Second factor turned on")).to_be_visible()
    problems += serious_violations(page, "accounts.second_factor (recovery codes)")
    page.get_by_role("button", name="Sign out").click()
    page.goto("/login")
    page.get_by_label("E-mail").fill(user.email)
    page.get_by_label("Password").fill(USER_PASSWORD)
    page.get_by_role("button", name="Sign in").click()
    page.wait_for_url(re.compile(r"/login/code$"))
    problems += serious_violations(page, "accounts.login_code")
    assert not problems, report(problems)

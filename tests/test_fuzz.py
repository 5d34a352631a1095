"""Hostile input on every route: no answer of 500 or more, for any role, on SQLite and PostgreSQL.

The walk starts from the authorization matrix's scenario (tests/test_authorization_matrix.py: a case with
something of every kind, so that every path has an existing id), then, for every rule of `app.url_map` but
`static`, as each role:
1. GET with existing ids; the page's form fields (names and prefilled values) are collected;
2. GET with hostile values in every query parameter (the page's fields and a fixed list of common names),
   and with hostile values in each path parameter;
3. POST (where the rule allows it, with a valid CSRF token so that forms are really validated): every field
   hostile; the page's own values with some fields hostile; fields missing; fields repeated. Routes that
   remove or end something come last, so that the rest still find what they act on.
Values are drawn from a seeded generator: each run sends the same requests. A failure lists every request
that got a 5xx (method, URL, parameters, role).
"""

from __future__ import annotations

import random
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from werkzeug.datastructures import MultiDict

from tests.conftest import Browser
from tests.test_authorization_matrix import MATRIX, build_scenario

SEED = 20261202
# The signed-in roles: fresh admin and staff (the scenario's own users are the targets of user pages, and
# an admin's hostile password reset must not lock the walk out), the scenario's assigned volunteer and
# attorney (they see the case).
ROLES = ("anonymous", "admin", "staff", "volunteer", "attorney")
HOSTILE = (
    "²",
    "٣",
    "１２",
    str(2**31),
    str(2**63),
    str(10**20),
    "-1",
    "0",
    "1e30",
    "\x00",
    "a\x00b",
    "\x1b[31m\x07",
    "line\r\nbreak\ttab",
    "0000-00-00",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "x" * 20_000,
    "   ",
    "",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "NaN",
)
HOSTILE_PATH = ("0", "-1", "²", "٣", str(2**31), str(10**20), "\x00", "a\x01b", "x" * 2_000, "%2e%2e", " ")
# Names the app reads from queries and forms beyond what its pages show (paging, presets, filters, buttons).
COMMON_NAMES = (
    "q",
    "after",
    "before",
    "next",
    "sort",
    "user",
    "person",
    "action",
    "start",
    "end",
    "window",
    "kind",
    "mine",
    "custody",
    "case_status",
    "assigned",
    "version",
    "confirmed",
    "clear",
    "id",
    "token",
    "email",
    "name",
    "position",
    "direction",
    "page",
    "format",
)
DESTRUCTIVE = re.compile(r"delete|remove|withdraw|deactivate|unpublish|archive|close|void|logout|restore")
MIN_REQUESTS = 3_000


class FormFields(HTMLParser):
    """The names of a page's input, select and textarea elements, with their prefilled values."""

    def __init__(self):
        super().__init__()
        self.values: MultiDict = MultiDict()
        self._select: str | None = None
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        name = a.get("name")
        if tag == "input" and name and name != "csrf_token":
            kind = (a.get("type") or "text").lower()
            if kind in ("checkbox", "radio") and "checked" not in a:
                self.values.setdefault(name, "")
                return
            if kind not in ("submit", "button", "file"):
                self.values.add(name, a.get("value") or "")
            else:
                self.values.setdefault(name, a.get("value") or "")
        elif tag == "select" and name:
            self._select = name
            self.values.setdefault(name, "")
        elif tag == "option" and self._select and ("selected" in a or not self.values.get(self._select)):
            self.values.setlist(self._select, [a.get("value") or ""])
        elif tag == "textarea" and name:
            self._textarea = name
            self.values.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select":
            self._select = None
        elif tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            self.values.setlist(self._textarea, [data])


def form_fields(html: str) -> MultiDict:
    """Field names and values of every form on a page."""
    parser = FormFields()
    parser.feed(html)
    return parser.values


class Walk:
    """The requests sent and the failures seen."""

    def __init__(self, app, clients: dict[str, Browser]):
        self.app = app
        self.clients = clients
        self.rng = random.Random(SEED)
        self.sent = 0
        self.failures: list[str] = []
        self.fields: dict[tuple[str, str], MultiDict] = {}  # (role, url) -> the page's fields
        self.pool: set[str] = set()  # every field name seen on any page

    def send(self, role: str, method: str, url: str, params: MultiDict | None = None) -> None:
        client = self.clients[role]
        params = params if params is not None else MultiDict()
        if method == "GET":
            response = client.get(url, query_string=params)
        else:
            if client.token is None:
                client.get("/login")
            data = MultiDict(params)
            data.setdefault("csrf_token", client.token)
            response = client.post(url, data=data, csrf=False)
        self.sent += 1
        if response.status_code >= 500:
            shown = {k: [v if len(v) < 40 else v[:20] + f"...({len(v)} chars)" for v in vs] for k, vs in params.lists()}
            self.failures.append(f"{response.status_code} {method} {url!r} as {role}: {shown}")
        if role != "anonymous" and response.headers.get("Location", "").startswith("/login"):
            client.login(client.user.email)  # signed out (logout, a reset): sign in again for what follows
        if method == "GET" and response.status_code == 200 and response.mimetype == "text/html":
            found = form_fields(response.get_data(as_text=True))
            self.fields[(role, url)] = found
            self.pool.update(found.keys())

    def hostile(self, names) -> MultiDict:
        """Every name with a hostile value, a few of them repeated."""
        params = MultiDict()
        for name in names:
            params.add(name, self.rng.choice(HOSTILE))
            if self.rng.random() < 0.1:
                params.add(name, self.rng.choice(HOSTILE))
        return params

    def mostly_valid(self, values: MultiDict) -> MultiDict:
        """The page's own values with about a third of the fields hostile (reaches past the first error)."""
        params = MultiDict()
        for name, value in values.items(multi=True):
            params.add(name, self.rng.choice(HOSTILE) if self.rng.random() < 0.35 else value)
        return params

    def names_for(self, role: str, url: str) -> list[str]:
        page = self.fields.get((role, url)) or self.fields.get(("admin", url)) or MultiDict()
        sample = self.rng.sample(sorted(self.pool), min(12, len(self.pool))) if not page else []
        return sorted(set(page.keys()) | set(COMMON_NAMES) | set(sample))


def concrete_urls(app, ids) -> dict[str, str]:
    """Each endpoint's URL with existing ids (the matrix's templates)."""
    return {endpoint: template.format(**ids) for endpoint, (_, template, _) in MATRIX.items()}


def with_path_value(rule, concrete: str, argument: str, value: str) -> str:
    """The concrete URL with one path argument replaced by `value` (percent-encoded)."""
    adapter = rule.map.bind("localhost")
    _, args = adapter.match(concrete.split("?")[0], method=next(iter(rule.methods)))
    path = rule.rule
    for name, current in args.items():
        text = value if name == argument else str(current)
        path = re.sub(rf"<(?:[^:<>]+:)?{name}>", lambda _m, t=text: quote(t, safe=""), path)
    return path


@pytest.fixture
def clients(app, db, make_org, make_user, make_person):
    """(signed-in browsers by role, the scenario's ids)."""
    users, ids = build_scenario(db, make_org, make_user, make_person)
    accounts = {
        "admin": make_user("admin"),
        "staff": make_user("staff"),
        "volunteer": users["volunteer_assigned"],
        "attorney": users["attorney_assigned"],
    }
    browsers = {"anonymous": Browser(app.test_client())}
    for role, user in accounts.items():
        browser = Browser(app.test_client())
        browser.login(user.email)
        browser.user = user
        browsers[role] = browser
    return browsers, ids


def test_no_input_gets_a_server_error(app, clients):
    browsers, ids = clients
    walk = Walk(app, browsers)
    urls = concrete_urls(app, ids)
    rules = sorted(
        (r for r in app.url_map.iter_rules() if r.endpoint != "static"),
        key=lambda r: (bool(DESTRUCTIVE.search(r.endpoint)), r.endpoint == "accounts.logout", r.endpoint),
    )
    covered: set[str] = set()
    started = time.monotonic()
    for rule in rules:  # 1. existing ids
        if "GET" in rule.methods:
            for role in ROLES:
                walk.send(role, "GET", urls[rule.endpoint])
    for rule in rules:  # 2. hostile queries and paths
        url = urls[rule.endpoint]
        if "GET" in rule.methods:
            for role in ROLES:
                for _ in range(2 if role in ("admin", "staff") else 1):
                    walk.send(role, "GET", url, walk.hostile(walk.names_for(role, url)))
        for argument in rule.arguments:
            for value in walk.rng.sample(HOSTILE_PATH, 3):
                role = walk.rng.choice(ROLES)
                method = "GET" if "GET" in rule.methods else "POST"
                walk.send(role, method, with_path_value(rule, url, argument, value))
        covered.add(rule.endpoint)
    for rule in rules:  # 3. forms
        if "POST" not in rule.methods:
            continue
        url = urls[rule.endpoint]
        for role in ROLES:
            names = walk.names_for(role, url)
            page = walk.fields.get((role, url)) or MultiDict()
            walk.send(role, "POST", url, walk.hostile(names))
            if role in ("admin", "staff"):
                walk.send(role, "POST", url, walk.mostly_valid(page))
                walk.send(role, "POST", url, MultiDict())  # every field missing
                repeated = MultiDict([(n, v) for n in names for v in walk.rng.sample(HOSTILE, 2)])
                walk.send(role, "POST", url, repeated)
    elapsed = time.monotonic() - started
    print(f"fuzz: {walk.sent} requests over {len(covered)} rules in {elapsed:.1f} s")
    every_rule = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    assert covered == every_rule
    assert walk.sent >= MIN_REQUESTS, f"only {walk.sent} requests were sent"
    assert not walk.failures, f"{len(walk.failures)} server errors:\n" + "\n".join(walk.failures[:60])

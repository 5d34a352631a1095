"""Hostile input on every route: no answer of 500 or more, for any role, on SQLite and PostgreSQL.

The walk starts from the authorization matrix's scenario (tests/test_authorization_matrix.py: a case with
something of every kind, so that every path has an existing id), then, for every rule of `app.url_map` but
`static`, as each role:
1. GET with existing ids; the page's form fields (names and prefilled values) are collected;
2. GET with hostile values in every query parameter (the page's fields and a fixed list of common names),
   and with hostile values in each path parameter;
3. POST (where the rule allows it, with a valid CSRF token so that forms are really validated): every field
   hostile; fields missing; fields repeated; a save from another version; the page's own form (every
   checkbox ticked) with one field hostile at a time. Routes that remove or end something come last, so
   that the rest still find what they act on.
Values are drawn from a seeded generator: each run sends the same requests. A failure lists every request
that got a 5xx (method, URL, parameters, role).
"""

from __future__ import annotations

import contextlib
import random
import re
import time
from html.parser import HTMLParser
from urllib.parse import quote

import pytest
from werkzeug.datastructures import MultiDict
from werkzeug.exceptions import HTTPException

from tests.conftest import Browser
from tests.test_authorization_matrix import MATRIX, build_scenario

SEED = 20261202
# The signed-in roles: fresh admin and staff (the scenario's own users are the targets of user pages, and
# an admin's hostile password reset must not lock the walk out), the scenario's assigned volunteer and
# attorney (they see the case).
ROLES = ("anonymous", "admin", "staff", "volunteer", "attorney")
NUMBERS = ("²", "٣", "１２", str(2**31), str(2**63), str(10**20), "-1", "0", "1", "7", "1e30", "NaN", "0x10")
DATES = ("0000-00-00", "9999-12-31", "0001-01-01", "2026-02-30", "1799-12-31", "2026-13-01", "20260101")
TEXTS = (
    "\x00",
    "a\x00b",
    "\x1b[31m\x07",
    "line\r\nbreak\ttab",
    "x" * 20_000,
    "   ",
    "",
    "<script>alert(1)</script>",
    "' OR 1=1 --",
    "%00",
    "../../etc/passwd",
    "\u202eevil",
)
HOSTILE = NUMBERS + DATES + TEXTS
CONTROL, NUL = re.compile(r"[\x00-\x1f]"), re.compile("\x00")  # what the edge refuses in a query, in a form
WITHOUT_NUL = tuple(v for v in HOSTILE if "\x00" not in v)
# What each kind of field gets first (then anything hostile).
BY_KIND = {
    "number": NUMBERS + ("   ", "\x00", "x" * 20_000),
    "date": DATES + ("   ", "²", "\x00", "x" * 20_000),
}
BY_KIND["text"] = TEXTS + ("²", str(2**31), str(2**63), "9999-12-31")
# What each number or date field of a form is also sent, alone, besides its turn of the hostile values.
SHARP = {"number": ("²", str(2**31), str(10**20)), "date": ("   ", "9999-12-31")}
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
PER_FIELD_LIMIT = 8  # fields of one form sent hostile one at a time
MIN_REQUESTS = 3_000


class FormFields(HTMLParser):
    """The fields of a page's forms: by form method, each name's prefilled values and kind of value.

    Every checkbox counts as ticked (exhibits, sections, linked rows: the code behind them runs)."""

    def __init__(self):
        super().__init__()
        self.values: dict[str, MultiDict] = {"get": MultiDict(), "post": MultiDict()}
        self.kinds: dict[str, str] = {}
        self._method = "get"
        self._select: str | None = None
        self._select_values: list[str] = []
        self._textarea: str | None = None

    def handle_starttag(self, tag, attrs):
        a = {k: v or "" for k, v in attrs}
        name = a.get("name", "")
        values = self.values[self._method]
        if tag == "form":
            self._method = "post" if a.get("method", "get").lower() == "post" else "get"
        elif tag == "input" and name and name != "csrf_token":
            kind = a.get("type", "text").lower()
            self.kinds[name] = {"date": "date", "number": "number"}.get(kind, "text")
            if name == "version":
                self.kinds[name] = "number"
            if (kind == "radio" and "checked" not in a) or kind in ("submit", "button", "file"):
                values.setdefault(name, a.get("value", ""))  # one radio button chosen; buttons as named
            else:
                values.add(name, a.get("value", ""))
        elif tag == "select" and name:
            self._select, self._select_values = name, []
            values.setdefault(name, "")
        elif tag == "option" and self._select:
            self._select_values.append(a.get("value", ""))
            if "selected" in a or not values.get(self._select):
                values.setlist(self._select, [a.get("value", "")])
        elif tag == "textarea" and name:
            self._textarea = name
            self.kinds[name] = "text"
            values.setdefault(name, "")

    def handle_endtag(self, tag):
        if tag == "select" and self._select:
            numeric = all(v.isdigit() for v in self._select_values if v)
            self.kinds[self._select] = "number" if numeric and any(self._select_values) else "text"
            self._select = None
        elif tag == "textarea":
            self._textarea = None
        elif tag == "form":
            self._method = "get"

    def handle_data(self, data):
        if self._textarea:
            self.values[self._method].setlist(self._textarea, [data])


class Walk:
    """The requests sent, the failures seen, and the fields of the pages met."""

    def __init__(self, app, clients: dict[str, Browser]):
        self.app = app
        self.clients = clients
        self.rng = random.Random(SEED)
        self.sent = 0
        self.failures: list[str] = []
        self.routes = app.url_map.bind("localhost")
        self.reached: set[str] = set()
        self.pages: dict[tuple[str, str], FormFields] = {}  # (role, url) -> the page's forms
        self.kinds: dict[str, str] = {}  # every field name seen on any page -> its kind
        self.turn: dict[str, int] = {}  # per field name: which of its hostile values comes next
        self.seconds: dict[str, float] = {}
        self.statuses: dict[int, int] = {}
        self.heavy: set[str] = set()  # routes answering with a PDF (a second or so each): hostile once

    def send(self, role: str, method: str, url: str, params: MultiDict | None = None, endpoint: str = ""):
        """One request; a 5xx is recorded with everything needed to repeat it."""
        client = self.clients[role]
        params = params if params is not None else MultiDict()
        started = time.monotonic()
        if method == "GET":
            response = client.get(url, query_string=params)
        else:
            if client.token is None:
                client.get("/login")
            data = MultiDict(params)
            data.setdefault("csrf_token", client.token)
            response = client.post(url, data=data, csrf=False)
        self.seconds[endpoint] = self.seconds.get(endpoint, 0.0) + time.monotonic() - started
        self.sent += 1
        with contextlib.suppress(HTTPException):  # the rule the request reached (a hostile path: none)
            self.reached.add(self.routes.match(url.split("?")[0], method=method)[0])
        self.statuses[response.status_code] = self.statuses.get(response.status_code, 0) + 1
        if response.status_code >= 500:
            shown = {k: [_short(v) for v in vs] for k, vs in params.lists()}
            seen = f"{response.status_code} {method} {url!r} as {role}: {shown}"
            self.failures.append(seen)
        if role != "anonymous" and response.headers.get("Location", "").startswith("/login"):
            client.login(client.user.email)  # signed out (logout, a reset): sign in again for what follows
        if response.mimetype == "application/pdf":
            self.heavy.add(endpoint)
        if (
            method == "GET"
            and not params
            and response.status_code == 200
            and response.mimetype == "text/html"
        ):
            page = FormFields()
            page.feed(response.get_data(as_text=True))
            self.pages[(role, url)] = page
            for name, kind in page.kinds.items():
                self.kinds.setdefault(name, kind)
        return response

    def value_for(self, name: str) -> str:
        """The next hostile value for a field, first those of its kind (date, number, text)."""
        kind = self.kinds.get(name, "text")
        values = BY_KIND[kind] + HOSTILE
        turn = self.turn.get(name, self.rng.randrange(len(BY_KIND[kind])))
        self.turn[name] = turn + 1
        return values[turn % len(values)]

    def hostile(self, names, refused_at_the_edge: re.Pattern) -> MultiDict:
        """Every name with a hostile value, a few of them repeated; none of the values the edge refuses
        whole (one of them would stop the request before any other is read: they are sent one at a time)."""
        params = MultiDict()
        for name in names:
            for _ in range(2 if self.rng.random() < 0.1 else 1):
                value = self.value_for(name)
                while refused_at_the_edge.search(value):
                    value = self.value_for(name)
                params.add(name, value)
        return params

    def one_hostile(self, values: MultiDict, name: str, value: str | None = None) -> MultiDict:
        """A form as the page fills it, but one field hostile (validation reaches past the other fields)."""
        params = MultiDict([(k, v) for k, v in values.items(multi=True) if k != name])
        params.add(name, self.value_for(name) if value is None else value)
        return params

    def page(self, role: str, url: str) -> FormFields:
        """The forms of the page at `url` as `role` (or as an admin) saw it; empty when never shown."""
        return self.pages.get((role, url)) or self.pages.get(("admin", url)) or FormFields()

    def post_names(self, role: str, url: str) -> list[str]:
        """The names a POST to `url` is sent: its page's form, or common names and a sample of all seen."""
        own = self.page(role, url).values["post"]
        sample = [] if own else self.rng.sample(sorted(self.kinds), min(12, len(self.kinds)))
        return sorted(set(own.keys()) | set(COMMON_NAMES) | set(sample))


def _short(value: str) -> str:
    return value if len(value) < 40 else f"{value[:20]}...({len(value)} chars)"


def _method(rule) -> str:
    return "GET" if "GET" in rule.methods else "POST"


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
    started, cpu = time.monotonic(), time.process_time()
    for rule in rules:  # 1. existing ids: the pages and their forms
        if "GET" in rule.methods:
            for role in ROLES:
                walk.send(role, "GET", urls[rule.endpoint], endpoint=rule.endpoint)
    for rule in rules:  # 2. hostile queries and paths
        hostile_queries(walk, rule, urls[rule.endpoint])
    for number, rule in enumerate(rules):  # 3. forms
        if "POST" in rule.methods:
            hostile_forms(walk, rule, urls[rule.endpoint], per_field="admin" if number % 2 else "staff")
    elapsed, cpu = time.monotonic() - started, time.process_time() - cpu
    slowest = [(e, round(s, 1)) for e, s in sorted(walk.seconds.items(), key=lambda item: -item[1])[:5]]
    covered = walk.reached
    print(
        f"\nfuzz: {walk.sent} requests over {len(covered)} rules in {elapsed:.1f} s ({cpu:.1f} s of CPU here)"
    )
    print(f"fuzz: answers {dict(sorted(walk.statuses.items()))}; slowest routes {slowest}")
    every_rule = {r.endpoint for r in app.url_map.iter_rules()} - {"static"}
    assert covered == every_rule, f"rules never reached: {sorted(every_rule - covered)}"
    assert walk.sent >= MIN_REQUESTS, f"only {walk.sent} requests were sent"
    answered = walk.statuses.get(200, 0) + walk.statuses.get(302, 0)
    assert answered >= walk.sent // 3, f"only {answered} of {walk.sent} requests got past the checks"
    assert not walk.failures, f"{len(walk.failures)} server errors:\n" + "\n".join(walk.failures[:60])


def hostile_queries(walk: Walk, rule, url: str) -> None:
    """GET with hostile query parameters (each field of the page's GET forms alone, then the common names
    all at once) and with a hostile value in each path parameter."""
    endpoint = rule.endpoint
    if "GET" in rule.methods:
        thorough = next((r for r in ("admin", "staff") if (r, url) in walk.pages), None)
        for role in ROLES:
            own = walk.page(role, url).values["get"]
            for name in list(own.keys())[:PER_FIELD_LIMIT]:  # filters: every value of the field's kind
                tries = len(BY_KIND[walk.kinds.get(name, "text")]) if role == thorough else 1
                for _ in range(tries):
                    walk.send(role, "GET", url, walk.one_hostile(MultiDict(), name), endpoint=endpoint)
            if endpoint not in walk.heavy or role == thorough:
                walk.send(role, "GET", url, walk.hostile(COMMON_NAMES, CONTROL), endpoint=endpoint)
    method = _method(rule)
    for argument in rule.arguments:
        for value in walk.rng.sample(HOSTILE_PATH, 2):
            role = walk.rng.choice(ROLES)
            walk.send(role, method, with_path_value(rule, url, argument, value), endpoint=endpoint)


def hostile_forms(walk: Walk, rule, url: str, per_field: str) -> None:
    """POST as every role: every field hostile; as admin and staff: fields missing; as `per_field`: fields
    repeated, a save from another version, and the page's own form with one field hostile at a time."""
    endpoint = rule.endpoint
    for role in ROLES:
        names = walk.post_names(role, url)
        walk.send(role, "POST", url, walk.hostile(names, NUL), endpoint=endpoint)
        if role not in ("admin", "staff"):
            continue
        walk.send(role, "POST", url, MultiDict(), endpoint=endpoint)  # every field missing
        if role != per_field:
            continue
        repeated = MultiDict([(n, v) for n in names for v in walk.rng.sample(WITHOUT_NUL, 2)])
        walk.send(role, "POST", url, repeated, endpoint=endpoint)
        own = walk.page(role, url).values["post"]
        if own.get("version", "").isdigit():  # a save from another version: the conflict path
            stale = MultiDict(own)
            stale.setlist("version", [str(int(own["version"]) + 1)])
            walk.send(role, "POST", url, stale, endpoint=endpoint)
        for name in list(own.keys())[:PER_FIELD_LIMIT]:
            for value in (None, *SHARP.get(walk.kinds.get(name, "text"), ())):
                response = walk.send(role, "POST", url, walk.one_hostile(own, name, value), endpoint=endpoint)
                if response.status_code == 302 and "GET" in rule.methods:  # saved: a fresh form, new version
                    walk.send(role, "GET", url, endpoint=endpoint)
                    own = walk.page(role, url).values["post"] or own

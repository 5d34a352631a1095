"""PDFs never stall the server: the whole rendering runs in the bounded child, a user makes at most two PDFs at
once (the server a few more), every limit answers with a clear page, and under gunicorn.conf.py /healthz is
answered at once while three heavy PDFs are being made."""

from __future__ import annotations

import http.client
import io
import logging
import os
import re
import secrets
import signal
import socket
import subprocess
import sys
import threading
import time
import urllib.parse
from contextlib import ExitStack
from datetime import UTC, datetime, timedelta
from pathlib import Path
from unittest.mock import patch

import pytest
import sqlalchemy as sa

from casework import create_app, unit_of_work
from casework.extensions import db
from casework.models import Note, Petition
from tests.conftest import CSRF_RE, require_service, text_of

ROOT = Path(__file__).resolve().parent.parent
USER_BUSY = "Another PDF of yours is still being made; try again when it is done."


def hold_slots(app, stack: ExitStack, owner: str, count: int) -> None:
    """Take `count` of `owner`'s PDF slots in this process, as PDFs in progress elsewhere would."""
    from casework.pdf import printing_slot

    with app.app_context():
        for _ in range(count):
            stack.enter_context(printing_slot(owner))


def test_a_user_with_two_pdfs_in_progress_gets_a_clear_page(app, login_as, make_person):
    person = make_person(legal_name="Busy Printer Case")
    staff = login_as("staff")
    colleague = login_as("staff")
    with ExitStack() as held:
        hold_slots(app, held, f"user-{staff.user.id}", 2)
        summary = staff.get(f"/people/{person.id}/summary.pdf")
        packet = staff.post(f"/people/{person.id}/packet", {"audience": "internal", "sections": ["person"]})
        for response in (summary, packet):
            assert response.status_code == 429 and response.mimetype == "text/html"
            assert USER_BUSY in text_of(response) and response.headers["Retry-After"]
        assert colleague.get(f"/people/{person.id}/summary.pdf").status_code == 200  # others still print
    after = staff.get(f"/people/{person.id}/summary.pdf")
    assert after.status_code == 200, text_of(after)  # and so does the user, after


def test_the_server_wide_cap_gives_a_clear_page(app, login_as, make_person):
    person = make_person()
    staff = login_as("staff")
    app.config["PDF_MAX_IN_PROGRESS"] = 1
    try:
        with ExitStack() as held:
            hold_slots(app, held, "someone-else", 1)
            response = staff.get(f"/people/{person.id}/summary.pdf")
        assert response.status_code == 503
        assert "as many PDFs as it can at once" in text_of(response)
        after = staff.get(f"/people/{person.id}/summary.pdf")
        assert after.status_code == 200, text_of(after)
    finally:
        del app.config["PDF_MAX_IN_PROGRESS"]


def test_a_pdf_past_the_time_limit_gives_a_clear_page_and_frees_its_slot(app, login_as, make_person, db):
    person = make_person(legal_name="Slow Case")
    for n in range(400):
        db.add(Note(person_id=person.id, body=f"Note {n}: " + "a long line of words " * 40))
    staff = login_as("staff")
    app.config["PDF_TIMEOUT_SECONDS"] = 0.3
    try:
        slow = [
            staff.get(f"/people/{person.id}/summary.pdf"),
            staff.post(f"/people/{person.id}/packet", {"audience": "internal", "sections": ["notes"]}),
            staff.get(f"/people/{person.id}/summary.pdf"),  # the slots of the two above were given back
        ]
    finally:
        app.config["PDF_TIMEOUT_SECONDS"] = 60
    for response in slow:
        assert response.status_code == 503 and "This PDF took too long" in text_of(response)
    light = make_person(legal_name="Light Case")  # the user's slots are free again: a short PDF is made
    after = staff.get(f"/people/{light.id}/summary.pdf")
    assert after.status_code == 200, text_of(after)


def test_the_template_is_rendered_in_the_bounded_child(app, login_as, make_person, monkeypatch):
    person = make_person(legal_name="Child Rendered")
    staff = login_as("staff")
    original = app.jinja_env.get_template

    def no_pdf_template_here(name, *args, **kwargs):
        assert not str(name).startswith("pdf/"), "a PDF template was rendered in the web worker"
        return original(name, *args, **kwargs)

    monkeypatch.setattr(app.jinja_env, "get_template", no_pdf_template_here)
    response = staff.get(f"/people/{person.id}/summary.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")


def test_what_the_request_did_not_load_is_read_by_the_child(app, make_person, tmp_path):
    """The child attaches the request's objects to a session of its own: an attribute the request never loaded
    is read from the database there (on a connection of the child's), not a failure."""
    from pypdf import PdfReader

    from casework.extensions import db
    from casework.models import Person
    from casework.pdf import _Job, _run

    (tmp_path / "lazy.html").write_text("<p>{{ p.legal_name }} / {{ p.preferred_name }}</p>")
    person = make_person(legal_name="Read In The Child", preferred_name="Childread")
    with app.app_context():
        loaded = db.session.get(Person, person.id)
        db.session.expire(loaded, ["legal_name", "preferred_name"])  # as if never loaded
        job = _Job(
            template="lazy.html",
            context={"p": loaded},
            loaded=list(db.session.identity_map.values()),
            search_path=[str(tmp_path)],
            database_url=db.engine.url.render_as_string(hide_password=False),
        )
        rendered = _run(job)
        db.session.rollback()
    text = PdfReader(io.BytesIO(rendered.data)).pages[0].extract_text()
    assert "Read In The Child / Childread" in text


def test_the_petition_delivery_pdf_limit_gives_a_clear_page(app, login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    petition = db.add(
        Petition(
            person_id=person.id,
            org_id=person.org_id,
            kind="hosted",
            status="active",
            title="Free them",
            targets="The Governor",
            slug=f"free-{secrets.token_hex(4)}",
            story="A story.",
            public_fields="",
        )
    )
    url = f"/people/{person.id}/petitions/{petition.id}/delivery.pdf"
    with ExitStack() as held:
        hold_slots(app, held, f"user-{staff.user.id}", 2)
        busy = staff.get(url)
    assert busy.status_code == 429 and USER_BUSY in text_of(busy)
    done = staff.get(url)
    assert done.status_code == 200 and done.data.startswith(b"%PDF-")


# ------------------------------------------------------------------ gunicorn with gunicorn.conf.py

HEAVY_NOTES = 120


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Client:
    """A signed-in user of the live server: cookies kept, the CSRF token read from the sign-in page."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}

    def request(self, method: str, path: str, form: dict | None = None) -> tuple[int, bytes]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        try:
            headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
            body = None
            if form is not None:
                body = urllib.parse.urlencode(form)
                headers["Content-Type"] = "application/x-www-form-urlencoded"
            conn.request(method, path, body=body, headers=headers)
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                name, _, rest = header.partition("=")
                self.cookies[name.strip()] = rest.split(";", 1)[0]
            return response.status, data
        finally:
            conn.close()

    def sign_in(self, email: str, password: str) -> None:
        _, page = self.request("GET", "/login")
        match = CSRF_RE.search(page.decode())
        assert match
        form = {"csrf_token": match.group(1) or match.group(2), "email": email, "password": password}
        status, _ = self.request("POST", "/login", form)
        assert status == 302, f"{email} could not sign in"


def heavy_case(database: str, instance: Path) -> int:
    """Give a demo case the attorney works on (staff and admins see every case) many long notes; its id."""
    # Note bodies are sealed under the instance's data key ring: write them through the application.
    with patch.dict(os.environ, {"CASEWORK_INSTANCE_PATH": str(instance)}):
        app = create_app({"SQLALCHEMY_DATABASE_URI": database, "TESTING": True})
    with app.app_context():
        with unit_of_work.transaction():
            person_id = db.session.scalar(
                sa.text(
                    "SELECT min(a.person_id) FROM case_assignment a JOIN user_account u ON u.id = a.user_id "
                    "WHERE u.email = 'attorney@example.org'"
                )
            )
            now = datetime.now(UTC)
            db.session.execute(
                sa.insert(Note),
                [
                    {
                        "person_id": person_id,
                        "body": f"Note {n}. "
                        + "The hearing was moved again; the family waited all day. " * 12,
                        "privileged": False,
                        "version": 1,
                        "created_at": now,
                        "updated_at": now,
                    }
                    for n in range(HEAVY_NOTES)
                ],
            )
        db.engine.dispose()
    return person_id


def healthz_seconds(port: int) -> float:
    start = time.perf_counter()
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", "/healthz")
        response = conn.getresponse()
        response.read()
    finally:
        conn.close()
    assert response.status == 200
    return time.perf_counter() - start


def test_healthz_answers_within_a_second_while_three_heavy_pdfs_render(tmp_path):
    require_service(
        subprocess.run([sys.executable, "-c", "import gunicorn"], capture_output=True).returncode == 0,
        "gunicorn is not installed (pip install '.[server]')",
    )
    port = free_port()
    password = "heavy pdf password phrase"
    database = f"sqlite:///{tmp_path / 'live.sqlite'}"
    env = {
        **os.environ,
        "CASEWORK_INSTANCE_PATH": str(tmp_path / "instance"),
        "CASEWORK_SQLALCHEMY_DATABASE_URI": database,
        "CASEWORK_SECRET_KEY": secrets.token_hex(32),
        "CASEWORK_PASSWORD": password,
        "CASEWORK_ARGON2_TIME_COST": "1",
        "CASEWORK_ARGON2_MEMORY_COST": "1024",
        "CASEWORK_BIND": f"127.0.0.1:{port}",
        # A loaded test machine may be slow; the worker timeout follows (gunicorn.conf.py reads it too).
        "CASEWORK_PDF_TIMEOUT_SECONDS": "120",
    }
    for command in (["db", "upgrade"], ["demo"]):
        subprocess.run(
            [sys.executable, "-m", "flask", "--app", "casework", *command],
            cwd=ROOT,
            env=env,
            check=True,
            capture_output=True,
        )
    person_id = heavy_case(database, tmp_path / "instance")
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "casework:create_app()"],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        deadline = time.time() + 60
        while True:
            try:
                healthz_seconds(port)
                break
            except OSError:
                if time.time() > deadline:
                    pytest.fail("gunicorn did not start")
                time.sleep(0.2)
        clients = []
        for email in ("staff@example.org", "admin@example.org", "attorney@example.org"):
            client = Client(port)
            client.sign_in(email, password)
            clients.append(client)
        results: list[tuple[int, bytes, float]] = []

        def make_pdf(client: Client) -> None:
            start = time.perf_counter()
            status, body = client.request("GET", f"/people/{person_id}/summary.pdf")
            results.append((status, body, time.perf_counter() - start))

        threads = [threading.Thread(target=make_pdf, args=(c,)) for c in clients]
        for t in threads:
            t.start()
        waits = []
        while any(t.is_alive() for t in threads):
            waits.append(healthz_seconds(port))
            time.sleep(0.1)
        for t in threads:
            t.join()
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        try:
            server.wait(30)
        except subprocess.TimeoutExpired:
            os.killpg(server.pid, signal.SIGKILL)
            server.wait()
    assert [status for status, _, _ in results] == [200, 200, 200], [
        (status, seconds, re.findall(rb"<p>([^<]*)</p>", body)[:1]) for status, body, seconds in results
    ]
    assert all(body.startswith(b"%PDF-") for _, body, _ in results)
    assert min(seconds for _, _, seconds in results) > 1.5, (
        "the PDFs were not heavy enough to measure anything"
    )
    assert len(waits) >= 5
    assert max(waits) < 1.0, f"/healthz waited {max(waits):.2f} s while three PDFs were made"
    print(f"three heavy PDFs: {[round(s, 1) for _, _, s in results]} s; /healthz max {max(waits):.3f} s")


def shipped_gunicorn_conf() -> dict:
    """The names gunicorn.conf.py defines, read as gunicorn reads it (skipped without gunicorn)."""
    sys.path.insert(0, str(ROOT))
    try:
        import gunicorn.glogging  # noqa: F401  (gunicorn.conf.py imports it)
    except ImportError:
        require_service(False, "gunicorn is not installed")
    namespace: dict = {}
    exec(compile((ROOT / "gunicorn.conf.py").read_text(), "gunicorn.conf.py", "exec"), namespace)  # noqa: S102
    return namespace


def test_gunicorn_conf_keeps_query_strings_and_tokens_out_of_the_access_log():
    namespace = shipped_gunicorn_conf()
    assert namespace["worker_class"] == "gthread" and namespace["threads"] >= 2
    assert namespace["timeout"] > 60 and namespace["graceful_timeout"] > 0
    assert namespace["max_requests"] > 0 and namespace["max_requests_jitter"] > 0
    assert "%(r)s" not in namespace["access_log_format"] and "%(q)s" not in namespace["access_log_format"]
    token = secrets.token_urlsafe(32)
    masked = namespace["_TOKEN"].sub("…", f"/p/free-them/confirm/{token}")
    assert token not in masked and masked == "/p/free-them/confirm/…"
    assert re.search(r"%\(U\)s", namespace["access_log_format"])


def test_the_shipped_access_line_is_gunicorns_own_line(monkeypatch):
    """The access line made directly for the shipped format is, character for character, the line gunicorn's
    own formatting makes from the same atoms (the path’s token masked, quotes escaped)."""
    namespace = shipped_gunicorn_conf()
    from gunicorn.config import Config
    from gunicorn.glogging import Logger

    cfg = Config()
    cfg.set("access_log_format", namespace["access_log_format"])
    cfg.set("accesslog", "-")
    logger = namespace["RedactingLogger"](cfg)
    monkeypatch.setattr(logger, "now", lambda: "[06/Dec/2026:10:00:00 +0000]")
    lines: list[str] = []

    def kept(msg, *args):  # the line as logging makes the record's message
        lines.append(logging.LogRecord("gunicorn.access", logging.INFO, "", 0, msg, args, None).getMessage())

    monkeypatch.setattr(logger.access_log, "info", kept)
    token = secrets.token_urlsafe(32)

    class Response:
        def __init__(self, status, sent):
            self.status, self.sent, self.headers = status, sent, [("Content-Type", "text/html")]

    for path, status, sent, millis in (
        (f"/p/free-them/confirm/{token}", "200 OK", 2097, 5),
        ('/people/"quoted"', "404 NOT FOUND", None, 1234),
        ("/healthz", 303, 0, 0),
    ):
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": path,
            "RAW_URI": path + "?q=secret",
            "QUERY_STRING": "q=secret",
            "SERVER_PROTOCOL": "HTTP/1.1",
            "REMOTE_ADDR": "10.1.2.3",
        }
        took = timedelta(milliseconds=millis, microseconds=321)
        logger.access(Response(status, sent), [], environ, took)
        Logger.access(
            logger, Response(status, sent), [], environ, took
        )  # gunicorn's way, with the same atoms
        mine, gunicorns = lines[-2:]
        assert mine == gunicorns, (mine, gunicorns)
        assert token not in mine and "secret" not in mine and "10.1.2.3" not in mine
    assert lines[0] == '[06/Dec/2026:10:00:00 +0000] "POST /p/free-them/confirm/…" 200 2097 5ms'


def test_a_renderer_waits_ready_for_the_next_document(app):
    """While a document is made the renderer of the next one is started (warm: limits set, session made) in the
    background; the next document takes it, and it is gone once that document is back."""
    from casework import pdf

    # render_html's renderers: of this process, at the default limits, without a database (other tests of this
    # process leave renderers waiting under other memory limits, which the next document here does not take)
    key = (os.getpid(), app.config["PDF_MEMORY_MB"] * 1024 * 1024, app.config.get("PDF_NICENESS", 10), None)
    with app.app_context():
        pdf.render_html("<p>first</p>")
        deadline = time.monotonic() + 20
        spares: list = []
        while time.monotonic() < deadline:
            spares = [spare for k, spare in pdf._spares.items() if k == key]
            if spares and spares[0][0].is_alive():
                break
            time.sleep(0.05)
        assert spares and spares[0][0].is_alive()
        waiting = spares[0][0]
        rendered = pdf.render_html("<p>second</p>")
        assert rendered.data.startswith(b"%PDF-")
        waiting.join(30)  # the spare made the second document and exited; nothing else stops it
        assert not waiting.is_alive()


def test_open_arrays_allocate_what_sized_ones_would():
    """The renderer's cffi handle allocates "T[N]" as the open array "T[]" of the same items (no type parsed
    per length); anything else goes to cffi as it is."""
    from weasyprint.text.ffi import ffi

    from casework.pdf_engine import _OpenArrays

    arrays = _OpenArrays(ffi)
    values = [3, 1, 4, 1, 5]
    sized, opened = ffi.new("hb_codepoint_t[5]", values), arrays.new("hb_codepoint_t[5]", values)
    assert ffi.typeof(opened) == ffi.typeof("hb_codepoint_t[]") and list(opened) == list(sized)
    assert ffi.sizeof(opened) == ffi.sizeof(sized)
    assert list(arrays.new("char[4]")) == [b"\0"] * 4
    assert list(arrays.new("hb_codepoint_t[3]", [7])) == [7, 0, 0]  # a shorter init: cffi's own zero fill
    assert arrays.new("unsigned int *", 100)[0] == 100 and arrays.NULL == ffi.NULL


def test_a_worker_starts_its_renderer_on_a_staff_request_and_its_first_pdf_takes_it(
    app, browser, login_as, make_person, monkeypatch
):
    """A worker's first request from a signed-in user starts its renderer (a public or anonymous request does
    not): one waits for the application's database before the first PDF is asked for, and makes that PDF."""
    from casework import pdf, pdf_ahead

    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    with pdf._spares_lock:
        for key in [k for k in pdf._spares if k[0] == os.getpid() and k[3] == url]:
            pdf._spares.pop(key)[1].close()
    monkeypatch.setitem(app.config, "PDF_START_AHEAD", True)
    monkeypatch.setattr(pdf_ahead, "_started_in", None)

    def waiting() -> list:
        return [s for k, s in pdf._spares.items() if k[0] == os.getpid() and k[3] == url and s[0].is_alive()]

    browser.get("/login")
    assert pdf_ahead._started_in is None and not waiting()  # not signed in: nothing started
    person = make_person()
    staff = login_as("staff")
    staff.get("/people")
    deadline, spares = time.monotonic() + 20, []
    while time.monotonic() < deadline and not spares:
        spares = waiting()
        time.sleep(0.05)
    assert spares and pdf_ahead._started_in == os.getpid()
    response = staff.get(f"/people/{person.id}/summary.pdf")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    spares[0][0].join(10)
    assert not spares[0][0].is_alive()  # it made that PDF and exited


def test_a_renderer_runs_below_the_web_worker_at_the_configured_niceness(app):
    """A renderer runs at PDF_NICENESS (or the worker's own, if lower), set rather than added to its parent's."""
    from casework import pdf

    expected = max(app.config.get("PDF_NICENESS", 10), os.getpriority(os.PRIO_PROCESS, 0))
    key = (os.getpid(), app.config["PDF_MEMORY_MB"] * 1024 * 1024, app.config.get("PDF_NICENESS", 10), None)
    with app.app_context():
        pdf.render_html("<p>first</p>")
        deadline = time.monotonic() + 20
        spares: list = []
        while time.monotonic() < deadline and not spares:
            spares = [s for k, s in pdf._spares.items() if k == key and s[0].is_alive()]
            time.sleep(0.05)
        assert spares
        renderer = spares[0][0].pid
        time.sleep(0.5)  # a renderer sets its priority first thing: give it the moment
        assert os.getpriority(os.PRIO_PROCESS, renderer) == expected
        # the fork server it came from loads and warms WeasyPrint below the web worker too
        fork_server = int(Path(f"/proc/{renderer}/stat").read_text().rsplit(")", 1)[1].split()[1])
        assert fork_server != os.getpid()
        assert os.getpriority(os.PRIO_PROCESS, fork_server) >= max(10, os.getpriority(os.PRIO_PROCESS, 0))


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="a thread's own niceness is Linux's")
def test_the_thread_that_starts_renderers_runs_below_the_worker_and_only_it():
    """A fork server inherits the niceness of the thread that starts it: the background thread lowers its own,
    never the worker's other threads."""
    from casework import pdf

    own = os.getpriority(os.PRIO_PROCESS, 0)
    seen = []

    def background():
        pdf._lower_this_thread(10)
        seen.append(os.getpriority(os.PRIO_PROCESS, threading.get_native_id()))

    thread = threading.Thread(target=background)
    thread.start()
    thread.join()
    assert seen == [max(10, own)]
    assert os.getpriority(os.PRIO_PROCESS, 0) == own

"""One benchmark of the whole application, over real HTTP against gunicorn with the shipped gunicorn.conf.py.

    python benchmarks/run.py [--people N] [--database URL] [--quick]

Builds (or reuses, see bench_data.py) the fictional data of N people and of 10,000 people, starts gunicorn
(3 workers, gunicorn.conf.py) serving the application and, beside it, a hello-world Flask app under the same
configuration, then measures interleaved rounds: each round measures the hello-world and the people list's
requests per second one after the other (the order alternating), then the searches, What's due, the
dashboard, the people CSV, the PDF summary and a packet. It prints a table (median, spread, rounds, load
average while measured) and, as its last line, one JSON object (keys in `KEYS`).

Only 127.0.0.1 is ever contacted. Every loop is bounded in count and time.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import re
import shutil
import signal
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from http.cookies import SimpleCookie
from pathlib import Path
from urllib.parse import urlencode

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(HERE))

import bench_data  # noqa: E402
import pdf_render  # noqa: E402
import petition_load  # noqa: E402

KEYS = (
    "list_vs_hello",
    "search_p95_ms",
    "flat_ratio",
    "max_statements",
    "due_ms",
    "dashboard_ms",
    "csv_first_byte_ms",
    "pdf_summary_ms",
    "pdf_summary_vs_weasyprint",
    "packet_vs_weasyprint",
    "sign_confirmed_per_s",
    "cold_start_s",
    "people",
    "database",
)
FLAT_BASE = 10_000


# --- HTTP ---------------------------------------------------------------------------------------------------


class Browser:
    """One signed-in user: a keep-alive connection per thread and the session cookie."""

    def __init__(self, port: int):
        self.port = port
        self.cookies: dict[str, str] = {}
        self.local = threading.local()
        self.csrf = ""

    def _conn(self) -> http.client.HTTPConnection:
        conn = getattr(self.local, "conn", None)
        if conn is None:
            conn = self.local.conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=120)
        return conn

    def request(self, method: str, path: str, data=None, first_byte: bool = False):
        """(status, body, seconds to the first byte of the body, seconds in all)."""
        headers = {"Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items())}
        body = None
        if data is not None:
            body = urlencode(data, doseq=True)
            headers["Content-Type"] = "application/x-www-form-urlencoded"
        for attempt in (1, 2):
            conn = self._conn()
            start = time.perf_counter()
            try:
                conn.request(method, path, body=body, headers=headers)
                response = conn.getresponse()
                first = response.read(1) if first_byte else b""
                first_at = time.perf_counter()
                content = first + response.read()
                break
            except (ConnectionError, http.client.HTTPException):
                conn.close()  # the server closed an idle keep-alive connection: once more on a new one
                self.local.conn = None
                if attempt == 2:
                    raise
        for header in response.headers.get_all("Set-Cookie") or []:
            for name, morsel in SimpleCookie(header).items():
                self.cookies[name] = morsel.value
        return response.status, content, first_at - start, time.perf_counter() - start

    def get(self, path: str):
        return self.request("GET", path)

    def post(self, path: str, data: dict):
        return self.request("POST", path, {"csrf_token": self.csrf, **data})

    def sign_in(self, email: str, password: str) -> Browser:
        _, page, _, _ = self.get("/login")
        self.csrf = bench_data.csrf_token(page)
        status, _, _, _ = self.post("/login", {"email": email, "password": password})
        if status != 302:
            raise SystemExit(f"sign-in failed ({status})")
        _, page, _, _ = self.get("/people")
        self.csrf = bench_data.csrf_token(page)
        return self


def throughput(browser: Browser, path: str, seconds: float, concurrency: int) -> tuple[float, dict]:
    """Requests per second answered 200 by `concurrency` threads asking `path` for `seconds`."""
    statuses: dict[int, int] = {}
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds

    def worker():
        while time.perf_counter() < deadline:
            status = browser.get(path)[0]
            with lock:
                statuses[status] = statuses.get(status, 0) + 1

    start = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(seconds + 120)
    return statuses.get(200, 0) / (time.perf_counter() - start), statuses


# --- servers ------------------------------------------------------------------------------------------------


def server_env(env: dict, port: int) -> dict:
    out = {**os.environ, **env, "CASEWORK_BIND": f"127.0.0.1:{port}", "WEB_CONCURRENCY": "3"}
    out.pop("PYTHONDONTWRITEBYTECODE", None)  # as installed: compiled modules are kept
    return out


def start_server(app: str, env: dict, port: int, probe: str) -> tuple[subprocess.Popen, float]:
    """gunicorn -c gunicorn.conf.py APP on 127.0.0.1:port; (process, seconds from start to the first 200)."""
    started = time.perf_counter()
    process = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "-c", str(ROOT / "gunicorn.conf.py"), app],
        cwd=ROOT,
        env=server_env(env, port),
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    deadline = started + 60
    while time.perf_counter() < deadline:
        if process.poll() is not None:
            raise SystemExit(f"gunicorn ({app}) stopped at start (exit {process.returncode})")
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=5)
            conn.request("GET", probe)
            if conn.getresponse().status == 200:
                conn.close()
                return process, time.perf_counter() - started
            conn.close()
        except OSError:
            pass
        time.sleep(0.01)
    stop_server(process)
    raise SystemExit(f"gunicorn ({app}) gave no 200 within 60 s")


def stop_server(process: subprocess.Popen) -> None:
    try:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(20)
    except ProcessLookupError:
        return
    except subprocess.TimeoutExpired:
        os.killpg(process.pid, signal.SIGKILL)
        process.wait(5)


# --- in-process figures: statements per page, the list at two sizes, the PDF baselines ----------------------


def _app(dataset: bench_data.Dataset, **config):
    os.environ.update(bench_data.config(dataset.url, dataset.instance))
    from casework import create_app

    # In this process nothing is shared with a server's workers: no folder of pages is left behind.
    return create_app({"SQLALCHEMY_DATABASE_URI": dataset.url, "KEPT_PAGES_SHARED": False, **config})


def fresh_pages_client(dataset: bench_data.Dataset):
    """(app, signed-in test client, CSRF token) on `dataset`, each page made from the database, as a first
    visit or one after a change makes it: no page kept between requests (casework.kept_pages), so that the
    figures are the work that grows with the data."""
    app = _app(dataset, PEOPLE_LIST_PAGES_KEPT=0, DEADLINE_PAGES_KEPT=0)
    client, token = bench_data.signed_in_client(app)
    return app, client, token


def lists_interleaved(clients: list, repeat: int) -> list[list[float]]:
    """The list's times in ms through each client, one request of each in turn (the order alternating), so
    that what the machine does meanwhile weighs on every size alike."""
    times: list[list[float]] = [[] for _ in clients]
    for r in range(repeat):
        order = list(enumerate(clients))
        for i, client in order if r % 2 == 0 else order[::-1]:
            start = time.perf_counter()
            if client.get("/people").status_code != 200:
                raise SystemExit("the list: no page")
            times[i].append((time.perf_counter() - start) * 1000)
    return times


def statements_and_list(dataset: bench_data.Dataset, made, repeat: int, searches: dict | None = None) -> dict:
    """SQL statements of the list, the case page, What's due and the dashboard (in-process test client on the
    same database, counted by an engine event), the list's times in ms, and those of What's due, the
    dashboard and each of `searches` (kind -> filters) made afresh; `made` is fresh_pages_client's."""
    import sqlalchemy as sa

    from casework.extensions import db

    app, client, token = made
    counter = {"n": 0}

    def count(*args, **kwargs):
        counter["n"] += 1

    with app.app_context():
        engine = db.engine
    sa.event.listen(engine, "before_cursor_execute", count)
    pages = {
        "list": "/people",
        "case page": f"/people/{dataset.ids['sample']}",
        "what's due": "/due",
        "dashboard": "/dashboard",
    }
    statements = {}
    try:
        for label, path in pages.items():
            client.get(path)
            counter["n"] = 0
            response = client.get(path)
            if response.status_code != 200:
                raise SystemExit(f"{path}: {response.status_code}")
            statements[label] = counter["n"]
        times: dict[str, list[float]] = {"list": [], "what's due": [], "dashboard": []}
        for label in times:
            for _ in range(repeat):
                start = time.perf_counter()
                client.get(pages[label])
                times[label].append((time.perf_counter() - start) * 1000)
        # Over HTTP a search asked again is a page kept under the organization's stamps; here each is made from
        # the database (a new search, or the same one after any change to the organization's people).
        for kind, filters in (searches or {}).items():
            client.post("/people", data={"csrf_token": token, "sort": "name", **filters})
            made = times[f"search by {kind}"] = []
            for _ in range(repeat):
                start = time.perf_counter()
                if client.get("/people").status_code != 200:
                    raise SystemExit(f"search by {kind}: no page")
                made.append((time.perf_counter() - start) * 1000)
        if searches:
            client.post("/people", data={"csrf_token": token, "clear": "1"})
    finally:
        sa.event.remove(engine, "before_cursor_execute", count)
    return {"statements": statements, "list_ms": times["list"], "made_ms": times}


def pdf_html(dataset: bench_data.Dataset) -> dict[str, str]:
    """The exact HTML the application renders for the summary and the packet (to time WeasyPrint alone)."""
    from flask_login import login_user

    from casework.extensions import db
    from casework.models import Person, User

    app = _app(dataset)
    out = {}
    with app.test_request_context():
        user = db.session.scalar(db.select(User).where(User.email == bench_data.STAFF))
        login_user(user)
        for kind, key in (("summary", "pham"), ("packet", "keo")):
            person = db.session.get(Person, dataset.ids[key])
            context, _ = pdf_render.case_pdf_context(user, person, kind == "summary", dataset.ids["exhibits"])
            out[kind] = pdf_render.case_html(context)
        db.engine.dispose()
    return out


def weasyprint_alone(html: str, runs: int) -> list[float]:
    """Seconds of WeasyPrint alone on `html`, each run in a fresh child of the application's own PDF fork server."""
    return pdf_render.weasyprint_alone(html, runs)[0]


# --- petition signing (PostgreSQL) --------------------------------------------------------------------------


MACHINE_LOOP = "machine: a fixed Python loop"


def machine_loop_ms() -> float:
    """The same pure-Python loop timed in this process, the best of three, in ms: how fast the machine is at
    that moment. The absolute figures (signatures per second, the cold start) move with it; here it has been
    seen to double and come back within an hour, with the same code and nothing else running."""
    best = float("inf")
    for _ in range(3):
        start = time.perf_counter()
        total = 0
        for i in range(300_000):
            total += i * i % 7
        best = min(best, time.perf_counter() - start)
    return best * 1000


def signing(database: str, signers: int, rounds: int, figures: Figures | None = None) -> dict:
    """benchmarks/petition_load.py `rounds` times, each against a database of its own: confirmed signatures per
    second in each round (their median is the figure, as for every other measure), signatures lost in the
    worst round, the CPU per signature of the median round, and the hello-world ceiling (first round)."""
    runs = []
    for index in range(max(1, rounds)):
        if figures is not None:
            figures.add(MACHINE_LOOP, machine_loop_ms(), "ms")
        runs.append(_sign_once(database, signers, ceiling=index == 0))
    median = sorted(runs, key=lambda run: run["per_s"])[len(runs) // 2]
    return {
        "per_s": statistics.median(run["per_s"] for run in runs),
        "rounds": [run["per_s"] for run in runs],
        "lost": max((run["lost"] or 0 for run in runs), key=abs),
        "cpu": median["cpu"],
        "ceiling": runs[0]["ceiling"],
    }


def _sign_once(database: str, signers: int, ceiling: bool) -> dict:
    command = [
        sys.executable,
        str(HERE / "petition_load.py"),
        "--signers",
        str(signers),
        "--database",
        database,
    ]
    result = subprocess.run(
        command + ([] if ceiling else ["--no-ceiling"]),
        cwd=ROOT,
        env=server_env({}, 0),
        capture_output=True,
        text=True,
        timeout=900,
    )
    rate = re.search(r"confirmed signatures per second: (\d+)", result.stdout)
    lost = re.search(r"lost signatures:\s+(-?\d+).*= (-?\d+)", result.stdout)
    if not rate:
        tail = (result.stdout + result.stderr).strip().splitlines()[-5:]
        raise SystemExit("petition_load.py failed:\n" + "\n".join(tail))
    cpu = re.search(r"CPU per confirmed signature: (.*)", result.stdout)
    found = re.search(r"ceiling \(hello-world\): (\d+) pairs", result.stdout)
    return {
        "per_s": float(rate.group(1)),
        "lost": int(lost.group(1)) if lost else None,
        "cpu": cpu.group(1) if cpu else None,
        "ceiling": int(found.group(1)) if found else None,
    }


# --- the run ------------------------------------------------------------------------------------------------


class Figures:
    """Samples per metric, with the load average seen while they were taken."""

    def __init__(self) -> None:
        self.samples: dict[str, list[float]] = {}
        self.loads: dict[str, list[float]] = {}
        self.units: dict[str, str] = {}
        self.rounds: dict[str, int] = {}

    def add(self, name: str, values: list[float] | float, unit: str) -> None:
        values = values if isinstance(values, list) else [values]
        self.samples.setdefault(name, []).extend(values)
        self.loads.setdefault(name, []).append(os.getloadavg()[0])
        self.rounds[name] = self.rounds.get(name, 0) + 1
        self.units[name] = unit

    def median(self, name: str) -> float:
        return statistics.median(self.samples[name])

    def p95(self, name: str) -> float:
        values = sorted(self.samples[name])
        return values[min(len(values) - 1, max(0, round(0.95 * len(values)) - 1))]

    def table(self) -> str:
        width = max([34, *map(len, self.samples)])
        lines = [
            f"{'measure':<{width}} {'median':>10} {'min':>10} {'max':>10} {'p95':>10}  {'unit':<6} {'rounds':>6} "
            f"{'load':>5}"
        ]
        for name, values in self.samples.items():
            lines.append(
                f"{name:<{width}} {statistics.median(values):>10.1f} {min(values):>10.1f} {max(values):>10.1f} "
                f"{self.p95(name):>10.1f}  {self.units[name]:<6} {self.rounds[name]:>6} "
                f"{statistics.mean(self.loads[name]):>5.2f}"
            )
        return "\n".join(lines)


def measure_round(figures: Figures, r: int, servers: dict, args, ids: dict, queries: dict) -> None:
    hello, app_list, searcher = servers["hello"], servers["list"], servers["search"]
    order = [("hello-world", hello, "/"), ("people list", app_list, "/people")]
    for label, browser, path in order if r % 2 == 0 else order[::-1]:
        rate, statuses = throughput(browser, path, args.seconds, args.concurrency)
        if set(statuses) - {200}:
            print(f"  {label}: statuses {statuses}", file=sys.stderr)
        figures.add(f"{label} (requests/s)", rate, "req/s")
    for kind, filters in queries.items():
        searcher.post("/people", {"sort": "name", **filters})
        times = []
        for _ in range(args.samples):
            status, _, _, seconds = searcher.get("/people")
            assert status == 200, status
            times.append(seconds * 1000)
        figures.add(f"search by {kind}", times, "ms")
    searcher.post("/people", {"clear": "1"})
    for label, path in (("what's due", "/due"), ("dashboard", "/dashboard")):
        figures.add(label, [app_list.get(path)[3] * 1000 for _ in range(max(3, args.samples // 4))], "ms")
    status, body, first, total = app_list.request("GET", "/people/export.csv", first_byte=True)
    assert status == 200, status
    figures.add("people CSV, first byte", first * 1000, "ms")
    figures.add("people CSV, whole", total * 1000, "ms")
    form = {"audience": "internal", "purpose": "For the Parole Board", "sections": pdf_render.PACKET_SECTIONS}
    form["exhibits"] = [str(i) for i in ids["exhibits"]]
    status, body, _, seconds = app_list.post(f"/people/{ids['keo']}/packet", form)
    assert status == 200 and body.startswith(b"%PDF"), status
    figures.add("packet (30 pages, 2 exhibits)", seconds * 1000, "ms")


def pdf_summary_ms(browser: Browser, ids: dict) -> float:
    """One case summary over HTTP, in ms."""
    status, body, _, seconds = browser.get(f"/people/{ids['pham']}/summary.pdf")
    assert status == 200 and body.startswith(b"%PDF"), status
    return seconds * 1000


def search_queries(dataset: bench_data.Dataset) -> dict[str, dict]:
    """A bulk person's legal name, alias and A-number, read from the database."""
    import sqlalchemy as sa

    engine = sa.create_engine(dataset.url, poolclass=sa.pool.NullPool)
    with engine.connect() as conn:
        row = conn.execute(
            sa.text("SELECT legal_name, aliases, a_number FROM person WHERE id = :id"),
            {"id": dataset.ids["sample"]},
        ).one()
    engine.dispose()
    a_number = row.a_number if isinstance(row.a_number, str) and row.a_number.isdigit() else None
    a_number = a_number or f"{bench_data.A_NUMBER_BASE + dataset.people // 2:09d}"
    return {"name": {"q": row.legal_name}, "alias": {"q": row.aliases}, "A-number": {"q": f"A{a_number}"}}


def parse_args(argv=None):
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database", help="a PostgreSQL URL on 127.0.0.1 (default: SQLite)")
    parser.add_argument("--quick", action="store_true", help="100,000 people and fewer rounds")
    parser.add_argument("--rounds", type=int, help="rounds (5; 3 with --quick)")
    parser.add_argument(
        "--seconds", type=float, help="seconds of each throughput measure (5; 3 with --quick)"
    )
    parser.add_argument("--concurrency", type=int, default=6, help="client threads of the throughput measure")
    parser.add_argument(
        "--samples", type=int, help="requests of each latency measure per round (20; 12 quick)"
    )
    parser.add_argument("--flat-base", type=int, default=FLAT_BASE, help="the smaller size of flat_ratio")
    parser.add_argument("--signers", type=int, help="signers of the petition benchmark (3000; 1500 quick)")
    parser.add_argument(
        "--data-dir", type=Path, default=bench_data.DATA, help="where built data sets are kept"
    )
    parser.add_argument("--drop", action="store_true", help="remove the data sets afterwards")
    args = parser.parse_args(argv)
    if args.quick:
        args.people = 100_000 if "--people" not in (argv or sys.argv) else args.people
    args.rounds = args.rounds or (3 if args.quick else 5)
    args.seconds = args.seconds or (3.0 if args.quick else 5.0)
    args.samples = args.samples or (12 if args.quick else 20)
    args.signers = args.signers or (1500 if args.quick else 3000)
    if args.database and sa_host(args.database) not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The benchmark runs against 127.0.0.1 only.")
    return args


def sa_host(url: str) -> str | None:
    import sqlalchemy as sa

    return sa.engine.make_url(url).host


def main(argv=None) -> dict:
    args = parse_args(argv)
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(ROOT / "casework")], check=False)
    dataset = bench_data.ensure(args.people, args.database, args.data_dir)
    base = dataset
    if args.flat_base != args.people:
        base = bench_data.ensure(args.flat_base, args.database, args.data_dir)
    figures = Figures()
    # The pages a server's workers share (casework.shared_pages) start empty in every run: none is left from
    # an earlier run on the same data, so that each search's first request of the run is made afresh.
    shared = tempfile.mkdtemp(prefix="casework-bench-pages-")
    env = {
        **bench_data.config(dataset.url, dataset.instance),
        "CASEWORK_KEPT_PAGES_SHARED_DIR": str(Path(shared) / "pages"),
    }
    app_port, hello_port = petition_load.free_port(), petition_load.free_port()
    try:
        for _ in range(args.rounds):
            figures.add(MACHINE_LOOP, machine_loop_ms(), "ms")
            process, seconds = start_server("casework:create_app()", env, app_port, "/healthz")
            stop_server(process)
            figures.add("cold start to first 200", seconds, "s")
            process, seconds = start_server("benchmarks.hello:app", env, hello_port, "/")
            stop_server(process)
            figures.add("cold start, hello-world", seconds, "s")
        app_server, _ = start_server("casework:create_app()", env, app_port, "/healthz")
        hello_server, _ = start_server("benchmarks.hello:app", env, hello_port, "/")
        try:
            # Measured at rest, as a server in service: the PDF fork server warms WeasyPrint after its first answer.
            petition_load.wait_until_settled(app_server.pid)
            browsers = {
                "hello": Browser(hello_port),
                "list": Browser(app_port).sign_in(bench_data.STAFF, bench_data.PASSWORD),
                "search": Browser(app_port).sign_in(bench_data.STAFF, bench_data.PASSWORD),
            }
            queries = search_queries(dataset)
            html = pdf_html(dataset)  # the exact HTML of the summary and the packet, for WeasyPrint alone
            warm = min(1.0, args.seconds)
            throughput(browsers["list"], "/people", warm, args.concurrency)  # warm up every worker
            throughput(browsers["hello"], "/", warm, args.concurrency)
            for r in range(args.rounds):
                figures.add(MACHINE_LOOP, machine_loop_ms(), "ms")
                measure_round(figures, r, browsers, args, dataset.ids, queries)
                # The summary and WeasyPrint alone on its HTML one after the other, in turn: what the machine
                # does meanwhile weighs on both alike (their ratio is a target).
                for _ in range(3 if args.samples >= 3 else 1):
                    figures.add("PDF summary", pdf_summary_ms(browsers["list"], dataset.ids), "ms")
                    alone = weasyprint_alone(html["summary"], 1)
                    figures.add("WeasyPrint alone, summary", [t * 1000 for t in alone], "ms")
                alone = weasyprint_alone(html["packet"], 2 if args.samples >= 3 else 1)
                figures.add("WeasyPrint alone, packet", [t * 1000 for t in alone], "ms")
                print(f"round {r + 1}/{args.rounds} done", file=sys.stderr)
        finally:
            stop_server(app_server)
            stop_server(hello_server)
        clients = [fresh_pages_client(dataset)]
        big = small = statements_and_list(dataset, clients[0], max(9, args.samples), queries)
        if base is not dataset:
            clients.append(fresh_pages_client(base))
            clients[1][1].get("/people")  # once before the measure, as the larger one was
            big["list_ms"], small_list_ms = lists_interleaved(
                [c[1] for c in clients], 2 * max(9, args.samples)
            )
            small = {"list_ms": small_list_ms}
        from casework.extensions import db

        for app, _, _ in clients:
            with app.app_context():
                db.engine.dispose()
        figures.add(f"list in-process, {dataset.people:,}", big["list_ms"], "ms")
        # What a first visit, or the first after a change, costs (over HTTP the pages are kept in between).
        figures.add("what's due in-process, made afresh", big["made_ms"]["what's due"], "ms")
        figures.add("dashboard in-process, made afresh", big["made_ms"]["dashboard"], "ms")
        for kind in queries:
            figures.add(
                f"search by {kind} in-process, made afresh", big["made_ms"][f"search by {kind}"], "ms"
            )
        if base is not dataset:
            figures.add(f"list in-process, {base.people:,}", small["list_ms"], "ms")
        sign = (
            signing(args.database, args.signers, args.rounds, figures)
            if dataset.kind == "postgresql" and args.database
            else None
        )
    finally:
        shutil.rmtree(shared, ignore_errors=True)
        if args.drop:
            bench_data.drop(args.people, args.database, args.data_dir)
            if args.flat_base != args.people:
                bench_data.drop(args.flat_base, args.database, args.data_dir)

    print()
    print(
        f"Casework benchmark: {dataset.kind}, {dataset.people:,} people "
        f"({f'built in {dataset.built_seconds:.0f} s' if dataset.built_seconds else 'reused'}); "
        f"gunicorn -c gunicorn.conf.py (3 workers); {args.rounds} interleaved rounds; "
        f"{args.concurrency} client threads; {os.cpu_count()} CPUs"
    )
    print(figures.table())
    print("SQL statements per page: " + ", ".join(f"{k} {v}" for k, v in big["statements"].items()))
    if sign:
        each = ", ".join(f"{rate:.0f}" for rate in sign["rounds"])
        print(
            f"petition signing: {sign['per_s']:.0f} confirmed/s (median of rounds: {each}), lost {sign['lost']}"
        )
        if sign["cpu"]:
            print(f"  CPU per confirmed signature: {sign['cpu']}")
        if sign["ceiling"]:
            print(
                f"  ceiling: the hello-world app answers {sign['ceiling']} pairs of posts/s under the same client"
            )
    search_p95 = max(figures.p95(f"search by {kind}") for kind in queries)
    result = {
        "list_vs_hello": round(
            figures.median("people list (requests/s)") / figures.median("hello-world (requests/s)"), 4
        ),
        "search_p95_ms": round(search_p95, 1),
        "flat_ratio": round(statistics.median(big["list_ms"]) / statistics.median(small["list_ms"]), 3),
        "max_statements": max(big["statements"].values()),
        "due_ms": round(figures.median("what's due"), 1),
        "dashboard_ms": round(figures.median("dashboard"), 1),
        "csv_first_byte_ms": round(figures.median("people CSV, first byte"), 1),
        "pdf_summary_ms": round(figures.median("PDF summary"), 1),
        "pdf_summary_vs_weasyprint": round(
            figures.median("PDF summary") / figures.median("WeasyPrint alone, summary"), 3
        ),
        "packet_vs_weasyprint": round(
            figures.median("packet (30 pages, 2 exhibits)") / figures.median("WeasyPrint alone, packet"), 3
        ),
        "sign_confirmed_per_s": sign["per_s"] if sign else None,
        "cold_start_s": round(figures.median("cold start to first 200"), 3),
        "people": dataset.people,
        "database": dataset.kind,
    }
    assert tuple(result) == KEYS
    print(json.dumps(result), flush=True)
    return result


if __name__ == "__main__":
    main()

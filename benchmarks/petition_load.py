"""Many concurrent signers of one hosted petition, against gunicorn and PostgreSQL on 127.0.0.1.

Creates a PostgreSQL database of its own (next to the one named by --database) and drops it afterwards,
builds the schema with the migrations, publishes one petition, starts gunicorn, then:

1. signs: N signers post the public form at once (C keep-alive connections from one client thread, asyncio,
   each signer from its own client address given in X-Forwarded-For, as behind a proxy: PROXY_FIX=1);
2. confirms: every signer's link, read from the outbox table, is posted.

The rate limits are counted in Redis (--redis, 127.0.0.1:6379 by default, under a key prefix of the run),
as in production with several workers; `--redis memory` counts them in each worker's memory instead.

It prints confirmed signatures per second (N over the time of both phases), the p95 latency of each phase,
the CPU each signature cost (gunicorn workers, PostgreSQL backends, this load client), and the lost
signatures: signers minus confirmed rows, and the stored count minus confirmed rows (both must be 0).

Then, for the ceiling of this machine, the same client posts the same two phases to the hello-world app of
`benchmarks/hello.py` under the same gunicorn command and configuration: pairs of posts per second that no
signing can beat here (the time left to the application is the difference). --no-ceiling skips it.
Bounded: at most --signers requests per phase and --time-limit seconds in all; only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import asyncio
import http.client
import os
import re
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
import uuid
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

SLUG = "benchmark-petition"
MAX_SIGNERS = 20_000


def cpu_seconds(pids: list[int]) -> dict[int, float]:
    """User + system CPU time consumed so far by each of these processes still running (Linux /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    seconds = {}
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds[pid] = (int(fields[11]) + int(fields[12])) / ticks  # utime, stime (fields 14 and 15 of stat)
    return seconds


def children_of(pid: int) -> list[int]:
    """The processes whose parent is `pid` (Linux /proc)."""
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == pid:
                    found.append(int(entry.name))
            except OSError:
                continue
    return found


def wait_until_settled(server_pid: int, seconds: float = 60, quiet: float = 0.05) -> float:
    """Wait until the server's processes (the children of its master) use less than `quiet` seconds of CPU over
    half a second: the PDF fork server loads and warms WeasyPrint for a few seconds of CPU after the first
    answer, which a server in service has long done. Returns the seconds waited (at most `seconds`)."""
    start = time.perf_counter()
    before = sum(cpu_seconds(children_of(server_pid)).values())
    while time.perf_counter() - start < seconds:
        time.sleep(0.5)
        now = sum(cpu_seconds(children_of(server_pid)).values())
        if now - before < quiet:
            break
        before = now
    return time.perf_counter() - start


def server_processes(server_pid: int, engine: sa.Engine, database: str) -> dict[str, list[int]]:
    """The gunicorn workers (children of the master) and the PostgreSQL backends serving `database`."""
    workers = children_of(server_pid)
    with engine.connect() as conn:
        backends = conn.execute(
            sa.text("SELECT pid FROM pg_stat_activity WHERE datname = :d AND pid <> pg_backend_pid()"),
            {"d": database},
        ).scalars()
        return {"gunicorn": workers, "postgresql": list(backends)}


def limit_storage(uri: str) -> str:
    """The rate limits' storage URI: `uri` (Redis on 127.0.0.1 only), or memory:// when asked for."""
    if uri == "memory":
        return "memory://"
    host = sa.engine.make_url(uri.replace("redis://", "redis+x://", 1)).host
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The benchmark's Redis is on 127.0.0.1 only.")
    return uri


def forget_limits(uri: str, prefix: str) -> None:
    """Delete the run's counters from Redis (they would otherwise expire within a day)."""
    if not uri.startswith("redis://"):
        return
    import redis

    client = redis.Redis.from_url(uri, socket_connect_timeout=2)
    keys = list(client.scan_iter(match=f"{prefix}:*", count=1000))
    for start in range(0, len(keys), 500):
        client.delete(*keys[start : start + 500])
    client.close()


def create_database(base_url: str) -> tuple[str, str]:
    """A fresh database next to `base_url`'s; returns (url, name)."""
    name = f"casework_load_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    url = sa.engine.make_url(base_url).set(database=name).render_as_string(hide_password=False)
    return url, name


def drop_database(base_url: str, name: str) -> None:
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


def prepare(env: dict) -> None:
    """Schema by the migrations, then an organization, a case and one published petition."""
    os.environ.update(env)
    from flask_migrate import upgrade

    from casework import create_app
    from casework.extensions import db
    from casework.models import Organization, Person, Petition

    app = create_app()
    with app.app_context():
        upgrade()
        org = Organization(name="Benchmark Org")
        db.session.add(org)
        db.session.flush()
        person = Person(org_id=org.id, legal_name="Bench Person", preferred_name="Bench")
        db.session.add(person)
        db.session.flush()
        db.session.add(
            Petition(
                person_id=person.id,
                org_id=org.id,
                kind="hosted",
                status="active",
                title="Benchmark petition",
                targets="A decision maker",
                goal=100_000,
                slug=SLUG,
                story="A public story.",
                public_fields="",
            )
        )
        db.session.commit()
        db.engine.dispose()


def sign_body(i: int) -> str:
    """The form signer `i` posts."""
    return urlencode(
        {
            "name": f"Signer {i} Example",
            "email": f"signer{i}@example.org",
            "zip_code": f"{10000 + i % 89999:05d}",
        }
    )


def request_bytes(port: int, path: str, body: str = "", headers: dict | None = None) -> bytes:
    """One keep-alive POST of a form, as bytes on the wire."""
    lines = [
        f"POST {path} HTTP/1.1",
        f"Host: 127.0.0.1:{port}",
        "Content-Type: application/x-www-form-urlencoded",
        f"Content-Length: {len(body.encode())}",
        *(f"{name}: {value}" for name, value in (headers or {}).items()),
    ]
    return ("\r\n".join(lines) + "\r\n\r\n" + body).encode()


async def _read_response(reader: asyncio.StreamReader) -> tuple[int, bool]:
    """Read one response (Content-Length or chunked body); (status, whether the server closes the connection)."""
    head = await reader.readuntil(b"\r\n\r\n")
    status = int(head[9:12])
    fields = head.lower()
    found = re.search(rb"\r\ncontent-length: *(\d+)", fields)
    if found:
        await reader.readexactly(int(found.group(1)))
    elif b"transfer-encoding: chunked" in fields:
        while True:
            size = int((await reader.readuntil(b"\r\n")).split(b";")[0], 16)
            await reader.readexactly(size + 2)
            if size == 0:
                break
    return status, b"\r\nconnection: close" in fields


async def _run_requests(
    port: int, requests: list[bytes], concurrency: int, deadline: float
) -> tuple[list[float], dict[int, int]]:
    """`concurrency` keep-alive connections, each sending the next request once its previous answer is in;
    returns the latencies and the status counts."""
    pending = iter(requests)
    latencies: list[float] = []
    statuses: dict[int, int] = {}

    async def connection() -> None:
        reader = writer = None
        for raw in pending:  # one iterator shared by every connection of this (single) thread
            if time.time() > deadline:
                break
            start = time.perf_counter()
            for attempt in (1, 2):
                try:
                    if writer is None:
                        reader, writer = await asyncio.open_connection("127.0.0.1", port)
                    writer.write(raw)
                    status, closing = await _read_response(reader)
                    break
                except (ConnectionError, asyncio.IncompleteReadError):
                    if writer is not None:
                        writer.close()
                    reader = writer = None  # the server closed an idle keep-alive connection: reconnect once
                    if attempt == 2:
                        raise
            latencies.append(time.perf_counter() - start)
            statuses[status] = statuses.get(status, 0) + 1
            if closing:
                writer.close()
                reader = writer = None
        if writer is not None:
            writer.close()

    await asyncio.gather(*(connection() for _ in range(concurrency)))
    return latencies, statuses


def free_port() -> int:
    """A port nothing listens on now, as the system picks it (a random one could be a client's port)."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def wait_for(port: int, seconds: float = 30, path: str = "/healthz") -> None:
    deadline = time.time() + seconds
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", path)
            if conn.getresponse().status == 200:
                return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("gunicorn did not start")


def run_phase(
    port: int, requests: list[bytes], concurrency: int, deadline: float
) -> tuple[float, list[float], dict]:
    """Send the requests over `concurrency` keep-alive connections from one thread (asyncio: the load client
    costs the machine as little as it can, since it shares the processors with the server); returns (seconds,
    latencies, status counts). Requests past the deadline are not sent."""
    start = time.perf_counter()
    latencies, statuses = asyncio.run(_run_requests(port, requests, concurrency, deadline))
    return time.perf_counter() - start, latencies, statuses


def start_gunicorn(app: str, port: int, args, env: dict) -> subprocess.Popen:
    """gunicorn serving `app` on 127.0.0.1:`port`, with gunicorn.conf.py (read from the root) and the
    benchmark's workers and threads."""
    return subprocess.Popen(
        [
            sys.executable,
            "-m",
            "gunicorn",
            "-w",
            str(args.workers),
            "-k",
            "gthread",
            "--threads",
            str(args.threads),
            "-b",
            f"127.0.0.1:{port}",
            "--keep-alive",
            "30",
            "--log-level",
            "warning",
            app,
        ],
        cwd=ROOT,
        env={**os.environ, **env},
        start_new_session=True,
    )


def stop_gunicorn(server: subprocess.Popen) -> None:
    os.killpg(server.pid, signal.SIGTERM)
    try:
        server.wait(15)
    except subprocess.TimeoutExpired:
        os.killpg(server.pid, signal.SIGKILL)


def ceiling(args, env: dict, pairs: int) -> tuple[float, float]:
    """Pairs of posts per second (a signer's form, then an empty post) that the hello-world app answers under
    the same gunicorn command, configuration and client, and this client's CPU per pair (ms)."""
    port = free_port()
    server = start_gunicorn("benchmarks.hello:app", port, args, env)
    try:
        wait_for(port, path="/")
        wait_until_settled(server.pid)
        deadline = time.time() + args.time_limit
        cpu = time.process_time()
        signs = [request_bytes(port, "/", sign_body(i)) for i in range(pairs)]
        first, _, _ = run_phase(port, signs, args.concurrency, deadline)
        second, _, _ = run_phase(port, [request_bytes(port, "/")] * pairs, args.concurrency, deadline)
        return pairs / (first + second), (time.process_time() - cpu) / pairs * 1000
    finally:
        stop_gunicorn(server)


def p95(values: list[float]) -> float:
    return (
        statistics.quantiles(values, n=20)[18] * 1000 if len(values) >= 20 else max(values, default=0) * 1000
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--signers", type=int, default=3000)
    parser.add_argument(
        "--concurrency", type=int, default=48, help="client connections (keep-alive, from one asyncio thread)"
    )
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--time-limit", type=float, default=180, help="seconds for both phases, at most")
    parser.add_argument(
        "--database",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL URL on 127.0.0.1; the benchmark creates and drops its own database",
    )
    parser.add_argument(
        "--redis",
        default="redis://127.0.0.1:6379",
        help="the rate limits' storage, as in production (keys under a prefix of this run); 'memory' for none",
    )
    parser.add_argument("--port", type=int, default=0)
    parser.add_argument("--no-ceiling", action="store_true", help="skip the hello-world ceiling")
    args = parser.parse_args()
    signers = min(args.signers, MAX_SIGNERS)
    host = sa.engine.make_url(args.database).host
    if host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The benchmark runs against 127.0.0.1 only.")
    port = args.port or free_port()

    limits = limit_storage(args.redis)
    url, name = create_database(args.database)
    instance = tempfile.mkdtemp(prefix="casework-load-")
    env = {
        "CASEWORK_INSTANCE_PATH": instance,
        "CASEWORK_SQLALCHEMY_DATABASE_URI": url,
        "CASEWORK_SECRET_KEY": secrets.token_hex(32),
        "CASEWORK_SIGNATURE_KEY": secrets.token_hex(32),
        "CASEWORK_PROXY_FIX": "1",
        "CASEWORK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CASEWORK_SQLALCHEMY_ENGINE_OPTIONS": f'{{"pool_size": {args.threads}, "max_overflow": 4}}',
        "CASEWORK_RATELIMIT_STORAGE_URI": limits,
        "CASEWORK_RATELIMIT_STORAGE_OPTIONS": f'{{"key_prefix": "{name}"}}',
    }
    server = None
    try:
        prepare(env)
        server = start_gunicorn("casework:create_app()", port, args, env)
        wait_for(port)
        wait_until_settled(server.pid)
        deadline = time.time() + args.time_limit
        engine = sa.create_engine(url)
        cpu_start = {k: cpu_seconds(v) for k, v in server_processes(server.pid, engine, name).items()}
        client_cpu = time.process_time()
        # one client address per signer (a header only: nothing is sent anywhere but 127.0.0.1)
        signs = [
            request_bytes(
                port,
                f"/p/{SLUG}/sign",
                sign_body(i),
                {"X-Forwarded-For": f"198.18.{i // 250 % 256}.{i % 250 + 1}"},
            )
            for i in range(signers)
        ]
        sign_time, sign_lat, sign_status = run_phase(port, signs, args.concurrency, deadline)

        with engine.connect() as conn:
            bodies = conn.execute(sa.text("SELECT body FROM outbox_email ORDER BY id")).scalars().all()
        tokens = [re.search(r"/confirm/(\S+)", body).group(1) for body in bodies]
        confirms = [request_bytes(port, f"/p/{SLUG}/confirm/{token}") for token in tokens]
        confirm_time, confirm_lat, confirm_status = run_phase(port, confirms, args.concurrency, deadline)
        client_cpu = time.process_time() - client_cpu
        # The backends that served the requests are still open (each worker keeps its pool): their CPU time so
        # far is the server side's, with the workers'. (A backend that started during the run counted from 0.)
        cpu = {
            kind: sum(now - cpu_start[kind].get(pid, 0.0) for pid, now in cpu_seconds(pids).items())
            for kind, pids in server_processes(server.pid, engine, name).items()
        }
        with engine.connect() as conn:
            confirmed = conn.execute(
                sa.text("SELECT count(*) FROM signature WHERE state = 'validated'")
            ).scalar()
            stored = conn.execute(
                sa.text("SELECT signature_count FROM petition WHERE slug = :s"), {"s": SLUG}
            ).scalar()
        engine.dispose()

        attempted = len(sign_lat)
        lost = attempted - confirmed
        print(
            f"gunicorn -w {args.workers} -k gthread --threads {args.threads}; {args.concurrency} client connections; "
            f"PostgreSQL; limits in {limits}; {os.cpu_count()} CPUs; "
            f"load average {' '.join(f'{x:.2f}' for x in os.getloadavg())}"
        )
        print(f"signers:          {attempted} (statuses {sign_status}); e-mails queued {len(tokens)}")
        print(
            f"sign phase:       {sign_time:.2f} s, {attempted / sign_time:.0f} requests/s, "
            f"p95 {p95(sign_lat):.1f} ms"
        )
        print(
            f"confirm phase:    {confirm_time:.2f} s, {len(confirm_lat) / confirm_time:.0f} requests/s, "
            f"p95 {p95(confirm_lat):.1f} ms (statuses {confirm_status})"
        )
        print(
            f"confirmed signatures per second: {confirmed / (sign_time + confirm_time):.0f} "
            f"({confirmed} in {sign_time + confirm_time:.2f} s, sign and confirm)"
        )
        print(f"p95 latency:      {p95(sign_lat + confirm_lat):.1f} ms (all requests)")
        per = {kind: seconds / max(confirmed or 0, 1) * 1000 for kind, seconds in cpu.items()}
        per["client"] = client_cpu / max(confirmed or 0, 1) * 1000
        print(
            f"CPU per confirmed signature: {sum(per.values()):.2f} ms (gunicorn workers {per['gunicorn']:.2f} "
            f"ms, PostgreSQL backends {per['postgresql']:.2f} ms, this load client {per['client']:.2f} ms; "
            "sign and confirm, Redis not counted)"
        )
        print(
            f"lost signatures:  {lost} (signers {attempted} - confirmed rows {confirmed}); "
            f"stored count {stored} - confirmed rows {confirmed} = {stored - confirmed}"
        )
        if lost or stored != confirmed:
            raise SystemExit(1)
        stop_gunicorn(server)
        server = None
        if not args.no_ceiling:
            pairs, pair_cpu = ceiling(args, env, attempted)
            print(
                f"ceiling (hello-world): {pairs:.0f} pairs of posts per second, the same client and gunicorn "
                f"configuration (this client {pair_cpu:.2f} ms CPU per pair)"
            )
    finally:
        if server is not None:
            stop_gunicorn(server)
        drop_database(args.database, name)
        forget_limits(limits, name)


if __name__ == "__main__":
    main()

"""Kill the real server with SIGKILL during mixed writes, N times, then count what was lost.

For each database (a temporary SQLite file; a temporary PostgreSQL database, created and dropped here):

1. builds the schema with the migrations, with one organization, a staff user, a case, a relief application
   and a published hosted petition;
2. starts gunicorn with the repository's gunicorn.conf.py and drives mixed writes through HTTP from several
   client threads: as the signed-in staff user (new people, convictions, relief steps, notes, document
   uploads) and as the public (petition signatures, and their confirmations, whose links are read from the
   outbox table as the mail would carry them). Every write the server acknowledged (its success answer: the
   redirect after a save, the "your signature counts" page) is recorded;
3. kills the whole server (master, workers, the PDF fork server) with SIGKILL at a random moment, restarts it,
   and goes on, --kills times;
4. stops it and checks: every acknowledged write is there (lost writes), the database is sound (SQLite:
   PRAGMA integrity_check and foreign_key_check; both: every foreign key points at a row), no document file
   (final name or `.part`) is left without its row (orphan files), no row without its file under its final
   name (a lost write, acknowledged or not), and every petition's stored count equals its confirmed
   signatures (count mismatches). The checks come after the last restart, whose start-up recovery has
   renamed the committed uploads a kill left as `.part` and deleted the others (gunicorn.conf.py).

It prints, per database:

    crash sqlite: kills 20, acknowledged writes 1234, lost writes 0, integrity ok, orphan files 0, count mismatches 0

and a line with the writes by kind. Only 127.0.0.1.
"""

from __future__ import annotations

import argparse
import http.client
import io
import os
import random
import re
import secrets
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlencode

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from petition_load import free_port  # noqa: E402

PASSWORD = "crash benchmark password phrase"
STAFF = "crash-staff@example.org"
SLUG = "crash-petition"
CSRF_RE = re.compile(r'name="csrf_token" type="hidden" value="([^"]+)"|name="csrf_token" value="([^"]+)"')
CONVICTION = {
    "state": "MA",
    "court": "Lowell District Court",
    "conviction_date": "2005-01-20",
    "consequences_advised": "no",
    "interpreter_at_plea": "unknown",
    "version": "0",
}
# Writes by kind, weighted: what an advocacy office does in a day, plus the public signing.
KINDS = {"person": 2, "conviction": 2, "step": 2, "note": 3, "document": 1, "signature": 3, "confirmation": 2}


def tiny_pdf(marker: str) -> bytes:
    """A one-page PDF (the upload checks that it opens)."""
    from pypdf import PdfWriter

    writer = PdfWriter()
    writer.add_blank_page(200, 200)
    writer.add_metadata({"/Title": marker})
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


# ------------------------------------------------------------------------------------------- the database


def create_postgresql(base_url: str) -> tuple[str, str]:
    """A fresh database next to `base_url`'s; returns (url, name)."""
    name = f"casework_crash_{uuid.uuid4().hex[:10]}"
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    admin.dispose()
    return sa.engine.make_url(base_url).set(database=name).render_as_string(hide_password=False), name


def drop_postgresql(base_url: str, name: str) -> None:
    admin = sa.create_engine(base_url, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@dataclass
class Fixture:
    """What the writes go to."""

    person_id: int
    application_id: int
    petition_id: int


def prepare(app) -> Fixture:
    """Schema by the migrations, then an organization, a staff user, a case, an application, a petition."""
    from datetime import date

    from flask_migrate import upgrade

    from casework.accounts.passwords import hash_password
    from casework.extensions import db
    from casework.models import Organization, Person, Petition, ReliefApplication, Role, User

    with app.app_context():
        upgrade()
        org = Organization(name="Crash Org")
        db.session.add(org)
        db.session.flush()
        db.session.add(
            User(
                org_id=org.id,
                email=STAFF,
                role=Role.STAFF,
                name="Crash Staff",
                password_hash=hash_password(PASSWORD),
            )
        )
        person = Person(org_id=org.id, legal_name="Crash Case", preferred_name="Crash")
        db.session.add(person)
        db.session.flush()
        application = ReliefApplication(
            person_id=person.id,
            kind="governor_pardon",
            jurisdiction="MA",
            status="preparing",
            opened_on=date.today(),
        )
        petition = Petition(
            person_id=person.id,
            org_id=org.id,
            kind="hosted",
            status="active",
            title="Crash petition",
            targets="A decision maker",
            goal=100_000,
            slug=SLUG,
            story="A public story.",
            public_fields="",
        )
        db.session.add_all([application, petition])
        db.session.commit()
        fixture = Fixture(person.id, application.id, petition.id)
        db.session.remove()
    return fixture


# ----------------------------------------------------------------------------------------------- the server


class Server:
    """gunicorn with gunicorn.conf.py, in a process group of its own (so SIGKILL reaches every process)."""

    def __init__(self, env: dict, port: int, log: Path):
        self.env, self.port, self.log = env, port, log
        self.process: subprocess.Popen | None = None

    def start(self) -> None:
        with self.log.open("ab") as log:
            self.process = subprocess.Popen(
                [sys.executable, "-m", "gunicorn", "-c", "gunicorn.conf.py", "casework:create_app()"],
                cwd=ROOT,
                env=self.env,
                stdout=log,
                stderr=log,
                start_new_session=True,
            )
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                status, _ = request(self.port, "GET", "/healthz")
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.1)
        raise SystemExit(f"gunicorn did not start (see {self.log})")

    def kill(self) -> None:
        """SIGKILL to the master, the workers and their children at once."""
        assert self.process is not None
        os.killpg(self.process.pid, signal.SIGKILL)
        self.process.wait()

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        os.killpg(self.process.pid, signal.SIGTERM)
        try:
            self.process.wait(30)
        except subprocess.TimeoutExpired:
            self.kill()


def request(
    port: int, method: str, path: str, body: bytes | None = None, headers: dict | None = None
) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=30)
    try:
        conn.request(method, path, body=body, headers=headers or {})
        response = conn.getresponse()
        data = response.read()
        return response.status, data
    finally:
        conn.close()


class Session:
    """The staff user's browser: the session cookie (server-side sessions outlive a restart) and CSRF token."""

    def __init__(self, port: int):
        self.port = port
        self.cookie = ""
        self.token = ""
        self.lock = threading.Lock()

    def _call(self, method: str, path: str, body: bytes | None = None, headers: dict | None = None):
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        try:
            conn.request(method, path, body=body, headers={"Cookie": self.cookie, **(headers or {})})
            response = conn.getresponse()
            data = response.read()
            for header in response.headers.get_all("Set-Cookie") or []:
                if header.startswith("casework_session="):
                    self.cookie = header.split(";", 1)[0]
            return response.status, data
        finally:
            conn.close()

    def sign_in(self) -> None:
        _, page = self._call("GET", "/login")
        form = {"csrf_token": _token(page), "email": STAFF, "password": PASSWORD}
        status, _ = self._call(
            "POST", "/login", urlencode(form).encode(), {"Content-Type": "application/x-www-form-urlencoded"}
        )
        if status != 302:
            raise SystemExit("the staff user could not sign in")
        _, page = self._call("GET", "/people/new")
        self.token = _token(page)

    def post(self, path: str, form: dict) -> int:
        body = urlencode({**form, "csrf_token": self.token}, doseq=True).encode()
        status, _ = self._call("POST", path, body, {"Content-Type": "application/x-www-form-urlencoded"})
        return status

    def upload(self, path: str, form: dict, filename: str, data: bytes) -> int:
        boundary = secrets.token_hex(16)
        parts = []
        for name, value in {**form, "csrf_token": self.token}.items():
            parts.append(
                f'--{boundary}\r\nContent-Disposition: form-data; name="{name}"\r\n\r\n{value}\r\n'.encode()
            )
        parts.append(
            f'--{boundary}\r\nContent-Disposition: form-data; name="file"; filename="{filename}"\r\n'
            "Content-Type: application/pdf\r\n\r\n".encode()
            + data
            + b"\r\n"
        )
        parts.append(f"--{boundary}--\r\n".encode())
        headers = {"Content-Type": f"multipart/form-data; boundary={boundary}"}
        status, _ = self._call("POST", path, b"".join(parts), headers)
        return status


def _token(page: bytes) -> str:
    match = CSRF_RE.search(page.decode())
    if not match:
        raise SystemExit("no CSRF token on the page")
    return match.group(1) or match.group(2)


# ----------------------------------------------------------------------------------------------- the writes


@dataclass
class Ledger:
    """Acknowledged writes by kind (markers), signatures waiting for their link, links to confirm."""

    acknowledged: dict[str, list] = field(default_factory=lambda: {kind: [] for kind in KINDS})
    links: dict[str, str] = field(default_factory=dict)  # e-mail -> confirmation path, from the outbox
    confirmable: list[str] = field(default_factory=list)  # e-mails whose link is known and not yet used
    lock: threading.Lock = field(default_factory=threading.Lock)
    counter: int = 0

    def marker(self, kind: str) -> str:
        with self.lock:
            self.counter += 1
            return f"crash-{kind}-{self.counter}-{secrets.token_hex(3)}"

    def add(self, kind: str, value) -> None:
        with self.lock:
            self.acknowledged[kind].append(value)

    @property
    def total(self) -> int:
        return sum(len(v) for v in self.acknowledged.values())


class Writer(threading.Thread):
    """One client thread: random writes until told to stop; refused connections (the server is down) wait."""

    def __init__(self, number: int, port: int, session: Session, fixture: Fixture, ledger: Ledger, stop):
        super().__init__(daemon=True)
        self.number, self.port, self.session, self.fixture = number, port, session, fixture
        self.ledger, self.stop = ledger, stop
        self.random = random.Random(number)

    def run(self) -> None:
        kinds, weights = list(KINDS), list(KINDS.values())
        while not self.stop.is_set():
            kind = self.random.choices(kinds, weights)[0]
            try:
                getattr(self, kind)()
            except (OSError, http.client.HTTPException):
                time.sleep(0.05)  # killed mid-request, or not up yet: the write is not acknowledged

    def _case(self, path: str) -> str:
        return f"/people/{self.fixture.person_id}{path}"

    def person(self) -> None:
        marker = self.ledger.marker("person")
        form = {"legal_name": marker, "case_status": "active", "version": "0"}
        if self.session.post("/people/new", form) == 302:
            self.ledger.add("person", marker)

    def conviction(self) -> None:
        marker = self.ledger.marker("conviction")
        if self.session.post(self._case("/convictions/new"), {**CONVICTION, "offense": marker}) == 302:
            self.ledger.add("conviction", marker)

    def step(self) -> None:
        marker = self.ledger.marker("step")
        path = self._case(f"/relief/{self.fixture.application_id}/steps")
        if self.session.post(path, {"title": marker, "due_on": ""}) == 302:
            self.ledger.add("step", marker)

    def note(self) -> None:
        marker = self.ledger.marker("note")
        if self.session.post(self._case("/notes/new"), {"body": marker, "version": "0"}) == 302:
            self.ledger.add("note", marker)

    def document(self) -> None:
        marker = self.ledger.marker("document")
        form = {"title": marker, "kind": "support_letter"}
        if self.session.upload(self._case("/documents/new"), form, "letter.pdf", tiny_pdf(marker)) == 302:
            self.ledger.add("document", marker)

    def signature(self) -> None:
        marker = self.ledger.marker("signature")
        name, email = f"Signer {marker}", f"{marker}@example.org"
        n = self.ledger.counter
        body = urlencode({"name": name, "email": email, "zip_code": "02139", "comment": ""}).encode()
        headers = {
            "Content-Type": "application/x-www-form-urlencoded",
            "X-Forwarded-For": f"198.18.{n // 250 % 256}.{n % 250 + 1}",  # one address per signer
        }
        status, _ = request(self.port, "POST", f"/p/{SLUG}/sign", body, headers)
        if status == 303:
            self.ledger.add("signature", (name, email))

    def confirmation(self) -> None:
        with self.ledger.lock:
            if not self.ledger.confirmable:
                return
            email = self.ledger.confirmable.pop(self.random.randrange(len(self.ledger.confirmable)))
        status, page = request(self.port, "POST", self.ledger.links[email])
        if status == 200 and b"your signature counts" in page:
            self.ledger.add("confirmation", email)


def read_links(app, ledger: Ledger) -> None:
    """The confirmation links in the outbox (as the mail would carry them), for signatures not yet confirmed."""
    from casework.extensions import db
    from casework.models import OutboxEmail
    from casework.petitions import crypto

    with app.app_context():
        rows = db.session.execute(
            sa.select(OutboxEmail.to_ct, OutboxEmail.body).where(
                OutboxEmail.purpose == "signature_confirmation"
            )
        ).all()
        db.session.remove()
        found = {}
        for to_ct, body in rows:
            match = re.search(r"https?://[^/\s]+(/p/\S+/confirm/\S+)", body)
            if match:
                found[crypto.decrypt(to_ct)] = match.group(1)
    with ledger.lock:
        for email, link in found.items():
            if email not in ledger.links:
                ledger.links[email] = link
                ledger.confirmable.append(email)


def deliver_links(app, ledger: Ledger, stop: threading.Event) -> None:
    """Read the outbox every half second, as a mail system would deliver the links."""
    while not stop.wait(0.5):
        read_links(app, ledger)


# ----------------------------------------------------------------------------------------------- the checks


def lost_writes(app, ledger: Ledger, fixture: Fixture) -> dict[str, list]:
    """Acknowledged writes missing from the database (a document also needs its file), by kind."""
    from casework.documents import storage
    from casework.extensions import db
    from casework.models import Conviction, Document, Note, Person, ReliefStep, Signature
    from casework.petitions import signing

    acknowledged = ledger.acknowledged
    lost: dict[str, list] = {}
    with app.app_context():
        found = {
            "person": set(db.session.scalars(sa.select(Person.legal_name))),
            "conviction": set(db.session.scalars(sa.select(Conviction.offense))),
            "step": set(db.session.scalars(sa.select(ReliefStep.title))),
            "note": set(db.session.scalars(sa.select(Note.body))),
        }
        for kind, values in found.items():
            lost[kind] = [m for m in acknowledged[kind] if m not in values]
        folder = storage.folder()
        documents = dict(db.session.execute(sa.select(Document.title, Document.storage_name)).all())
        lost["document"] = [
            m for m in acknowledged["document"] if m not in documents or not (folder / documents[m]).is_file()
        ]
        # Every row without its file under its final name, acknowledged or not (an answer cut by a kill).
        lost["document file"] = [m for m, name in documents.items() if not (folder / name).is_file()]
        rows = db.session.execute(
            sa.select(Signature.dedupe_hmac, Signature.email_hmac, Signature.state).where(
                Signature.petition_id == fixture.petition_id
            )
        ).all()
        signed = {dedupe for dedupe, _, _ in rows}
        validated = {email_key for _, email_key, state in rows if state.value == "validated"}
        pid = fixture.petition_id
        lost["signature"] = [
            e for n, e in acknowledged["signature"] if signing.dedupe_keys(pid, n, e)[0] not in signed
        ]
        # By the e-mail's key (every signer here has an address of their own): a link may come from a
        # signature whose own answer was cut by a kill after its commit, so the name is not always known.
        lost["confirmation"] = [
            e for e in acknowledged["confirmation"] if signing.dedupe_keys(pid, "", e)[1] not in validated
        ]
        db.session.remove()
    return lost


def integrity(app) -> str:
    """ "ok", or what is wrong: SQLite's own checks, then every foreign key of every table."""
    from casework.extensions import db
    from casework.models import Base

    problems = []
    with app.app_context():
        with db.engine.connect() as conn:
            if conn.dialect.name == "sqlite":
                result = conn.exec_driver_sql("PRAGMA integrity_check").scalars().all()
                if result != ["ok"]:
                    problems.append(f"integrity_check: {result[:3]}")
                if conn.exec_driver_sql("PRAGMA foreign_key_check").first() is not None:
                    problems.append("foreign_key_check")
            for table in Base.metadata.sorted_tables:
                for fk in table.foreign_keys:
                    child, parent = fk.parent, fk.column
                    dangling = conn.execute(
                        sa.select(sa.func.count())
                        .select_from(table)
                        .where(
                            child.is_not(None),
                            ~sa.exists().where(parent == child),
                        )
                    ).scalar()
                    if dangling:
                        problems.append(f"{table.name}.{child.name}: {dangling} dangling")
        db.engine.dispose()
    return "ok" if not problems else "FAILED (" + "; ".join(problems) + ")"


def orphan_files(app) -> tuple[int, list[str]]:
    """Files in the documents folder (under their final name or as `.part`) without a document row, counted
    after the server's own start-up recovery has run (the last restart). A row's file still under `.part`
    is not counted here: it is a row without its file, a lost write (see lost_writes)."""
    from casework.documents import storage
    from casework.extensions import db
    from casework.models import Document

    with app.app_context():
        names = set(db.session.scalars(sa.select(Document.storage_name)))
        db.session.remove()
        files = [p for p in storage.folder().iterdir() if p.is_file()]
    orphans = [p.name for p in files if p.name.removesuffix(storage.PART) not in names]
    return len(orphans), orphans


def count_mismatches(app) -> int:
    """Petitions whose stored count differs from their confirmed signatures."""
    from casework.extensions import db
    from casework.models import Petition, Signature

    with app.app_context():
        confirmed = (
            sa.select(sa.func.count())
            .where(Signature.petition_id == Petition.id, Signature.state == "validated")
            .scalar_subquery()
        )
        n = db.session.scalar(
            sa.select(sa.func.count()).select_from(Petition).where(Petition.signature_count != confirmed)
        )
        db.session.remove()
    return int(n or 0)


# ----------------------------------------------------------------------------------------------- a run


def run(kind: str, args) -> bool:
    """One database: prepare, write and kill --kills times, check; prints the line. True when nothing is wrong."""
    from casework import create_app

    instance = Path(tempfile.mkdtemp(prefix=f"casework-crash-{kind}-"))
    pg_name = None
    if kind == "sqlite":
        url = f"sqlite:///{instance / 'crash.sqlite'}"
    else:
        url, pg_name = create_postgresql(args.database)
    port = free_port()
    env = {
        "CASEWORK_INSTANCE_PATH": str(instance),
        "CASEWORK_SQLALCHEMY_DATABASE_URI": url,
        "CASEWORK_SECRET_KEY": secrets.token_hex(32),
        "CASEWORK_SIGNATURE_KEY": secrets.token_hex(32),
        "CASEWORK_PROXY_FIX": "1",
        "CASEWORK_PUBLIC_BASE_URL": f"http://127.0.0.1:{port}",
        "CASEWORK_LOGIN_RATE_LIMIT": "10000 per minute",
        "CASEWORK_ARGON2_TIME_COST": "1",
        "CASEWORK_ARGON2_MEMORY_COST": "1024",
        "CASEWORK_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": str(args.workers),
        "CASEWORK_THREADS": str(args.threads),
    }
    os.environ.update(env)
    server = Server({**os.environ, **env}, port, instance / "gunicorn.log")
    rng = random.Random(args.seed)
    ledger = Ledger()
    stop = threading.Event()
    try:
        app = create_app()
        fixture = prepare(app)
        server.start()
        session = Session(port)
        session.sign_in()
        writers = [Writer(i, port, session, fixture, ledger, stop) for i in range(args.clients)]
        mailman = threading.Thread(target=deliver_links, args=(app, ledger, stop), daemon=True)
        for thread in [*writers, mailman]:
            thread.start()
        for _ in range(args.kills):
            time.sleep(rng.uniform(args.min_up, args.max_up))
            server.kill()
            read_links(app, ledger)
            server.start()
        time.sleep(args.min_up)
        stop.set()
        for thread in [*writers, mailman]:
            thread.join(60)
        server.stop()
        lost = lost_writes(app, ledger, fixture)
        sound = integrity(app)
        orphans, orphan_names = orphan_files(app)
        mismatches = count_mismatches(app)
    finally:
        stop.set()
        server.stop()
        if pg_name:
            drop_postgresql(args.database, pg_name)
    lost_count = sum(len(v) for v in lost.values())
    print(
        f"crash {kind}: kills {args.kills}, acknowledged writes {ledger.total}, lost writes {lost_count}, "
        f"integrity {sound}, orphan files {orphans}, count mismatches {mismatches}"
    )
    by_kind = ", ".join(f"{k} {len(v)} (lost {len(lost[k])})" for k, v in ledger.acknowledged.items())
    print(f"  {kind} acknowledged by kind: {by_kind}")
    for k, missing in lost.items():
        if missing:
            print(f"  {kind} lost {k}: {', '.join(map(str, missing[:5]))}")
    if orphan_names:
        print(f"  {kind} orphan files: {', '.join(orphan_names[:10])}")
    ok = not any(lost.values()) and sound == "ok" and not orphans and not mismatches
    if ok:
        shutil.rmtree(instance, ignore_errors=True)
    else:
        print(f"  {kind} kept for inspection: {instance}")
    return ok


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--db", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--kills", type=int, default=20, help="SIGKILLs per database")
    parser.add_argument("--clients", type=int, default=6, help="client threads writing at once")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn worker processes")
    parser.add_argument("--threads", type=int, default=4, help="threads per gunicorn worker")
    parser.add_argument("--min-up", type=float, default=0.5, help="seconds of writes before a kill, at least")
    parser.add_argument("--max-up", type=float, default=3.0, help="seconds of writes before a kill, at most")
    parser.add_argument("--seed", type=int, default=None, help="for the moments of the kills")
    parser.add_argument(
        "--database",
        default="postgresql+psycopg://postgres@127.0.0.1:5432/test",
        help="a PostgreSQL URL on 127.0.0.1; the benchmark creates and drops a database of its own next to it",
    )
    args = parser.parse_args()
    if sa.engine.make_url(args.database).host not in ("127.0.0.1", "localhost", "::1"):
        raise SystemExit("The benchmark runs against 127.0.0.1 only.")
    kinds = ["sqlite", "postgresql"] if args.db == "both" else [args.db]
    results = [run(kind, args) for kind in kinds]
    if not all(results):
        raise SystemExit(1)


if __name__ == "__main__":
    main()

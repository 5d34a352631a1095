"""How the people list, the case page and "What's due" behave with many people.

Creates N fictional people (with custody, removal cases, check-ins, relief steps and tasks on a tenth of
them) in a fresh database built by the migrations, signs in through the real login form and times each
page with the Flask test client (median of several runs, plus the number of SQL statements).
"""

from __future__ import annotations

import argparse
import os
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_data  # noqa: E402

from casework import create_app  # noqa: E402
from casework.accounts.passwords import hash_password  # noqa: E402
from casework.cli import refresh_statistics  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.models import CaseAssignment, Organization, Person, Role, User  # noqa: E402


def build(app, n: int) -> dict:
    """Insert the organization, a staff user assigned to the first 1,000 cases, and n people in bulk (as
    run.py's data sets have them)."""
    with app.app_context():
        org = Organization(name="Benchmark Org")
        db.session.add(org)
        db.session.flush()
        staff = User(
            org_id=org.id,
            email=bench_data.STAFF,
            role=Role.STAFF,
            password_hash=hash_password(bench_data.PASSWORD),
        )
        db.session.add(staff)
        db.session.commit()
        bench_data.bulk_people(org.id, n)
        ids = list(db.session.scalars(sa.select(Person.id).order_by(Person.id)))
        now = datetime.now(UTC)
        db.session.execute(
            sa.insert(CaseAssignment),
            [{"person_id": pid, "user_id": staff.id, "created_at": now} for pid in ids[:1000]],
        )
        db.session.commit()
        return {"ids": ids}


class Timer:
    """Times GET requests and counts their SQL statements."""

    def __init__(self, app, client):
        self.client = client
        self.statements = 0
        with app.app_context():
            sa.event.listen(db.engine, "before_cursor_execute", self._count)

    def _count(self, *args, **kwargs):
        self.statements += 1

    def run(self, label: str, fn, repeat: int = 7) -> None:
        fn()  # warm up
        times = []
        for _ in range(repeat):
            self.statements = 0
            start = time.perf_counter()
            response = fn()
            times.append((time.perf_counter() - start) * 1000)
            assert response.status_code in (200, 302), (label, response.status_code)
        print(f"{label:<44} {statistics.median(times):8.1f} ms   {self.statements:3d} SQL statements")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--people", type=int, default=100_000)
    parser.add_argument("--database", help="PostgreSQL URL (default: a temporary SQLite file)")
    args = parser.parse_args()

    tmp = tempfile.mkdtemp(prefix="casework-bench-")
    os.environ["CASEWORK_INSTANCE_PATH"] = tmp
    admin_engine = None
    if args.database:
        admin_engine = sa.create_engine(args.database, isolation_level="AUTOCOMMIT")
        name = f"casework_bench_{uuid.uuid4().hex[:8]}"
        with admin_engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        url = sa.engine.make_url(args.database).set(database=name).render_as_string(hide_password=False)
    else:
        url = "sqlite:///" + str(Path(tmp) / "bench.sqlite")
    try:
        app = create_app(
            {
                "SQLALCHEMY_DATABASE_URI": url,
                "SECRET_KEY": secrets.token_hex(16),
                "LOGIN_RATE_LIMIT": "1000 per minute",
                # Links outside a page come from the public address, required outside development.
                "PUBLIC_BASE_URL": "http://127.0.0.1",
            }
        )
        from flask_migrate import upgrade

        with app.app_context():
            upgrade()
        started = time.perf_counter()
        data = build(app, args.people)
        print(
            f"database: {sa.engine.make_url(url).get_backend_name()}, {args.people:,} people "
            f"(built in {time.perf_counter() - started:.0f} s)"
        )
        with app.app_context():  # as `flask --app casework analyze` does
            refresh_statistics()

        client, token = bench_data.signed_in_client(app)
        timer = Timer(app, client)
        ids = data["ids"]

        def search(**filters):
            client.post("/people", data={"csrf_token": token, "sort": "name", **filters})
            return client.get("/people")

        timer.run("people list, first page (by name)", lambda: client.get("/people"))
        client.post("/people", data={"csrf_token": token, "clear": "1"})
        deep = sorted(ids)[len(ids) * 9 // 10]
        timer.run("people list, a page 90% deep (keyset)", lambda: client.get(f"/people?after={deep}"))
        timer.run("search by alias (two words)", lambda: search(q="Sokha Chea"))
        a_number = bench_data.A_NUMBER_BASE + ids[len(ids) // 2] - ids[0]  # the bulk numbers people in order
        timer.run("search by A-number", lambda: search(q=f"A{a_number:09d}"))
        timer.run("filter: citizenship + status", lambda: search(citizenship="Laos", case_status="active"))
        client.post("/people", data={"csrf_token": token, "clear": "1"})
        timer.run("case page", lambda: client.get(f"/people/{ids[len(ids) // 2]}"))
        timer.run("what's due, next 30 days", lambda: client.get("/due?window=30"), repeat=3)
        timer.run("dashboard", lambda: client.get("/dashboard"), repeat=3)
    finally:
        if admin_engine is not None:
            with admin_engine.connect() as conn:
                conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin_engine.dispose()


if __name__ == "__main__":
    main()

"""How the people list, the case page and "What's due" behave with many people.

Creates N fictional people (with custody, removal cases, check-ins, relief steps and tasks on a tenth of
them) in a fresh database built by the migrations, signs in through the real login form and times each
page with the Flask test client (median of several runs, plus the number of SQL statements).
"""

from __future__ import annotations

import argparse
import os
import random
import re
import secrets
import statistics
import sys
import tempfile
import time
import uuid
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from casework import create_app  # noqa: E402
from casework.accounts.passwords import hash_password  # noqa: E402
from casework.cli import refresh_statistics  # noqa: E402
from casework.extensions import db  # noqa: E402
from casework.models import (  # noqa: E402
    CaseAssignment,
    CheckIn,
    Organization,
    Person,
    ReliefApplication,
    ReliefStep,
    RemovalCase,
    Role,
    Task,
    User,
)
from casework.models.text import fold  # noqa: E402

GIVEN = [
    "Dara",
    "Sokha",
    "Vanna",
    "Rithy",
    "Chenda",
    "Minh",
    "Tuan",
    "Lan",
    "Hoa",
    "Khamla",
    "Bounmy",
    "Somphone",
    "Phạm",
    "Nguyễn",
    "Vireak",
    "Sophea",
    "Thida",
    "Kosal",
    "Bopha",
    "Sothea",
]
FAMILY = [
    "Keo",
    "Sok",
    "Chea",
    "Lim",
    "Pich",
    "Tran",
    "Nguyen",
    "Pham",
    "Le",
    "Vong",
    "Sayavong",
    "Phommachanh",
    "Ouk",
    "Meas",
    "Chhim",
    "Hang",
    "Ly",
    "Vo",
    "Dang",
    "Sisavath",
]
PASSWORD = "benchmark password phrase"


def build(app, n: int) -> dict:
    """Insert the organization, a staff user and n people in bulk."""
    rng = random.Random(42)
    today = date.today()
    with app.app_context():
        org = Organization(name="Benchmark Org")
        db.session.add(org)
        db.session.flush()
        staff = User(
            org_id=org.id, email="staff@example.org", role=Role.STAFF, password_hash=hash_password(PASSWORD)
        )
        db.session.add(staff)
        db.session.commit()
        org_id, staff_id = org.id, staff.id
        now = datetime.now(UTC)
        batch = []
        for i in range(n):
            legal = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}"
            alias = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            batch.append(
                {
                    "org_id": org_id,
                    "legal_name": legal,
                    "aliases": alias,
                    "citizenship": rng.choice(["Cambodia", "Vietnam", "Laos"]),
                    "community": rng.choice(["Cambodian", "Vietnamese", "Lao"]),
                    "case_status": rng.choice(["intake", "active", "monitoring"]),
                    "a_number": f"{i:09d}",
                    "interpreter_needed": False,
                    "search_text": " | ".join([fold(legal), fold(alias)]),
                    "sort_name": fold(legal),
                    "custody_status": "detained" if i % 50 == 0 else "free",
                    "custody_since": today - timedelta(days=100) if i % 50 == 0 else None,
                    "created_at": now,
                    "updated_at": now - timedelta(seconds=i),
                    "version": 1,
                }
            )
            if len(batch) == 5000:
                db.session.execute(sa.insert(Person), batch)
                batch = []
        if batch:
            db.session.execute(sa.insert(Person), batch)
        db.session.commit()
        ids = list(db.session.scalars(sa.select(Person.id).order_by(Person.id)))
        sample = ids[::10]
        db.session.execute(
            sa.insert(RemovalCase),
            [
                {
                    "person_id": pid,
                    "stage": "final_order",
                    "order_date": today - timedelta(days=120),
                    "next_hearing_on": today + timedelta(days=rng.randint(1, 60)),
                    "stay_status": "none",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for pid in sample
            ],
        )
        db.session.execute(
            sa.insert(CheckIn),
            [
                {
                    "person_id": pid,
                    "scheduled_on": today + timedelta(days=rng.randint(-5, 60)),
                    "outcome": "scheduled",
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for pid in sample
            ],
        )
        db.session.execute(
            sa.insert(Task),
            [
                {
                    "person_id": pid,
                    "title": "Call",
                    "due_on": today + timedelta(days=rng.randint(-10, 60)),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for pid in sample
            ],
        )
        db.session.execute(
            sa.insert(ReliefApplication),
            [
                {
                    "person_id": pid,
                    "kind": "governor_pardon",
                    "jurisdiction": "CA",
                    "status": "preparing",
                    "opened_on": today,
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for pid in sample
            ],
        )
        app_ids = list(db.session.scalars(sa.select(ReliefApplication.id)))
        db.session.execute(
            sa.insert(ReliefStep),
            [
                {
                    "application_id": aid,
                    "position": k,
                    "title": f"Step {k}",
                    "due_on": today + timedelta(days=7 * k),
                    "created_at": now,
                    "updated_at": now,
                    "version": 1,
                }
                for aid in app_ids
                for k in (1, 2, 3)
            ],
        )
        db.session.execute(
            sa.insert(CaseAssignment),
            [{"person_id": pid, "user_id": staff_id, "created_at": now} for pid in ids[:1000]],
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

        client = app.test_client()
        page = client.get("/login").get_data(as_text=True)
        token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
        client.post("/login", data={"email": "staff@example.org", "password": PASSWORD, "csrf_token": token})
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
        timer.run("search by A-number", lambda: search(q=f"A{ids[len(ids) // 2] - ids[0]:09d}"))
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

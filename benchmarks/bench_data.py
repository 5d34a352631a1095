"""The fictional data of `run.py`: the demo organizations, users and cases, plus N bulk-inserted people (the
bulk people, the packet's material and the signed-in test client serve `people_scale.py` and `pdf_render.py`
too).

A built data set is kept for the next run, keyed by the number of people and the schema head:

- SQLite: `benchmarks/.data/sqlite-<N>-<head>/bench.sqlite` (the folder is also the instance folder, so the
  documents the packet uses are kept beside the database);
- PostgreSQL: a database of its own next to the one named, `casework_bench_<N>_<head>` (never the named
  database itself), with its instance folder `benchmarks/.data/postgresql-<N>-<head>/`.

A folder holds a `built` file only once everything was committed; anything else is built again from scratch.
"""

from __future__ import annotations

import io
import os
import random
import re
import shutil
import time
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa

ROOT = Path(__file__).resolve().parent.parent
DATA = ROOT / "benchmarks" / ".data"
PASSWORD = "benchmark password phrase"
STAFF = "staff@example.org"
SECRET = "benchmark-secret-key-" + "x" * 32

GIVEN = ["Dara", "Sokha", "Vanna", "Rithy", "Chenda", "Minh", "Tuan", "Lan", "Hoa", "Khamla", "Bounmy"]
GIVEN += ["Somphone", "Phạm", "Nguyễn", "Vireak", "Sophea", "Thida", "Kosal", "Bopha", "Sothea"]
FAMILY = ["Keo", "Sok", "Chea", "Lim", "Pich", "Tran", "Nguyen", "Pham", "Le", "Vong", "Sayavong"]
FAMILY += ["Phommachanh", "Ouk", "Meas", "Chhim", "Hang", "Ly", "Vo", "Dang", "Sisavath"]
NATIVE = ["ពេជ្រ សុវណ្ណ", "សុខ ជា", "ສົມພອນ ວົງ", "Nguyễn Văn An"]
BATCH = 5000
A_NUMBER_BASE = 200_000_000  # the bulk people's A-numbers: this plus their place in the bulk


@dataclass
class Dataset:
    """A built data set: where it is and what the benchmark needs from it."""

    people: int
    kind: str  # "sqlite" or "postgresql"
    url: str
    instance: Path
    built_seconds: float | None  # None when an existing data set was reused
    ids: dict  # demo people by key ("keo", "pham", ...), one bulk person ("sample"), exhibits ("exhibits")


def schema_head() -> str:
    """The newest migration's revision (part of the data set's key: a new migration means a new data set)."""
    from alembic.script import ScriptDirectory

    return ScriptDirectory(str(ROOT / "migrations")).get_current_head() or "none"


def config(url: str, instance: Path) -> dict:
    """The environment of every process that serves or reads a data set."""
    return {
        "CASEWORK_INSTANCE_PATH": str(instance),
        "CASEWORK_SQLALCHEMY_DATABASE_URI": url,
        "CASEWORK_SECRET_KEY": SECRET,
        "CASEWORK_PUBLIC_BASE_URL": "http://127.0.0.1",
        "CASEWORK_LOGIN_RATE_LIMIT": "10000 per minute",
    }


def locate(people: int, database: str | None, data_dir: Path = DATA) -> tuple[str, str, Path, str | None]:
    """(kind, url, instance folder, PostgreSQL database name or None) of the data set of `people`."""
    head = schema_head()
    if not database or database.startswith("sqlite"):
        instance = data_dir / f"sqlite-{people}-{head}"
        return "sqlite", f"sqlite:///{instance / 'bench.sqlite'}", instance, None
    base = sa.engine.make_url(database)
    name = f"casework_bench_{people}_{head}".lower()
    if base.database == name:
        raise SystemExit("Name the server's database (e.g. .../test), not a benchmark database.")
    url = base.set(database=name).render_as_string(hide_password=False)
    return "postgresql", url, data_dir / f"postgresql-{people}-{head}", name


def _admin(database: str):
    return sa.create_engine(database, isolation_level="AUTOCOMMIT", poolclass=sa.pool.NullPool)


def drop(people: int, database: str | None, data_dir: Path = DATA) -> None:
    """Remove a data set (its database and its folder)."""
    kind, _, instance, name = locate(people, database, data_dir)
    if name and database:
        engine = _admin(database)
        with engine.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()
    shutil.rmtree(instance, ignore_errors=True)


def ensure(people: int, database: str | None, data_dir: Path = DATA, log=print) -> Dataset:
    """The data set of `people` people, built now unless a complete one exists."""
    import json

    kind, url, instance, name = locate(people, database, data_dir)
    marker = instance / "built"
    if marker.exists():
        return Dataset(people, kind, url, instance, None, json.loads(marker.read_text()))
    drop(people, database, data_dir)
    instance.mkdir(parents=True)
    if name and database:
        engine = _admin(database)
        with engine.connect() as conn:
            conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
        engine.dispose()
    log(f"building {kind} data set: {people:,} people ...")
    started = time.perf_counter()
    ids = _build(url, instance, people)
    seconds = time.perf_counter() - started
    marker.write_text(json.dumps(ids))
    log(f"built {kind} data set of {people:,} people in {seconds:.0f} s")
    return Dataset(people, kind, url, instance, seconds, ids)


def _build(url: str, instance: Path, n: int) -> dict:
    os.environ.update(config(url, instance))
    from flask_migrate import upgrade

    from casework import create_app, demo
    from casework.extensions import db

    app = create_app({"SQLALCHEMY_DATABASE_URI": url})
    with app.app_context():
        upgrade()
        people = demo.load(PASSWORD)
        db.session.commit()
        ids = {key: person.id for key, person in people.items()}
        ids["exhibits"] = packet_material(people["keo"])
        db.session.commit()
        org_id = people["keo"].org_id
        ids["sample"] = bulk_people(org_id, n)
        with db.engine.connect() as conn:  # as `flask --app casework analyze` does
            if conn.dialect.name == "postgresql":
                # What autovacuum does to a live database after a bulk load (this test server may run with it
                # off): the visibility map lets index-only scans skip the heap, as they do in service.
                conn.execution_options(isolation_level="AUTOCOMMIT").execute(sa.text("VACUUM (ANALYZE)"))
            else:
                conn.execute(sa.text("ANALYZE"))
                conn.commit()
        db.engine.dispose()
    return ids


def packet_material(person) -> list[int]:
    """A long history (60 notes) and two exhibits (a 12-page court record, a scanned letter) that make the
    packet 30 pages; returns the exhibits' document ids (flushed, not committed)."""
    from PIL import Image
    from weasyprint import HTML

    from casework.documents import operations as documents
    from casework.extensions import db
    from casework.models import Note, User

    staff = db.session.scalar(sa.select(User).where(User.email == STAFF))
    for i in range(60):
        body = (
            f"Meeting {i + 1}: reviewed the pardon petition draft, the letters received so far and the next "
            "check-in. The family brought two more support letters from the temple and the employer. "
        ) * 3
        db.session.add(Note(person_id=person.id, author_id=staff.id, body=body))
    record = HTML(
        string="".join(
            f"<h1>Court record, page {n}</h1><p>{'Certified copy. ' * 200}</p><p style='break-after: page'></p>"
            for n in range(1, 13)
        )
    ).write_pdf()
    image = io.BytesIO()
    Image.new("RGB", (1200, 1600), (230, 235, 240)).save(image, "PNG")
    court = documents.upload(
        staff,
        person,
        record,
        "court.pdf",
        {"title": "Court record", "kind": "court_record", "privileged": False},
    )
    letter = documents.upload(
        staff,
        person,
        image.getvalue(),
        "letter.png",
        {"title": "Letter from the employer", "kind": "support_letter", "privileged": False},
    )
    db.session.flush()
    return [court.id, letter.id]


def signed_in_client(app, email: str = STAFF, password: str = PASSWORD):
    """A test client of `app` signed in as `email`, and the CSRF token of its signed-in session."""
    client = app.test_client()
    token = csrf_token(client.get("/login").data)
    answer = client.post("/login", data={"email": email, "password": password, "csrf_token": token})
    if answer.status_code != 302:
        raise SystemExit(f"sign-in failed ({answer.status_code})")
    return client, csrf_token(client.get("/people").data)


def csrf_token(page: bytes) -> str:
    """The CSRF token of a page's forms."""
    found = re.search(rb'name="csrf_token" type="hidden" value="([^"]+)"', page)
    if not found:
        raise SystemExit("no CSRF token on the page")
    return found.group(1).decode()


def bulk_people(org_id: int, n: int) -> int:
    """n fictional people in bulk (a tenth with a removal case, a check-in, a task and relief steps); returns
    the id of one of them in the middle."""
    from casework.extensions import db
    from casework.models import Person
    from casework.models.text import fold
    from casework.sealing import a_number_index, ring

    keys = ring(fresh=True)

    rng = random.Random(42)
    today = date.today()
    now = datetime.now(UTC)
    first_id = None
    for start in range(0, n, BATCH):
        rows = []
        for i in range(start, min(n, start + BATCH)):
            legal = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)} {i}"
            alias = f"{rng.choice(GIVEN)} {rng.choice(FAMILY)}"
            native = NATIVE[i % len(NATIVE)] if i % 7 == 0 else None
            a_number = f"{A_NUMBER_BASE + i:09d}"
            rows.append(
                {
                    "org_id": org_id,
                    "legal_name": legal,
                    "aliases": alias,
                    "native_name": native,
                    "citizenship": rng.choice(["Cambodia", "Vietnam", "Laos"]),
                    "community": rng.choice(["Cambodian", "Vietnamese", "Lao"]),
                    "case_status": rng.choice(["intake", "active", "monitoring"]),
                    "a_number": a_number,
                    "a_number_index": a_number_index(a_number, keys),  # what lookups compare
                    "interpreter_needed": False,
                    "search_text": " | ".join(fold(x) for x in (legal, alias, native) if x),
                    "sort_name": fold(legal),
                    "custody_status": "detained" if i % 50 == 0 else "free",
                    "custody_since": today - timedelta(days=100) if i % 50 == 0 else None,
                    "created_at": now,
                    "updated_at": now - timedelta(seconds=i),
                    "version": 1,
                }
            )
        db.session.execute(sa.insert(Person), rows)
        new_ids = list(
            db.session.scalars(
                sa.select(Person.id)
                .where(Person.org_id == org_id)
                .order_by(Person.id.desc())
                .limit(len(rows))
            )
        )
        first_id = first_id or min(new_ids)
        _bulk_records(sorted(new_ids)[::10], rng, today, now)
        db.session.commit()
    return (first_id or 0) + n // 2


def _bulk_records(sample: list[int], rng: random.Random, today: date, now: datetime) -> None:
    from casework.extensions import db
    from casework.models import CheckIn, ReliefApplication, ReliefStep, RemovalCase, Task

    if not sample:
        return
    stamp = {"created_at": now, "updated_at": now, "version": 1}
    db.session.execute(
        sa.insert(RemovalCase),
        [
            {
                "person_id": pid,
                "stage": "final_order",
                "order_date": today - timedelta(days=120),
                "next_hearing_on": today + timedelta(days=rng.randint(1, 60)),
                "stay_status": "none",
                **stamp,
            }
            for pid in sample
        ],
    )
    checkins = [
        {"person_id": p, "scheduled_on": today + timedelta(days=rng.randint(-5, 60)), "outcome": "scheduled"}
        for p in sample
    ]
    db.session.execute(sa.insert(CheckIn), [{**row, **stamp} for row in checkins])
    tasks = [
        {"person_id": p, "title": "Call", "due_on": today + timedelta(days=rng.randint(-10, 60))}
        for p in sample
    ]
    db.session.execute(sa.insert(Task), [{**row, **stamp} for row in tasks])
    apps = [
        {
            "person_id": p,
            "kind": "governor_pardon",
            "jurisdiction": "CA",
            "status": "preparing",
            "opened_on": today,
        }
        for p in sample
    ]
    app_ids = db.session.scalars(
        sa.insert(ReliefApplication).returning(ReliefApplication.id), [{**row, **stamp} for row in apps]
    ).all()
    db.session.execute(
        sa.insert(ReliefStep),
        [
            {
                "application_id": aid,
                "position": k,
                "title": f"Step {k}",
                "due_on": today + timedelta(days=7 * k),
                **stamp,
            }
            for aid in app_ids
            for k in (1, 2, 3)
        ],
    )

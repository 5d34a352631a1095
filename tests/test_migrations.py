"""The migrations build the schema the models describe, on SQLite and PostgreSQL."""

import subprocess
import sys

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from casework.extensions import db
from casework.models import Base, name_search


def test_models_and_migrations_agree(app):
    """The test database was built by `flask db upgrade`; autogenerate must find nothing to add."""
    with app.app_context(), db.engine.connect() as conn:
        opts = {"compare_type": True, "include_object": name_search.include_object}
        context = MigrationContext.configure(conn, opts=opts)
        diff = compare_metadata(context, Base.metadata)
    assert diff == [], f"models and migrations disagree: {diff}"


def test_flask_db_upgrade_from_the_command_line(tmp_path):
    env = {
        "CASEWORK_INSTANCE_PATH": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_ENV": "test",
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", "upgrade"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "casework.sqlite").exists()
    check = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", "check"],
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert check.returncode == 0, check.stdout + check.stderr


def test_sqlite_table_rebuilds_keep_every_row_that_points_at_the_rebuilt_table(tmp_path):
    """Altering a table on SQLite rebuilds it (0011 rebuilds relief_application): the rows that point at it —
    steps, history, targeted convictions — survive, and no row is left pointing nowhere."""
    import sqlite3

    env = {
        "CASEWORK_INSTANCE_PATH": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_ENV": "test",
    }

    def flask_db(*args):
        result = subprocess.run(
            [sys.executable, "-m", "flask", "--app", "casework", "db", *args],
            env=env,
            capture_output=True,
            text=True,
            timeout=180,
        )
        assert result.returncode == 0, result.stderr

    flask_db("upgrade", "0010")
    now = "2026-01-01 00:00:00"
    conn = sqlite3.connect(tmp_path / "casework.sqlite")
    with conn:
        conn.execute(
            "INSERT INTO organization (id, name, volunteers_see_a_number, volunteers_build_packets, created_at, "
            "updated_at) VALUES (1, 'Riverbend', 0, 0, ?, ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO person (id, org_id, legal_name, interpreter_needed, case_status, search_text, sort_name, "
            "version, created_at, updated_at) VALUES (1, 1, 'Sokha Mao', 0, 'active', '', '', 1, ?, ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO conviction (id, person_id, offense, consequences_advised, interpreter_at_plea, version, "
            "created_at, updated_at) VALUES (5, 1, 'Receiving stolen property', 'unknown', 'unknown', 1, ?, ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO relief_application (id, person_id, kind, jurisdiction, status, opened_on, version, "
            "created_at, updated_at) VALUES (1, 1, 'governor_pardon', 'CA', 'preparing', '2026-01-01', 1, ?, ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO relief_step (id, application_id, position, title, offset_days, schedule, version, "
            "created_at, updated_at) VALUES (7, 1, 1, 'Gather court records', 0, 'offset', 1, ?, ?)",
            (now, now),
        )
        conn.execute(
            "INSERT INTO relief_event (application_id, at, kind, step_id, summary) "
            "VALUES (1, ?, 'step_done', 7, 'Step 1 done')",
            (now,),
        )
        conn.execute("INSERT INTO relief_conviction (application_id, conviction_id) VALUES (1, 5)")
    conn.close()
    flask_db("upgrade")
    conn = sqlite3.connect(tmp_path / "casework.sqlite")
    assert conn.execute("SELECT id, title FROM relief_step").fetchall() == [(7, "Gather court records")]
    assert conn.execute("SELECT summary FROM relief_event").fetchall() == [("Step 1 done",)]
    assert conn.execute("SELECT application_id, conviction_id FROM relief_conviction").fetchall() == [(1, 5)]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    conn.close()

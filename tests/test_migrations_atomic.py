"""Migrations are atomic on SQLite: `flask db upgrade` killed (kill -9) in the middle of a migration leaves the
previous revision whole, and running it again finishes the upgrade with the schema the models describe."""

from __future__ import annotations

import os
import random
import signal
import sqlite3
import subprocess
import sys
import textwrap
import time
from pathlib import Path

import pytest
from alembic.script import ScriptDirectory

from tests.conftest import TEST_DB

ROOT = Path(__file__).resolve().parent.parent
pytestmark = pytest.mark.skipif(
    TEST_DB != "sqlite", reason="SQLite's migrations, on files of their own: the SQLite run covers them"
)
HEAD = ScriptDirectory(str(ROOT / "migrations")).get_current_head()

# Runs `flask db upgrade`, pausing (for the test to kill it) after the first statement that starts with
# $PAUSE_AFTER; $PAUSED is the file that says the pause has begun.
UPGRADE_WITH_A_PAUSE = textwrap.dedent(
    """
    import os, sys, time
    from sqlalchemy import event
    from sqlalchemy.engine import Engine

    @event.listens_for(Engine, "after_cursor_execute")
    def pause(conn, cursor, statement, parameters, context, executemany):
        prefix = os.environ.get("PAUSE_AFTER")
        if prefix and statement.lstrip().upper().startswith(prefix):
            open(os.environ["PAUSED"], "w").close()
            time.sleep(120)

    from flask.cli import main
    sys.argv = ["flask", "--app", "casework", "db", "upgrade"]
    main()
    """
)


def _env(instance: Path) -> dict:
    return {
        "PATH": os.environ.get("PATH", "/usr/bin:/bin"),
        "CASEWORK_INSTANCE_PATH": str(instance),
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_ENV": "test",
    }


def flask_db(instance: Path, *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", *args],
        env=_env(instance),
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=180,
    )


def revision(instance: Path) -> str | None:
    conn = sqlite3.connect(instance / "casework.sqlite")
    try:
        rows = conn.execute("SELECT version_num FROM alembic_version").fetchall()
    except sqlite3.OperationalError:
        rows = []  # killed before the first migration committed
    finally:
        conn.close()
    assert len(rows) <= 1
    return rows[0][0] if rows else None


def tables(instance: Path) -> set[str]:
    conn = sqlite3.connect(instance / "casework.sqlite")
    try:
        return {r[0] for r in conn.execute("SELECT name FROM sqlite_master WHERE type = 'table'")}
    finally:
        conn.close()


def assert_rerun_finishes(instance: Path, check_schema: bool = True) -> None:
    rerun = flask_db(instance, "upgrade")
    assert rerun.returncode == 0, rerun.stderr
    if check_schema:
        check = flask_db(instance, "check")  # the schema is the one the models describe
        assert check.returncode == 0, check.stdout + check.stderr
    conn = sqlite3.connect(instance / "casework.sqlite")
    try:
        assert conn.execute("PRAGMA integrity_check").fetchall() == [("ok",)]
        assert conn.execute("PRAGMA foreign_key_check").fetchall() == []
    finally:
        conn.close()


def kill_when_paused(instance: Path, statement: str) -> None:
    """Run the upgrade, kill -9 it while it pauses after `statement`."""
    paused = instance / "paused"
    process = subprocess.Popen(
        [sys.executable, "-c", UPGRADE_WITH_A_PAUSE],
        env={**_env(instance), "PAUSE_AFTER": statement, "PAUSED": str(paused)},
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )
    try:
        deadline = time.monotonic() + 120
        while not paused.exists():
            assert process.poll() is None, process.stderr.read().decode() if process.stderr else ""
            assert time.monotonic() < deadline, "the upgrade never reached the statement"
            time.sleep(0.05)
    finally:
        process.send_signal(signal.SIGKILL)
        process.communicate()


@pytest.mark.parametrize(
    "statement, before, half_applied",
    [
        # Migration 0007 creates outbox_email and more tables after it: the rerun used to fail with
        # "table outbox_email already exists".
        ("CREATE TABLE OUTBOX_EMAIL", "0006", "outbox_email"),
        # 0011 rebuilds relief_application: killed after the old table was dropped and before the new one
        # was renamed in its place, the applications were gone.
        ("DROP TABLE RELIEF_APPLICATION", "0010", "_alembic_tmp_relief_application"),
    ],
)
def test_a_killed_upgrade_leaves_the_previous_revision_and_reruns(tmp_path, statement, before, half_applied):
    if statement.startswith("DROP"):
        assert flask_db(tmp_path, "upgrade", before).returncode == 0
        _one_application(tmp_path)
    kill_when_paused(tmp_path, statement)
    assert revision(tmp_path) == before
    assert half_applied not in tables(tmp_path) and "relief_application" in tables(tmp_path)
    assert_rerun_finishes(tmp_path)
    assert revision(tmp_path) == HEAD
    if statement.startswith("DROP"):
        conn = sqlite3.connect(tmp_path / "casework.sqlite")
        assert conn.execute("SELECT id, kind FROM relief_application").fetchall() == [(1, "governor_pardon")]
        conn.close()


def _one_application(instance: Path) -> None:
    now = "2026-01-01 00:00:00"
    conn = sqlite3.connect(instance / "casework.sqlite")
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
            "INSERT INTO relief_application (id, person_id, kind, jurisdiction, status, opened_on, version, "
            "created_at, updated_at) VALUES (1, 1, 'governor_pardon', 'CA', 'preparing', '2026-01-01', 1, ?, ?)",
            (now, now),
        )
    conn.close()


def test_kills_at_random_moments_always_leave_a_whole_revision(tmp_path):
    """Four upgrades killed at random moments: each leaves the tables of one revision exactly (those of an
    upgrade stopped there), and the rerun finishes."""
    rng = random.Random(11)
    tables_at: dict[str | None, set[str]] = {None: set()}
    for attempt in range(4):
        instance = tmp_path / f"attempt{attempt}"
        instance.mkdir()
        process = subprocess.Popen(
            [sys.executable, "-m", "flask", "--app", "casework", "db", "upgrade"],
            env=_env(instance),
            cwd=ROOT,
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 60
        while not (instance / "casework.sqlite").exists() and time.monotonic() < deadline:
            time.sleep(0.01)
        time.sleep(rng.uniform(0.0, 0.8))  # a whole upgrade takes about a second once the file exists
        process.send_signal(signal.SIGKILL)
        process.wait()
        if (instance / "casework.sqlite").exists():
            killed_at = revision(instance)
            if killed_at not in tables_at:
                reference = tmp_path / f"reference-{killed_at}"
                reference.mkdir()
                assert flask_db(reference, "upgrade", killed_at).returncode == 0
                tables_at[killed_at] = tables(reference)
            assert tables(instance) - {"alembic_version"} == tables_at[killed_at] - {"alembic_version"}
        assert_rerun_finishes(instance, check_schema=False)  # the tests above check the schema after a rerun
        assert revision(instance) == HEAD

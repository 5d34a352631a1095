"""Migration 0012: the application's one attorney becomes counsel and its column goes, keeping the data both ways.

A database written between 0011 (which copied each attorney as lead counsel) and 0012 may hold attorneys that are
not counsel yet: 0012 copies them again, once. Downgrading brings each application's first lead counsel back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys

NOW = "2026-01-01 00:00:00"


def flask_db(tmp_path, *args: str) -> None:
    env = {"CASEWORK_INSTANCE_PATH": str(tmp_path), "PATH": "/usr/bin:/bin", "CASEWORK_SECRET_KEY": "x" * 32}
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr


def columns(conn, table: str) -> set[str]:
    return {row[1] for row in conn.execute(f"PRAGMA table_info({table})")}


def assert_children_kept(conn) -> None:
    assert conn.execute("SELECT id, application_id, title FROM relief_step").fetchall() == [
        (7, 1, "Gather court records")
    ]
    assert conn.execute("SELECT application_id, step_id, summary FROM relief_event").fetchall() == [
        (1, 7, "Step 1 done")
    ]
    assert conn.execute("SELECT application_id, conviction_id FROM relief_conviction").fetchall() == [(1, 5)]
    assert conn.execute("SELECT application_id, author FROM support_record").fetchall() == [
        (2, "Board of Supervisors")
    ]
    assert conn.execute("PRAGMA foreign_key_check").fetchall() == []


def test_0012_moves_attorneys_into_counsel_and_back(tmp_path):
    flask_db(tmp_path, "upgrade", "0011")
    conn = sqlite3.connect(tmp_path / "casework.sqlite")
    with conn:
        conn.execute(
            "INSERT INTO organization (id, name, volunteers_see_a_number, volunteers_build_packets, created_at, "
            "updated_at) VALUES (1, 'Riverbend', 0, 0, ?, ?)",
            (NOW, NOW),
        )
        conn.execute(
            "INSERT INTO person (id, org_id, legal_name, interpreter_needed, case_status, search_text, sort_name, "
            "version, created_at, updated_at) VALUES (1, 1, 'Sovann Pich', 0, 'active', '', '', 1, ?, ?)",
            (NOW, NOW),
        )
        for contact_id, name in ((1, "Miriam Alder"), (2, "Tomas Reyes")):
            conn.execute(
                "INSERT INTO contact (id, org_id, name, kind, sort_name, version, created_at, updated_at) "
                "VALUES (?, 1, ?, 'immigration_attorney', '', 1, ?, ?)",
                (contact_id, name, NOW, NOW),
            )
        # 1: its attorney is lead counsel already (0011 copied it); 2: saved after 0011, not counsel yet;
        # 3: no attorney, a co-counsel only.
        for application_id, attorney in ((1, 1), (2, 2), (3, None)):
            conn.execute(
                "INSERT INTO relief_application (id, person_id, kind, jurisdiction, status, opened_on, "
                "attorney_contact_id, version, created_at, updated_at) "
                "VALUES (?, 1, 'governor_pardon', 'CA', 'preparing', '2022-03-01', ?, 1, ?, ?)",
                (application_id, attorney, NOW, NOW),
            )
        conn.execute("INSERT INTO relief_counsel (application_id, contact_id, role) VALUES (1, 1, 'lead')")
        conn.execute(
            "INSERT INTO relief_counsel (application_id, contact_id, role) VALUES (3, 2, 'co_counsel')"
        )
        # What points at the applications must survive SQLite's rebuild of the table (foreign keys are on).
        conn.execute(
            "INSERT INTO relief_step (id, application_id, position, title, version, created_at, updated_at) "
            "VALUES (7, 1, 1, 'Gather court records', 1, ?, ?)",
            (NOW, NOW),
        )
        conn.execute(
            "INSERT INTO relief_event (application_id, at, kind, summary, step_id) "
            "VALUES (1, ?, 'step_done', 'Step 1 done', 7)",
            (NOW,),
        )
        conn.execute(
            "INSERT INTO conviction (id, person_id, offense, consequences_advised, interpreter_at_plea, version, "
            "created_at, updated_at) VALUES (5, 1, 'Assault', 'unknown', 'unknown', 1, ?, ?)",
            (NOW, NOW),
        )
        conn.execute("INSERT INTO relief_conviction (application_id, conviction_id) VALUES (1, 5)")
        conn.execute(
            "INSERT INTO support_record (application_id, kind, author, version, created_at, updated_at) "
            "VALUES (2, 'resolution', 'Board of Supervisors', 1, ?, ?)",
            (NOW, NOW),
        )
    conn.close()

    flask_db(tmp_path, "upgrade")
    conn = sqlite3.connect(tmp_path / "casework.sqlite")
    assert "attorney_contact_id" not in columns(conn, "relief_application")
    counsel = conn.execute(
        "SELECT application_id, contact_id, role FROM relief_counsel ORDER BY application_id"
    ).fetchall()
    assert counsel == [(1, 1, "lead"), (2, 2, "lead"), (3, 2, "co_counsel")]  # copied once, nothing doubled
    assert_children_kept(conn)
    conn.close()

    flask_db(tmp_path, "downgrade", "0011")
    conn = sqlite3.connect(tmp_path / "casework.sqlite")
    attorneys = conn.execute("SELECT id, attorney_contact_id FROM relief_application ORDER BY id").fetchall()
    assert attorneys == [(1, 1), (2, 2), (3, 2)]  # the first lead counsel, else the first counsel
    assert_children_kept(conn)
    conn.close()
    flask_db(tmp_path, "upgrade")

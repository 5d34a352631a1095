"""Migration 0012: the application's one attorney becomes counsel and its column goes, keeping the data both ways;
migration 0013: one step per position (duplicates renumbered).

A database written between 0011 (which copied each attorney as lead counsel) and 0012 may hold attorneys that are
not counsel yet: 0012 copies them again, once. Downgrading brings each application's first lead counsel back."""

from __future__ import annotations

import sqlite3
import subprocess
import sys
import uuid

import pytest
import sqlalchemy as sa

from tests.conftest import POSTGRES_URL, TEST_DB

NOW = "2026-01-01 00:00:00"


def flask_db(tmp_path, *args: str) -> None:
    env = {
        "CASEWORK_INSTANCE_PATH": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_ENV": "test",  # no PUBLIC_BASE_URL needed
    }
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


# ---------------------------------------------------------------- 0013: one step per position


@pytest.fixture
def empty_database(tmp_path):
    """The URL of an empty database of the kind under test (CASEWORK_TEST_DB), dropped afterwards."""
    if TEST_DB != "postgresql":
        yield f"sqlite:///{tmp_path / 'casework.sqlite'}"
        return
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"casework_migration_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def flask_db_on(tmp_path, url: str, *args: str) -> None:
    env = {
        "CASEWORK_INSTANCE_PATH": str(tmp_path),
        "PATH": "/usr/bin:/bin",
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_SQLALCHEMY_DATABASE_URI": url,
        "CASEWORK_ENV": "test",  # no PUBLIC_BASE_URL needed
    }
    result = subprocess.run(
        [sys.executable, "-m", "flask", "--app", "casework", "db", *args],
        env=env,
        capture_output=True,
        text=True,
        timeout=180,
    )
    assert result.returncode == 0, result.stderr


def add_organization_and_person(conn) -> None:
    """Organization 1 and its person 1, written as raw rows (the models may be ahead of the schema)."""
    now = {"now": NOW}
    conn.execute(
        sa.text(
            "INSERT INTO organization (id, name, volunteers_see_a_number, volunteers_build_packets, "
            "created_at, updated_at) VALUES (1, 'Riverbend', false, false, :now, :now)"
        ),
        now,
    )
    conn.execute(
        sa.text(
            "INSERT INTO person (id, org_id, legal_name, interpreter_needed, case_status, search_text, "
            "sort_name, version, created_at, updated_at) "
            "VALUES (1, 1, 'Sovann Pich', false, 'active', '', '', 1, :now, :now)"
        ),
        now,
    )


def test_0013_renumbers_duplicate_positions_keeps_anchors_and_goes_back(tmp_path, empty_database):
    flask_db_on(tmp_path, empty_database, "upgrade", "0012")
    engine = sa.create_engine(empty_database)
    now = {"now": NOW}
    with engine.begin() as conn:
        add_organization_and_person(conn)
        for application_id in (1, 2):
            conn.execute(
                sa.text(
                    "INSERT INTO relief_application (id, person_id, kind, jurisdiction, status, opened_on, "
                    "version, created_at, updated_at) "
                    "VALUES (:id, 1, 'governor_pardon', 'CA', 'preparing', '2022-03-01', 1, :now, :now)"
                ),
                {"id": application_id, **now},
            )
        # application 1: two steps at position 1 (added at the same moment), the last one counted from step 2;
        # application 2: a gap, no duplicate, left as it is
        for step_id, application_id, position, anchor in (
            (10, 1, 1, None),
            (11, 1, 1, None),
            (12, 1, 2, None),
            (13, 1, 3, 2),
            (20, 2, 1, None),
            (21, 2, 5, None),
        ):
            conn.execute(
                sa.text(
                    "INSERT INTO relief_step (id, application_id, position, title, anchor, anchor_position, "
                    "offset_days, schedule, version, created_at, updated_at) "
                    "VALUES (:id, :application, :position, 'Step', :anchor, :anchor_position, 0, 'offset', 1, "
                    ":now, :now)"
                ),
                {
                    "id": step_id,
                    "application": application_id,
                    "position": position,
                    "anchor": "step" if anchor else None,
                    "anchor_position": anchor,
                    **now,
                },
            )
        conn.execute(
            sa.text(
                "INSERT INTO relief_event (application_id, at, kind, summary, step_id) "
                "VALUES (1, :now, 'step_done', 'Step 2 done', 12)"
            ),
            now,
        )
    engine.dispose()

    flask_db_on(tmp_path, empty_database, "upgrade")
    engine = sa.create_engine(empty_database)
    with engine.connect() as conn:
        steps = conn.execute(
            sa.text("SELECT id, position, anchor_position FROM relief_step ORDER BY application_id, position")
        ).all()
        assert [tuple(row) for row in steps] == [
            (10, 1, None),
            (11, 2, None),
            (12, 3, None),
            (13, 4, 3),  # still counted from the step that was at position 2
            (20, 1, None),
            (21, 5, None),
        ]
        assert conn.execute(sa.text("SELECT step_id FROM relief_event")).scalar() == 12
        assert conn.execute(sa.text("SELECT version FROM organization")).scalar() == 1
        with pytest.raises(sa.exc.IntegrityError):
            conn.execute(
                sa.text(
                    "INSERT INTO relief_step (application_id, position, title, offset_days, schedule, version, "
                    "created_at, updated_at) VALUES (2, 5, 'Twin', 0, 'offset', 1, :now, :now)"
                ),
                now,
            )
    engine.dispose()

    flask_db_on(tmp_path, empty_database, "downgrade", "0012")
    engine = sa.create_engine(empty_database)
    with engine.connect() as conn:
        assert "version" not in {c["name"] for c in sa.inspect(conn).get_columns("organization")}
        assert conn.execute(sa.text("SELECT count(*) FROM relief_step")).scalar() == 6
    engine.dispose()
    flask_db_on(tmp_path, empty_database, "upgrade")

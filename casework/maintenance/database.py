"""The database half of a backup: a consistent snapshot into one file, and that file loaded back.

SQLite: the online backup API (`sqlite3.Connection.backup`, in one step under one read transaction), never
a file copy, so what is still in the write-ahead log is in the snapshot. PostgreSQL: `pg_dump` (plain SQL,
no owners or privileges, so it loads into a database owned by another role) inside a REPEATABLE READ
transaction whose exported snapshot also gives the list of documents, so rows and files agree; it is loaded
back with `psql` in one transaction that first drops whatever the target schema holds.
"""

from __future__ import annotations

import os
import re
import shutil
import sqlite3
import subprocess  # noqa: S404 - pg_dump and psql, with argument lists, never a shell
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa

from casework.extensions import db
from casework.maintenance.archive import ArchiveError

SQLITE_MEMBER = "database/casework.sqlite"
POSTGRESQL_MEMBER = "database/casework.sql"
DATA_TABLES = ("organization", "person")  # a database with a row in either is not empty


@dataclass(frozen=True)
class Snapshot:
    """One consistent copy of the database, and what it says about the files and the schema."""

    path: Path
    member: str
    dialect: str
    revision: str | None
    storage_names: list[str]


def dialect() -> str:
    """sqlite or postgresql."""
    return db.engine.dialect.name


def take_snapshot(workdir: Path) -> Snapshot:
    """Copy the database into `workdir` as it stands at one instant."""
    if dialect() == "sqlite":
        return _sqlite_snapshot(workdir / "casework.sqlite")
    if dialect() == "postgresql":
        return _postgresql_snapshot(workdir / "casework.sql")
    raise ArchiveError(f"Backups support SQLite and PostgreSQL, not {dialect()}.")


def _sqlite_snapshot(path: Path) -> Snapshot:
    # Through the engine, so that a database file that cannot be opened is reported as an outage.
    with db.engine.connect() as conn, closing(sqlite3.connect(path)) as target:
        conn.connection.driver_connection.backup(target)  # type: ignore[union-attr]
    with closing(sqlite3.connect(path)) as copy:
        names = _optional_rows(copy, "SELECT storage_name FROM document ORDER BY storage_name")
        revision = _optional_rows(copy, "SELECT version_num FROM alembic_version")
    return Snapshot(path, SQLITE_MEMBER, "sqlite", revision[0] if revision else None, names)


def _optional_rows(connection: sqlite3.Connection, query: str) -> list[str]:
    try:
        return [row[0] for row in connection.execute(query)]
    except sqlite3.OperationalError:  # no such table: a database never migrated
        return []


def _postgresql_snapshot(path: Path) -> Snapshot:
    pg_dump = _client("pg_dump")
    with db.engine.connect().execution_options(isolation_level="REPEATABLE READ") as conn, conn.begin():
        server_major = int(conn.dialect.server_version_info[0])  # type: ignore[index]
        client_major = _client_major(pg_dump)
        if client_major < server_major:
            raise ArchiveError(
                f"pg_dump {client_major} is older than the PostgreSQL {server_major} server: install "
                f"postgresql-client-{server_major} (pg_dump must be at least the server's version)."
            )
        snapshot_id = conn.execute(sa.text("SELECT pg_export_snapshot()")).scalar_one()
        tables = set(sa.inspect(conn).get_table_names())
        names = (
            list(conn.scalars(sa.text("SELECT storage_name FROM document ORDER BY storage_name")))
            if "document" in tables
            else []
        )
        revision = (
            conn.scalar(sa.text("SELECT version_num FROM alembic_version"))
            if "alembic_version" in tables
            else None
        )
        dbname, env = _libpq()
        _run(
            [pg_dump, "--format=plain", "--no-owner", "--no-privileges", f"--snapshot={snapshot_id}",
             f"--file={path}", f"--dbname={dbname}"],
            env,
        )  # fmt: skip
    return Snapshot(path, POSTGRESQL_MEMBER, "postgresql", revision, names)


def _client(name: str) -> str:
    found = shutil.which(name)
    if not found:
        raise ArchiveError(f"{name} is not installed: install the PostgreSQL client (postgresql-client).")
    return found


def _client_major(program: str) -> int:
    version = subprocess.run([program, "--version"], capture_output=True, text=True, check=False)  # noqa: S603
    output = version.stdout
    match = re.search(r"(\d+)(?:\.\d+)?", output)
    return int(match.group(1)) if match else 0


def _libpq() -> tuple[str, dict[str, str]]:
    """The database as a libpq URL without its password, and an environment that carries the password
    (an argument would show it to every user of the machine in the process list)."""
    url = db.engine.url
    env = dict(os.environ)
    if url.password:
        env["PGPASSWORD"] = str(url.password)
    return url.set(drivername="postgresql", password=None).render_as_string(hide_password=False), env


def _run(command: list[str], env: dict[str, str]) -> None:
    done = subprocess.run(command, capture_output=True, text=True, env=env, check=False)  # noqa: S603
    if done.returncode != 0:
        lines = [line for line in done.stderr.splitlines() if line.strip()]
        reason = lines[0] if lines else f"exit status {done.returncode}"
        raise ArchiveError(f"{Path(command[0]).name} failed: {reason}")


def data_rows() -> int:
    """How many organizations and people the configured database holds (0 for a database never migrated)."""
    with db.engine.connect() as conn:
        tables = set(sa.inspect(conn).get_table_names())
        return sum(
            conn.scalar(sa.text(f'SELECT count(*) FROM "{table}"')) or 0  # noqa: S608 - fixed names
            for table in DATA_TABLES
            if table in tables
        )


def load_snapshot(path: Path, kind: str) -> None:
    """Replace the configured database's content by a snapshot (the caller checked it may be replaced)."""
    if kind != dialect():
        raise ArchiveError(
            f"The archive holds a {kind} database and this Casework is configured for {dialect()}: "
            "restore it into the same kind of database."
        )
    db.session.remove()
    db.engine.dispose()
    if kind == "sqlite":
        _load_sqlite(path)
    else:
        _load_postgresql(path)
    db.engine.dispose()


def _load_sqlite(path: Path) -> None:
    database = db.engine.url.database
    if not database or database == ":memory:":
        raise ArchiveError("Restore needs a database file, not an in-memory database.")
    Path(database).parent.mkdir(parents=True, exist_ok=True)
    # The backup API writes the pages through SQLite's own locking, as one transaction of the target.
    with closing(sqlite3.connect(path)) as source, closing(sqlite3.connect(database, timeout=30)) as target:
        source.backup(target)


def _load_postgresql(path: Path) -> None:
    psql = _client("psql")
    with db.engine.connect() as conn:
        drops = conn.scalars(
            sa.text(
                "SELECT format('DROP VIEW IF EXISTS %I.%I CASCADE;', schemaname, viewname) FROM pg_views "
                "WHERE schemaname = current_schema() UNION ALL "
                "SELECT format('DROP TABLE IF EXISTS %I.%I CASCADE;', schemaname, tablename) FROM pg_tables "
                "WHERE schemaname = current_schema() UNION ALL "
                "SELECT format('DROP SEQUENCE IF EXISTS %I.%I CASCADE;', schemaname, sequencename) "
                "FROM pg_sequences WHERE schemaname = current_schema() UNION ALL "
                # Trigger functions (the name index, the list's choice stamp); an extension's own stay.
                "SELECT format('DROP FUNCTION IF EXISTS %s CASCADE;', p.oid::regprocedure) FROM pg_proc p "
                "JOIN pg_namespace n ON n.oid = p.pronamespace WHERE n.nspname = current_schema() "
                "AND NOT EXISTS (SELECT 1 FROM pg_depend d WHERE d.objid = p.oid AND d.deptype = 'e')"
            )
        ).all()
    prelude = path.with_name("prelude.sql")
    prelude.write_text("SET lock_timeout = '30s';\n" + "\n".join(drops) + "\n")
    dbname, env = _libpq()
    _run(
        [psql, "--no-psqlrc", "--quiet", "--single-transaction", "--set=ON_ERROR_STOP=1",
         f"--file={prelude}", f"--file={path}", f"--dbname={dbname}"],
        env,
    )  # fmt: skip

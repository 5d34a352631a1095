"""Files only the service can read: the database, its WAL, the documents and the keys are private whatever
the umask the service was started with, and those an earlier start left readable are tightened."""

from __future__ import annotations

import os
import re
import sqlite3
import stat

import pytest

from casework import create_app
from casework.extensions import db as _db
from tests.conftest import PASSWORD, Browser
from tests.test_documents import png_bytes, upload
from tests.test_people import _form as person_form


@pytest.fixture
def loose_umask():
    """The test process starts the service under the usual 022 umask, and gets its own umask back."""
    previous = os.umask(0o022)
    try:
        yield
    finally:
        os.umask(previous)


@pytest.fixture
def private_app(tmp_path, monkeypatch, loose_umask):
    """start() -> an application on a SQLite file in an instance folder of its own."""
    made = []

    def start():
        monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path / "instance"))
        application = create_app(
            {
                "TESTING": True,
                "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path / 'instance' / 'casework.sqlite'}",
                "ARGON2_TIME_COST": 1,
                "ARGON2_MEMORY_COST": 1024,
            }
        )
        made.append(application)
        return application

    yield start
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def run(application, *args):
    result = application.test_cli_runner().invoke(
        args=list(args), env={"CASEWORK_PASSWORD": PASSWORD}, catch_exceptions=False
    )
    assert result.exit_code == 0, result.output
    return result


def test_database_wal_documents_and_keys_are_private_under_a_022_umask(private_app, tmp_path):
    application = private_app()
    run(application, "db", "upgrade")
    run(application, "create-org", "Private Org")
    run(application, "create-user", "--org", "Private Org", "--role", "staff", "--email", "s@example.org")
    staff = Browser(application.test_client())
    staff.login("s@example.org")
    response = staff.post("/people/new", person_form(legal_name="Kept Private", a_number=""))
    assert response.status_code == 302
    person_id = int(re.search(r"/people/(\d+)$", response.headers["Location"])[1])
    assert upload(staff, person_id, png_bytes(), "scan.png", title="A scan").status_code == 302

    instance = tmp_path / "instance"
    database = instance / "casework.sqlite"
    wal, shm = instance / "casework.sqlite-wal", instance / "casework.sqlite-shm"
    assert wal.exists() and shm.exists()  # the WAL is open while the application holds connections
    [document] = list((instance / "documents").iterdir())
    assert {p.name: mode(p) for p in (database, wal, shm, document)} == {
        "casework.sqlite": 0o600,
        "casework.sqlite-wal": 0o600,
        "casework.sqlite-shm": 0o600,
        document.name: 0o600,
    }
    assert mode(instance) == 0o700 and mode(instance / "documents") == 0o700
    assert mode(instance / "secret_key") == 0o600


def test_files_an_earlier_start_left_readable_are_made_private(private_app, tmp_path):
    instance = tmp_path / "instance"
    instance.mkdir(mode=0o755)
    (instance / "documents").mkdir(mode=0o755)
    (instance / "documents" / ("a" * 32)).write_bytes(b"%PDF-")
    (instance / "signature_key").write_text("k" * 64)
    sqlite3.connect(instance / "casework.sqlite").close()
    (instance / "casework.sqlite-wal").write_bytes(b"")
    before = [instance / "casework.sqlite", instance / "casework.sqlite-wal", instance / "signature_key"]
    assert {mode(p) for p in before} == {0o644} and mode(instance) == 0o755

    private_app()

    assert {mode(p) for p in before + [instance / "documents" / ("a" * 32)]} == {0o600}
    assert mode(instance) == 0o700 and mode(instance / "documents") == 0o700

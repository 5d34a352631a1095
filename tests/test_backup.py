"""Backups: an archive taken while writes go on restores into a new database and documents folder with the
same case files; the restored keys open the signatures; wrong passphrases, altered archives, occupied
targets and passphrases on the command line are refused."""

from __future__ import annotations

import io
import json
import os
import re
import secrets
import threading
import time
import uuid
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.extensions import db as _db
from casework.maintenance import archive as archive_format
from casework.maintenance.archive import ArchiveError, DecryptingReader, EncryptingWriter
from casework.models import Document, Person, Signature
from tests.conftest import PASSWORD, POSTGRES_URL, TEST_DB, TEST_SETTINGS, Browser, Database, text_of
from tests.test_documents import png_bytes, upload
from tests.test_people import _form as person_form
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import SLUG, confirmation_links, sign

PASSPHRASE = "a passphrase long enough for tests"


@pytest.fixture
def empty_database_url(tmp_path):
    """A database of its own, empty (the caller migrates it or not)."""
    if TEST_DB == "sqlite":
        yield "sqlite:///" + str(tmp_path / "restored.sqlite")
        return
    admin = sa.create_engine(POSTGRES_URL, isolation_level="AUTOCOMMIT")
    name = f"casework_restore_{uuid.uuid4().hex[:12]}"
    with admin.connect() as conn:
        conn.execute(sa.text(f'CREATE DATABASE "{name}"'))
    try:
        yield sa.engine.make_url(POSTGRES_URL).set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as conn:
            conn.execute(sa.text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


@pytest.fixture
def make_app(tmp_path, monkeypatch):
    """make_app(database_url, migrate=True, like=None, **config) -> an application with an instance folder
    and a documents folder of its own, as on another machine (or those of `like`: a restart)."""
    made = []

    def make(database_url: str, migrate: bool = True, like=None, **config):
        instance = like.instance_path if like else tmp_path / f"instance-{len(made)}"
        documents = like.config["DOCUMENTS_DIR"] if like else tmp_path / f"documents-{len(made)}"
        monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(instance))
        application = create_app(
            {
                **TEST_SETTINGS,
                "SQLALCHEMY_DATABASE_URI": database_url,
                "DOCUMENTS_DIR": str(documents),
                **config,
            }
        )
        if migrate:
            from flask_migrate import upgrade

            with application.app_context():
                upgrade()
        made.append(application)
        return application

    yield make
    for application in made:
        with application.app_context():
            _db.session.remove()
            _db.engine.dispose()


def cli(application, *args, passphrase: str | None = PASSPHRASE):
    """Run a command of `application` with the passphrase in the environment."""
    env = {"CASEWORK_BACKUP_PASSPHRASE": passphrase} if passphrase is not None else {}
    return application.test_cli_runner().invoke(args=list(args), env=env, catch_exceptions=False)


def export(browser, person_id: int) -> dict:
    """A case file, without the moment it was made."""
    response = browser.get(f"/people/{person_id}/export.json")
    assert response.status_code == 200
    case = json.loads(text_of(response))
    case.pop("exported_at")
    return case


class Writer(threading.Thread):
    """Creates people through the web form until stopped; keeps the ids whose creation was acknowledged."""

    def __init__(self, browser: Browser):
        super().__init__(daemon=True)
        self.browser, self.stop, self.acknowledged = browser, threading.Event(), []
        self.failure: BaseException | None = None

    def run(self):
        try:
            while not self.stop.is_set():
                name = f"Written {len(self.acknowledged)} {uuid.uuid4().hex[:6]}"
                response = self.browser.post("/people/new", person_form(legal_name=name, a_number=""))
                assert response.status_code == 302, response.status_code
                self.acknowledged.append(int(re.search(r"/people/(\d+)$", response.headers["Location"])[1]))
        except BaseException as exc:  # noqa: BLE001 - reported by the test
            self.failure = exc


def test_a_backup_taken_while_writes_go_on_restores_the_same_cases(
    app, db, login_as, make_person, make_user, org, make_app, empty_database_url, tmp_path
):
    staff, person, _petition = make_published(login_as, make_person, db)
    assert upload(staff, person.id, png_bytes(), "scan.png", title="A scan").status_code == 302
    assert sign(staff).status_code == 303
    [link] = confirmation_links(app, db)
    assert staff.post(link).status_code == 200
    for i in range(5):
        make_person(legal_name=f"Earlier {i}", assigned=[staff.user])
    admin = login_as(make_user("admin", email="backup-admin@example.org"))
    writer = Writer(login_as("staff"))
    acknowledged_before = set(db.scalars(sa.select(Person.id)))
    writer.start()
    while not writer.acknowledged and writer.is_alive():
        time.sleep(0.01)
    archive = tmp_path / "casework.backup"
    written_at_start = len(writer.acknowledged)
    result = cli(app, "backup", str(archive))
    written_at_end = len(writer.acknowledged)
    time.sleep(0.2)
    writer.stop.set()
    writer.join(30)
    assert writer.failure is None and result.exit_code == 0, result.output
    assert written_at_end > written_at_start, "no write went on while the backup ran"
    assert "Documents: 1; keys: signature_key" in result.output

    restored_app = make_app(empty_database_url)  # migrated and empty: a restore may go there
    result = cli(restored_app, "restore", str(archive))
    assert result.exit_code == 0, result.output
    restored = set(Database(restored_app).scalars(sa.select(Person.id)))
    assert acknowledged_before <= restored  # nothing acknowledged before the backup began is missing
    assert restored <= acknowledged_before | set(writer.acknowledged)
    assert len(restored) > len(acknowledged_before)  # writes acknowledged during the backup are in it too
    reader = Browser(restored_app.test_client())
    reader.login("backup-admin@example.org", PASSWORD)
    for person_id in sorted(restored):  # no case is changed after its creation: the source's export stands
        assert export(reader, person_id) == export(admin, person_id), person_id

    # The application starts on the restored database, keys and files.
    restarted = make_app(empty_database_url, migrate=False, like=restored_app)
    anonymous = Browser(restarted.test_client())
    assert "<strong>1</strong> has signed" in text_of(anonymous.get(f"/p/{SLUG}"))
    with restarted.app_context():
        from casework.petitions import crypto

        sealed = _db.session.scalar(sa.select(Signature.name_ct))
        assert crypto.decrypt(sealed) == "Maya Thornbury"
        document_id = _db.session.scalar(sa.select(Document.id))
    reader = Browser(restarted.test_client())
    reader.login("backup-admin@example.org", PASSWORD)
    download = reader.get(f"/people/{person.id}/documents/{document_id}")
    assert download.status_code == 200 and download.data == png_bytes()
    assert cli(restarted, "check").output == "Everything is consistent.\n"


@pytest.fixture
def archive(app, db, make_person, tmp_path):
    """An archive of a small database, with the signature key."""
    make_person(legal_name="Dara Keo")
    with app.app_context():
        from casework.petitions import crypto

        crypto.keys()  # written on first use, if no earlier test used it
    path = tmp_path / "small.backup"
    assert cli(app, "backup", str(path)).exit_code == 0
    return path


def test_verify_backup_prints_the_manifest(app, archive):
    result = cli(app, "verify-backup", str(archive))
    assert result.exit_code == 0
    assert "every file matches its checksum" in result.output and "revision" in result.output


def test_a_wrong_passphrase_is_refused_in_one_line(app, archive):
    for command in ("verify-backup", "restore"):
        result = cli(app, command, str(archive), passphrase="not the passphrase at all")
        assert result.exit_code == 1
        assert result.output == "Error: Wrong passphrase: this archive was made with another one.\n"


@pytest.mark.parametrize("where", ["header", "middle", "end"])
def test_an_altered_byte_is_refused(app, archive, where):
    data = bytearray(archive.read_bytes())
    at = {"header": 20, "middle": len(data) // 2, "end": len(data) - 3}[where]
    data[at] ^= 0x01
    archive.write_bytes(bytes(data))
    result = cli(app, "verify-backup", str(archive))
    assert result.exit_code == 1 and result.output.count("\n") == 1
    assert "altered" in result.output or "Wrong passphrase" in result.output  # a header byte may be the salt


def test_a_cut_off_archive_is_refused(app, archive):
    archive.write_bytes(archive.read_bytes()[:-40])
    result = cli(app, "verify-backup", str(archive))
    assert result.exit_code == 1 and ("cut off" in result.output or "altered" in result.output)


def test_the_passphrase_never_comes_from_the_command_line(app, tmp_path):
    target = str(tmp_path / "b.backup")
    result = app.test_cli_runner().invoke(args=["backup", target, "--passphrase", PASSPHRASE])
    assert result.exit_code == 2 and "No such option" in result.output
    result = app.test_cli_runner().invoke(args=["backup", target, PASSPHRASE])
    assert result.exit_code == 2
    result = cli(app, "backup", target, passphrase=None)
    assert result.exit_code == 1 and "No passphrase" in result.output
    assert "too short" in cli(app, "backup", target, passphrase="short").output
    assert not (tmp_path / "b.backup").exists()
    passphrase_file = tmp_path / "passphrase"
    passphrase_file.write_text(PASSPHRASE + "\n")
    result = cli(app, "backup", target, "--passphrase-file", str(passphrase_file), passphrase=None)
    assert result.exit_code == 0, result.output
    assert cli(app, "verify-backup", target).exit_code == 0  # the file's passphrase without its newline
    assert "already exists" in cli(app, "backup", target).output  # never overwritten


def test_a_restore_never_replaces_data_without_force(
    app, db, archive, make_person, make_app, empty_database_url
):
    result = cli(app, "restore", str(archive))  # the source itself is not empty
    assert result.exit_code == 1 and "The database is not empty" in result.output
    assert "Nothing was changed" in result.output
    target = make_app(empty_database_url)
    assert cli(target, "restore", str(archive)).exit_code == 0
    again = cli(target, "restore", str(archive))
    assert again.exit_code == 1 and "The database is not empty" in again.output
    assert "different key" not in again.output  # the keys restored the first time are the same keys
    assert cli(target, "restore", str(archive), "--force").exit_code == 0
    assert Database(target).count(Person) == 1


def test_a_different_key_in_the_instance_folder_is_refused(app, archive, make_app, empty_database_url):
    target = make_app(empty_database_url, migrate=False)  # never migrated: a restore builds it whole
    key = target.instance_path + "/signature_key"
    with open(key, "w") as fh:
        fh.write(secrets.token_hex(32))
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 1 and "signature_key holds a different key" in result.output
    assert Database(target).app and not sa.inspect(_engine(target)).has_table("person")  # nothing changed
    assert cli(target, "restore", str(archive), "--force").exit_code == 0
    assert Database(target).count(Person) == 1


def _engine(application):
    with application.app_context():
        return _db.engine


def test_a_documents_folder_in_use_is_moved_aside_only_with_force(app, archive, make_app, empty_database_url):
    target = make_app(empty_database_url)
    folder = Path(target.config["DOCUMENTS_DIR"])
    folder.mkdir()
    (folder / "0123456789abcdef0123456789abcdef").write_bytes(b"someone else's file")
    result = cli(target, "restore", str(archive))
    assert result.exit_code == 1 and f"The documents folder {folder} is not empty (1 files)" in result.output
    assert Database(target).count(Person) == 0
    assert cli(target, "restore", str(archive), "--force").exit_code == 0
    [aside] = folder.parent.glob("documents-*.before-restore-*")
    assert (aside / "0123456789abcdef0123456789abcdef").read_bytes() == b"someone else's file"
    assert Database(target).count(Person) == 1


def _sealed(plain: bytes) -> bytes:
    out = io.BytesIO()
    writer = EncryptingWriter(out, PASSPHRASE.encode())
    writer.write(plain)
    writer.close()
    return out.getvalue()


def _opened(sealed: bytes) -> bytes:
    return DecryptingReader(io.BytesIO(sealed), PASSPHRASE.encode()).read()


def test_chunks_can_be_neither_reordered_nor_dropped(monkeypatch):
    monkeypatch.setattr(archive_format, "CHUNK", 1000)
    plain = os.urandom(3500)
    sealed = _sealed(plain)
    assert _opened(sealed) == plain
    header, body = sealed[: archive_format.HEADER_BYTES], sealed[archive_format.HEADER_BYTES :]
    size = 4 + 1000 + 16
    chunks = [body[i : i + size] for i in range(0, len(body), size)]
    assert len(chunks) == 4
    swapped = header + chunks[1] + chunks[0] + b"".join(chunks[2:])
    with pytest.raises(ArchiveError, match="part 1 fails its check"):
        _opened(swapped)
    with pytest.raises(ArchiveError, match="cut off"):
        _opened(header + b"".join(chunks[:3]))  # whole chunks, the last one missing
    with pytest.raises(ArchiveError, match="data after its last part"):
        _opened(sealed + chunks[3])

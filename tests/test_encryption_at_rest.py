# ruff: noqa: F811 - the fixtures of tests.test_backup are arguments here
"""Case data at rest: after the demo, the database holds no A-number, private story or privileged note in
plaintext (SQLite file and WAL, or a PostgreSQL dump); search by A-number still finds the person; a stored
document is no readable PDF and downloads as uploaded; keys are private, never replaced silently, and travel
in backups."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import sealed_files, sealing
from casework.extensions import db as _db
from casework.models import Document, Note, Person
from tests.conftest import TEST_DB, Database, text_of
from tests.test_backup import cli, empty_database_url, make_app  # noqa: F401 - fixtures
from tests.test_documents import pdf_bytes, upload
from tests.test_people_list import names, search


def spellings(number: str) -> list[str]:
    """Every way an A-number could be written down."""
    n = number.zfill(9)
    dashed = f"{n[0:3]}-{n[3:6]}-{n[6:9]}"
    return [n, dashed, "A" + n, "A" + dashed, "A-" + n, n.lstrip("0")]


def demo_secrets(app) -> dict[str, list[str]]:
    """The demo's A-numbers, private stories and privileged note texts (read back through the models)."""
    with app.app_context():
        people = _db.session.scalars(sa.select(Person)).all()
        found = {
            "a_numbers": [s for p in people if p.a_number for s in spellings(p.a_number)],
            "stories": [p.private_story for p in people if p.private_story],
            "privileged notes": [n.body for n in _db.session.scalars(sa.select(Note).where(Note.privileged))],
        }
    return found


def database_bytes(app, database_url: str) -> bytes:
    """Everything the database keeps on disk: the SQLite file and its WAL, or a dump of PostgreSQL."""
    if TEST_DB == "sqlite":
        with app.app_context(), _db.engine.connect() as conn:
            conn.exec_driver_sql("PRAGMA wal_checkpoint(TRUNCATE)")
        path = Path(sa.engine.make_url(database_url).database)
        files = [str(f) for f in (path, Path(f"{path}-wal"), Path(f"{path}-journal")) if f.exists()]
        # Read by another process: closing a descriptor of the database file here would drop this process's
        # POSIX locks on it, which SQLite's own connections in this process still count on.
        return subprocess.run(["cat", *files], capture_output=True, check=True).stdout  # noqa: S603, S607
    url = sa.engine.make_url(database_url)
    dsn = url.set(drivername="postgresql").render_as_string(hide_password=False)
    done = subprocess.run(["pg_dump", "--data-only", dsn], capture_output=True, check=False)  # noqa: S603, S607
    if done.returncode == 0:
        return done.stdout
    out = []  # pg_dump of another version than the server: every table copied out instead
    with app.app_context(), _db.engine.connect() as conn:
        raw = conn.connection.driver_connection
        for table in sa.inspect(conn).get_table_names():
            with raw.cursor().copy(f'COPY "{table}" TO STDOUT') as copy:
                out.extend(bytes(chunk) for chunk in copy)
    return b"".join(out)


def test_demo_data_is_not_in_the_database_in_plaintext(app, database_url):
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    found = demo_secrets(app)
    assert "041592633" in found["a_numbers"] and len(found["stories"]) >= 4 and found["privileged notes"]
    stored = database_bytes(app, database_url)
    assert b"Dara Keo" in stored  # names are not sealed: the dump is a real one
    for kind, texts in found.items():
        for text in texts:
            assert text.encode() not in stored, f"a demo {kind[:-1]} is stored in plaintext"
            if len(text) > 40:
                assert text[:40].encode() not in stored, (
                    f"the start of a demo {kind[:-1]} is stored in plaintext"
                )


def test_sealed_columns_hold_tokens_and_the_blind_index(app, make_person):
    person = make_person(a_number="012345678", private_story="Hid in the hills for a year.")
    with app.app_context():
        row = _db.session.execute(
            sa.text("SELECT a_number, private_story, a_number_index FROM person WHERE id = :id"),
            {"id": person.id},
        ).one()
        keys = sealing.ring()
    assert all(re.fullmatch(rf"v1\.{keys.current}\.[A-Za-z0-9_=-]+", value) for value in row[:2])
    assert row.a_number_index == sealing.a_number_index("012345678", keys)
    assert row.a_number_index != sealing.a_number_index("012345679", keys)
    assert Database(app).get(Person, person.id).a_number == "012345678"


def test_a_sealed_value_does_not_open_in_another_column(app):
    with app.app_context():
        story = sealing.seal("Hid in the hills", "person.private_story")
        assert sealing.open_value(story, "person.private_story") == "Hid in the hills"
        with pytest.raises(sealing.SealedValueError):
            sealing.open_value(story, "note.body")
        damaged = story[:-4] + ("AAAA" if not story.endswith("AAAA") else "BBBB")
        with pytest.raises(sealing.SealedValueError):
            sealing.open_value(damaged, "person.private_story")


@pytest.mark.parametrize("query", ["A012345678", "012-345-678", "12345678", "a012 345 678"])
def test_search_by_a_number_in_any_spelling_finds_the_person(login_as, make_person, query):
    make_person(legal_name="Sok Chan", a_number="012345678")
    make_person(legal_name="Other Person", a_number="012345679")
    assert names(search(login_as("staff"), q=query)) == ["Sok Chan"]


def test_a_changed_a_number_moves_its_index(app, login_as, make_person, db):
    person = make_person(legal_name="Sok Chan", a_number="012345678")
    with app.app_context():
        stored = _db.session.get(Person, person.id)
        stored.a_number = "098765432"
        _db.session.commit()
    staff = login_as("staff")
    assert names(search(staff, q="A098-765-432")) == ["Sok Chan"]
    assert names(search(staff, q="A012-345-678")) == []


def test_a_stored_document_is_no_readable_pdf_and_downloads_as_uploaded(app, login_as, make_person, db):
    original = pdf_bytes("PRIVATE-EXHIBIT-TEXT")
    person = make_person()
    staff = login_as("staff")
    assert upload(staff, person.id, original, "letter.pdf").status_code == 302
    document = db.scalar(sa.select(Document))
    on_disk = (
        Path(app.config.get("DOCUMENTS_DIR") or Path(app.instance_path) / "documents")
    ) / document.storage_name
    data = on_disk.read_bytes()
    assert not data.startswith(b"%PDF") and b"PRIVATE-EXHIBIT-TEXT" not in data and b"%PDF" not in data
    assert len(data) == sealed_files.sealed_size(document.size)
    download = staff.get(f"/people/{person.id}/documents/{document.id}")
    assert download.status_code == 200 and download.data == original
    with app.app_context():
        stored_key = _db.session.execute(sa.text("SELECT file_key FROM document")).scalar_one()
    assert stored_key.startswith("v1.")  # the file's key is sealed by the ring, never stored in the clear


def test_a_large_file_is_sealed_in_chunks_that_stay_in_order():
    key = sealed_files.new_file_key()
    data = os.urandom(sealed_files.FILE_CHUNK * 2 + 10)
    sealed = sealed_files.seal_file(data, key)
    assert len(sealed) == sealed_files.sealed_size(len(data)) and sealed_files.open_file(sealed, key) == data
    step = sealed_files.FILE_CHUNK + sealed_files.CHUNK_OVERHEAD
    head, first, second, rest = (
        sealed[:4],
        sealed[4 : 4 + step],
        sealed[4 + step : 4 + 2 * step],
        sealed[4 + 2 * step :],
    )
    for altered in (head + second + first + rest, head + first + rest, head + first + second):
        with pytest.raises(sealing.SealedValueError):
            sealed_files.open_file(altered, key)
    with pytest.raises(sealing.SealedValueError):
        sealed_files.open_file(sealed, sealed_files.new_file_key())


def test_the_key_ring_file_is_private(app, make_person):
    make_person(a_number="012345678")
    path = Path(app.instance_path) / sealing.RING_FILE
    assert path.stat().st_mode & 0o777 == 0o600


def test_a_missing_ring_with_sealed_data_is_one_line_and_never_a_new_key(
    app,
    make_person,
    make_app,
    database_url,
    monkeypatch,
):
    make_person(a_number="012345678", private_story="Hid in the hills.")
    elsewhere = make_app(database_url, migrate=False)  # the same database, an instance folder without keys
    ring_file = Path(elsewhere.instance_path) / sealing.RING_FILE
    assert not ring_file.exists()
    with elsewhere.app_context(), pytest.raises(sealing.KeyUnavailable) as refused:
        sealing.ring()
    message = str(refused.value)
    assert "\n" not in message and f"{ring_file} is missing while" in message and "restore" in message
    assert not ring_file.exists()
    result = elsewhere.test_cli_runner().invoke(args=["rotate-keys"])
    assert result.exit_code == 1 and result.output.count("\n") == 1 and "is missing while" in result.output
    page = elsewhere.test_client().get("/login")
    assert page.status_code == 503 and "is missing while" in text_of(page)
    assert not ring_file.exists()


def test_another_ring_is_refused(app, make_person, make_app, database_url):
    make_person(a_number="012345678")
    other = make_app(database_url, migrate=False, DATA_KEY="another key, long enough to be one: 0123456789")
    with other.app_context(), pytest.raises(sealing.KeyUnavailable) as refused:
        sealing.ring()
    assert "is not the key ring the stored case data was sealed with" in str(refused.value)


def test_the_ring_may_come_from_a_file_or_the_environment(app, make_app, tmp_path, empty_database_url):
    ring_file = tmp_path / "ring.json"
    from_file = make_app(empty_database_url, DATA_KEY_FILE=str(ring_file))
    with from_file.app_context():
        assert sealing.ring().path == ring_file
    assert ring_file.stat().st_mode & 0o777 == 0o600
    assert not (Path(from_file.instance_path) / sealing.RING_FILE).exists()
    secret = "a data key given in the environment, 32+ characters"
    from_env = make_app(empty_database_url, DATA_KEY=secret)
    with from_env.app_context():
        token = sealing.seal("A note", "note.body")
        assert sealing.open_value(token, "note.body") == "A note" and sealing.ring().path is None


def test_a_restored_backup_reads_every_sealed_value(
    app,
    login_as,
    make_person,
    make_app,
    empty_database_url,
    tmp_path,
):
    staff = login_as("staff")
    person = make_person(legal_name="Sok Chan", a_number="012345678", private_story="Hid in the hills.")
    assert (
        staff.post(f"/people/{person.id}/notes/new", {"body": "Memo to file", "version": "0"}).status_code
        == 302
    )
    assert upload(staff, person.id, pdf_bytes(), "letter.pdf").status_code == 302
    archive = tmp_path / "sealed.backup"
    result = cli(app, "backup", str(archive))
    assert result.exit_code == 0 and "data_keys.json" in result.output, result.output

    restored = make_app(
        empty_database_url
    )  # its own ring, written by the migration: replaced by the archive's
    result = cli(restored, "restore", str(archive))
    assert result.exit_code == 0, result.output
    ring_file = Path(restored.instance_path) / sealing.RING_FILE
    assert ring_file.stat().st_mode & 0o777 == 0o600
    assert ring_file.read_text() == (Path(app.instance_path) / sealing.RING_FILE).read_text()
    with restored.app_context():
        back = _db.session.get(Person, person.id)
        assert (back.a_number, back.private_story) == ("012345678", "Hid in the hills.")
        assert [n.body for n in _db.session.scalars(sa.select(Note))] == ["Memo to file"]
        from casework.documents import storage

        document = _db.session.scalar(sa.select(Document))
        assert storage.read_document(document) == pdf_bytes()
    assert cli(restored, "check").output == "Everything is consistent.\n"
    with restored.app_context():
        _db.session.execute(sa.text("UPDATE document SET file_key = NULL"))
        _db.session.commit()
    assert "unsealed documents: 1 document(s) have no file key" in cli(restored, "check").output


def test_upgrading_from_0018_seals_the_rows_there_and_downgrading_opens_them(make_app, empty_database_url):
    import hashlib

    from flask_migrate import downgrade, upgrade

    from casework.documents import storage

    older = make_app(empty_database_url, migrate=False)
    original = pdf_bytes("AN EXHIBIT FROM BEFORE")
    folder = Path(older.config["DOCUMENTS_DIR"])
    with older.app_context():
        upgrade(revision="0018")
        now = {"now": "2026-01-01 00:00:00", "yes": True, "no": False}
        for statement in (
            "INSERT INTO organization (id, name, volunteers_see_a_number, volunteers_build_packets, created_at, "
            "updated_at) VALUES (1, 'Riverbend', :no, :no, :now, :now)",
            "INSERT INTO person (id, org_id, legal_name, interpreter_needed, case_status, custody_status, "
            "search_text, sort_name, a_number, private_story, version, created_at, updated_at) VALUES (1, 1, "
            "'Sokha Mao', :no, 'active', 'free', 'sokha mao', 'sokha mao', '012345678', 'Hid in the hills.', 1, "
            ":now, :now)",
            "INSERT INTO note (id, person_id, body, privileged, version, created_at, updated_at) "
            "VALUES (1, 1, 'Memo to file', :yes, 1, :now, :now)",
            "INSERT INTO document (id, person_id, title, kind, filename, content_type, size, sha256, storage_name, "
            "privileged, version, created_at, updated_at) VALUES (1, 1, 'Letter', 'other', 'letter.pdf', "
            "'application/pdf', :size, :sha, 'a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0', :no, 1, :now, :now)",
        ):
            _db.session.execute(
                sa.text(statement),
                {**now, "size": len(original), "sha": hashlib.sha256(original).hexdigest()},
            )
        _db.session.commit()
        folder.mkdir(parents=True, exist_ok=True)
        (folder / "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0").write_bytes(original)

        upgrade()
        raw = _db.session.execute(sa.text("SELECT a_number, private_story, a_number_index FROM person")).one()
        assert raw.a_number.startswith("v1.") and raw.private_story.startswith("v1.")
        assert raw.a_number_index == sealing.a_number_index("012345678")
        assert _db.session.execute(sa.text("SELECT body FROM note")).scalar_one().startswith("v1.")
        person, note = _db.session.get(Person, 1), _db.session.get(Note, 1)
        assert (person.a_number, person.private_story, note.body) == (
            "012345678",
            "Hid in the hills.",
            "Memo to file",
        )
        document = _db.session.get(Document, 1)
        assert document.storage_name != "a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0a0" and document.file_key
        assert [p.name for p in folder.iterdir()] == [document.storage_name]  # the plaintext is gone
        assert not (folder / document.storage_name).read_bytes().startswith(b"%PDF")
        assert storage.read_document(document) == original
        _db.session.remove()

        downgrade(revision="0018")
        row = _db.session.execute(sa.text("SELECT a_number, private_story FROM person")).one()
        assert tuple(row) == ("012345678", "Hid in the hills.")
        assert _db.session.execute(sa.text("SELECT body FROM note")).scalar_one() == "Memo to file"
        name = _db.session.execute(sa.text("SELECT storage_name FROM document")).scalar_one()
        assert [p.name for p in folder.iterdir()] == [name] and (folder / name).read_bytes() == original
        _db.session.remove()

"""`flask check`: orphan files, rows without files, stale partial uploads and wrong petition counts are
found, one line each; --fix quarantines orphans, deletes stale parts and recomputes counts."""

from __future__ import annotations

import os
import time

import pytest
import sqlalchemy as sa

from casework import create_app
from casework.models import Document, Petition
from casework.outage import where
from tests.test_dependencies_down import UNREACHABLE
from tests.test_documents import png_bytes, upload
from tests.test_petitions_hosted import make_published

OLD = time.time() - 2 * 3600


def check(app, *args):
    return app.test_cli_runner().invoke(args=["check", *args], catch_exceptions=False)


def aged(path, content=b"x"):
    path.write_bytes(content)
    os.utime(path, (OLD, OLD))
    return path


def test_a_consistent_installation_passes(app, documents_dir, login_as, make_person, db):
    staff, person, _petition = make_published(login_as, make_person, db)
    assert upload(staff, person.id, png_bytes(), "scan.png").status_code == 302
    os.utime(documents_dir / db.scalar(sa.select(Document.storage_name)), (OLD, OLD))
    (documents_dir / "0123456789abcdef0123456789abcdef").write_bytes(b"an upload still in progress")
    result = check(app)
    assert result.exit_code == 0 and result.output == "Everything is consistent.\n"


def test_check_finds_and_fix_repairs_what_it_can(app, documents_dir, login_as, make_person, db):
    staff, person, published = make_published(login_as, make_person, db)
    petition = published.id
    for title in ("Kept", "Lost"):
        assert upload(staff, person.id, png_bytes(), f"{title}.png", title=title).status_code == 302
    lost = db.scalar(sa.select(Document).where(Document.title == "Lost"))
    (documents_dir / lost.storage_name).unlink()
    orphan = aged(documents_dir / "0123456789abcdef0123456789abcdef")
    young = documents_dir / "fedcba9876543210fedcba9876543210"  # an upload whose row is not committed yet
    young.write_bytes(b"y")
    part = aged(documents_dir / "00112233445566778899aabbccddeeff.part")
    db.execute(sa.update(Petition).where(Petition.id == petition).values(signature_count=7))

    result = check(app)
    lines = result.output.splitlines()
    assert result.exit_code == 1
    assert f"orphan file: {orphan} has no document row" in lines
    assert f"stale partial upload: {part}" in lines
    assert f"missing file: document {lost.storage_name} has no file in {documents_dir}" in lines
    assert f"petition count: petition {petition} shows 7, confirmed signatures 0" in lines
    assert lines[-1] == "4 finding(s): 0 fixed, 4 left (run with --fix to repair what can be repaired)."
    assert orphan.exists() and part.exists() and db.get(Petition, petition).signature_count == 7

    fixed = check(app, "--fix")
    assert fixed.exit_code == 1  # the lost file cannot be repaired here
    assert fixed.output.splitlines()[-1] == "4 finding(s): 3 fixed, 1 left."
    quarantined = list(documents_dir.parent.glob("documents.quarantine/*/" + orphan.name))
    assert len(quarantined) == 1 and quarantined[0].read_bytes() == b"x" and not orphan.exists()
    assert not part.exists() and young.exists()
    assert db.get(Petition, petition).signature_count == 0

    db.execute(sa.delete(Document).where(Document.id == lost.id))
    assert check(app).output == "Everything is consistent.\n"


def test_a_file_of_the_wrong_size_is_reported(app, documents_dir, login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert upload(staff, person.id, png_bytes(), "scan.png").status_code == 302
    name = db.scalar(sa.select(Document.storage_name))
    (documents_dir / name).write_bytes(b"truncated")
    result = check(app, "--fix")
    assert result.exit_code == 1 and f"damaged file: {documents_dir / name} holds 9 bytes" in result.output


def test_an_interrupted_upload_is_reported_and_renamed(
    app, documents_dir, login_as, make_person, db, monkeypatch
):
    from casework.documents import storage

    monkeypatch.setattr(storage, "_publish", lambda name: None)  # the server died after the commit
    assert upload(login_as("staff"), make_person().id, png_bytes(), "scan.png").status_code == 302
    name = db.scalar(sa.select(Document.storage_name))
    part = documents_dir / f"{name}.part"
    os.utime(part, (OLD, OLD))
    stray = aged(documents_dir / "00112233445566778899aabbccddeeff.part")

    result = check(app)
    assert result.exit_code == 1
    assert result.output.splitlines() == [
        f"interrupted upload: {part} is committed: named {name}",
        f"stale partial upload: {stray}",
        "2 finding(s): 0 fixed, 2 left (run with --fix to repair what can be repaired).",
    ]
    assert part.exists() and stray.exists()
    fixed = check(app, "--fix")
    assert fixed.exit_code == 0 and fixed.output.splitlines()[-1] == "2 finding(s): 2 fixed, 0 left."
    assert os.listdir(documents_dir) == [name]
    assert check(app).output == "Everything is consistent.\n"


def test_a_young_part_is_left_to_its_upload(app, documents_dir, login_as, make_person, db):
    assert upload(login_as("staff"), make_person().id, png_bytes(), "scan.png").status_code == 302
    name = db.scalar(sa.select(Document.storage_name))
    os.utime(documents_dir / name, (OLD, OLD))
    (documents_dir / "0123456789abcdef0123456789abcdef.part").write_bytes(b"an upload in progress")
    result = check(app, "--fix")
    assert result.exit_code == 0 and result.output == "Everything is consistent.\n"
    assert (documents_dir / "0123456789abcdef0123456789abcdef.part").exists()


@pytest.fixture(params=sorted(UNREACHABLE))
def unreachable_app(request, tmp_path, monkeypatch):
    """An app whose database cannot be reached."""
    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    monkeypatch.setenv("CASEWORK_BACKUP_PASSPHRASE", "a passphrase long enough for a backup")
    return create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE[request.param], "SECRET_KEY": "x" * 32})


@pytest.mark.usefixtures("restore_limiter")
@pytest.mark.parametrize("command", [["check"], ["check", "--fix"], ["backup", "archive.bin"]])
def test_maintenance_commands_say_the_database_is_unreachable_like_the_others(
    unreachable_app, tmp_path, command
):
    if command[0] == "backup":
        command = ["backup", str(tmp_path / "archive.bin")]
    result = unreachable_app.test_cli_runner().invoke(args=command)
    location = where(sa.engine.make_url(unreachable_app.config["SQLALCHEMY_DATABASE_URI"]))
    assert result.exit_code == 1
    assert result.output.splitlines()[-1].startswith(f"Error: the database is unreachable ({location}): ")
    assert "cannot be used" not in result.output and "Traceback" not in result.output

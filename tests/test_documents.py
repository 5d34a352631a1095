"""Documents on a case: upload checked by content, privileged ones hidden, downloads audited."""

import errno
import functools
import io
import os
import subprocess
import time

import pytest
import sqlalchemy as sa
from PIL import Image

from casework.models import AuditEvent, Document
from tests.conftest import shows, text_of


def png_bytes(color=(30, 90, 120), size=(120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


@functools.cache  # the same bytes for the same call: a PDF carries a fresh identifier each time it is written
def pdf_bytes(text="EXHIBIT-CONTENT-MARKER", pages=1) -> bytes:
    """A small PDF showing `text` on each of `pages` pages."""
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">{text} page {i + 1}</p>' for i in range(pages))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def upload(browser, person_id, data, filename="file.pdf", title="A letter", **extra):
    return browser.post(
        f"/people/{person_id}/documents/new",
        {"file": (io.BytesIO(data), filename), "title": title, "kind": "support_letter", **extra},
        content_type="multipart/form-data",
    )


def test_upload_pdf_and_png_and_download_audited(app, login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert upload(staff, person.id, pdf_bytes(), "letter.pdf").status_code == 302
    assert (
        upload(staff, person.id, png_bytes(), "scan.pdf", title="Photo named like a PDF").status_code == 302
    )
    docs = db.scalars(sa.select(Document).order_by(Document.id))
    assert [d.content_type for d in docs] == ["application/pdf", "image/png"]  # by content, not by name
    stored = os.path.join(app.instance_path, "documents", docs[0].storage_name)
    assert os.path.exists(stored) and oct(os.stat(stored).st_mode & 0o777) == "0o600"
    assert "letter" not in docs[0].storage_name and len(docs[0].storage_name) == 32
    response = staff.get(f"/people/{person.id}/documents/{docs[0].id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="case-{person.id}-document-{docs[0].id}.pdf"'
    )
    assert db.count(AuditEvent, AuditEvent.action == "document.downloaded") == 1
    assert db.count(AuditEvent, AuditEvent.action == "document.uploaded") == 2


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (
            b"just some text, not a document",
            "notes.pdf",
            "Upload a PDF, JPEG or PNG file; this file is none of them",
        ),
        (b"%PDF-1.7\nthis is not really a pdf", "broken.pdf", "The file looks damaged"),
        (b"", "empty.pdf", "The file is empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "drawing.png", "none of them"),
    ],
)
def test_uploads_are_checked_by_content(login_as, make_person, db, data, filename, message):
    person = make_person()
    response = upload(login_as("staff"), person.id, data, filename)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Document) == 0


def test_size_limit(app, login_as, make_person, db):
    person = make_person()
    app.config["DOCUMENT_MAX_BYTES"] = 1000
    try:
        response = upload(login_as("staff"), person.id, png_bytes(size=(400, 400)) + b"\0" * 2000)
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = 10 * 1024 * 1024
    assert shows(response, "The file is larger than")
    assert db.count(Document) == 0


def test_privileged_documents_are_invisible_to_volunteers(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    staff = login_as("staff")
    upload(staff, person.id, pdf_bytes(), title="PRIVILEGED-MEMO-TITLE", privileged="y")
    upload(staff, person.id, png_bytes(), title="Support letter")
    secret = db.scalar(sa.select(Document).where(Document.privileged.is_(True)))
    vb = login_as(volunteer)
    page = text_of(vb.get(f"/people/{person.id}"))
    assert "Support letter" in page and "PRIVILEGED-MEMO-TITLE" not in page
    for url in (
        f"/people/{person.id}/documents/{secret.id}",
        f"/people/{person.id}/documents/{secret.id}/edit",
        f"/people/{person.id}/documents/{secret.id}/delete",
    ):
        assert vb.get(url).status_code == 404
    assert 'name="privileged"' not in text_of(vb.get(f"/people/{person.id}/documents/new"))


def test_edit_conflict_and_delete_removes_the_file(app, login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    upload(staff, person.id, png_bytes())
    document = db.scalar(sa.select(Document))
    url = f"/people/{person.id}/documents/{document.id}"
    assert (
        staff.post(
            url + "/edit", {"title": "First", "kind": "other", "version": document.version}
        ).status_code
        == 302
    )
    response = staff.post(url + "/edit", {"title": "Second", "kind": "other", "version": document.version})
    assert shows(response, "Someone else changed this document")
    assert db.get(Document, document.id).title == "First"
    assert "Delete" in text_of(staff.get(url + "/delete"))
    assert staff.post(url + "/delete").status_code == 302
    assert db.count(Document) == 0
    assert not os.path.exists(os.path.join(app.instance_path, "documents", document.storage_name))


def test_a_stored_file_follows_the_fate_of_its_row(app, login_as, make_person, db, monkeypatch):
    """The request commits after the view: a failed commit removes the file just uploaded and keeps the
    file of a document whose deletion was not committed."""
    from casework import unit_of_work

    person = make_person()
    staff = login_as("staff")
    assert upload(staff, person.id, png_bytes(), title="Kept").status_code == 302
    kept = db.scalar(sa.select(Document))
    folder = os.path.join(app.instance_path, "documents")
    before = set(os.listdir(folder))

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(unit_of_work, "_commit", failing_commit)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer 500, as in production
    assert upload(staff, person.id, png_bytes(), title="Lost").status_code == 500
    assert staff.post(f"/people/{person.id}/documents/{kept.id}/delete").status_code == 500
    assert set(os.listdir(folder)) == before and kept.storage_name in before
    assert [d.title for d in db.scalars(sa.select(Document))] == ["Kept"]


# ---------------------------------------------------------------- a full or read-only documents disk

STORAGE_MESSAGE = "The document could not be saved: the storage is full or read-only. Nothing was saved."


def noise_png(size=(300, 300)) -> bytes:
    """A PNG that does not compress (about 270 kB for 300×300)."""
    out = io.BytesIO()
    Image.frombytes("RGB", size, os.urandom(size[0] * size[1] * 3)).save(out, "PNG")
    return out.getvalue()


def _mount_tmpfs(folder, options: str) -> None:
    result = subprocess.run(
        ["mount", "-t", "tmpfs", "-o", options, "tmpfs", str(folder)], capture_output=True
    )
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here: {result.stderr.decode().strip()}")


@pytest.fixture
def full_documents_dir(documents_dir):
    """A documents folder on a 64 kB file system (a really full disk; needs root to mount)."""
    if os.geteuid() != 0:
        pytest.skip("mounting a small file system needs root (the patched-write tests cover this case)")
    _mount_tmpfs(documents_dir, "size=64k,mode=0700")
    yield documents_dir
    subprocess.run(["umount", str(documents_dir)], check=True)


@pytest.fixture
def read_only_documents_dir(documents_dir):
    """A documents folder nobody may write to: chmod for a user, a read-only mount for root (who ignores
    permissions)."""
    if os.geteuid() != 0:
        documents_dir.chmod(0o500)
        yield documents_dir
        documents_dir.chmod(0o700)
        return
    _mount_tmpfs(documents_dir, "ro,size=64k,mode=0700")
    yield documents_dir
    subprocess.run(["umount", str(documents_dir)], check=True)


def _assert_nothing_kept(response, folder, db):
    assert response.status_code == 200 and shows(response, STORAGE_MESSAGE)
    assert db.count(Document) == 0 and db.count(AuditEvent, AuditEvent.action == "document.uploaded") == 0
    assert os.listdir(folder) == []


@pytest.mark.parametrize(
    "error", [errno.ENOSPC, errno.EROFS, errno.EDQUOT], ids=["ENOSPC", "EROFS", "EDQUOT"]
)
def test_a_failed_write_leaves_no_row_and_no_partial_file(
    documents_dir, login_as, make_person, db, monkeypatch, error
):
    """The disk fills up halfway through the file: the half written is deleted, no row, a clear message."""
    from casework.documents import storage

    real_fdopen = os.fdopen

    class HalfWritten:
        def __init__(self, fh):
            self.fh = fh

        def __enter__(self):
            return self

        def __exit__(self, *exc):
            self.fh.close()

        def write(self, data):
            self.fh.write(data[: len(data) // 2])
            self.fh.flush()
            raise OSError(error, os.strerror(error))

    monkeypatch.setattr(storage.os, "fdopen", lambda fd, mode: HalfWritten(real_fdopen(fd, mode)))
    person = make_person()
    _assert_nothing_kept(upload(login_as("staff"), person.id, png_bytes()), documents_dir, db)


def test_a_folder_that_cannot_be_created_is_a_clear_message(
    app, tmp_path, login_as, make_person, db, monkeypatch
):
    blocker = tmp_path / "a-file"
    blocker.write_text("not a folder")
    monkeypatch.setitem(app.config, "DOCUMENTS_DIR", str(blocker / "documents"))
    response = upload(login_as("staff"), make_person().id, png_bytes())
    assert response.status_code == 200 and shows(response, STORAGE_MESSAGE) and db.count(Document) == 0


def test_a_really_full_disk(full_documents_dir, login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    _assert_nothing_kept(upload(staff, person.id, noise_png(), "scan.png"), full_documents_dir, db)
    assert upload(staff, person.id, png_bytes(), "small.png").status_code == 302  # what fits is still kept
    assert db.count(Document) == 1


def test_a_read_only_folder(read_only_documents_dir, login_as, make_person, db):
    _assert_nothing_kept(
        upload(login_as("staff"), make_person().id, png_bytes()), read_only_documents_dir, db
    )


def test_sweep_removes_only_stale_partial_uploads(app, documents_dir):
    stale, fresh, whole = documents_dir / ("a" * 32 + ".part"), documents_dir / "b.part", documents_dir / "c"
    for path in (stale, fresh, whole):
        path.write_bytes(b"x")
    two_hours_ago = time.time() - 7200
    os.utime(stale, (two_hours_ago, two_hours_ago))
    os.utime(whole, (two_hours_ago, two_hours_ago))
    result = app.test_cli_runner().invoke(args=["sweep-uploads"])
    assert result.exit_code == 0, result.output
    assert result.output.splitlines()[-1] == "1 partial upload(s) removed."
    assert sorted(os.listdir(documents_dir)) == ["b.part", "c"]
    result = app.test_cli_runner().invoke(args=["sweep-uploads", "--max-age-minutes", "0"])
    assert result.exit_code != 0  # an age of 0 would delete uploads in progress
    from datetime import timedelta

    from casework.documents import storage

    with app.app_context():
        assert storage.sweep_partial_uploads(timedelta(seconds=0)) == ["b.part"]
    assert os.listdir(documents_dir) == ["c"]


# ---------------------------------------------------------------- a file is named only after its commit


@pytest.fixture
def crash_after_commit(monkeypatch):
    """The server dies between the commit and the rename: the committed row's file stays `<name>.part`."""
    from casework.documents import storage

    monkeypatch.setattr(storage, "_publish", lambda name: None)


def _only_document(db):
    return db.scalar(sa.select(Document))


def test_a_file_is_named_only_once_its_row_is_committed(
    documents_dir, login_as, make_person, db, monkeypatch
):
    from casework.documents import storage

    seen_at_flush = []
    real_save = storage.save

    def save_and_look(data):
        stored = real_save(data)
        seen_at_flush.append(sorted(os.listdir(documents_dir)))
        return stored

    monkeypatch.setattr(storage, "save", save_and_look)
    assert upload(login_as("staff"), make_person().id, png_bytes()).status_code == 302
    name = _only_document(db).storage_name
    assert seen_at_flush == [[name + ".part"]]  # before the commit: only the part
    assert os.listdir(documents_dir) == [name]


def test_a_crash_between_commit_and_rename_loses_nothing(
    documents_dir, login_as, make_person, db, crash_after_commit
):
    staff, person, data = login_as("staff"), make_person(), png_bytes()
    assert upload(staff, person.id, data).status_code == 302
    document = _only_document(db)
    assert os.listdir(documents_dir) == [document.storage_name + ".part"]
    response = staff.get(f"/people/{person.id}/documents/{document.id}")
    assert response.status_code == 200 and response.data == data
    assert os.listdir(documents_dir) == [document.storage_name]  # rolled forward by the download


def test_a_part_that_does_not_match_its_row_is_not_served(
    documents_dir, login_as, make_person, db, crash_after_commit
):
    staff, person = login_as("staff"), make_person()
    assert upload(staff, person.id, png_bytes()).status_code == 302
    document = _only_document(db)
    part = documents_dir / (document.storage_name + ".part")
    part.write_bytes(png_bytes(color=(1, 2, 3)))  # another file of another size
    assert staff.get(f"/people/{person.id}/documents/{document.id}").status_code == 410
    assert os.listdir(documents_dir) == [part.name]  # left for `flask check` and a restore


def test_recovery_renames_committed_parts_and_deletes_the_others(
    app, documents_dir, login_as, make_person, db, crash_after_commit
):
    from casework.documents import storage

    assert upload(login_as("staff"), make_person().id, png_bytes()).status_code == 302
    committed = _only_document(db).storage_name
    never_committed = documents_dir / ("ab" * 16 + ".part")
    never_committed.write_bytes(b"half an upload")
    with app.app_context():
        done = storage.recover_interrupted_uploads()
    assert done == storage.Recovery(rolled_forward=[committed], removed=[never_committed.name])
    assert os.listdir(documents_dir) == [committed]


def test_recovery_at_start_follows_its_setting(app, documents_dir, monkeypatch):
    from casework.documents import storage

    stray = documents_dir / ("cd" * 16 + ".part")
    stray.write_bytes(b"x")
    monkeypatch.setitem(app.config, "DOCUMENTS_RECOVER_AT_START", False)  # a folder shared by several hosts
    storage.recover_at_start(app)
    assert stray.exists()
    monkeypatch.setitem(app.config, "DOCUMENTS_RECOVER_AT_START", True)
    storage.recover_at_start(app)
    assert os.listdir(documents_dir) == []


def test_the_server_recovers_before_any_worker_starts(app, monkeypatch):
    import runpy

    import casework
    from casework.documents import storage

    calls = []
    monkeypatch.setattr(casework, "create_app", lambda: app)  # the master builds the app as workers do
    monkeypatch.setattr(storage, "recover_at_start", calls.append)
    config = runpy.run_path(os.path.join(os.path.dirname(os.path.dirname(__file__)), "gunicorn.conf.py"))
    config["on_starting"](server=None)
    assert calls == [app]


def test_sweep_renames_an_old_committed_part_instead_of_deleting_it(
    app, documents_dir, login_as, make_person, db, crash_after_commit
):
    from datetime import timedelta

    from casework.documents import storage

    assert upload(login_as("staff"), make_person().id, png_bytes()).status_code == 302
    name = _only_document(db).storage_name
    with app.app_context():
        assert storage.sweep_partial_uploads(timedelta(seconds=0)) == []
    assert os.listdir(documents_dir) == [name]


def test_a_failed_request_leaves_no_part(documents_dir, login_as, make_person, db, monkeypatch):
    from casework.documents import operations

    def fail(*args, **kwargs):
        raise RuntimeError("the audit could not be written")

    staff, person = login_as("staff"), make_person()
    monkeypatch.setattr(operations.audit, "record", fail)
    assert upload(staff, person.id, png_bytes()).status_code == 500  # a bug, after the file was written
    assert db.count(Document) == 0 and os.listdir(documents_dir) == []


def test_a_refusal_after_the_file_was_written_leaves_no_part(
    documents_dir, login_as, make_person, db, monkeypatch
):
    from casework.documents import operations
    from casework.errors import OperationError

    def refuse(*args, **kwargs):
        raise OperationError("This case cannot take documents now.")

    staff, person = login_as("staff"), make_person()
    monkeypatch.setattr(operations.audit, "record", refuse)
    response = upload(staff, person.id, png_bytes())
    assert response.status_code == 200 and shows(response, "This case cannot take documents now.")
    assert db.count(Document) == 0 and os.listdir(documents_dir) == []


def test_a_deleted_documents_file_goes_after_the_commit(documents_dir, login_as, make_person, db):
    staff, person = login_as("staff"), make_person()
    assert upload(staff, person.id, png_bytes()).status_code == 302
    document = _only_document(db)
    response = staff.post(f"/people/{person.id}/documents/{document.id}/delete", {})
    assert response.status_code == 302
    assert db.count(Document) == 0 and os.listdir(documents_dir) == []


def test_after_commit_callbacks_follow_the_transaction(app):
    from casework import unit_of_work

    calls = []
    with app.app_context():
        with unit_of_work.transaction():
            unit_of_work.after_commit(lambda: calls.append("committed"), lambda: calls.append("rolled back"))
        with pytest.raises(ValueError), unit_of_work.transaction():
            unit_of_work.after_commit(
                lambda: calls.append("committed 2"), lambda: calls.append("rolled back 2")
            )
            raise ValueError
        with unit_of_work.transaction():
            pass  # a later commit runs nothing of the rolled-back transaction
    assert calls == ["committed", "rolled back 2"]


@pytest.mark.usefixtures("restore_limiter")
def test_the_server_starts_when_the_recovery_cannot_reach_the_database(tmp_path, monkeypatch, caplog):
    from casework import create_app
    from casework.documents import storage
    from tests.test_dependencies_down import UNREACHABLE

    monkeypatch.setenv("CASEWORK_INSTANCE_PATH", str(tmp_path))
    stray = tmp_path / "documents" / ("ef" * 16 + ".part")
    stray.parent.mkdir()
    stray.write_bytes(b"x")
    down = create_app({"SQLALCHEMY_DATABASE_URI": UNREACHABLE["sqlite"], "SECRET_KEY": "x" * 32})
    storage.recover_at_start(down)  # logs and returns: the server starts, the next start tries again
    assert stray.exists()
    assert any("interrupted uploads not recovered" in r.getMessage() for r in caplog.records)

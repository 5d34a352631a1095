"""Where uploaded files live: a folder outside the web root, random names, content-checked types.

A file gets its name only once its row is committed: `save` writes and syncs `<name>.part`, and the unit of
work renames it right after the commit (`unit_of_work.after_commit`) or deletes it on a rollback. A crash
can therefore leave only `.part` files: one whose row was committed before the crash is complete (it was
synced before the commit) and is rolled forward (renamed) wherever it is looked for (`read`) and by
`recover_interrupted_uploads`; one without a row is an upload that never happened and is deleted. The
recovery deletes only while no upload can be in flight (at server start, see gunicorn.conf.py, and
`flask --app casework check --fix`), or by age (`sweep-uploads`).

Every file is sealed (casework.sealed_files.seal_file) under a random key of its own, which its row keeps sealed
by the data key ring: what lies on disk opens only with the row and the ring together.
"""

from __future__ import annotations

import contextlib
import hashlib
import io
import logging
import os
import secrets
import time
from dataclasses import dataclass
from datetime import timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import Flask, current_app

from casework import sealed_files, sealing, unit_of_work
from casework.documents import cleaning
from casework.errors import OperationError
from casework.extensions import db
from casework.models import Document

logger = logging.getLogger("casework.documents")

MAX_PIXELS = 40_000_000  # decoding a larger image for a PDF would need hundreds of megabytes
ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}
PART = ".part"


class UploadRejected(OperationError):
    """The file cannot be kept; the message says what to upload instead."""


class StorageUnavailable(UploadRejected):
    """The documents folder cannot take the file (disk full, read-only, no permission); nothing was kept."""

    def __init__(self) -> None:
        super().__init__(
            "The document could not be saved: the storage is full or read-only. Nothing was saved."
        )


@dataclass(frozen=True)
class StoredFile:
    """What was written, for the Document row."""

    storage_name: str
    content_type: str
    size: int
    sha256: str
    removed: tuple[str, ...] = ()  # what cleaning took out of the upload (casework.documents.cleaning)
    file_key: str | None = None  # what the file on disk is sealed with (Document.file_key)


def folder() -> Path:
    """The documents folder (created with owner-only permissions)."""
    path = Path(current_app.config.get("DOCUMENTS_DIR") or Path(current_app.instance_path) / "documents")
    path.mkdir(mode=0o700, parents=True, exist_ok=True)
    return path


def sniff(data: bytes) -> str | None:
    """The content type by the file's first bytes (never by its name)."""
    if data.startswith(b"%PDF-"):
        return "application/pdf"
    if data.startswith(b"\xff\xd8\xff"):
        return "image/jpeg"
    if data.startswith(b"\x89PNG\r\n\x1a\n"):
        return "image/png"
    return None


def check(data: bytes) -> str:
    """Verify an upload: size, type by content, and that it really opens as that type."""
    limit = current_app.config.get("DOCUMENT_MAX_BYTES", 10 * 1024 * 1024)
    if not data:
        raise UploadRejected("The file is empty: choose the PDF, JPEG or PNG file again.")
    if len(data) > limit:
        raise UploadRejected(
            f"The file is larger than {limit // (1024 * 1024)} MB: scan it at a lower "
            "resolution or split it, then upload again."
        )
    content_type = sniff(data)
    if content_type is None:
        raise UploadRejected(
            "Upload a PDF, JPEG or PNG file; this file is none of them (whatever its name says)."
        )
    try:
        if content_type == "application/pdf":
            from pypdf import PdfReader

            reader = PdfReader(io.BytesIO(data))
            if reader.is_encrypted:
                raise UploadRejected(
                    "This PDF is password-protected: save an unprotected copy and upload that."
                )
            if len(reader.pages) == 0:
                raise ValueError("no pages")
        else:
            from PIL import Image

            with Image.open(io.BytesIO(data)) as image:
                if image.width * image.height > MAX_PIXELS:
                    raise UploadRejected(
                        "The image is too large (over 40 megapixels): save it at a smaller "
                        "size and upload it again."
                    )
                image.verify()
    except UploadRejected:
        raise
    except Exception:  # noqa: BLE001 - any parser error means the file is damaged
        raise UploadRejected(
            "The file looks damaged and cannot be opened: export or scan it again."
        ) from None
    return content_type


def save(data: bytes) -> StoredFile:
    """Check, clean and write an upload as `<name>.part`, named once the unit of work commits (deleted if it
    does not); returns what to record, size and SHA-256 those of the cleaned file (StorageUnavailable when the
    disk is full or read-only: then no file, not even a partial one, is left behind)."""
    content_type = check(data)
    try:
        cleaned = cleaning.clean(data, content_type)
    except cleaning.CleaningFailed as exc:
        raise UploadRejected(str(exc)) from None
    data = cleaned.data
    name, file_key = secrets.token_hex(16), sealed_files.new_file_key()
    try:
        _write_part(folder() / name, sealed_files.seal_file(data, file_key))
    except OSError as exc:
        logger.warning("document not stored: %s", exc)
        raise StorageUnavailable() from None
    unit_of_work.after_commit(lambda: _publish(name), on_rollback=lambda: _discard(name))
    digest = hashlib.sha256(data).hexdigest()
    return StoredFile(name, content_type, len(data), digest, cleaned.removed, file_key)


def _part(path: Path) -> Path:
    return path.with_name(path.name + PART)


def _write_part(target: Path, data: bytes) -> None:
    """Write `<name>.part` and sync it. On any error it is deleted (a full disk must not stay full of
    halves)."""
    temporary = _part(target)
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk can show only here, when the data is really written
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def _publish(name: str) -> None:
    """After the commit: the file takes its final name (already done by a reader or the recovery: fine)."""
    target = folder() / name
    with contextlib.suppress(FileNotFoundError):
        os.replace(_part(target), target)


def _discard(name: str) -> None:
    """After a rollback: the row was never committed, so its file goes."""
    with contextlib.suppress(OSError):
        _part(folder() / name).unlink(missing_ok=True)


def _roll_forward(target: Path, size: int | None, sha256: str | None, file_key: str | None = None) -> bool:
    """Rename a committed row's complete `.part` to its final name (after checking it against the row);
    False when there is nothing whole to rename."""
    try:
        data = _part(target).read_bytes()
    except FileNotFoundError:
        return target.is_file()  # renamed meanwhile
    try:
        data = plain(data, file_key)
    except sealing.SealedValueError:
        data = b""
    if (size is not None and len(data) != size) or (sha256 and hashlib.sha256(data).hexdigest() != sha256):
        logger.warning("%s does not match its document row: left as it is", _part(target))
        return False
    with contextlib.suppress(FileNotFoundError):
        os.replace(_part(target), target)
    return True


@dataclass(frozen=True)
class Recovery:
    """What `recover_interrupted_uploads` did (or, on a dry run, would do): names of the files."""

    rolled_forward: list[str]
    removed: list[str]


def recover_interrupted_uploads(older_than: timedelta | None = None, dry_run: bool = False) -> Recovery:
    """Finish what a crash interrupted: every `.part` whose row was committed gets its final name, every
    other one is deleted. Only `.part` files older than `older_than` are considered (None: all of them,
    which is safe only when no upload can be in flight: at server start, before any worker)."""
    cutoff = None if older_than is None else time.time() - older_than.total_seconds()
    parts = {}
    for path in folder().glob("*" + PART):
        name = path.name.removesuffix(PART)
        with contextlib.suppress(FileNotFoundError):
            if name.isalnum() and (cutoff is None or path.stat().st_mtime < cutoff):
                parts[name] = path
    rows = _rows_naming(list(parts))
    rolled, removed = [], []
    for name, path in sorted(parts.items()):
        if name in rows:
            if dry_run or _roll_forward(folder() / name, *rows[name]):
                rolled.append(name)
        else:
            if not dry_run:
                path.unlink(missing_ok=True)
            removed.append(path.name)
    return Recovery(rolled, removed)


def _rows_naming(names: list[str]) -> dict[str, tuple[int | None, str | None, str | None]]:
    """Size, SHA-256 and file key of the document rows stored under these names."""
    found: dict[str, tuple[int | None, str | None, str | None]] = {}
    for start in range(0, len(names), 500):
        query = sa.select(Document.storage_name, Document.size, Document.sha256, Document.file_key).where(
            Document.storage_name.in_(names[start : start + 500])
        )
        found.update((name, (size, sha, key)) for name, size, sha, key in db.session.execute(query))
    return found


def recover_at_start(app: Flask) -> None:
    """At server start, before any worker: recover the interrupted uploads, unless DOCUMENTS_RECOVER_AT_START
    is off (a documents folder shared by servers on several hosts, where another may be uploading)."""
    if not app.config.get("DOCUMENTS_RECOVER_AT_START", True):
        return
    with app.app_context():
        try:
            done = recover_interrupted_uploads()
        except (sa.exc.SQLAlchemyError, OSError) as exc:  # no database yet, out of reach, a folder that
            # cannot be read: the server starts anyway (pages say what is wrong) and the next start tries again
            logger.warning("interrupted uploads not recovered: %s", (str(exc).splitlines() or [""])[0])
            return
        finally:
            db.session.remove()
            db.engine.dispose()  # no connection of the master's is inherited by the workers
    if done.rolled_forward or done.removed:
        logger.warning(
            "interrupted uploads: %d committed file(s) renamed, %d partial file(s) deleted",
            len(done.rolled_forward),
            len(done.removed),
        )


def sweep_partial_uploads(max_age: timedelta = timedelta(hours=1)) -> list[str]:
    """Recover the `.part` files older than `max_age` (younger ones may be uploads in progress); returns the
    names of those deleted (those whose row was committed are renamed instead)."""
    return recover_interrupted_uploads(older_than=max_age).removed


def plain(data: bytes, file_key: str | None) -> bytes:
    """A stored file's bytes opened with its key (a row without a key: a file stored before sealing)."""
    return data if file_key is None else sealed_files.open_file(data, file_key)


def read_document(document: Document) -> bytes:
    """The original bytes of a document's file (opened with the key its row keeps)."""
    return read(document.storage_name, document.size, document.sha256, document.file_key)


def read(
    storage_name: str, size: int | None = None, sha256: str | None = None, file_key: str | None = None
) -> bytes:
    """The bytes of a stored file, opened with `file_key`; a committed one still under `.part` (a crash right
    after the commit) is checked against `size` and `sha256` when given, renamed and read."""
    if not storage_name.isalnum():
        raise FileNotFoundError(storage_name)
    target = folder() / storage_name
    try:
        return plain(target.read_bytes(), file_key)
    except FileNotFoundError:
        if not _roll_forward(target, size, sha256, file_key):
            raise
    return plain(target.read_bytes(), file_key)


def remove(storage_name: str) -> None:
    """Delete a stored file, under its final name or still under `.part` (missing is fine)."""
    if storage_name.isalnum():
        target = folder() / storage_name
        target.unlink(missing_ok=True)
        _part(target).unlink(missing_ok=True)

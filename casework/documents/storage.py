"""Where uploaded files live: a folder outside the web root, random names, content-checked types."""

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

from flask import current_app

from casework.errors import OperationError

logger = logging.getLogger("casework.documents")

MAX_PIXELS = 40_000_000  # decoding a larger image for a PDF would need hundreds of megabytes
ALLOWED = {"application/pdf": "pdf", "image/jpeg": "jpg", "image/png": "png"}


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
    """Check and write an upload under a random name; returns what to record (StorageUnavailable when the
    disk is full or read-only: then no file, not even a partial one, is left behind)."""
    content_type = check(data)
    name = secrets.token_hex(16)
    try:
        target = folder() / name
        _write_whole(target, data)
    except OSError as exc:
        logger.warning("document not stored: %s", exc)
        raise StorageUnavailable() from None
    return StoredFile(name, content_type, len(data), hashlib.sha256(data).hexdigest())


def _write_whole(target: Path, data: bytes) -> None:
    """Write to `<name>.part`, sync it, then rename: the name exists only for a whole file. On any error the
    `.part` is deleted (a full disk must not stay full of halves)."""
    temporary = target.with_suffix(".part")
    try:
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as fh:
            fh.write(data)
            fh.flush()
            os.fsync(fh.fileno())  # a full disk can show only here, when the data is really written
        os.replace(temporary, target)
    except BaseException:
        with contextlib.suppress(OSError):
            temporary.unlink(missing_ok=True)
        raise


def sweep_partial_uploads(max_age: timedelta = timedelta(hours=1)) -> list[str]:
    """Delete `.part` files older than `max_age` (left by a crash during an upload); returns their names.
    Younger ones may belong to an upload in progress."""
    cutoff = time.time() - max_age.total_seconds()
    removed = []
    for path in folder().glob("*.part"):
        try:
            if path.stat().st_mtime < cutoff:
                path.unlink()
                removed.append(path.name)
        except FileNotFoundError:
            continue  # removed meanwhile (the upload finished or failed)
    return sorted(removed)


def read(storage_name: str) -> bytes:
    """The bytes of a stored file."""
    if not storage_name.isalnum():
        raise FileNotFoundError(storage_name)
    return (folder() / storage_name).read_bytes()


def remove(storage_name: str) -> None:
    """Delete a stored file (missing is fine)."""
    if storage_name.isalnum():
        (folder() / storage_name).unlink(missing_ok=True)

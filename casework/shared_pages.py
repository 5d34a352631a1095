"""Kept pages shared by the server's worker processes on one host (casework.kept_pages).

Each worker keeps the pages it made in its own memory; a page made by one worker is also written here, so
that another worker asked for the same page under the same stamps reads it instead of making it again (a
user's requests land on any worker: back from a case to the list, the list is often another worker's).

A page is a file in a folder of this server's own (mode 0700; on tmpfs where the host has /dev/shm, so
nothing reaches a disk), sealed with AES-GCM under a key derived from SECRET_KEY and named by an HMAC of what
it is kept under: the files say nothing of who or what they show, and a file changed by anyone without the
key is refused. A file holds the stamps it was made under and is used only while they stand; a page made
again replaces it. Files not read or written for KEPT_PAGES_SHARED_SECONDS go, as do the oldest beyond
KEPT_PAGES_SHARED_LIMIT files or KEPT_PAGES_SHARED_MB in all (/dev/shm is small in a container, and shared
with the server's own files), and the oldest half when the folder's file system is full. Any error of the
folder (missing, full, not ours) costs only the sharing: the page is made by the worker that needs it, as
without this module, and the log says so once.
"""

from __future__ import annotations

import contextlib
import enum
import errno
import hashlib
import hmac
import json
import logging
import os
import secrets
import stat
import threading
import time
from collections.abc import Hashable, Sequence
from datetime import date, datetime
from pathlib import Path

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

logger = logging.getLogger(__name__)

NONCE_BYTES = 12
SWEEP_EVERY_SECONDS = 60.0
_SUFFIX = ".page"


class NotShareable(TypeError):
    """A key holds a value with no canonical text (its repr could hide what tells two keys apart)."""


def canonical(value: Hashable) -> object:
    """`value` as JSON that tells apart exactly the keys that differ: text, numbers, None, dates, enums and
    tuples of them; anything else raises NotShareable (the page is then kept by its own worker alone)."""
    if isinstance(value, enum.Enum):  # first: an enum may also be a str or an int
        return {
            "enum": f"{type(value).__module__}.{type(value).__qualname__}",
            "value": canonical(value.value),
        }
    if value is None or isinstance(value, bool | int | str):
        return value
    if isinstance(value, datetime):
        return {"datetime": value.isoformat()}
    if isinstance(value, date):
        return {"date": value.isoformat()}
    if isinstance(value, tuple):
        return [canonical(item) for item in value]
    raise NotShareable(type(value).__name__)


class SharedPages:
    """The folder of one server's shared pages."""

    def __init__(
        self,
        folder: Path,
        secret: str | bytes,
        limit: int,
        max_age: float,
        database: str = "",
        max_bytes: int = 16 * 1024 * 1024,
    ) -> None:
        self.folder, self.limit, self.max_age, self.max_bytes = folder, limit, max_age, max_bytes
        self._written = 0  # bytes this process wrote since its last sweep
        # Keys of their own per database: two databases' organizations may share ids and stamps.
        material = HKDF(
            algorithm=hashes.SHA256(),
            length=64,
            salt=hashlib.sha256(database.encode()).digest(),
            info=b"casework shared kept pages",
        ).derive(secret.encode() if isinstance(secret, str) else secret)
        self._aead, self._name_key = AESGCM(material[:32]), material[32:]
        self._ready = False
        self._failed: set[str] = set()  # what has been logged already: each kind of failure once
        self._last_sweep = 0.0
        self._lock = threading.Lock()

    def get(self, kind: str, key: Hashable, stamps: Sequence[int | None]) -> tuple[str, ...] | None:
        """The page kept under `key` while `stamps` stand, as its parts; None when there is none (or the folder
        cannot be read, or the file does not open with this server's key)."""
        try:
            name = self._name(kind, key)
        except NotShareable:
            return None
        if not self._ensure_folder():
            return None
        path = self.folder / name
        try:
            sealed = path.read_bytes()
        except FileNotFoundError:
            return None
        except OSError as error:
            self._failure("read", error)
            return None
        try:
            content = json.loads(
                self._aead.decrypt(sealed[:NONCE_BYTES], sealed[NONCE_BYTES:], name.encode())
            )
        except (InvalidTag, ValueError):
            self._failure("open", ValueError(f"{name} does not open with this server's key"))
            return None
        if content.get("stamps") != list(stamps):
            return None
        self._touch(path)
        return tuple(content["parts"])

    def put(self, kind: str, key: Hashable, stamps: Sequence[int | None], parts: Sequence[str]) -> None:
        """Keep the page `parts`, made under `stamps`, for every worker (replacing what `key` held)."""
        try:
            name = self._name(kind, key)
        except NotShareable:
            return
        if not self._ensure_folder():
            return
        nonce = os.urandom(NONCE_BYTES)
        content = json.dumps({"stamps": list(stamps), "parts": list(parts)}).encode()
        sealed = nonce + self._aead.encrypt(nonce, content, name.encode())
        temporary = self.folder / f".{name}.{os.getpid()}.{secrets.token_hex(4)}.tmp"
        try:
            descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
            try:
                try:
                    _write_all(descriptor, sealed)
                finally:
                    os.close(descriptor)
                os.replace(temporary, self.folder / name)  # whole or not at all, for a reader elsewhere
            finally:
                temporary.unlink(missing_ok=True)
        except FileNotFoundError as error:
            self._ready = False  # the folder went (a cleaned /dev/shm): made again on the next page
            self._failure("write", error)
            return
        except OSError as error:
            if error.errno == errno.ENOSPC:
                # Full (a container's /dev/shm is 64 MB, shared with the server's own files): the oldest half
                # goes, so that what else lives there keeps its room.
                self.sweep(keep=0.5)
            self._failure("write", error)
            return
        with self._lock:
            self._written += len(sealed)
        self._sweep_now_and_then()

    def sweep(self, keep: float = 1.0) -> int:
        """Remove pages unused for `max_age` seconds, then the oldest beyond `limit` pages or `max_bytes` in all
        (beyond `keep` of what is there, when less than 1); how many went."""
        if not self._ensure_folder():
            return 0
        now = time.time()
        kept: list[tuple[float, int, Path]] = []
        removed = 0
        try:
            with os.scandir(self.folder) as entries:
                for entry in entries:
                    try:
                        found = entry.stat(follow_symlinks=False)
                    except FileNotFoundError:
                        continue
                    used = found.st_mtime
                    stale = now - used > self.max_age
                    if stale or not entry.name.endswith(_SUFFIX):
                        # A leftover temporary file of a worker that died mid-write is as stale as an old page.
                        if stale or now - used > SWEEP_EVERY_SECONDS:
                            removed += _remove(Path(entry.path))
                        continue
                    kept.append((used, found.st_size, Path(entry.path)))
        except OSError as error:
            self._failure("sweep", error)
            return removed
        kept.sort(reverse=True)  # the newest first: what goes is the oldest
        count = min(self.limit, int(len(kept) * keep))
        total = 0
        for n, (_, size, path) in enumerate(kept):
            total += size
            if n >= count or total > self.max_bytes:
                removed += _remove(path)
        with self._lock:
            self._written = 0
        return removed

    def _name(self, kind: str, key: Hashable) -> str:
        text = json.dumps([kind, canonical(key)], separators=(",", ":"), sort_keys=True)
        return hmac.new(self._name_key, text.encode(), hashlib.sha256).hexdigest() + _SUFFIX

    def _ensure_folder(self) -> bool:
        """Whether the folder exists as this server's own (made on first use)."""
        if self._ready:
            return True
        try:
            self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
            found = os.lstat(self.folder)
        except OSError as error:
            self._failure("folder", error)
            return False
        # Not a symbolic link, and no one else's: in a folder that others could read or write (such as one
        # made in /dev/shm by another account first), pages could be removed or swapped by them.
        if not stat.S_ISDIR(found.st_mode) or found.st_uid != os.getuid() or found.st_mode & 0o077:
            self._failure("folder", PermissionError(f"{self.folder} is not a private folder of this account"))
            return False
        self._ready = True
        return True

    def _touch(self, path: Path) -> None:
        with contextlib.suppress(OSError):
            os.utime(path)  # used now: the sweep takes the pages no one reads

    def _sweep_now_and_then(self) -> None:
        """A sweep once a minute, or sooner when this process alone wrote a quarter of the bytes allowed."""
        now = time.monotonic()
        with self._lock:
            if now - self._last_sweep < SWEEP_EVERY_SECONDS and self._written < self.max_bytes // 4:
                return
            self._last_sweep = now
        self.sweep()

    def _failure(self, what: str, error: Exception) -> None:
        if what in self._failed:
            return
        self._failed.add(what)
        logger.warning(
            "shared kept pages (%s): %s: %s; each worker makes the pages it lacks itself",
            what,
            error.__class__.__name__,
            error,
        )


def _write_all(descriptor: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(descriptor, view) :]


def _remove(path: Path) -> int:
    try:
        path.unlink()
    except OSError:
        return 0
    return 1


def default_folder(app: Flask) -> Path:
    """Where a server keeps its shared pages unless KEPT_PAGES_SHARED_DIR says: in memory (/dev/shm) on a
    host that has it, one folder per account and instance; else in the instance folder."""
    shm = Path("/dev/shm")  # noqa: S108 (a folder of our own, private, made in it: see _ensure_folder)
    if shm.is_dir():
        instance = hashlib.sha256(str(Path(app.instance_path).resolve()).encode()).hexdigest()[:16]
        return shm / f"casework-{os.getuid()}-{instance}"
    return Path(app.instance_path) / "kept-pages"


def shared_pages(app: Flask | None = None) -> SharedPages | None:
    """The server's shared pages; None when KEPT_PAGES_SHARED is off."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    if not app.config.get("KEPT_PAGES_SHARED"):
        return None
    found = app.extensions.get("shared_pages")
    if found is not None:
        return found
    configured = app.config.get("KEPT_PAGES_SHARED_DIR")
    store = SharedPages(
        Path(configured) if configured else default_folder(app),
        app.config["SECRET_KEY"],
        int(app.config["KEPT_PAGES_SHARED_LIMIT"]),
        float(app.config["KEPT_PAGES_SHARED_SECONDS"]),
        str(app.config.get("SQLALCHEMY_DATABASE_URI") or ""),
        int(app.config["KEPT_PAGES_SHARED_MB"]) * 1024 * 1024,
    )
    return app.extensions.setdefault("shared_pages", store)

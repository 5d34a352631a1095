"""Case data at rest: the data key ring, sealed column values, the A-number blind index, document file keys.

The ring holds one or more 32-byte keys, each named by an id; one of them is current. It lives in
instance/data_keys.json (mode 0600), or in the file DATA_KEY_FILE names, or in DATA_KEY (CASEWORK_DATA_KEY:
the ring's JSON, or one secret of at least 32 characters). Each key gives, by HKDF with distinct `info`, an
AES-GCM key and an HMAC key: the encryption key never hashes and the index key never encrypts.

A sealed value is the text `v1.<key id>.<base64(nonce | ciphertext | tag)>`, with a random 96-bit nonce and
its table and column as associated data (a value copied into another column does not open). Naming the key
lets `rotate-keys` re-seal in batches and resume where it stopped. A document's file is sealed under a key of
its own (casework/sealed_files.py), which is stored, sealed, on its row.

The ring is never replaced silently: a new one is written only while no stored value is sealed; and on
first use the ring must open a stored value. Otherwise KeyUnavailable names the file and the way back.
"""

from __future__ import annotations

import base64
import binascii
import hashlib
import hmac
import json
import os
import secrets
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass, field
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app, has_app_context

from casework.extensions import db

VERSION = "v1"
RING_FILE = "data_keys.json"
NONCE_BYTES = 12
RESTORE_HINT = (
    "restore it from a backup (flask --app casework restore ARCHIVE) or point DATA_KEY_FILE "
    "(or CASEWORK_DATA_KEY) at the key ring in use"
)
# Every sealed column: (table, column). The associated data of a value is "table.column".
SEALED_COLUMNS = (
    ("person", "a_number"),
    ("person", "private_story"),
    ("note", "body"),
    ("document", "file_key"),
)


class KeyUnavailable(RuntimeError):
    """Stored data depends on a key that is missing or is not this one; the message says what to do."""


class SealedValueError(RuntimeError):
    """A stored value is not a sealed value this ring can open (damaged, or written under another ring)."""


def derive(master: bytes, info: bytes, salt: bytes) -> bytes:
    """HKDF-SHA256 of `master`: 32 bytes for one purpose (`info`)."""
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=salt, info=info).derive(master)


# The connection a migration runs on: reads made while it is set go through it, since a connection of
# their own would wait behind the locks the migration's transaction holds.
_bound: ContextVar[sa.Connection | None] = ContextVar("casework_sealing_bound", default=None)


@contextmanager
def bound(conn: sa.Connection) -> Iterator[None]:
    """Make the key checks read through `conn` (a migration's connection) while the block runs."""
    token = _bound.set(conn)
    try:
        yield
    finally:
        _bound.reset(token)


@contextmanager
def connection(app: Flask) -> Iterator[sa.Connection]:
    """A connection of its own (never the session's, which may be mid-flush), in `app`'s context; a
    migration's connection while `bound` is in force."""
    if (conn := _bound.get()) is not None:
        yield conn
        return
    if has_app_context() and current_app._get_current_object() is app:  # type: ignore[attr-defined]
        with db.engine.connect() as conn:
            yield conn
        return
    with app.app_context(), db.engine.connect() as conn:
        yield conn


def create_key_file(path: Path, text: str) -> bool:
    """Write `text` to a new file readable by its owner only (0600); False when it exists already."""
    try:
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        return False  # another worker is writing it
    with os.fdopen(fd, "w") as fh:
        fh.write(text)
        fh.flush()
        os.fsync(fh.fileno())
    return True


def read_key_file(path: Path) -> str:
    """The text of a key file, waiting a moment for a writer that won a race to finish."""
    for _ in range(50):
        if text := path.read_text().strip():
            return text
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it and start again")


@dataclass(frozen=True)
class DataKey:
    """One key of the ring and what derives from it."""

    key_id: str
    secret: str  # base64 of 32 bytes (or the configured text), as stored
    aead: AESGCM
    index_key: bytes


def _data_key(key_id: str, secret: str) -> DataKey:
    master = secret.encode()
    return DataKey(
        key_id,
        secret,
        AESGCM(derive(master, b"casework data encryption v1", b"casework-data")),
        derive(master, b"casework a-number index v1", b"casework-data"),
    )


@dataclass
class Ring:
    """The data keys of an application: the current one seals, every one opens."""

    current: str
    keys: dict[str, DataKey]
    source: str  # what to name in a message: a path or "CASEWORK_DATA_KEY"
    path: Path | None = None  # the file it was read from (None: the configuration)
    stamp: tuple[int, int] | None = field(default=None, compare=False)

    def to_json(self) -> str:
        """The ring as stored."""
        keys = {k.key_id: k.secret for k in self.keys.values()}
        return json.dumps({"format": 1, "current": self.current, "keys": keys}, indent=1) + "\n"


def new_key_id() -> str:
    """A fresh key id (letters and digits only: it sits between dots in a sealed value)."""
    return "k" + secrets.token_hex(4)


def new_secret() -> str:
    """A fresh random key."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def parse_ring(text: str, source: str, path: Path | None = None) -> Ring:
    """A ring from its JSON, or from one secret (its id derived from it)."""
    text = text.strip()
    if text.startswith("{"):
        try:
            data = json.loads(text)
            keys = {str(k): _data_key(str(k), str(v)) for k, v in data["keys"].items()}
            current = str(data["current"])
        except (ValueError, KeyError, TypeError, AttributeError):
            raise KeyUnavailable(f"{source} is not a readable key ring: {RESTORE_HINT}.") from None
        if current not in keys or not all(k.isalnum() for k in keys):
            raise KeyUnavailable(f"{source} is not a readable key ring: {RESTORE_HINT}.")
        return Ring(current, keys, source, path)
    if len(text) < 32:
        raise KeyUnavailable(f"{source} must hold a key ring or a key of at least 32 characters.")
    key_id = "c" + hashlib.sha256(text.encode()).hexdigest()[:8]
    return Ring(key_id, {key_id: _data_key(key_id, text)}, source, path)


def ring_path(app: Flask) -> Path | None:
    """The file the ring lives in (None when it comes from DATA_KEY)."""
    if app.config.get("DATA_KEY"):
        return None
    configured = app.config.get("DATA_KEY_FILE")
    return Path(configured) if configured else Path(app.instance_path) / RING_FILE


def missing_ring_problem(app: Flask) -> str | None:
    """Why the ring cannot be used now (its file is missing while stored values are sealed), else None."""
    path = ring_path(app)
    if path is None or path.exists():
        return None
    if count := sealed_values(app):
        return f"{path} is missing while {count} stored values are sealed with it: {RESTORE_HINT}."
    return None


def _stamp(path: Path) -> tuple[int, int] | None:
    try:
        status = path.stat()
    except FileNotFoundError:
        return None
    return status.st_mtime_ns, status.st_size


_LOCK = threading.Lock()


def ring(app: Flask | None = None, fresh: bool = False) -> Ring:
    """The application's key ring (read once and cached; `fresh`: read again if its file changed, as after
    a rotation by another process)."""
    app = app or current_app._get_current_object()  # type: ignore[attr-defined]
    cached: Ring | None = app.extensions.get("data_key_ring")
    if cached is not None and not (fresh and cached.path is not None and _stamp(cached.path) != cached.stamp):
        return cached
    with _LOCK:
        loaded = _load(app)
        app.extensions["data_key_ring"] = loaded
        return loaded


def forget(app: Flask) -> None:
    """Drop the cached ring (after a rotation or a restore in this process)."""
    app.extensions.pop("data_key_ring", None)


def _load(app: Flask) -> Ring:
    if text := app.config.get("DATA_KEY"):
        loaded = parse_ring(str(text), "CASEWORK_DATA_KEY")
    else:
        configured = app.config.get("DATA_KEY_FILE")
        path = Path(configured) if configured else Path(app.instance_path) / RING_FILE
        if not path.exists():
            if problem := missing_ring_problem(app):
                raise KeyUnavailable(problem)
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            key_id = new_key_id()
            create_key_file(path, Ring(key_id, {key_id: _data_key(key_id, new_secret())}, "").to_json())
        loaded = parse_ring(read_key_file(path), str(path), path)
        loaded.stamp = _stamp(path)
    _check_opens(app, loaded)
    return loaded


def sealed_values(app: Flask) -> int:
    """How many stored values are sealed (0 while the tables do not exist yet)."""
    with connection(app) as conn:
        return sum(conn.scalar(query) or 0 for _, query in _sealed_queries(conn, count=True))


def _sealed_queries(conn: sa.Connection, count: bool) -> Iterator[tuple[str, sa.Select]]:
    """Per sealed column of the schema as it is: its context and a count of (or one of) its sealed values."""
    inspector = sa.inspect(conn)
    tables = set(inspector.get_table_names())
    for table, column in SEALED_COLUMNS:
        if table in tables and column in {c["name"] for c in inspector.get_columns(table)}:
            col = sa.column(column, sa.Text)
            where = col.like(f"{VERSION}.%")
            source = sa.table(table, col)
            yield (
                f"{table}.{column}",
                (
                    sa.select(sa.func.count()).select_from(source).where(where)
                    if count
                    else sa.select(col).select_from(source).where(where).limit(1)
                ),
            )


def _check_opens(app: Flask, candidate: Ring) -> None:
    """The ring must open a stored value (any sealed value proves it), if there is one."""
    with connection(app) as conn:
        found = ((c, conn.scalar(q)) for c, q in _sealed_queries(conn, count=False))
        sample = next(((c, v) for c, v in found if v), None)
    if sample is None:
        return
    try:
        _open_raw(sample[1], candidate, sample[0])
    except SealedValueError:
        raise KeyUnavailable(
            f"{candidate.source} is not the key ring the stored case data was sealed with: {RESTORE_HINT}."
        ) from None


def key_of(token: str, keys: Ring) -> DataKey:
    """The key a sealed value names."""
    parts = token.split(".", 2)
    if len(parts) != 3 or parts[0] != VERSION:
        raise SealedValueError("not a sealed value")
    found = keys.keys.get(parts[1])
    if found is None:
        raise SealedValueError(f"sealed under key {parts[1]}, which is not in the key ring")
    return found


def _open_raw(token: str, keys: Ring, context: str) -> str:
    key = key_of(token, keys)
    try:
        blob = base64.urlsafe_b64decode(token.split(".", 2)[2])
        return key.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], context.encode()).decode()
    except (InvalidTag, binascii.Error, ValueError):
        raise SealedValueError("the value does not open with its key") from None


def seal(value: str, context: str, keys: Ring | None = None) -> str:
    """Seal a text for one column ("table.column") under the current key."""
    keys = keys or ring(fresh=True)
    key = keys.keys[keys.current]
    nonce = os.urandom(NONCE_BYTES)
    blob = nonce + key.aead.encrypt(nonce, value.encode(), context.encode())
    return f"{VERSION}.{key.key_id}.{base64.urlsafe_b64encode(blob).decode()}"


def open_value(token: str, context: str, keys: Ring | None = None) -> str:
    """Open a value sealed for `context`; a key the cached ring lacks sends it to read the ring again."""
    keys = keys or ring()
    try:
        key_of(token, keys)
    except SealedValueError:
        keys = ring(fresh=True)
    return _open_raw(token, keys, context)


def is_current(token: str, keys: Ring) -> bool:
    """Whether a sealed value is under the ring's current key."""
    return token.startswith(f"{VERSION}.{keys.current}.")


def a_number_index(number: str | None, keys: Ring | None = None) -> str | None:
    """The blind index of a normalized A-number under the current key (HMAC-SHA256, hex)."""
    if not number:
        return None
    keys = keys or ring(fresh=True)
    return _mac(keys.keys[keys.current], number)


def a_number_indexes(number: str) -> list[str]:
    """The blind index of an A-number under every key of the ring (mid-rotation, rows carry either)."""
    keys = ring(fresh=True)
    return [_mac(key, number) for key in keys.keys.values()]


def _mac(key: DataKey, number: str) -> str:
    return hmac.new(key.index_key, number.encode(), hashlib.sha256).hexdigest()


def init_app(app: Flask) -> None:
    """Let the models' Sealed columns and the A-number index reach the ring."""
    import sys

    app.extensions["sealing"] = sys.modules[__name__]


def write_ring(keys: Ring) -> None:
    """Replace the ring's file at once (a new file, 0600, synced, renamed over the old one)."""
    if keys.path is None:
        raise KeyUnavailable("the data key ring comes from CASEWORK_DATA_KEY and cannot be changed here")
    temporary = keys.path.with_name(f".{keys.path.name}.{secrets.token_hex(4)}")
    if not create_key_file(temporary, keys.to_json()):
        raise RuntimeError(f"{temporary} exists already")
    os.replace(temporary, keys.path)


def with_new_key(keys: Ring) -> Ring:
    """The ring with a fresh key added and made current."""
    key_id = new_key_id()
    return Ring(key_id, {**keys.keys, key_id: _data_key(key_id, new_secret())}, keys.source, keys.path)


def only_current(keys: Ring) -> Ring:
    """The ring without its retired keys."""
    return Ring(keys.current, {keys.current: keys.keys[keys.current]}, keys.source, keys.path)

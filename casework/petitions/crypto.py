"""Signer privacy: encryption at rest, keyed HMACs for de-duplication, canonical e-mail, truncated IPs.

Both keys derive (HKDF-SHA256, distinct `info`) from one instance key: SIGNATURE_KEY in the configuration
(instance/config.py or CASEWORK_SIGNATURE_KEY), else a random key written once to instance/signature_key
(mode 0600), as the factory does for SECRET_KEY. Names, e-mail addresses and comments are sealed with
AES-GCM (a random 96-bit nonce per value); the HMAC key never encrypts and the encryption key never
hashes, so a leaked de-duplication column cannot help decrypt anything.

The key is never replaced silently: a new one is written only while no signature and no outbox e-mail
depends on a key, and on first use the key must open one stored value (any sealed value is a check value).
Otherwise KeyUnavailable names the file and the restore command; nothing is written.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import threading
from dataclasses import dataclass
from pathlib import Path

import sqlalchemy as sa
from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from flask import Flask, current_app

from casework.models.text import fold
from casework.sealing import KeyUnavailable, create_key_file, derive, read_key_file
from casework.sealing import connection as _connection

__all__ = ["KeyUnavailable"]

NONCE_BYTES = 12
KEY_FILE = "signature_key"

# Providers that deliver "name+tag@" to "name@": the tag is dropped. Gmail also ignores dots.
GMAIL_DOMAINS = {"gmail.com", "googlemail.com"}
PLUS_TAG_DOMAINS = GMAIL_DOMAINS | {
    "fastmail.com",
    "fastmail.fm",
    "outlook.com",
    "hotmail.com",
    "live.com",
    "msn.com",
    "icloud.com",
    "me.com",
    "mac.com",
    "proton.me",
    "protonmail.com",
    "protonmail.ch",
    "pm.me",
}


@dataclass(frozen=True)
class Keys:
    """The derived keys of one application."""

    aead: AESGCM
    mac_key: bytes


def _derive(master: bytes, info: bytes) -> bytes:
    return derive(master, info, b"casework-petitions")


RESTORE_HINT = (
    "restore it from a backup (flask --app casework restore ARCHIVE) or set SIGNATURE_KEY to the key in use"
)


def _sealed_rows(app: Flask) -> int:
    """How many stored rows depend on the signature key (0 while the tables do not exist yet)."""
    with _connection(app) as conn:
        tables = set(sa.inspect(conn).get_table_names())
        return sum(
            conn.scalar(sa.text(f"SELECT count(*) FROM {table}")) or 0  # noqa: S608 - fixed names
            for table in ("signature", "outbox_email", "totp_factor")
            if table in tables
        )


def _sample_sealed_value(app: Flask) -> bytes | None:
    """One value sealed with the key in use, if any: opening it proves the key is the right one."""
    with _connection(app) as conn:
        tables = set(sa.inspect(conn).get_table_names())
        for query, table in (
            ("SELECT name_ct FROM signature WHERE name_ct IS NOT NULL", "signature"),
            ("SELECT to_ct FROM outbox_email", "outbox_email"),
            ("SELECT secret_ct FROM totp_factor", "totp_factor"),
        ):
            if table in tables:
                value = conn.scalar(sa.text(query + " LIMIT 1"))
                if value is not None:
                    return bytes(value)
    return None


def key_file(app: Flask) -> Path:
    """instance/signature_key of `app`."""
    return Path(app.instance_path) / KEY_FILE


def missing_key_problem(app: Flask) -> str | None:
    """Why the signature key cannot be used now (a missing key that data depends on), else None."""
    if app.config.get("SIGNATURE_KEY"):
        return None
    path = key_file(app)
    if path.exists():
        return None
    rows = _sealed_rows(app)
    if not rows:
        return None
    return f"{path} is missing while {rows} stored signatures and e-mails depend on it: {RESTORE_HINT}."


def instance_signature_key(instance: Path, app: Flask | None = None) -> str:
    """Read instance/signature_key, creating it (mode 0600) on first use, but only while no stored data
    depends on a key (checked through `app`); safe when workers race."""
    path = instance / KEY_FILE
    if not path.exists():
        if app is not None and (problem := missing_key_problem(app)):
            raise KeyUnavailable(problem)
        create_key_file(path, secrets.token_hex(32))  # False: another worker is writing it: read it below
    return read_key_file(path)


_KEYS_LOCK = threading.Lock()


def keys(app: Flask | None = None) -> Keys:
    """The application's signature keys (derived once, then cached on the app)."""
    app = app or current_app
    cached = app.extensions.get("petition_keys")
    if cached is not None:
        return cached
    # One thread derives and checks the keys; the others wait for its answer. Each check opens a connection
    # of its own: many threads checking at once while holding their request's connection would drain the pool.
    with _KEYS_LOCK:
        return _derive_and_check(app)


def _derive_and_check(app: Flask) -> Keys:
    """Derive the keys, prove them on a stored value and cache them on the app (under _KEYS_LOCK)."""
    cached = app.extensions.get("petition_keys")
    if cached is None:
        master = app.config.get("SIGNATURE_KEY") or instance_signature_key(Path(app.instance_path), app)
        master_bytes = master.encode() if isinstance(master, str) else bytes(master)
        if len(master_bytes) < 16:
            raise RuntimeError("SIGNATURE_KEY must be at least 16 characters long")
        cached = Keys(
            aead=AESGCM(_derive(master_bytes, b"signature encryption v1")),
            mac_key=_derive(master_bytes, b"signature de-duplication v1"),
        )
        if not opens_stored_data(app, cached):
            source = (
                "SIGNATURE_KEY"
                if app.config.get("SIGNATURE_KEY")
                else str(Path(app.instance_path) / KEY_FILE)
            )
            raise KeyUnavailable(
                f"{source} is not the key the stored signatures were sealed with: {RESTORE_HINT}."
            )
        app.extensions["petition_keys"] = cached
    return cached


def opens_stored_data(app: Flask, candidate: Keys) -> bool:
    """Whether `candidate` opens a stored sealed value (True when nothing is stored yet)."""
    blob = _sample_sealed_value(app)
    if blob is None:
        return True
    try:
        candidate.aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], b"casework-signature")
    except InvalidTag:
        return False
    return True


def encrypt(text: str | None) -> bytes | None:
    """Seal a text (None stays None): nonce followed by ciphertext and tag."""
    if text is None:
        return None
    nonce = os.urandom(NONCE_BYTES)
    return nonce + keys().aead.encrypt(nonce, text.encode(), b"casework-signature")


def decrypt(blob: bytes | None) -> str | None:
    """Open a value sealed by encrypt()."""
    if blob is None:
        return None
    blob = bytes(blob)
    return keys().aead.decrypt(blob[:NONCE_BYTES], blob[NONCE_BYTES:], b"casework-signature").decode()


def mac(*parts: str) -> str:
    """Keyed HMAC-SHA256 (hex) of the parts, separated so that ("ab", "c") differs from ("a", "bc")."""
    message = "\x1f".join(parts).encode()
    return hmac.new(keys().mac_key, message, hashlib.sha256).hexdigest()


def canonical_email(address: str) -> str:
    """Lower case; for providers that ignore them, +tags dropped (and for Gmail, dots of the local part)."""
    address = address.strip().lower()
    local, _, domain = address.rpartition("@")
    if not local:
        return address
    domain = domain.rstrip(".")
    if domain in PLUS_TAG_DOMAINS:
        local = local.split("+", 1)[0]
    if domain in GMAIL_DOMAINS:
        local = local.replace(".", "")
        domain = "gmail.com"  # googlemail.com is the same mailbox
    return f"{local}@{domain}"


def normalized_name(name: str) -> str:
    """Case, accents of Latin letters and spacing ignored: "Dara  KEO" and "dara keo" are one name."""
    return fold(name)


def email_domain(address: str) -> str:
    """The domain of a canonical address."""
    return canonical_email(address).rpartition("@")[2]


def truncate_ip(address: str | None) -> str | None:
    """The network of a client address: /24 for IPv4, /48 for IPv6 (None if it is not an address)."""
    if not address:
        return None
    try:
        ip = ipaddress.ip_address(address.strip())
    except ValueError:
        return None
    if ip.version == 6 and ip.ipv4_mapped:
        ip = ip.ipv4_mapped
    prefix = 24 if ip.version == 4 else 48
    return str(ipaddress.ip_network(f"{ip}/{prefix}", strict=False).network_address)


def new_token() -> tuple[str, str]:
    """A confirmation token for the e-mailed link, and the SHA-256 stored in its place."""
    token = secrets.token_urlsafe(32)
    return token, token_hash(token)


def token_hash(token: str) -> str:
    """What the database keeps of a confirmation token."""
    return hashlib.sha256(token.encode()).hexdigest()

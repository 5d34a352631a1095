"""Signer privacy: encryption at rest, keyed HMACs for de-duplication, canonical e-mail, truncated IPs.

Both keys derive (HKDF-SHA256, distinct `info`) from one instance key: SIGNATURE_KEY in the configuration
(instance/config.py or CASEWORK_SIGNATURE_KEY), else a random key written once to instance/signature_key
(mode 0600), as the factory does for SECRET_KEY. Names, e-mail addresses and comments are sealed with
AES-GCM (a random 96-bit nonce per value); the HMAC key never encrypts and the encryption key never
hashes, so a leaked de-duplication column cannot help decrypt anything.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import os
import secrets
import time
from dataclasses import dataclass
from pathlib import Path

from cryptography.hazmat.primitives import hashes
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.hkdf import HKDF
from flask import Flask, current_app

from casework.models.text import fold

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
    return HKDF(algorithm=hashes.SHA256(), length=32, salt=b"casework-petitions", info=info).derive(master)


def instance_signature_key(instance: Path) -> str:
    """Read instance/signature_key, creating it (mode 0600) on first use; safe when workers race."""
    path = instance / KEY_FILE
    if not path.exists():
        try:
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except FileExistsError:
            pass  # another worker is writing it: read it below
        else:
            with os.fdopen(fd, "w") as fh:
                fh.write(secrets.token_hex(32))
    for _ in range(50):  # the other writer may not have written yet
        text = path.read_text().strip()
        if text:
            return text
        time.sleep(0.02)
    raise RuntimeError(f"{path} is empty: delete it and start again")


def keys(app: Flask | None = None) -> Keys:
    """The application's signature keys (derived once, then cached on the app)."""
    app = app or current_app
    cached = app.extensions.get("petition_keys")
    if cached is None:
        master = app.config.get("SIGNATURE_KEY") or instance_signature_key(Path(app.instance_path))
        master_bytes = master.encode() if isinstance(master, str) else bytes(master)
        if len(master_bytes) < 16:
            raise RuntimeError("SIGNATURE_KEY must be at least 16 characters long")
        cached = Keys(
            aead=AESGCM(_derive(master_bytes, b"signature encryption v1")),
            mac_key=_derive(master_bytes, b"signature de-duplication v1"),
        )
        app.extensions["petition_keys"] = cached
    return cached


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

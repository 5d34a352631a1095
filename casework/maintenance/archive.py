"""The encrypted archive format: a passphrase-derived key (scrypt) and AES-256-GCM in authenticated chunks.

Layout: a header (magic, scrypt parameters, salt, nonce prefix, key check value), then chunks, each a 4-byte
length and a ciphertext. A chunk's nonce is the prefix, its 4-byte counter and a last-chunk flag (the STREAM
construction), and every chunk authenticates the whole header: chunks cannot be reordered, dropped, cut off
at the end or moved to another archive without failing their check. The key check value tells a wrong
passphrase from a damaged archive, so each gets its own message. The plaintext is a tar stream, written and
read as it goes, so a large documents folder is never held in memory.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import struct
from pathlib import Path
from typing import BinaryIO

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from cryptography.hazmat.primitives.kdf.scrypt import Scrypt

MAGIC = b"CASEWORK-BACKUP1"
CHUNK = 1024 * 1024
SALT_BYTES = 16
PREFIX_BYTES = 7
CHECK_BYTES = 16
SCRYPT_LOG2_N = 17  # 128 MiB and about half a second per derivation: slow for anyone guessing
SCRYPT_R = 8
SCRYPT_P = 1
PASSPHRASE_ENV = "CASEWORK_BACKUP_PASSPHRASE"  # noqa: S105 - the name of a variable
MIN_PASSPHRASE = 12
_PARAMS = struct.Struct(">BBB")
_LENGTH = struct.Struct(">I")
HEADER_BYTES = len(MAGIC) + _PARAMS.size + SALT_BYTES + PREFIX_BYTES + CHECK_BYTES


class ArchiveError(Exception):
    """The archive cannot be used; the message says why, in one line."""


def read_passphrase(passphrase_file: str | None, *, new: bool = False) -> bytes:
    """The passphrase from --passphrase-file or CASEWORK_BACKUP_PASSPHRASE (never from the command line)."""
    if passphrase_file:
        try:
            text = Path(passphrase_file).read_text(encoding="utf-8").rstrip("\r\n")
        except (OSError, UnicodeDecodeError) as exc:
            raise ArchiveError(f"Cannot read the passphrase file {passphrase_file}: {exc}") from None
    else:
        text = os.environ.get(PASSPHRASE_ENV, "")
    if not text:
        raise ArchiveError(
            f"No passphrase: give --passphrase-file FILE or set {PASSPHRASE_ENV} "
            "(never on the command line, where other users of the machine could read it)."
        )
    if new and len(text) < MIN_PASSPHRASE:
        raise ArchiveError(f"The passphrase is too short: use at least {MIN_PASSPHRASE} characters.")
    return text.encode("utf-8")


def _derive(passphrase: bytes, salt: bytes, log2_n: int, r: int, p: int) -> tuple[bytes, bytes]:
    if not (10 <= log2_n <= 22 and 1 <= r <= 32 and 1 <= p <= 16):
        raise ArchiveError("This is not a Casework backup archive (its key parameters are out of range).")
    material = Scrypt(salt=salt, length=64, n=2**log2_n, r=r, p=p).derive(passphrase)
    return material[:32], hashlib.sha256(b"casework backup key check" + material[32:]).digest()[:CHECK_BYTES]


def _nonce(prefix: bytes, counter: int, last: bool) -> bytes:
    return prefix + counter.to_bytes(4, "big") + (b"\x01" if last else b"\x00")


class EncryptingWriter:
    """A write-only file object: what is written to it goes encrypted, chunk by chunk, to `out`."""

    def __init__(self, out: BinaryIO, passphrase: bytes):
        salt, prefix = os.urandom(SALT_BYTES), os.urandom(PREFIX_BYTES)
        key, check = _derive(passphrase, salt, SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P)
        self._header = MAGIC + _PARAMS.pack(SCRYPT_LOG2_N, SCRYPT_R, SCRYPT_P) + salt + prefix + check
        self._aead, self._prefix, self._out = AESGCM(key), prefix, out
        self._buffer = bytearray()
        self._counter = 0
        out.write(self._header)

    def write(self, data: bytes) -> int:
        """Buffer `data`; every full chunk is sealed and written."""
        self._buffer += data
        while len(self._buffer) > CHUNK:  # keep at least one byte back: the last chunk is sealed in close()
            self._seal(bytes(self._buffer[:CHUNK]), last=False)
            del self._buffer[:CHUNK]
        return len(data)

    def _seal(self, plain: bytes, last: bool) -> None:
        if self._counter >= 2**32 - 1:
            raise ArchiveError("The archive is too large for one backup.")
        sealed = self._aead.encrypt(_nonce(self._prefix, self._counter, last), plain, self._header)
        self._out.write(_LENGTH.pack(len(sealed)) + sealed)
        self._counter += 1

    def close(self) -> None:
        """Seal what is left as the last chunk (an archive without it reads as cut off)."""
        self._seal(bytes(self._buffer), last=True)
        self._buffer.clear()


class DecryptingReader:
    """A read-only file object over an archive: every chunk is authenticated before a byte of it is given."""

    def __init__(self, source: BinaryIO, passphrase: bytes):
        header = source.read(HEADER_BYTES)
        if len(header) < HEADER_BYTES or not header.startswith(MAGIC):
            raise ArchiveError("This is not a Casework backup archive (or its beginning is damaged).")
        at = len(MAGIC)
        log2_n, r, p = _PARAMS.unpack(header[at : at + _PARAMS.size])
        at += _PARAMS.size
        salt, prefix = header[at : at + SALT_BYTES], header[at + SALT_BYTES : at + SALT_BYTES + PREFIX_BYTES]
        key, check = _derive(passphrase, salt, log2_n, r, p)
        if not hmac.compare_digest(check, header[-CHECK_BYTES:]):
            raise ArchiveError("Wrong passphrase: this archive was made with another one.")
        self._aead, self._prefix, self._header, self._source = AESGCM(key), prefix, header, source
        self._counter = 0
        self._plain = b""
        self._at = 0
        self._done = False

    def _next_chunk(self) -> None:
        length_bytes = self._source.read(_LENGTH.size)
        if len(length_bytes) < _LENGTH.size:
            raise ArchiveError("The archive is cut off: its last part is missing.")
        (length,) = _LENGTH.unpack(length_bytes)
        if length > CHUNK + 16:
            raise ArchiveError(f"The archive is damaged or was altered (part {self._counter + 1}).")
        sealed = self._source.read(length)
        for last in (False, True):
            try:
                self._plain = self._aead.decrypt(
                    _nonce(self._prefix, self._counter, last), sealed, self._header
                )
            except InvalidTag:
                continue
            self._at = 0
            self._done = last
            self._counter += 1
            if last and self._source.read(1):
                raise ArchiveError("The archive was altered: there is data after its last part.")
            return
        raise ArchiveError(
            f"The archive is damaged or was altered (part {self._counter + 1} fails its check)."
        )

    def read(self, size: int = -1) -> bytes:
        """Up to `size` authenticated bytes (all that is left when size < 0); b"" at the end."""
        parts: list[bytes] = []
        wanted = size if size >= 0 else None
        while wanted is None or wanted > 0:
            if self._at >= len(self._plain):
                if self._done:
                    break
                self._next_chunk()
                continue
            end = len(self._plain) if wanted is None else min(len(self._plain), self._at + wanted)
            parts.append(self._plain[self._at : end])  # an offset, not a copy of the rest of the chunk
            if wanted is not None:
                wanted -= end - self._at
            self._at = end
        return b"".join(parts)

"""Document files sealed under a key of their own (AES-GCM in chunks), the key kept sealed on the row.

A sealed file is FILE_MAGIC followed by chunks of at most FILE_CHUNK bytes, each `nonce | ciphertext | tag`
with its index and whether it is the last as associated data: chunks can be neither reordered, dropped nor
cut off without the file refusing to open.
"""

from __future__ import annotations

import base64
import os
import secrets
import struct

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from casework.sealing import NONCE_BYTES, SealedValueError

FILE_MAGIC = b"CWS1"
FILE_CHUNK = 1024 * 1024  # a file is sealed in chunks of 1 MiB, each with its own nonce and tag
CHUNK_OVERHEAD = NONCE_BYTES + 16


def new_file_key() -> str:
    """A random key for one file (base64), to be stored sealed on its document's row."""
    return base64.b64encode(secrets.token_bytes(32)).decode()


def sealed_size(size: int) -> int:
    """The size on disk of a sealed file of `size` bytes."""
    chunks = max(1, -(-size // FILE_CHUNK))
    return len(FILE_MAGIC) + size + chunks * CHUNK_OVERHEAD


def _chunk_aad(index: int, last: bool) -> bytes:
    return FILE_MAGIC + struct.pack(">Q?", index, last)


def seal_file(data: bytes, file_key: str) -> bytes:
    """A file's bytes sealed under its own key: chunks that cannot be reordered, dropped or cut short."""
    aead = AESGCM(base64.b64decode(file_key))
    out = [FILE_MAGIC]
    starts = range(0, max(len(data), 1), FILE_CHUNK)
    for index, start in enumerate(starts):
        nonce = os.urandom(NONCE_BYTES)
        chunk = data[start : start + FILE_CHUNK]
        out.append(nonce + aead.encrypt(nonce, chunk, _chunk_aad(index, index == len(starts) - 1)))
    return b"".join(out)


def open_file(blob: bytes, file_key: str) -> bytes:
    """The bytes of a file sealed by `seal_file` (SealedValueError when damaged or not this key's)."""
    if not blob.startswith(FILE_MAGIC):
        raise SealedValueError("not a sealed file")
    aead = AESGCM(base64.b64decode(file_key))
    step = FILE_CHUNK + CHUNK_OVERHEAD
    body = memoryview(blob)[len(FILE_MAGIC) :]
    starts = range(0, max(len(body), 1), step)
    out = []
    try:
        for index, start in enumerate(starts):
            piece = bytes(body[start : start + step])
            last = index == len(starts) - 1
            out.append(aead.decrypt(piece[:NONCE_BYTES], piece[NONCE_BYTES:], _chunk_aad(index, last)))
    except (InvalidTag, ValueError):
        raise SealedValueError("the file does not open with its key") from None
    return b"".join(out)

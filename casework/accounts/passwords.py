"""Password hashing (Argon2id) and the password policy: length, not composition; no common passwords."""

from __future__ import annotations

import gzip
import re
from functools import cache
from importlib import resources

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError

_hasher = PasswordHasher()  # argon2id with the library's current recommended parameters
# A hash to verify against when the e-mail is unknown, so that timing does not reveal accounts: made on the
# first sign-in rather than at import (an Argon2 hash costs a noticeable part of a second at start).
_DUMMY_HASH: str | None = None
MAX_LENGTH = 256


def configure(time_cost: int | None = None, memory_cost: int | None = None) -> None:
    """Change the Argon2id cost for new hashes (tests lower it; existing hashes keep their own)."""
    global _hasher, _DUMMY_HASH
    if time_cost is None and memory_cost is None:
        return
    defaults = PasswordHasher()
    _hasher = PasswordHasher(
        time_cost=time_cost or defaults.time_cost, memory_cost=memory_cost or defaults.memory_cost
    )
    _DUMMY_HASH = None


def _dummy_hash() -> str:
    global _DUMMY_HASH
    if _DUMMY_HASH is None:
        _DUMMY_HASH = _hasher.hash("casework-dummy-password-for-timing")
    return _DUMMY_HASH


def hash_password(password: str) -> str:
    """Argon2id hash of a password."""
    return _hasher.hash(password)


def verify_password(password_hash: str | None, password: str) -> bool:
    """Check a password against its hash (constant work even when there is no hash)."""
    try:
        return _hasher.verify(password_hash or _dummy_hash(), password) and password_hash is not None
    except (VerificationError, InvalidHashError):
        return False


def needs_rehash(password_hash: str) -> bool:
    """True when the stored hash uses older parameters than the current ones."""
    return _hasher.check_needs_rehash(password_hash)


@cache
def _common_passwords() -> frozenset[str]:
    # The 20,000 most common passwords list shipped with Django (BSD licence); see data/NOTICE.
    data = resources.files("casework").joinpath("data/common-passwords.txt.gz").read_bytes()
    return frozenset(gzip.decompress(data).decode().split())


_KEYBOARD = ("1234567890-=qwertyuiop[]asdfghjkl;'zxcvbnm,./", "1qaz2wsx3edc4rfv5tgb6yhn7ujm8ik,9ol.0p;/")


def _is_keyboard_walk(text: str) -> bool:
    """True when most of the password runs along a keyboard row or column."""
    covered = 0
    i = 0
    while i < len(text) - 3:
        for row in _KEYBOARD:
            if text[i : i + 4] in row:
                covered += 4
                i += 4
                break
        else:
            i += 1
    return covered >= 0.6 * len(text)


_EDGES = re.compile(r"^[\W\d_]+|[\W\d_]+$")


def password_problems(password: str, *, email: str = "", min_length: int = 12) -> list[str]:
    """What is wrong with a proposed password, as messages that say what to do instead."""
    if len(password) < min_length:
        return [f"Use at least {min_length} characters; a few unrelated words make a good password."]
    if len(password) > MAX_LENGTH:
        return [f"Use at most {MAX_LENGTH} characters."]
    lowered = password.lower()
    core = _EDGES.sub("", lowered)
    common = _common_passwords()
    if lowered in common or core in common or (core and len(set(core)) <= 2) or len(set(lowered)) < 5:
        return ["This password is too common or too easy to guess. Choose a few unrelated words instead."]
    steps = [ord(b) - ord(a) for a, b in zip(lowered, lowered[1:], strict=False)]
    if sum(1 for d in steps if d in (-1, 0, 1)) > 0.6 * len(steps) or _is_keyboard_walk(lowered):
        return ["This password is too common or too easy to guess. Choose a few unrelated words instead."]
    half = len(lowered) // 2
    if len(lowered) % 2 == 0 and lowered[:half] == lowered[half:] and lowered[:half] in common:
        return ["This password is too common or too easy to guess. Choose a few unrelated words instead."]
    local = email.split("@")[0].lower()
    if len(local) >= 4 and local in lowered or "casework" in lowered:
        return ["Do not use your e-mail address or the application's name in your password."]
    return []

"""`flask restore PATH` and `flask verify-backup PATH`: read an archive, check every byte of it, and put it back.

Reading decrypts and authenticates each chunk, unpacks into a staging folder next to the documents folder
(so files move into place by rename) and checks every file's size and SHA-256 against the manifest. Only
then is anything replaced: the database (it must be empty: no organization and no person), the documents
folder (it must be empty) and the instance keys (a key already there must be the same one). `--force`
replaces a non-empty database, moves the documents folder aside and keeps a different key under another
name; nothing is ever deleted.
"""

from __future__ import annotations

import json
import os
import secrets
import shutil
import tarfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from flask import current_app

from casework.maintenance import database
from casework.maintenance.archive import ArchiveError, DecryptingReader
from casework.maintenance.backup import (
    FORMAT,
    INSTANCE_KEYS,
    MANIFEST,
    HashingReader,
    documents_folder,
    key_path,
)

MANIFEST_MAX_BYTES = 64 * 1024 * 1024
DATABASE_MEMBERS = {database.SQLITE_MEMBER, database.POSTGRESQL_MEMBER}


@dataclass
class Unpacked:
    """An archive read to its end and checked: its manifest, and where its files were staged (if anywhere)."""

    manifest: dict
    staged: Path | None
    keys: dict[str, bytes] = field(default_factory=dict)


def _check_member_name(member: tarfile.TarInfo) -> None:
    """Only what a backup writes: a regular file named as backup.py names them (never a path to follow)."""
    top, _, rest = member.name.partition("/")
    expected = (
        member.name == MANIFEST
        or member.name in DATABASE_MEMBERS
        or (top == "documents" and rest.isalnum())
        or (top == "keys" and rest in INSTANCE_KEYS)
    )
    if not (expected and member.isfile()):
        raise ArchiveError(
            f"The archive holds an unexpected entry {member.name!r}: it was not made by Casework."
        )


def read_archive(path: Path, passphrase: bytes, staging: Path | None) -> Unpacked:
    """Decrypt and check the whole archive; files go under `staging` when given (else they are only hashed)."""
    try:
        source = path.open("rb")
    except OSError as exc:
        raise ArchiveError(f"Cannot read {path}: {exc.strerror}") from None
    with source:
        reader = DecryptingReader(source, passphrase)
        seen: dict[str, tuple[int, str]] = {}
        manifest_bytes: bytes | None = None
        keys: dict[str, bytes] = {}
        try:
            with tarfile.open(fileobj=reader, mode="r|") as tar:  # type: ignore[call-overload]
                for member in tar:
                    _check_member_name(member)
                    if member.name in seen or (member.name == MANIFEST and manifest_bytes is not None):
                        raise ArchiveError(
                            f"The archive holds {member.name!r} twice: it was not made by Casework."
                        )
                    content = tar.extractfile(member)
                    if member.name == MANIFEST:
                        manifest_bytes = content.read(MANIFEST_MAX_BYTES)
                        continue
                    seen[member.name] = _unpack(content, member.name, staging, keys)
        except tarfile.TarError:
            raise ArchiveError("The archive's content is not a Casework backup.") from None
        reader.read()  # to the authenticated last chunk: an archive cut off after the tar's end is refused
    if manifest_bytes is None:
        raise ArchiveError("The archive has no manifest: it is incomplete or was not made by Casework.")
    manifest = _parse_manifest(manifest_bytes)
    _compare(manifest, seen)
    return Unpacked(manifest, staging, keys)


def _unpack(content, name: str, staging: Path | None, keys: dict[str, bytes]) -> tuple[int, str]:
    reader = HashingReader(content)
    if name.startswith("keys/"):
        keys[name.removeprefix("keys/")] = reader.read()
    elif staging is None:
        while reader.read(1024 * 1024):
            pass
    else:
        target = staging / name
        target.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd = os.open(target, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as out:
            while chunk := reader.read(1024 * 1024):
                out.write(chunk)
    return reader.size, reader.digest.hexdigest()


def _parse_manifest(data: bytes) -> dict:
    try:
        manifest = json.loads(data)
        if manifest["format"] != FORMAT:
            raise ArchiveError(
                f"The archive is of format {manifest['format']}; this Casework reads {FORMAT}."
            )
        valid = (
            isinstance(manifest["database"]["dialect"], str)
            and isinstance(manifest["database"]["member"], str)
            and all(isinstance(f["path"], str) and isinstance(f["sha256"], str) for f in manifest["files"])
        )
    except (ValueError, KeyError, TypeError):
        valid = False
    if not valid:
        raise ArchiveError("The archive's manifest is unreadable: it was not made by Casework.")
    return manifest


def _compare(manifest: dict, seen: dict[str, tuple[int, str]]) -> None:
    listed = {f["path"]: (f["size"], f["sha256"]) for f in manifest["files"]}
    for name in sorted(listed.keys() - seen.keys()):
        raise ArchiveError(f"{name} is listed in the manifest but missing from the archive.")
    for name in sorted(seen.keys() - listed.keys()):
        raise ArchiveError(f"{name} is in the archive but not in its manifest.")
    for name, (size, digest) in sorted(seen.items()):
        if listed[name] != (size, digest):
            raise ArchiveError(f"{name} does not match its checksum in the manifest.")
    if manifest["database"]["member"] not in seen:
        raise ArchiveError("The archive holds no database.")


@dataclass(frozen=True)
class Obstacles:
    """What is already in place and would be replaced."""

    database_rows: int
    documents: int
    different_keys: list[str]

    @property
    def blocking_keys(self) -> list[str]:
        """Different keys that only --force replaces. The secret key of an empty instance is not one: every
        start writes one, and it protects no stored data (sessions are rows, under random tokens)."""
        return [
            k for k in self.different_keys if k not in ("secret_key", "data_keys.json") or self.database_rows
        ]

    def lines(self) -> list[str]:
        """One line per obstacle."""
        found = []
        if self.database_rows:
            found.append(f"The database is not empty ({self.database_rows} organizations and people).")
        if self.documents:
            found.append(f"The documents folder {documents_folder()} is not empty ({self.documents} files).")
        for name in self.blocking_keys:
            found.append(f"{key_path(name)} holds a different key than the archive.")
        return found


def obstacles(keys: dict[str, bytes]) -> Obstacles:
    """What a restore of these keys would replace."""
    folder = documents_folder()
    documents = sum(1 for _ in folder.iterdir()) if folder.is_dir() else 0
    different = [
        name
        for name, value in keys.items()
        if key_path(name).exists() and key_path(name).read_bytes().strip() != value.strip()
    ]
    return Obstacles(database.data_rows(), documents, different)


def check_revision(manifest: dict) -> None:
    """Refuse an archive whose schema this version of Casework does not know (it is newer)."""
    from alembic.script import ScriptDirectory

    revision = manifest["database"]["alembic_revision"]
    scripts = ScriptDirectory(current_app.extensions["migrate"].directory)
    if revision and revision not in {s.revision for s in scripts.walk_revisions()}:
        raise ArchiveError(
            f"The archive's database is at revision {revision}, which this Casework does not know: restore it "
            f"with Casework {manifest['app_version']} or newer."
        )


def restore(path: Path, passphrase: bytes, force: bool) -> dict:
    """Restore the archive; returns its manifest. Refuses to replace anything without `force`."""
    folder = documents_folder()
    folder.parent.mkdir(parents=True, exist_ok=True)
    staging = folder.parent / f".restore-{secrets.token_hex(6)}"
    staging.mkdir(mode=0o700)
    try:
        unpacked = read_archive(path, passphrase, staging)
        check_revision(unpacked.manifest)
        found = obstacles(unpacked.keys)
        if found.lines() and not force:
            raise ArchiveError(" ".join(found.lines()) + " Nothing was changed; --force replaces them.")
        _install(unpacked, staging, found)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    current_app.extensions.pop("petition_keys", None)  # derived from the key that was there before
    current_app.extensions.pop("data_key_ring", None)
    return unpacked.manifest


def _install(unpacked: Unpacked, staging: Path, found: Obstacles) -> None:
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    manifest = unpacked.manifest
    database.load_snapshot(staging / manifest["database"]["member"], manifest["database"]["dialect"])
    folder = documents_folder()
    if found.documents:
        folder.rename(folder.with_name(f"{folder.name}.before-restore-{stamp}"))
    folder.mkdir(mode=0o700, parents=True, exist_ok=True)
    staged_documents = staging / "documents"
    if staged_documents.is_dir():
        for item in staged_documents.iterdir():
            os.replace(item, folder / item.name)
    for name, value in unpacked.keys.items():
        target = key_path(name)
        if name in found.different_keys:
            target.rename(target.with_name(f"{name}.before-restore-{stamp}"))
        if target.exists():
            continue  # the same key
        temporary = target.with_name(f".{name}.restoring")
        fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
        with os.fdopen(fd, "wb") as out:
            out.write(value)
        os.replace(temporary, target)

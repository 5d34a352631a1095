"""`flask backup PATH`: one encrypted archive of the database snapshot, the documents and the instance keys.

The database is copied first, at one instant; the documents taken are those its rows name (files are
written before their row is committed, so each of them is on disk), which leaves out files uploaded after
the snapshot and orphans left by a crash. A file deleted between the snapshot and its turn is listed as
missing in the manifest and reported. The manifest, last in the archive, gives every file's size and
SHA-256, the schema revision, the database kind, the time and the application's version.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import metadata
from pathlib import Path
from typing import BinaryIO

from flask import current_app

from casework.maintenance import database
from casework.maintenance.archive import ArchiveError, EncryptingWriter

FORMAT = 1
MANIFEST = "manifest.json"
INSTANCE_KEYS = ("secret_key", "signature_key", "data_keys.json")  # every file that holds a key
DATA_KEYS = "data_keys.json"  # the data key ring (casework.sealing), wherever DATA_KEY_FILE puts it


def key_path(name: str) -> Path:
    """Where a key file of the archive lives in this instance (the ring: where DATA_KEY_FILE says)."""
    from casework import sealing

    instance = Path(current_app.instance_path)
    if name == DATA_KEYS:
        return sealing.ring_path(current_app._get_current_object()) or instance / name  # type: ignore[attr-defined]
    return instance / name


@dataclass(frozen=True)
class BackupReport:
    """What an archive holds."""

    manifest: dict


def documents_folder() -> Path:
    """The configured documents folder (as casework.documents.storage finds it), created on no account."""
    return Path(current_app.config.get("DOCUMENTS_DIR") or Path(current_app.instance_path) / "documents")


def app_version() -> str:
    """The installed Casework version."""
    try:
        return metadata.version("casework")
    except metadata.PackageNotFoundError:
        return "unknown"


class HashingReader:
    """Reads a file through SHA-256."""

    def __init__(self, source: BinaryIO):
        self.source, self.digest, self.size = source, hashlib.sha256(), 0

    def read(self, size: int = -1) -> bytes:
        """Read and hash."""
        data = self.source.read(size)
        self.digest.update(data)
        self.size += len(data)
        return data


def _add_file(tar: tarfile.TarFile, member: str, path: Path) -> dict:
    with path.open("rb") as fh:
        info = tarfile.TarInfo(member)
        info.size = os.fstat(fh.fileno()).st_size
        info.mode = 0o600
        reader = HashingReader(fh)
        tar.addfile(info, reader)
    return {"path": member, "size": reader.size, "sha256": reader.digest.hexdigest()}


def _add_bytes(tar: tarfile.TarFile, member: str, data: bytes) -> None:
    info = tarfile.TarInfo(member)
    info.size, info.mode = len(data), 0o600
    tar.addfile(info, io.BytesIO(data))


def signature_key_source() -> str:
    """Where the signature key comes from: the configuration, the instance file, or nowhere yet."""
    if current_app.config.get("SIGNATURE_KEY"):
        return "configuration"
    return "file" if (Path(current_app.instance_path) / "signature_key").exists() else "none"


def write_backup(target: Path, passphrase: bytes) -> BackupReport:
    """Write the archive to `target` (through a temporary name: a failed run leaves nothing)."""
    if target.exists():
        raise ArchiveError(
            f"{target} already exists: give a new file name (old backups are never overwritten)."
        )
    instance = Path(current_app.instance_path)
    partial = target.with_name(target.name + ".part")
    with tempfile.TemporaryDirectory(dir=instance, prefix=".backup-") as workdir:
        snapshot = database.take_snapshot(Path(workdir))
        try:
            fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        except OSError as exc:
            raise ArchiveError(f"Cannot write {partial}: {exc.strerror}") from None
        try:
            with os.fdopen(fd, "wb") as out:
                manifest = _write_archive(out, passphrase, snapshot, instance)
                out.flush()
                os.fsync(out.fileno())
            os.replace(partial, target)
        except BaseException:
            partial.unlink(missing_ok=True)
            raise
    return BackupReport(manifest)


def _write_archive(out: BinaryIO, passphrase: bytes, snapshot: database.Snapshot, instance: Path) -> dict:
    writer = EncryptingWriter(out, passphrase)
    files, missing, keys = [], [], []
    with tarfile.open(fileobj=writer, mode="w|", format=tarfile.PAX_FORMAT) as tar:  # type: ignore[call-overload]
        files.append(_add_file(tar, snapshot.member, snapshot.path))
        folder = documents_folder()
        for name in snapshot.storage_names:
            path = folder / name
            if not path.is_file():  # committed a moment ago and not named yet (casework.documents.storage)
                path = folder / f"{name}.part"
            if not name.isalnum() or not path.is_file():
                missing.append(name)
                continue
            try:
                files.append(_add_file(tar, f"documents/{name}", path))
            except FileNotFoundError:  # deleted since the snapshot
                missing.append(name)
        for key in INSTANCE_KEYS:
            if key_path(key).is_file():
                files.append(_add_file(tar, f"keys/{key}", key_path(key)))
                keys.append(key)
        manifest = {
            "format": FORMAT,
            "created_at": datetime.now(UTC).isoformat(timespec="seconds"),
            "app_version": app_version(),
            "database": {
                "dialect": snapshot.dialect,
                "member": snapshot.member,
                "alembic_revision": snapshot.revision,
            },
            "documents": len(snapshot.storage_names) - len(missing),
            "missing_documents": missing,
            "keys": keys,
            "signature_key": signature_key_source(),
            "data_key_in_configuration": bool(current_app.config.get("DATA_KEY")),
            "files": files,
        }
        _add_bytes(tar, MANIFEST, json.dumps(manifest, indent=1).encode())
    writer.close()
    return manifest


def summary(manifest: dict) -> list[str]:
    """The manifest in a few lines, for the person running the command."""
    data = manifest["database"]
    size = sum(f["size"] for f in manifest["files"])
    lines = [
        f"Created {manifest['created_at']} by Casework {manifest['app_version']}.",
        f"Database: {data['dialect']} at revision {data['alembic_revision'] or 'none'}.",
        f"Documents: {manifest['documents']}; keys: {', '.join(manifest['keys']) or 'none'}; "
        f"{len(manifest['files'])} files, {size:,} bytes, every checksum listed.",
    ]
    if manifest["missing_documents"]:
        lines.append(
            f"Warning: {len(manifest['missing_documents'])} document(s) named by the database had no file "
            "(deleted while the backup ran, or lost before): `flask --app casework check` lists them."
        )
    if manifest["signature_key"] == "configuration":
        lines.append(
            "Note: the signature key is set in the configuration (SIGNATURE_KEY), so it is not in the "
            "archive: keep it with the archive, or the signers' names cannot be read after a restore."
        )
    if manifest.get("data_key_in_configuration"):
        lines.append(
            "Note: the data key ring is set in the configuration (CASEWORK_DATA_KEY), so it is not in the "
            "archive: keep it with the archive, or the case data cannot be read after a restore."
        )
    return lines

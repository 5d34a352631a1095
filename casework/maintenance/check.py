"""`flask check`: the documents folder against the document rows, petition counts against confirmed
signatures, stale partial uploads, and the signature key against the data sealed with it.

Files and rows are compared only for files older than GRACE: a younger `.part` may be an upload still
running, a younger file one whose row is being deleted. `--fix` recovers the interrupted uploads with
casework.documents.storage's own recovery (a `.part` whose row was committed gets its final name, one
without a row is deleted), moves orphan files to a quarantine folder beside the documents folder (never
deleted: a file may still be wanted, say after a row comes back from a backup) and recomputes petition
counts. A row whose file is missing or has the wrong size cannot be repaired here: restore the file from a
backup.
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path

import sqlalchemy as sa
from flask import current_app

from casework import sealed_files, sealing
from casework.documents import storage
from casework.extensions import db
from casework.maintenance.backup import documents_folder
from casework.models import Document

GRACE_SECONDS = 3600


@dataclass
class Finding:
    """One thing found wrong; `fixed` says whether --fix repaired it."""

    kind: str
    detail: str
    fixed: bool = False

    def line(self) -> str:
        """The finding as one line."""
        return f"{self.kind}: {self.detail}" + (" (fixed)" if self.fixed else "")


@dataclass
class CheckReport:
    """Everything found, repaired or not."""

    findings: list[Finding] = field(default_factory=list)

    @property
    def unfixed(self) -> list[Finding]:
        """What is still wrong."""
        return [f for f in self.findings if not f.fixed]


def run_check(fix: bool) -> CheckReport:
    """Look for every kind of inconsistency; with `fix`, repair what can be (the caller commits)."""
    report = CheckReport()
    _check_documents(report, fix)
    _check_counts(report, fix)
    _check_signature_key(report)
    _check_data_keys(report)
    return report


def _old(path: Path, now: float) -> bool:
    try:
        return now - path.stat().st_mtime > GRACE_SECONDS
    except FileNotFoundError:
        return False


def _check_documents(report: CheckReport, fix: bool) -> None:
    folder = documents_folder()
    interrupted = _check_interrupted_uploads(report, folder, fix) if folder.is_dir() else set()
    sealed = Document.file_key.is_not(None)
    rows = {  # the size on disk: a sealed file carries its chunks' nonces and tags (casework.sealing)
        name: sealed_files.sealed_size(size) if is_sealed else size
        for name, size, is_sealed in db.session.execute(
            sa.select(Document.storage_name, Document.size, sealed)
        )
    }
    files = {entry.name: entry for entry in os.scandir(folder)} if folder.is_dir() else {}
    now = time.time()
    quarantine = folder.with_name(f"{folder.name}.quarantine") / datetime.now(UTC).strftime("%Y%m%dT%H%M%S")
    for name in sorted(files.keys() - rows.keys()):
        path = folder / name
        if name.endswith(storage.PART) or not _old(path, now) or not files[name].is_file():
            continue  # a young `.part` may be an upload in progress; the old ones were seen above
        finding = Finding("orphan file", f"{path} has no document row")
        if fix:
            quarantine.mkdir(mode=0o700, parents=True, exist_ok=True)
            os.replace(path, quarantine / name)
            finding.fixed = True
            finding.detail += f", moved to {quarantine}"
        report.findings.append(finding)
    in_progress = {
        n.removesuffix(storage.PART) for n in files if n.endswith(storage.PART) and not _old(folder / n, now)
    }
    rows = {name: size for name, size in rows.items() if name not in interrupted | in_progress}
    for name in sorted(rows.keys() - files.keys()):
        report.findings.append(Finding("missing file", f"document {name} has no file in {folder}"))
    for name in sorted(rows.keys() & files.keys()):
        size = files[name].stat().st_size
        if size != rows[name]:
            report.findings.append(
                Finding("damaged file", f"{folder / name} holds {size} bytes, its row says {rows[name]}")
            )


def _check_interrupted_uploads(report: CheckReport, folder: Path, fix: bool) -> set[str]:
    """`.part` files older than GRACE: committed ones to rename, others to delete (storage's recovery)."""
    done = storage.recover_interrupted_uploads(timedelta(seconds=GRACE_SECONDS), dry_run=not fix)
    for name in done.rolled_forward:
        report.findings.append(
            Finding("interrupted upload", f"{folder / name}{storage.PART} is committed: named {name}", fix)
        )
    for name in done.removed:
        report.findings.append(Finding("stale partial upload", str(folder / name), fix))
    return set(done.rolled_forward)


def _check_counts(report: CheckReport, fix: bool) -> None:
    from casework.petitions import counts

    for petition_id, stored, actual in counts.reconcile(fix=fix):
        report.findings.append(
            Finding(
                "petition count",
                f"petition {petition_id} shows {stored}, confirmed signatures {actual}",
                fixed=fix,
            )
        )


def _check_signature_key(report: CheckReport) -> None:
    from casework.petitions import crypto

    app = current_app._get_current_object()  # type: ignore[attr-defined]
    problem = crypto.missing_key_problem(app)
    if problem is None and not (app.config.get("SIGNATURE_KEY") or crypto.key_file(app).exists()):
        return  # no key yet and nothing needs one: a check writes no key
    try:
        if problem is None:
            crypto.keys(app)  # tries the key on a stored value
    except crypto.KeyUnavailable as exc:
        problem = str(exc)
    if problem:
        report.findings.append(Finding("signature key", problem))


def _check_data_keys(report: CheckReport) -> None:
    """The data key ring opens the stored case data (a check writes no ring where none is needed)."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    path = sealing.ring_path(app)
    try:
        if path is not None and not path.exists() and not sealing.sealed_values(app):
            return
        sealing.ring(app)
    except sealing.KeyUnavailable as exc:
        report.findings.append(Finding("data key ring", str(exc)))
    unsealed = db.session.scalar(sa.select(sa.func.count()).where(Document.file_key.is_(None)))
    if unsealed:  # rows the upgrade to 0019 found without their file
        report.findings.append(Finding("unsealed documents", f"{unsealed} document(s) have no file key"))

"""The maintenance commands: backup, restore, verify-backup, check; and the page shown while a key that
stored data depends on is missing."""

from __future__ import annotations

import logging
from pathlib import Path

import click
import sqlalchemy as sa
from flask import Flask, render_template, request
from flask.cli import with_appcontext

from casework import outage, unit_of_work
from casework.maintenance.archive import ArchiveError, read_passphrase

log = logging.getLogger(__name__)


def _one_line(exc: Exception) -> click.ClickException:
    """A refusal or a database error, as the one line the command prints (an unreachable database in the
    words of every other command: casework.outage)."""
    if isinstance(exc, ArchiveError):
        return click.ClickException(str(exc))
    if isinstance(exc, outage.DatabaseUnreachable):
        return click.ClickException(outage.describe(exc))
    first = str(getattr(exc, "orig", None) or exc).strip().splitlines()
    return click.ClickException(f"The database cannot be used: {first[0] if first else type(exc).__name__}")


passphrase_option = click.option(
    "--passphrase-file",
    type=click.Path(dir_okay=False),
    help="A file holding the passphrase (else CASEWORK_BACKUP_PASSPHRASE; never the command line).",
)
archive_argument = click.argument("path", type=click.Path(dir_okay=False, path_type=Path))


@click.command("backup")
@with_appcontext
@archive_argument
@passphrase_option
def backup_command(path: Path, passphrase_file: str | None) -> None:
    """Write an encrypted archive of the database, the documents and the instance keys to PATH."""
    from casework.maintenance.backup import summary, write_backup

    try:
        report = write_backup(path, read_passphrase(passphrase_file, new=True))
    except (ArchiveError, sa.exc.OperationalError) as exc:
        raise _one_line(exc) from None
    click.echo(f"Wrote {path}.")
    for line in summary(report.manifest):
        click.echo(line)


@click.command("verify-backup")
@with_appcontext
@archive_argument
@passphrase_option
def verify_backup_command(path: Path, passphrase_file: str | None) -> None:
    """Decrypt an archive and check every file against its manifest, without restoring anything."""
    from casework.maintenance.backup import summary
    from casework.maintenance.restore import read_archive

    try:
        unpacked = read_archive(path, read_passphrase(passphrase_file), staging=None)
    except (ArchiveError, sa.exc.OperationalError) as exc:
        raise _one_line(exc) from None
    click.echo(f"{path}: every file matches its checksum.")
    for line in summary(unpacked.manifest):
        click.echo(line)


@click.command("restore")
@with_appcontext
@archive_argument
@passphrase_option
@click.option("--force", is_flag=True, help="Replace a database, documents or keys that are already there.")
def restore_command(path: Path, passphrase_file: str | None, force: bool) -> None:
    """Restore an archive into the configured database, documents folder and instance folder."""
    from casework.maintenance.backup import summary
    from casework.maintenance.restore import restore

    try:
        manifest = restore(path, read_passphrase(passphrase_file), force)
    except (ArchiveError, sa.exc.OperationalError) as exc:
        raise _one_line(exc) from None
    click.echo(f"Restored {path}.")
    for line in summary(manifest):
        click.echo(line)
    click.echo(
        "Next: flask --app casework db upgrade (if this Casework is newer), then flask --app casework check."
    )


@click.command("check")
@with_appcontext
@click.option("--fix", is_flag=True, help="Repair what can be: quarantine orphan files, recompute counts.")
def check_command(fix: bool) -> None:
    """Find orphan document files, rows without files, stale uploads, wrong petition counts, key trouble."""
    from casework.maintenance.check import run_check

    try:
        with unit_of_work.transaction():
            report = run_check(fix)
    except sa.exc.OperationalError as exc:
        raise _one_line(exc) from None
    for finding in report.findings:
        click.echo(finding.line())
    left = len(report.unfixed)
    fixed = len(report.findings) - left
    if not report.findings:
        click.echo("Everything is consistent.")
        return
    click.echo(
        f"{len(report.findings)} finding(s): {fixed} fixed, {left} left"
        + (" (run with --fix to repair what can be repaired)." if left and not fix else ".")
    )
    if left:
        raise SystemExit(1)


@click.command("purge")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="List what the retention policies would purge; change nothing.")
def purge_command(dry_run: bool) -> None:
    """Purge closed cases and old audit events as each organization's retention policy says."""
    from casework.maintenance.purge import find_due, run_purge

    try:
        if dry_run:
            with unit_of_work.transaction():
                report = find_due()
        else:
            report = run_purge()
    except sa.exc.OperationalError as exc:
        raise _one_line(exc) from None
    verb = "would purge" if dry_run else "purged"
    for case in report.cases:
        click.echo(f"organization {case.org_id}: case {case.person_id} closed {case.closed_on} {verb}")
    for due in report.audits:
        click.echo(f"organization {due.org_id}: {due.count} audit event(s) before {due.before.date()} {verb}")
    for case, error in report.failed:
        click.echo(f"organization {case.org_id}: case {case.person_id} NOT purged ({error}); see the log")
    for due in report.failed_audits:
        click.echo(f"organization {due.org_id}: audit events NOT purged; see the log")
    if not (report.cases or report.audits or report.failed or report.failed_audits):
        click.echo("Nothing is due.")
    if report.failed or report.failed_audits:
        raise SystemExit(1)


def key_unavailable_page(error: Exception):
    """503 with what to do, while a key that stored data depends on is missing or wrong."""
    return render_template(
        "errors/error.html", code=503, title="An encryption key is missing", message=str(error)
    ), 503


def refuse_without_key(app: Flask) -> None:
    """At start: when stored data depends on a signature key that is missing, say so and answer every
    request with 503 rather than run on (a new key would make every stored signature unreadable). The
    check tolerates a database without tables (before `db upgrade`) or out of reach: it then waits for
    first use, where crypto.keys() refuses in the same words."""
    from casework import sealing
    from casework.petitions import crypto

    try:
        problem = crypto.missing_key_problem(app) or sealing.missing_ring_problem(app)
    except sa.exc.SQLAlchemyError:
        return
    if problem is None:
        return
    log.critical("refusing to serve: %s", problem)

    @app.before_request
    def refuse():
        if request.endpoint != "static":  # the page keeps its stylesheet
            return key_unavailable_page(crypto.KeyUnavailable(problem))
        return None


def init_app(app: Flask) -> None:
    """Register the commands, and refuse to serve while a key that stored data depends on is missing."""
    from casework.maintenance.rotate import rotate_keys_command
    from casework.petitions.crypto import KeyUnavailable

    commands = (backup_command, verify_backup_command, restore_command, check_command, purge_command)
    for command in (*commands, rotate_keys_command):
        app.cli.add_command(command)
    app.register_error_handler(KeyUnavailable, key_unavailable_page)
    refuse_without_key(app)

"""Command line: flask --app casework create-org | create-user | demo | prune-sessions | send-outbox |
sweep-uploads | petitions reconcile | petitions prune | analyze.

Each command is one unit of work (casework.unit_of_work.transaction): it commits when it succeeds and
leaves nothing behind when it fails. A command whose steps must stand on their own (send-outbox) runs each
step in its own transaction. What a command prints about its work is printed once that work is committed.
"""

from __future__ import annotations

import contextlib
import os
import secrets
import signal
import threading
import time
from collections.abc import Iterator
from datetime import timedelta

import click
import sqlalchemy as sa
from flask import Flask
from flask.cli import with_appcontext

from casework import audit, unit_of_work
from casework.extensions import db
from casework.models import Role
from casework.outage import DatabaseUnreachable, describe
from casework.urls import public_base_url


def _password_from_env_or_prompt() -> str:
    password = os.environ.get("CASEWORK_PASSWORD")
    if password:
        return password
    return click.prompt("Password", hide_input=True, confirmation_prompt=True)


@click.command("create-org")
@with_appcontext
@click.argument("name")
def create_org_command(name: str) -> None:
    """Create an organization called NAME."""
    from casework.accounts import operations, queries

    with unit_of_work.transaction():
        if queries.organization_named(name.strip()):
            raise click.ClickException(f"An organization called {name!r} already exists.")
        org = operations.create_org(name)
        done = f"Created organization {org.name!r} (id {org.id})."
    click.echo(done)


@click.command("create-user")
@with_appcontext
@click.option("--org", "org_name", required=True, help="Name of the user's organization.")
@click.option("--role", type=click.Choice([r.value for r in Role]), required=True)
@click.option("--email", required=True)
@click.option("--name", default="", help="The user's name, as shown to colleagues.")
def create_user_command(org_name: str, role: str, email: str, name: str) -> None:
    """Create a user; the password comes from CASEWORK_PASSWORD, else a prompt."""
    from casework.accounts import operations, queries

    with unit_of_work.transaction():
        org = queries.organization_named(org_name)
        if org is None:
            raise click.ClickException(
                f"No organization called {org_name!r}; create it with create-org first."
            )
        if queries.email_taken(email):
            raise click.ClickException(f"A user with e-mail {email!r} already exists.")
        password = _password_from_env_or_prompt()
        try:
            user = operations.create_user(
                None, org, email=email, role=Role(role), password=password, name=name
            )
        except operations.PasswordRejected as exc:
            raise click.ClickException(str(exc)) from None
        done = f"Created {user.role} {user.email} in {org.name!r}."
    click.echo(done)


@click.command("demo")
@with_appcontext
@click.option("--reset", is_flag=True, help="Delete ALL data first (demo databases only).")
def demo_command(reset: bool) -> None:
    """Load fictional demo data: two organizations, their users and four cases."""
    from casework import demo

    password = os.environ.get("CASEWORK_PASSWORD") or secrets.token_urlsafe(12)
    with unit_of_work.transaction():
        if reset:
            demo.delete_everything()
        elif demo.has_data():
            click.echo(
                "Demo data (or other data) is already loaded; nothing was changed. "
                "Use --reset to start again with new demo data."
            )
            return
        demo.load(password)
    refresh_statistics()
    base = public_base_url()
    click.echo(f"Loaded the demo data. Sign in at {base}/login as one of:")
    for email, role in demo.USERS:
        click.echo(f"  {email:<26} ({role})")
    if os.environ.get("CASEWORK_PASSWORD"):
        click.echo("with the password in CASEWORK_PASSWORD.")
    else:
        click.echo(f"with the password: {password}")
        click.echo("(shown only this once; run `flask --app casework demo --reset` for a new one)")
    click.echo(
        f"Admin → Outbox (as admin@example.org) holds the petition confirmation e-mails with their links: "
        f"one demo signer's is waiting; sign at {base}/p/{demo.PETITION_SLUG} and yours arrives there too."
    )


@click.command("prune-sessions")
@with_appcontext
def prune_sessions_command() -> None:
    """Delete expired server-side sessions."""
    from casework.sessions import prune_expired_sessions

    prune_expired_sessions()  # in a transaction of its own, like every session write
    click.echo("Expired sessions deleted.")


@click.command("end-all-sessions")
@with_appcontext
@click.option("--yes", is_flag=True, help="Do it without asking (for scripts).")
def end_all_sessions_command(yes: bool) -> None:
    """Sign every user out everywhere (a suspected breach, a key rotation); audited."""
    from casework.sessions import delete_session_rows, signed_in_rows

    if not yes:
        click.confirm("Sign every user out of every session now?", abort=True)
    delete_session_rows(signed_in_rows())  # in a transaction of its own, like every session write
    with unit_of_work.transaction():
        audit.record(None, "session.ended_for_everyone", detail="from the command line")
    click.echo("Every user is signed out; each must sign in again.")


@click.command("send-outbox")
@with_appcontext
@click.option("--limit", default=500, show_default=True, help="Send at most this many messages in this run.")
@click.option(
    "--loop", is_flag=True, help="Keep running as a worker until SIGTERM or SIGINT (instead of cron)."
)
@click.option(
    "--interval",
    default=30,
    show_default=True,
    type=click.IntRange(min=1),
    help="With --loop: seconds between two looks at the outbox.",
)
def send_outbox_command(limit: int, loop: bool, interval: int) -> None:
    """Send the e-mail waiting in the outbox through SMTP (retrying failures); purge old sent mail.

    Runs that overlap never send a message twice (each message is claimed first). With --loop, SIGTERM or
    SIGINT lets the message being sent finish, then the worker exits with status 0."""
    if not loop:
        _send_outbox_once(limit, lambda: False, quiet=False)
        return
    stop = threading.Event()
    with _stop_on_signals(stop):
        retention_due = 0.0
        while not stop.is_set():
            with_retention = time.monotonic() >= retention_due
            try:
                _send_outbox_once(limit, stop.is_set, quiet=True, with_retention=with_retention)
            except DatabaseUnreachable as exc:  # a worker outlives an outage; cron would just run again
                click.echo(f"Error: {describe(exc)}", err=True)
            else:
                if with_retention:
                    retention_due = time.monotonic() + RETENTION_INTERVAL_SECONDS
            stop.wait(interval)
    click.echo("Stopped.")


RETENTION_INTERVAL_SECONDS = 3600  # the worker applies the retention of signer data once an hour


def _send_outbox_once(limit: int, should_stop, *, quiet: bool, with_retention: bool = True) -> None:
    from casework.petitions import mail, retention

    # The retention is committed before anything is sent; each message is claimed, then sent, then marked,
    # each step committed on its own (see casework.petitions.mail).
    purged = 0
    if with_retention:
        with unit_of_work.transaction():
            purged = retention.apply_retention().outbox_purged
    report = mail.send_pending(limit=limit, should_stop=should_stop)
    if report.skipped and (with_retention or not quiet):  # a worker repeats it once an hour
        click.echo(report.skipped)
    if quiet and not (report.handled or report.purged or purged):
        return
    click.echo(
        f"Sent {report.sent}, to retry {report.failed}, given up {report.given_up}; "
        f"purged {report.purged + purged} old messages."
    )


@contextlib.contextmanager
def _stop_on_signals(stop: threading.Event) -> Iterator[None]:
    """SIGTERM and SIGINT set `stop` (the current message is finished) instead of killing the worker."""
    handled = (signal.SIGTERM, signal.SIGINT)
    previous = {number: signal.getsignal(number) for number in handled}
    for number in handled:
        signal.signal(number, lambda *_: stop.set())
    try:
        yield
    finally:
        for number, handler in previous.items():
            signal.signal(number, handler)


@click.command("sweep-uploads")
@with_appcontext
@click.option(
    "--max-age-minutes",
    default=60,
    show_default=True,
    type=click.IntRange(min=1),
    help="Delete partial uploads older than this (younger ones may be uploads in progress).",
)
def sweep_uploads_command(max_age_minutes: int) -> None:
    """Delete the partial files (.part) a crash or a full disk left in the documents folder."""
    from casework.documents import storage

    removed = storage.sweep_partial_uploads(timedelta(minutes=max_age_minutes))
    for name in removed:
        click.echo(f"removed {name}")
    click.echo(f"{len(removed)} partial upload(s) removed.")


@click.group("petitions")
def petitions_group() -> None:
    """Petitions: counts and the retention of signer data."""


@petitions_group.command("reconcile")
@with_appcontext
@click.option("--dry-run", is_flag=True, help="Report the differences without correcting them.")
def petitions_reconcile_command(dry_run: bool) -> None:
    """Recompute every hosted petition's count from its confirmed signatures and report the differences."""
    from casework.petitions import counts

    with unit_of_work.transaction():
        wrong = counts.reconcile(fix=not dry_run)
    for petition_id, stored, actual in wrong:
        click.echo(
            f"petition {petition_id}: stored {stored}, confirmed signatures {actual}"
            + ("" if dry_run else " (corrected)")
        )
    click.echo(
        "Every count matches its confirmed signatures."
        if not wrong
        else f"{len(wrong)} count(s) differed" + (" (not corrected: --dry-run)." if dry_run else ".")
    )


@petitions_group.command("prune")
@with_appcontext
def petitions_prune_command() -> None:
    """Apply the retention of signer data now: client networks, expired links, anonymization, old mail."""
    from casework.petitions import retention

    with unit_of_work.transaction():
        report = retention.apply_retention()
    click.echo(
        f"Client networks dropped: {report.ips_dropped}; unconfirmed signatures deleted: "
        f"{report.expired_deleted}; signatures anonymized: {report.anonymized}; old e-mails purged: "
        f"{report.outbox_purged}."
    )


@click.command("analyze")
@with_appcontext
def analyze_command() -> None:
    """Refresh the database's statistics (ANALYZE) so that its planner picks the right indexes."""
    refresh_statistics()
    click.echo("Database statistics refreshed.")


def refresh_statistics() -> None:
    """ANALYZE every table (SQLite: then PRAGMA optimize). Without statistics SQLite's planner guesses: a
    query over a still-empty table may then scan `person` rather than probe the empty table."""
    with db.engine.begin() as conn:  # commits when the block ends
        conn.execute(sa.text("ANALYZE"))
        if conn.dialect.name == "sqlite":
            conn.execute(sa.text("PRAGMA optimize"))
            # ANALYZE records nothing for an empty table, and SQLite then guesses it large: a join of an empty
            # table with `person` would read every person. Say "one row" until the next ANALYZE counts.
            conn.execute(
                sa.text(
                    "INSERT INTO sqlite_stat1(tbl, idx, stat) SELECT name, NULL, '1' FROM sqlite_schema "
                    "WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL%' "
                    "AND name NOT IN (SELECT tbl FROM sqlite_stat1)"
                )
            )
            conn.execute(sa.text("ANALYZE sqlite_schema"))  # the planner reads the statistics again


def init_app(app: Flask) -> None:
    """Register the commands."""
    for command in (
        create_org_command,
        create_user_command,
        demo_command,
        prune_sessions_command,
        end_all_sessions_command,
        send_outbox_command,
        sweep_uploads_command,
        petitions_group,
        analyze_command,
    ):
        app.cli.add_command(command)
    __import__("casework.maintenance.cli").maintenance.cli.init_app(app)  # backup, restore, check

"""`flask --app casework rotate-keys`: a new data key seals everything again; the old one retires unused.

A rotation adds a key to the ring and makes it current (new writes use it at once, in every process: each
reads the ring again when its file changes), then re-seals, batch by batch, every value and every document
file key that names another key, recomputing the A-number's blind index with it. Files are not rewritten:
their keys are. Each batch is one transaction, so an interruption loses at most one batch; run again, the
command finds the ring still holding more than one key and goes on with the values not yet under the
current key. The old keys leave the ring only when nothing names them any more.
"""

from __future__ import annotations

import sys
from collections.abc import Callable
from dataclasses import dataclass, field

import click
import sqlalchemy as sa
from flask import current_app
from flask.cli import with_appcontext

from casework import audit, sealing, unit_of_work
from casework.extensions import db

BATCH = 500
# Per table: its sealed columns (casework.sealing.SEALED_COLUMNS), the A-number's blind index with them.
TABLES = {
    "person": ("a_number", "private_story"),
    "note": ("body",),
    "document": ("file_key",),
}


def after_batch() -> None:
    """Called after every committed batch (tests interrupt a rotation here)."""


@dataclass
class Rotation:
    """What a run did."""

    key_id: str
    resumed: bool
    resealed: int = 0
    retired: list[str] = field(default_factory=list)


def _table(name: str) -> sa.TableClause:
    columns: list[sa.ColumnClause] = [
        sa.column("id", sa.Integer),
        *(sa.column(c, sa.Text) for c in TABLES[name]),
    ]
    if name == "person":
        columns.append(sa.column("a_number_index", sa.String))
    return sa.table(name, *columns)


def _pending(table: sa.TableClause, name: str, current: str) -> sa.ColumnElement[bool]:
    """Rows holding a value not sealed under the current key."""
    prefix = f"{sealing.VERSION}.{current}.%"
    return sa.or_(*(sa.and_(table.c[c].is_not(None), table.c[c].not_like(prefix)) for c in TABLES[name]))


def pending_count(current: str) -> int:
    """How many rows still hold a value under another key."""
    total = 0
    for name in TABLES:
        table = _table(name)
        query = sa.select(sa.func.count()).select_from(table).where(_pending(table, name, current))
        total += db.session.scalar(query) or 0
    return total


def _reseal_batch(name: str, keys: sealing.Ring) -> int:
    """Re-seal one batch of a table's rows under the current key; how many rows it took."""
    table = _table(name)
    columns = TABLES[name]
    rows = db.session.execute(
        sa.select(table.c.id, *(table.c[c] for c in columns))
        .where(_pending(table, name, keys.current))
        .order_by(table.c.id)
        .limit(BATCH)
    ).all()
    changes = []
    for row in rows:
        change: dict = {"row_id": row[0]}
        for column, value in zip(columns, row[1:], strict=True):
            context = f"{name}.{column}"
            try:
                plain = None if value is None else sealing.open_value(value, context, keys)
            except sealing.SealedValueError as exc:
                raise sealing.SealedValueError(f"{context} of row {row[0]}: {exc}") from None
            change[column] = None if plain is None else sealing.seal(plain, context, keys)
            if column == "a_number":
                change["a_number_index"] = sealing.a_number_index(plain, keys)
        changes.append(change)
    if changes:
        values: dict[str, sa.BindParameter] = {c: sa.bindparam(c) for c in changes[0] if c != "row_id"}
        statement = table.update().where(table.c.id == sa.bindparam("row_id")).values(values)
        db.session.execute(statement, changes)
    return len(rows)


def rotate(progress: Callable[[int], None] | None = None) -> Rotation:
    """Rotate (or finish an interrupted rotation), calling `progress(rows)` after each batch."""
    app = current_app._get_current_object()  # type: ignore[attr-defined]
    keys = sealing.ring(app, fresh=True)
    resumed = len(keys.keys) > 1
    if not resumed:
        sealing.write_ring(sealing.with_new_key(keys))
        sealing.forget(app)
        keys = sealing.ring(app)
    done = Rotation(keys.current, resumed)
    for name in TABLES:
        while True:
            with unit_of_work.transaction():
                taken = _reseal_batch(name, keys)
            if not taken:
                break
            done.resealed += taken
            if progress:
                progress(taken)
            after_batch()
    with unit_of_work.transaction():
        left = pending_count(keys.current)
        if left:  # written meanwhile by a process that had not yet seen the new key: run again
            return done
        done.retired = sorted(k for k in keys.keys if k != keys.current)
        sealing.write_ring(sealing.only_current(keys))
        sealing.forget(app)
        detail = f"current key {keys.current}; {done.resealed} values re-sealed; retired {len(done.retired)}"
        audit.record(None, "keys.rotated", detail=detail)
    return done


@click.command("rotate-keys")
@with_appcontext
def rotate_keys_command() -> None:
    """Seal every case value and document file key under a new data key, then retire the old one."""
    try:
        keys = sealing.ring(fresh=True)
        if keys.path is None:
            raise click.ClickException(
                "The data key ring comes from CASEWORK_DATA_KEY: put it in a file (DATA_KEY_FILE) to rotate it."
            )
        with unit_of_work.transaction():
            total = pending_count(keys.current) if len(keys.keys) > 1 else _all_sealed()
        with click.progressbar(length=total, label="Re-sealing", file=sys.stderr) as bar:
            done = rotate(bar.update)
    except sealing.KeyUnavailable as exc:
        raise click.ClickException(str(exc)) from None
    except sealing.SealedValueError as exc:
        raise click.ClickException(
            f"The rotation stopped: {exc}. The old key stays in the ring; restore the value from a backup "
            "and run rotate-keys again."
        ) from None
    except sa.exc.OperationalError as exc:
        from casework.maintenance.cli import _one_line

        raise _one_line(exc) from None
    verb = "Resumed the rotation to" if done.resumed else "Rotated to"
    click.echo(f"{verb} key {done.key_id}: {done.resealed} records re-sealed.")
    if done.retired:
        click.echo(f"Retired {len(done.retired)} old key(s): nothing uses them any more.")
    else:
        click.echo("Some values were written under an old key meanwhile: run rotate-keys again to retire it.")
        raise SystemExit(1)


def _all_sealed() -> int:
    """Rows holding any sealed value (what a new rotation goes through)."""
    total = 0
    for name in TABLES:
        table = _table(name)
        any_value = sa.or_(*(table.c[c].is_not(None) for c in TABLES[name]))
        total += db.session.scalar(sa.select(sa.func.count()).select_from(table).where(any_value)) or 0
    return total

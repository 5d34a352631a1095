"""Case data sealed at rest: A-numbers (with a blind index), private stories, notes, document files

Revision ID: 0019
Revises: 0018
Create Date: 2026-12-02 06:10:00.000000

Runs inside the application (Flask-Migrate), which gives the data key ring (casework.sealing): written to
instance/data_keys.json on the way if there is none and nothing is sealed yet. Every A-number, private story
and note body is sealed in place and every A-number gets its blind index. Every document file is sealed
under a key of its own and written under a new name (the old row keeps its old name until the commit); the
plaintext files are deleted only after the migration has committed. Values and files already sealed are
left as they are, so a rerun after an interruption goes on where it stopped.

Downgrade opens everything again (with the same ring) and puts the plaintext back.
"""

import hashlib
import logging
import os
import secrets
from pathlib import Path

import sqlalchemy as sa
from alembic import op
from flask import current_app

revision = "0019"
down_revision = "0018"
branch_labels = None
depends_on = None

BATCH = 500
log = logging.getLogger("alembic.runtime.migration")


def upgrade():
    from casework import sealing

    app = current_app._get_current_object()
    keys = sealing.ring(app)  # before any change: a missing ring with sealed data refuses here
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_a_number")
        batch_op.alter_column("a_number", existing_type=sa.String(length=9), type_=sa.Text())
        batch_op.add_column(sa.Column("a_number_index", sa.String(length=64), nullable=True))
        batch_op.create_index("ix_person_a_number_index", ["a_number_index"], unique=False)
    with op.batch_alter_table("document") as batch_op:
        batch_op.add_column(sa.Column("file_key", sa.Text(), nullable=True))

    conn = op.get_bind()
    _seal_people(conn, sealing, keys)
    _seal_column(conn, sealing, keys, "note", "body")
    _seal_documents(conn, sealing, keys, app)


def _batches(conn, table, columns, where):
    """Rows of `table` (id first) in id order, BATCH at a time."""
    last = 0
    while True:
        rows = conn.execute(
            sa.select(table.c.id, *columns).where(table.c.id > last, where).order_by(table.c.id).limit(BATCH)
        ).all()
        if not rows:
            return
        yield rows
        last = rows[-1][0]


def _plain(value):
    return value is not None and not value.startswith("v1.")


def _seal_people(conn, sealing, keys):
    person = sa.table(
        "person",
        sa.column("id", sa.Integer),
        sa.column("a_number", sa.Text),
        sa.column("private_story", sa.Text),
        sa.column("a_number_index", sa.String),
    )
    where = sa.or_(person.c.a_number.is_not(None), person.c.private_story.is_not(None))
    update = (
        person.update()
        .where(person.c.id == sa.bindparam("row_id"))
        .values(
            a_number=sa.bindparam("sealed_number"),
            private_story=sa.bindparam("sealed_story"),
            a_number_index=sa.bindparam("number_index"),
        )
    )
    for rows in _batches(conn, person, (person.c.a_number, person.c.private_story), where):
        changes = []
        for row_id, number, story in rows:
            if not (_plain(number) or _plain(story)):
                continue
            if _plain(number):
                plain_number = number
                number = sealing.seal(number, "person.a_number", keys)
            else:
                plain_number = None if number is None else sealing.open_value(number, "person.a_number", keys)
            changes.append(
                {
                    "row_id": row_id,
                    "sealed_number": number,
                    "sealed_story": sealing.seal(story, "person.private_story", keys)
                    if _plain(story)
                    else story,
                    "number_index": sealing.a_number_index(plain_number, keys),
                }
            )
        if changes:
            conn.execute(update, changes)


def _seal_column(conn, sealing, keys, table_name, column):
    table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.Text))
    update = (
        table.update().where(table.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("sealed")})
    )
    where = sa.and_(table.c[column].is_not(None), table.c[column].not_like("v1.%"))
    for rows in _batches(conn, table, (table.c[column],), where):
        context = f"{table_name}.{column}"
        conn.execute(update, [{"row_id": i, "sealed": sealing.seal(v, context, keys)} for i, v in rows])


def _seal_documents(conn, sealing, keys, app):
    from casework import sealed_files

    document = sa.table(
        "document",
        sa.column("id", sa.Integer),
        sa.column("storage_name", sa.String),
        sa.column("sha256", sa.String),
        sa.column("file_key", sa.Text),
    )
    folder = Path(app.config.get("DOCUMENTS_DIR") or Path(app.instance_path) / "documents")
    replaced = []  # (old path, new name): the old plaintext goes, the new file takes its name, after the commit
    for rows in _batches(
        conn, document, (document.c.storage_name, document.c.sha256), document.c.file_key.is_(None)
    ):
        for row_id, name, sha256 in rows:
            path = folder / name if (folder / name).is_file() else folder / f"{name}.part"
            if not name.isalnum() or not path.is_file():
                log.warning(
                    "document %s has no file: left as it is (flask --app casework check lists it)", row_id
                )
                continue
            data = path.read_bytes()
            if sha256 and hashlib.sha256(data).hexdigest() != sha256:
                log.warning("document %s does not match its checksum: sealed as it is", row_id)
            file_key, new_name = sealed_files.new_file_key(), secrets.token_hex(16)
            _write_synced(folder / f"{new_name}.part", sealed_files.seal_file(data, file_key))
            conn.execute(
                document.update()
                .where(document.c.id == row_id)
                .values(storage_name=new_name, file_key=sealing.seal(file_key, "document.file_key", keys))
            )
            replaced.append((path, new_name))
    if replaced:
        app.extensions.setdefault("migration_after_commit", []).append(lambda: _publish(folder, replaced))


def _write_synced(path, data):
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as fh:
        fh.write(data)
        fh.flush()
        os.fsync(fh.fileno())


def _publish(folder, replaced):
    """After the commit: each sealed file takes its name and the plaintext it replaces is deleted. (Had the
    commit failed, the new `.part` files, named by no row, would be removed by the upload recovery.)"""
    for old, new_name in replaced:
        part = folder / f"{new_name}.part"
        if part.exists():
            os.replace(part, folder / new_name)
        old.unlink(missing_ok=True)


def downgrade():
    """Open every sealed value and file again (the data key ring is needed), then drop the new columns."""
    from casework import sealing

    app = current_app._get_current_object()
    keys = sealing.ring(app)
    conn = op.get_bind()
    for table_name, column in (("person", "a_number"), ("person", "private_story"), ("note", "body")):
        table = sa.table(table_name, sa.column("id", sa.Integer), sa.column(column, sa.Text))
        update = (
            table.update().where(table.c.id == sa.bindparam("row_id")).values({column: sa.bindparam("plain")})
        )
        context = f"{table_name}.{column}"
        for rows in _batches(conn, table, (table.c[column],), table.c[column].like("v1.%")):
            opened = [{"row_id": i, "plain": sealing.open_value(v, context, keys)} for i, v in rows]
            conn.execute(update, opened)
    _open_documents(conn, sealing, keys, app)
    with op.batch_alter_table("document") as batch_op:
        batch_op.drop_column("file_key")
    with op.batch_alter_table("person") as batch_op:
        batch_op.drop_index("ix_person_a_number_index")
        batch_op.drop_column("a_number_index")
        batch_op.alter_column("a_number", existing_type=sa.Text(), type_=sa.String(length=9))
        batch_op.create_index("ix_person_a_number", ["a_number"], unique=False)


def _open_documents(conn, sealing, keys, app):
    from casework import sealed_files

    document = sa.table(
        "document",
        sa.column("id", sa.Integer),
        sa.column("storage_name", sa.String),
        sa.column("file_key", sa.Text),
    )
    folder = Path(app.config.get("DOCUMENTS_DIR") or Path(app.instance_path) / "documents")
    replaced = []
    columns = (document.c.storage_name, document.c.file_key)
    for rows in _batches(conn, document, columns, document.c.file_key.is_not(None)):
        for row_id, name, sealed_key in rows:
            path = folder / name if (folder / name).is_file() else folder / f"{name}.part"
            if not name.isalnum() or not path.is_file():
                continue
            data = sealed_files.open_file(
                path.read_bytes(), sealing.open_value(sealed_key, "document.file_key", keys)
            )
            new_name = secrets.token_hex(16)
            _write_synced(folder / f"{new_name}.part", data)
            conn.execute(document.update().where(document.c.id == row_id).values(storage_name=new_name))
            replaced.append((path, new_name))
    if replaced:
        app.extensions.setdefault("migration_after_commit", []).append(lambda: _publish(folder, replaced))

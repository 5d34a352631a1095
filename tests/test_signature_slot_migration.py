"""Migration 0029: each existing signature of a mailbox gets its place in the order the signatures came; those
over a limit and those anonymized get none; downgrading takes the column away and upgrading again is the same."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from tests.test_relief_migration import (  # noqa: F401 - empty_database: the fixture
    NOW,
    add_organization_and_person,
    empty_database,
    flask_db_on,
)

# (id, state, mailbox): two mailboxes, one signature over the limit, one anonymized (no mailbox left)
SIGNATURES = [
    (1, "validated", "a" * 64),
    (2, "over_limit", "a" * 64),
    (3, "pending", "b" * 64),
    (4, "pending", "a" * 64),
    (5, "validated", None),
    (6, "invalidated", "a" * 64),
]


def _fill(engine) -> None:
    now = {"now": NOW}
    with engine.begin() as conn:
        add_organization_and_person(conn)
        conn.execute(
            sa.text(
                "INSERT INTO petition (id, person_id, org_id, kind, status, title, targets, public_fields, "
                "signature_count, version, created_at, updated_at) "
                "VALUES (1, 1, 1, 'hosted', 'active', 'Let Sovann stay', 'A governor', '', 2, 1, :now, :now)"
            ),
            now,
        )
        for id_, state, mailbox in SIGNATURES:
            conn.execute(
                sa.text(
                    "INSERT INTO signature (id, petition_id, state, show_name, send_updates, created_at, "
                    "dedupe_hmac, email_hmac) VALUES (:id, 1, :state, false, false, :now, :dedupe, :mailbox)"
                ),
                {"id": id_, "state": state, "mailbox": mailbox, "dedupe": f"{id_:064d}", **now},
            )


def _places(engine) -> list[tuple[int, int | None]]:
    with engine.connect() as conn:
        return [
            tuple(row) for row in conn.execute(sa.text("SELECT id, mailbox_slot FROM signature ORDER BY id"))
        ]


@contextmanager
def _filled(tmp_path, database: str, at: str, then: str) -> Iterator[sa.Engine]:
    """An engine on `database` migrated to `at`, given SIGNATURES there, then migrated to `then`."""
    flask_db_on(tmp_path, database, "upgrade", at)
    engine = sa.create_engine(database)
    try:
        _fill(engine)
        flask_db_on(tmp_path, database, "upgrade", then)
        yield engine
    finally:
        engine.dispose()


def test_0029_gives_each_mailbox_its_places_and_goes_back(tmp_path, empty_database):  # noqa: F811
    with _filled(tmp_path, empty_database, "0028", "0029") as engine:
        assert _places(engine) == [(1, 1), (2, None), (3, 1), (4, 2), (5, None), (6, 3)]
        flask_db_on(tmp_path, empty_database, "downgrade", "0028")
        with engine.connect() as conn:
            assert "mailbox_slot" not in {c["name"] for c in sa.inspect(conn).get_columns("signature")}
            assert conn.execute(sa.text("SELECT count(*) FROM signature")).scalar() == len(SIGNATURES)
        flask_db_on(tmp_path, empty_database, "upgrade")
        assert _places(engine) == [(1, 1), (2, None), (3, 1), (4, 2), (5, None), (6, 3)]


MAILBOX_FIRST = ["email_hmac", "petition_id", "mailbox_slot"]  # 0030
PETITION_FIRST = ["petition_id", "email_hmac", "mailbox_slot"]  # 0029


def _places_key(engine) -> list[list[str]]:
    """The columns of each unique constraint of signature that holds the mailbox's places."""
    with engine.connect() as conn:
        constraints = sa.inspect(conn).get_unique_constraints("signature")
    return [c["column_names"] for c in constraints if "mailbox_slot" in c["column_names"]]


def test_0030_puts_the_mailbox_first_in_its_places_and_goes_back(tmp_path, empty_database):  # noqa: F811
    with _filled(tmp_path, empty_database, "0029", "0030") as engine:
        assert _places_key(engine) == [MAILBOX_FIRST]
        assert _places(engine) == [(1, None), (2, None), (3, None), (4, None), (5, None), (6, None)]
        with engine.begin() as conn:
            conn.execute(sa.text("UPDATE signature SET mailbox_slot = 1 WHERE id = 1"))
        with pytest.raises(sa.exc.IntegrityError), engine.begin() as conn:  # the same place of the mailbox
            conn.execute(sa.text("UPDATE signature SET mailbox_slot = 1 WHERE id = 4"))
        flask_db_on(tmp_path, empty_database, "downgrade", "0029")
        assert _places_key(engine) == [PETITION_FIRST]
        assert _places(engine)[0] == (1, 1)

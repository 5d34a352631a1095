"""What one signature costs in round trips: on PostgreSQL, signing is two SQL statements (the petition's lookup;
the INSERT that takes a place of the mailbox and also queues the e-mail) and one Redis round trip; confirming
is one statement (the UPDATE that finds the open petition by its address, validates the signature, moves the
count and returns what the page shows) and no Redis. Neither opens a transaction: no BEGIN or COMMIT, each
statement commits as it runs. SQLite, without UPDATE or INSERT inside WITH, runs the same steps one statement
each, after the petition's lookup (and, signing, the petition's lock).

A place of the mailbox taken at the same moment by another signer of it makes the INSERT insert nothing: it is
tried again, and takes the next place."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import sqlalchemy as sa

from casework.extensions import db as sqlalchemy_db
from casework.models import OutboxEmail, Petition, Signature
from tests.conftest import TEST_DB
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import confirmation_links, sign
from tests.test_sign_limits import redis_app  # noqa: F401 - the fixture

# statements per request: (sign, confirm, confirm again with a used link)
EXPECTED = {"postgresql": (2, 1, 2), "sqlite": (4, 3, 2)}


@contextmanager
def counting(application, monkeypatch) -> Iterator[dict[str, list]]:
    """The SQL statements run and the Redis round trips made (each write to a Redis socket) meanwhile. On
    PostgreSQL the statements are counted where the driver sends them (psycopg's Cursor.execute), with the
    BEGIN and COMMIT it sends without a cursor, so that nothing sent escapes the count; SQLite's through
    SQLAlchemy's events (its driver's cursor is built in)."""
    from redis.connection import AbstractConnection

    seen: dict[str, list] = {"sql": [], "redis": [], "commands": [], "orm_sessions": []}
    send = AbstractConnection.send_packed_command
    registry = sqlalchemy_db.session.registry
    make_session = registry.createfunc
    # The public pages run on a plain connection: no ORM session is made for them, not even to find nothing
    # to commit.
    monkeypatch.setattr(registry, "createfunc", lambda: seen["orm_sessions"].append(1) or make_session())

    def sent(connection, command, *args, **kwargs):
        seen["redis"].append(command)
        return send(connection, command, *args, **kwargs)

    def before(conn, cursor, statement, parameters, context, executemany):
        seen["sql"].append(statement)

    monkeypatch.setattr(AbstractConnection, "send_packed_command", sent)
    with application.app_context():
        engine = sqlalchemy_db.engine
    if engine.dialect.name == "postgresql":
        import psycopg

        execute = psycopg.Cursor.execute
        command = psycopg.Connection._exec_command  # BEGIN and COMMIT are sent here, not through a cursor

        def executed(cursor, query, *args, **kwargs):
            seen["sql"].append(query)
            return execute(cursor, query, *args, **kwargs)

        def commanded(connection, text, *args, **kwargs):
            seen["commands"].append(bytes(text))
            return command(connection, text, *args, **kwargs)

        monkeypatch.setattr(psycopg.Cursor, "execute", executed)
        monkeypatch.setattr(psycopg.Connection, "_exec_command", commanded)
    else:
        sa.event.listen(engine, "before_cursor_execute", before)
    try:
        yield seen
    finally:
        if engine.dialect.name == "postgresql":
            monkeypatch.setattr(psycopg.Cursor, "execute", execute)
            monkeypatch.setattr(psycopg.Connection, "_exec_command", command)
        else:
            sa.event.remove(engine, "before_cursor_execute", before)
        monkeypatch.setattr(AbstractConnection, "send_packed_command", send)
        monkeypatch.setattr(registry, "createfunc", make_session)


def test_a_signature_costs_two_statements_to_sign_and_one_to_confirm(
    redis_app,  # noqa: F811 - the fixture
    login_as,
    make_person,
    db,
    monkeypatch,
):
    _staff, _person, petition = make_published(login_as, make_person, db)
    client = redis_app.test_client()
    # the first request of a process reads the keys' check rows once: not what is measured here
    assert sign(client, name="Dara Keo", email="dara@example.org", ip="10.2.0.1").status_code == 303
    signs, confirms = [], []
    for i in range(3):
        with counting(redis_app, monkeypatch) as seen:
            response = sign(client, name=f"Signer {i}", email=f"signer{i}@example.org", ip=f"10.0.0.{i + 1}")
        assert response.status_code == 303
        assert seen["commands"] == []  # PostgreSQL: no BEGIN, no COMMIT
        assert seen["orm_sessions"] == []
        signs.append((len(seen["sql"]), len(seen["redis"])))
    links = confirmation_links(redis_app, db)
    assert (
        len(links) == 4 and db.count(OutboxEmail) == 4
    )  # one e-mail per new signature, queued in the INSERT
    for link in links[1:]:
        with counting(redis_app, monkeypatch) as seen:
            response = client.post(link)
        assert response.status_code == 200 and "Thank you: your signature counts" in response.text
        assert seen["commands"] == [] and seen["orm_sessions"] == []
        confirms.append((len(seen["sql"]), len(seen["redis"])))
    sign_statements, confirm_statements, used_link_statements = EXPECTED[TEST_DB]
    assert signs == [(sign_statements, 1)] * 3  # the flood and rate limits: one round trip
    assert confirms == [(confirm_statements, 0)] * 3
    assert db.get(Petition, petition.id).signature_count == 3
    assert db.count(Signature, Signature.state == "validated") == 3
    with counting(redis_app, monkeypatch) as seen:
        again = client.post(links[1])  # the same link again: nothing moves
    # the UPDATE finds nothing pending, then the petition is read for the page (SQLite: read first)
    assert "already been used" in again.text and len(seen["sql"]) == used_link_statements
    assert db.get(Petition, petition.id).signature_count == 3


def test_a_duplicate_and_a_signature_over_the_limit_queue_no_email(
    redis_app,  # noqa: F811 - the fixture
    login_as,
    make_person,
    db,
):
    make_published(login_as, make_person, db)
    client = redis_app.test_client()
    codes = [
        sign(client, name="Dara Keo", email="dara@example.org", ip="10.2.0.1").status_code for _ in range(2)
    ]
    codes.append(sign(client, name="Sok Chan", email="sok@example.org", ip="10.2.0.1").status_code)
    assert codes == [303] * 3  # the same answer to a duplicate and over the rate limit (2 per hour here)
    assert sorted(db.scalars(sa.select(Signature.state))) == ["over_limit", "pending"]
    assert db.count(OutboxEmail) == 1


def test_redis_without_the_script_gets_it_loaded_and_counts_once(
    redis_app,  # noqa: F811 - the fixture
    login_as,
    make_person,
    db,
    caplog,
):
    """Redis restarted (its scripts gone): the script's call is refused and counts nothing, the script is
    loaded, and the call sent again, counting each limit once; the limits stay in Redis (no switch to
    memory)."""
    from casework import extensions

    make_published(login_as, make_person, db)
    client = redis_app.test_client()
    assert sign(client, name="Dara Keo", email="dara@example.org", ip="10.2.0.1").status_code == 303
    with redis_app.app_context():
        script = extensions.count_all_script(extensions.limiter.limiter.storage)  # type: ignore[attr-defined]
        known = script.sha
        script.sha = "0" * 40  # as after a restart: a SHA this Redis does not know
    assert sign(client, name="Ana Lim", email="ana@example.org", ip="10.2.0.1").status_code == 303
    assert script.sha == known
    assert "storage unreachable" not in caplog.text
    # the third signature from this address is over "2 per hour": the second was counted once, not twice
    assert sign(client, name="Sok Chan", email="sok@example.org", ip="10.2.0.1").status_code == 303
    assert sorted(db.scalars(sa.select(Signature.state))) == ["over_limit", "pending", "pending"]


def test_a_confirmation_holds_the_petitions_row_lock_for_its_statement_only(app, login_as, make_person, db):
    """On PostgreSQL the confirmation commits as its statement ends: while its page renders, another
    confirmation can already take the petition's row (no BEGIN or COMMIT round trip around it). The pooled
    connection goes back to transactions afterwards. SQLite: the unit of work commits after the page."""
    from flask import render_template

    import casework.petitions.public as public

    _staff, _person, petition = make_published(login_as, make_person, db)
    client = app.test_client()
    assert sign(client, name="Dara Keo", email="dara@example.org").status_code == 303
    [link] = confirmation_links(app, db)
    with app.app_context():
        engine = sqlalchemy_db.engine
    seen: dict[str, object] = {}

    def rendering(template, **context):
        if template == "public/confirm.html" and TEST_DB == "postgresql":
            with engine.connect() as other:
                other.execute(sa.text("SET lock_timeout = '1s'"))
                seen["free"] = other.execute(
                    sa.text("SELECT signature_count FROM petition WHERE id = :id FOR UPDATE NOWAIT"),
                    {"id": petition.id},
                ).scalar_one()
                other.rollback()
        return render_template(template, **context)

    modes: list[bool] = []

    def checked_in(dbapi_connection, record):
        modes.append(bool(getattr(dbapi_connection, "autocommit", False)))

    sa.event.listen(engine.pool, "checkin", checked_in)
    try:
        public.render_template, original = rendering, public.render_template  # type: ignore[assignment]
        response = client.post(link)
    finally:
        public.render_template = original  # type: ignore[assignment]
        sa.event.remove(engine.pool, "checkin", checked_in)
    assert response.status_code == 200 and "Thank you: your signature counts" in response.text
    assert modes and not any(modes)  # back in the pool, the connection begins transactions again
    if TEST_DB == "postgresql":
        assert seen["free"] == 1  # the row was free, and held the count the page shows
    assert db.get(Petition, petition.id).signature_count == 1


def test_a_place_taken_meanwhile_by_the_same_mailbox_is_tried_again(app, login_as, make_person, db):
    """PostgreSQL: another signer of the mailbox holds place 1 in a transaction not yet committed when this
    signature's INSERT runs (its snapshot cannot see that row). The INSERT waits for it, inserts nothing once it
    commits, and the next try takes place 2: the cap is never passed, and nobody is lost."""
    if TEST_DB != "postgresql":
        pytest.skip("SQLite has one writer at a time: the count is read under the petition's lock")
    import threading

    _staff, _person, petition = make_published(login_as, make_person, db)
    client = app.test_client()
    assert sign(client, name="Dara Keo", email="ana@example.org", ip="10.3.0.1").status_code == 303
    first = db.scalar(sa.select(Signature))
    db.execute(sa.update(Signature).values(mailbox_slot=2))  # place 1 free, place 2 taken
    with app.app_context():
        engine = sqlalchemy_db.engine
    other = engine.connect()
    other.execute(
        Signature.__table__.insert().values(
            petition_id=petition.id,
            state="pending",
            show_name=False,
            send_updates=False,
            created_at=first.created_at,
            dedupe_hmac="f" * 64,
            email_hmac=first.email_hmac,
            mailbox_slot=1,
        )
    )
    committer = threading.Timer(0.5, other.commit)
    committer.start()
    try:
        assert sign(client, name="Ana Lim", email="ana@example.org", ip="10.3.0.2").status_code == 303
    finally:
        committer.join()
        other.close()
    slots = db.scalars(sa.select(Signature.mailbox_slot).order_by(Signature.id))
    assert slots == [2, 1, 3]  # the lost place 1 tried again: the next free one
    states = db.scalars(sa.select(Signature.state).order_by(Signature.id))
    assert states == ["pending", "pending", "pending"]


def _signature_reads(connection: sa.Connection, statement, params: dict) -> list[str]:
    """How the plan of `statement` reads the signature table: one line per read, as the database names the
    index and the columns it matches (seq scans turned off on PostgreSQL, so that what is compared is the
    planner's choice between indexes, whatever the table's size)."""
    compiled = statement.compile(dialect=connection.dialect)
    required = [name for name, bind in compiled.binds.items() if bind.required]
    values = compiled.construct_params({**dict.fromkeys(required), **params})
    if connection.dialect.name == "postgresql":
        with connection.begin():
            connection.exec_driver_sql("SET LOCAL enable_seqscan = off")
            plan = connection.exec_driver_sql("EXPLAIN (FORMAT JSON) " + str(compiled), values).scalar_one()
        reads: list[str] = []

        def indexes(node: dict) -> list[str]:
            """The indexes a scan reads: its own, or those of the bitmap index scans under a bitmap heap scan."""
            if "Index Name" in node:
                return [f"{node['Index Name']} {node.get('Index Cond', '')}"]
            return [found for child in node.get("Plans", []) for found in indexes(child)]

        def walk(node: dict) -> None:
            if node.get("Relation Name") == "signature" and node["Node Type"] != "ModifyTable":
                reads.append(f"{node['Node Type']} {' + '.join(indexes(node)) or None}")
            for child in node.get("Plans", []):
                walk(child)

        walk(plan[0]["Plan"])
        return reads
    rows = connection.exec_driver_sql(
        "EXPLAIN QUERY PLAN " + str(compiled), tuple(values[name] for name in compiled.positiontup or ())
    )
    return [
        row[-1]
        for row in rows
        if row[-1].startswith(("SEARCH", "SCAN"))
        and " signature" in row[-1]
        or row[-1].startswith(("SEARCH taken", "SCAN taken"))
    ]


def test_signing_and_confirming_read_signatures_through_their_unique_keys(app, login_as, make_person, db):
    """Without statistics (a new database, a new petition), the planner could read every signature of the
    petition on each signature and each confirmation, through an index that holds the petition's id: the
    mailbox's places are read through (mailbox, petition, place) and a token found by its own unique index."""
    from casework.models.base import utcnow
    from casework.petitions import confirming, signing

    _staff, _person, petition = make_published(login_as, make_person, db)
    client = app.test_client()
    for i in range(12):
        assert (
            sign(client, name=f"Signer {i}", email=f"s{i}@example.org", ip=f"10.3.0.{i + 1}").status_code
            == 303
        )
    cap = signing.mailbox_places(app.config)
    with app.app_context(), sqlalchemy_db.engine.connect() as connection:
        postgresql = connection.dialect.name == "postgresql"
        inserting = signing._sign_and_mail(cap) if postgresql else signing._insert_signature("sqlite", cap)
        confirming_statement = confirming._CONFIRM_AT_SLUG if postgresql else confirming._CONFIRM
        params = {
            "petition_id": petition.id,
            "pid": petition.id,
            "email_hmac": "e" * 64,
            "digest": "d" * 64,
            "now": utcnow(),  # (a NULL would make the planner drop the read altogether)
        }
        plans = []
        for analyzed in (False, True):  # whatever the statistics say: none yet, then the table's own
            if analyzed:
                connection.exec_driver_sql("ANALYZE signature")
                connection.commit()
            places = _signature_reads(connection, inserting, params)
            token = _signature_reads(connection, confirming_statement, {**params, "address": petition.slug})
            plans.append((places, token))
    for places, token in plans:
        assert places and token
        if postgresql:
            assert all("uq_signature_email_hmac_petition_id_mailbox_slot" in read for read in places), places
            assert all("uq_signature_token_hash" in read for read in token), token
        else:
            assert all("(email_hmac=?" in read for read in places), places
            assert all("(token_hash=?)" in read for read in token), token


def test_a_mailbox_cap_out_of_range_is_refused_at_start(app):
    """PETITION_SIGNATURES_PER_EMAIL is one candidate place each in the signature's INSERT: 1 to 100."""
    from casework.petitions.signing import MOST_PLACES_PER_MAILBOX, mailbox_places

    assert mailbox_places({"PETITION_SIGNATURES_PER_EMAIL": 5}) == 5
    for wrong in (0, MOST_PLACES_PER_MAILBOX + 1, "5", True, 2.5):
        with pytest.raises(ValueError, match="PETITION_SIGNATURES_PER_EMAIL must be a whole number"):
            mailbox_places({"PETITION_SIGNATURES_PER_EMAIL": wrong})
    from casework import create_app

    with pytest.raises(ValueError, match="PETITION_SIGNATURES_PER_EMAIL"):
        create_app({**app.config, "PETITION_SIGNATURES_PER_EMAIL": 0})


def test_the_public_page_names_its_latest_signers_from_their_own_index(app, login_as, make_person, db):
    """The latest signers shown are read from ix_signature_shown (only the signatures the page may name, in its
    order), not by sorting every confirmed signature of the petition on each view."""
    from casework.petitions import signing

    _staff, _person, petition = make_published(login_as, make_person, db)
    with app.app_context(), sqlalchemy_db.engine.connect() as connection:
        before = _signature_reads(connection, signing.recent_signers_statement(petition.id), {})
        connection.exec_driver_sql("ANALYZE signature")
        connection.commit()
        after = _signature_reads(connection, signing.recent_signers_statement(petition.id), {})
    for reads in (before, after):
        assert reads and all("ix_signature_shown" in read for read in reads), reads

"""No ping per request: a pooled PostgreSQL connection is pinged only after it sat idle, and a dead idle one
is replaced without an error (what pool_pre_ping did on every checkout)."""

import time

import sqlalchemy as sa

from casework import outage
from casework.extensions import db as real_db
from tests.conftest import terminate_backend


def test_idle_connections_are_pinged_and_busy_ones_are_not(app):
    with app.app_context():
        engine = real_db.engine
        if engine.dialect.name == "sqlite":
            assert not sa.event.contains(engine, "checkout", outage._ping_if_idle)  # a file: nothing to ping
            return
        assert sa.event.contains(engine, "checkout", outage._ping_if_idle)
        engine.dispose()
        with engine.connect() as conn:
            pid = conn.scalar(sa.text("SELECT pg_backend_pid()"))
        terminate_backend(engine, pid)
        try:
            # Pretend the dead connection has been idle long enough: the checkout pings and replaces it.
            for record in list(engine.pool._pool.queue):  # type: ignore[attr-defined]
                record.info["checked_in_at"] = time.monotonic() - outage.PING_AFTER_IDLE_SECONDS - 1
            with engine.connect() as conn:
                assert conn.scalar(sa.text("SELECT pg_backend_pid()")) != pid
        finally:
            engine.dispose()

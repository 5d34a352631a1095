"""`locking.lock_within`: on PostgreSQL a lock on one name inside a row (one mailbox of one petition) makes a
second request for the same name wait until the first commits, and never holds up another name or the row."""

from __future__ import annotations

import threading
import time

import pytest

from tests.conftest import TEST_DB


def _hold(app, name: str, held: threading.Event, release: threading.Event, org_id: int) -> None:
    from casework.extensions import db
    from casework.locking import lock_within
    from casework.models import Organization

    with app.app_context():
        lock_within(Organization, org_id, name)
        held.set()
        release.wait(10)
        db.session.rollback()


def _seconds_to_lock(app, name: str, org_id: int, row_too: bool = False) -> float:
    from casework.extensions import db
    from casework.locking import lock_row, lock_within
    from casework.models import Organization

    with app.app_context():
        start = time.perf_counter()
        if row_too:
            lock_row(Organization, org_id)
        else:
            lock_within(Organization, org_id, name)
        seconds = time.perf_counter() - start
        db.session.rollback()
    return seconds


def test_a_name_waits_for_the_same_name_only(app, org):
    if TEST_DB != "postgresql":
        pytest.skip("SQLite has one writer at a time: lock_within is lock_row there (a PostgreSQL test)")
    held, release = threading.Event(), threading.Event()
    holder = threading.Thread(target=_hold, args=(app, "mailbox-a", held, release, org.id))
    holder.start()
    try:
        assert held.wait(10)
        assert _seconds_to_lock(app, "mailbox-b", org.id) < 0.5  # another mailbox goes on at once
        assert _seconds_to_lock(app, "", org.id, row_too=True) < 0.5  # the row itself is not held
        threading.Timer(0.8, release.set).start()
        assert _seconds_to_lock(app, "mailbox-a", org.id) >= 0.5  # the same mailbox waits for the commit
    finally:
        release.set()
        holder.join(10)

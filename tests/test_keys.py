"""Keys are never replaced silently: a signature key that stored data depends on is never regenerated, a
key that does not open the stored data is refused, and the app says which file to restore and how."""

from __future__ import annotations

import logging
import secrets
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import _instance_secret_key
from casework.extensions import db as _db
from casework.models import OutboxEmail
from casework.petitions import crypto
from tests import test_backup
from tests.conftest import text_of
from tests.test_backup import cli

empty_database_url = test_backup.empty_database_url  # the fixtures of tests/test_backup.py
make_app = test_backup.make_app

RESTORE = "flask --app casework restore"


def seal_an_outbox_address(application) -> Path:
    """Store a row sealed with the instance's signature key (written on this first use); returns the key file."""
    with application.app_context():
        _db.session.add(
            OutboxEmail(purpose="test", to_ct=crypto.encrypt("maya@example.org"), subject="Hi", body="Hello")
        )
        _db.session.commit()
    return Path(application.instance_path) / crypto.KEY_FILE


def test_a_key_is_written_while_nothing_depends_on_one(make_app, empty_database_url):
    application = make_app(empty_database_url)
    key_file = Path(application.instance_path) / crypto.KEY_FILE
    assert not key_file.exists()  # a fresh start (and `db upgrade`) writes no signature key
    assert cli(application, "check").output == "Everything is consistent.\n"
    assert not key_file.exists()  # nor does a check
    seal_an_outbox_address(application)
    assert key_file.exists() and oct(key_file.stat().st_mode & 0o777) == "0o600"


def test_a_missing_key_that_data_depends_on_is_never_replaced(make_app, empty_database_url, capfd):
    first = make_app(empty_database_url)
    key_file = seal_an_outbox_address(first)
    key_file.unlink()
    first.extensions.pop("petition_keys")  # as a new worker process would start
    with first.app_context(), pytest.raises(crypto.KeyUnavailable) as refused:
        crypto.keys()
    assert str(key_file) in str(refused.value) and RESTORE in str(refused.value)
    assert not key_file.exists()  # no new key written

    capfd.readouterr()
    restarted = make_app(empty_database_url, migrate=False)  # the instance folder lost its key
    logged = capfd.readouterr().err
    assert "refusing to serve" in logged and crypto.KEY_FILE in logged
    page = restarted.test_client().get("/login")
    assert page.status_code == 503
    assert "signature_key is missing while 1 stored signatures and e-mails depend on it" in text_of(page)
    assert RESTORE in text_of(page)
    check = cli(restarted, "check")
    assert check.exit_code == 1 and "signature key: " in check.output
    assert not (Path(restarted.instance_path) / crypto.KEY_FILE).exists()


def test_a_key_that_does_not_open_the_data_is_refused(make_app, empty_database_url):
    first = make_app(empty_database_url)
    original = seal_an_outbox_address(first).read_text()
    other = make_app(empty_database_url, migrate=False)
    (Path(other.instance_path) / crypto.KEY_FILE).write_text(secrets.token_hex(32))
    with other.app_context(), pytest.raises(crypto.KeyUnavailable, match="is not the key the stored"):
        crypto.keys()
    check = cli(other, "check")
    assert check.exit_code == 1 and "is not the key the stored signatures were sealed with" in check.output
    configured = make_app(empty_database_url, migrate=False, SIGNATURE_KEY=original)
    with configured.app_context():
        assert crypto.decrypt(_db.session.scalar(sa.select(OutboxEmail.to_ct))) == "maya@example.org"
    assert configured.test_client().get("/login").status_code == 200


def test_a_fresh_database_migrates_without_a_key(make_app, empty_database_url):
    application = make_app(empty_database_url, migrate=False)
    result = application.test_cli_runner().invoke(args=["db", "upgrade"])
    assert result.exit_code == 0, result.output
    assert not (Path(application.instance_path) / crypto.KEY_FILE).exists()
    assert application.test_client().get("/login").status_code == 200


def test_a_replaced_secret_key_is_logged_when_the_instance_was_used(tmp_path, caplog):
    with caplog.at_level(logging.WARNING):
        first = _instance_secret_key(tmp_path)  # a first start: nothing to say
    assert caplog.text == "" and _instance_secret_key(tmp_path) == first
    (tmp_path / "signature_key").write_text(secrets.token_hex(32))
    (tmp_path / "secret_key").unlink()
    with caplog.at_level(logging.WARNING):
        second = _instance_secret_key(tmp_path)
    assert second != first and "secret_key was missing and a new key was written" in caplog.text
    assert RESTORE in caplog.text


def test_many_first_uses_at_once_check_the_key_one_at_a_time(app, monkeypatch):
    """The first signatures after a start all need the key: one thread checks it (on a connection of its
    own), the others wait for its answer instead of each taking another connection from the pool."""
    import threading
    import time

    inside = 0
    most = 0
    guard = threading.Lock()
    real_sample = crypto._sample_sealed_value

    def slow_sample(application):
        nonlocal inside, most
        with guard:
            inside += 1
            most = max(most, inside)
        time.sleep(0.05)
        try:
            return real_sample(application)
        finally:
            with guard:
                inside -= 1

    monkeypatch.setattr(crypto, "_sample_sealed_value", slow_sample)
    monkeypatch.delitem(app.extensions, "petition_keys", raising=False)
    start = threading.Barrier(12)
    answers: list[object] = []

    def first_use():
        start.wait()
        answers.append(crypto.keys(app))

    threads = [threading.Thread(target=first_use) for _ in range(12)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(answers) == 12 and all(answer is answers[0] for answer in answers)
    assert most == 1

"""Throttling per account from any number of addresses, per /64 for IPv6, and shared limits across workers."""

from __future__ import annotations

import logging
from datetime import timedelta

import sqlalchemy as sa

from casework.extensions import client_network_key, warn_about_process_local_limits
from casework.models import AuditEvent, SignInFailure
from tests.conftest import PASSWORD, shows
from tests.mfa_helpers import subjects_to

TOO_MANY = "Too many attempts for this account; try again in"


def _attempt(new_browser, email: str, password: str, address: str):
    browser = new_browser()
    browser.client.environ_base["REMOTE_ADDR"] = address
    browser.get("/login")
    return browser, browser.post("/login", {"email": email, "password": password})


def _age_failures(db, seconds: int) -> None:
    """Move every recorded failure `seconds` into the past, as if the attacker had waited."""
    for failure in db.scalars(sa.select(SignInFailure)):
        db.execute(
            sa.update(SignInFailure)
            .where(SignInFailure.id == failure.id)
            .values(failed_at=failure.failed_at - timedelta(seconds=seconds))
        )


def test_failures_from_many_addresses_slow_the_account_down_and_the_right_password_works_after_the_wait(
    make_user, new_browser, db, app
):
    user = make_user("admin")
    free = app.config["ACCOUNT_FREE_FAILURES"]
    for n in range(free):
        _, response = _attempt(new_browser, user.email, "wrong password here", f"198.51.100.{n + 1}")
        assert shows(response, "do not match an active account")
    # From yet another address, even the right password is refused without being checked.
    _, waiting = _attempt(new_browser, user.email, PASSWORD, "203.0.113.7")
    assert waiting.status_code == 200 and shows(waiting, TOO_MANY)
    assert db.count(SignInFailure) == free, "a refused attempt is not counted: no lockout grows from it"
    assert db.count(AuditEvent, AuditEvent.action == "login.throttled") == 1

    _age_failures(db, 3)
    browser, signed_in = _attempt(new_browser, user.email, PASSWORD, "203.0.113.8")
    assert signed_in.status_code == 302
    assert browser.get("/people").status_code == 200
    assert db.count(SignInFailure) == 0, "a completed sign-in ends the burst"


def test_an_address_without_an_account_is_answered_like_one_with(make_user, new_browser, db, app):
    """The per-account delay never tells which addresses have an account: both are answered alike."""
    user = make_user("staff")
    free = app.config["ACCOUNT_FREE_FAILURES"]
    answers = {}
    for email in (user.email, "nobody-here@example.org"):
        for n in range(free):
            _attempt(new_browser, email, "wrong password here", f"198.51.100.{n + 1}")
        _, answer = _attempt(new_browser, email, "wrong password here", "203.0.113.9")
        answers[email] = answer
    assert all(shows(answer, TOO_MANY) for answer in answers.values())
    stored = db.scalars(sa.select(SignInFailure.account_key))
    assert stored and not any("@" in key for key in stored), "the table holds keyed hashes, never addresses"


def test_the_delay_grows_with_each_failure_beyond_the_free_ones(make_user, new_browser, db, app):
    user = make_user("staff")
    for n in range(app.config["ACCOUNT_FREE_FAILURES"]):
        _attempt(new_browser, user.email, "wrong password here", f"192.0.2.{n + 1}")
    _age_failures(db, 3)
    _, sixth = _attempt(new_browser, user.email, "wrong password here", "192.0.2.50")
    assert shows(sixth, "do not match")
    _, next_one = _attempt(new_browser, user.email, PASSWORD, "192.0.2.51")
    assert shows(next_one, TOO_MANY + " 4 seconds")


def test_a_burst_of_failures_tells_the_user_once(make_user, new_browser, db, app):
    user = make_user("staff")
    alert = app.config["ACCOUNT_ALERT_FAILURES"]
    for n in range(alert + 2):
        _age_failures(db, app.config["ACCOUNT_MAX_DELAY"] // 10)  # the attacker waits out each delay
        _attempt(new_browser, user.email, "wrong password here", f"10.{n}.0.1")
    assert subjects_to(app, user.email).count("Casework: failed sign-ins on your account") == 1


def test_ipv6_clients_are_limited_per_64(app):
    def key(address: str) -> str:
        with app.test_request_context(environ_base={"REMOTE_ADDR": address}):
            return client_network_key()

    assert key("2001:db8:1:2::1") == key("2001:db8:1:2:ffff:ffff:ffff:fffe") == "2001:db8:1:2::/64"
    assert key("2001:db8:1:3::1") != key("2001:db8:1:2::1")
    assert key("198.51.100.7") == "198.51.100.7" != key("198.51.100.8")
    assert key("::ffff:198.51.100.7") == "198.51.100.7"


def test_one_64_shares_the_sign_in_limit(app, new_browser, make_user):
    user = make_user("staff")
    app.config["LOGIN_RATE_LIMIT"] = "3 per minute"
    try:
        answers = [
            _attempt(new_browser, user.email, "wrong password here", f"2001:db8:5:6::{n + 1}")[1].status_code
            for n in range(4)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert answers == [200, 200, 200, 429]


def test_a_warning_at_start_when_several_workers_count_limits_in_memory(app, monkeypatch, caplog):
    monkeypatch.setenv("CASEWORK_WORKERS", "3")
    with caplog.at_level(logging.WARNING, logger="casework.ratelimit"):
        assert warn_about_process_local_limits(app)
    assert "Redis is required" in caplog.text
    monkeypatch.setenv("CASEWORK_WORKERS", "1")
    monkeypatch.delenv("WEB_CONCURRENCY", raising=False)
    assert not warn_about_process_local_limits(app)
    monkeypatch.setenv("WEB_CONCURRENCY", "4")
    monkeypatch.delenv("CASEWORK_WORKERS")
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "redis://127.0.0.1:6379")
    assert not warn_about_process_local_limits(app)
    monkeypatch.setitem(app.config, "RATELIMIT_STORAGE_URI", "memory://")
    assert warn_about_process_local_limits(app)

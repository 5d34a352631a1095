"""Self-service password reset: the whole flow over HTTP, single use, expiry, unknown addresses answered
alike, throttling, every session ended, a notice sent, tokens stored hashed and kept out of logs."""

from __future__ import annotations

import logging
import re
import time
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa

from casework.models import AuditEvent, OutboxEmail, PasswordResetToken
from casework.petitions import crypto
from tests.conftest import PASSWORD, shows, text_of

NEW_PASSWORD = "lantern orchard pebble violin"
LINK = re.compile(r"http://localhost:5000(/account/reset/([A-Za-z0-9_\-]+))")


def mails(db) -> list[tuple[str, str, str, str]]:
    """(purpose, recipient, subject, body) of every queued e-mail, oldest first."""
    rows = db.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
    with db.app.app_context():
        return [(r.purpose, crypto.decrypt(r.to_ct), r.subject, r.body) for r in rows]


def ask(browser, email: str, ip: str = "198.51.100.7"):
    """Ask for a reset link from a client address."""
    browser.get("/account/reset")
    return browser.post("/account/reset", {"email": email}, environ_base={"REMOTE_ADDR": ip})


def reset_link(db) -> str:
    """The path of the newest reset link in the outbox."""
    bodies = [body for purpose, _to, _subject, body in mails(db) if purpose == "password_reset"]
    return LINK.search(bodies[-1]).group(1)


def test_the_whole_reset_flow(make_user, login_as, new_browser, db, app, caplog):
    user = make_user("staff", email="rey.ortiz@example.org")
    elsewhere = login_as(user)  # a session on another device, ended by the reset
    assert elsewhere.get("/people").status_code == 200
    visitor = new_browser()
    assert 'href="/account/reset"' in text_of(visitor.get("/login"))  # linked from the sign-in page
    response = ask(visitor, "Rey.Ortiz@example.org ")
    assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert shows(visitor.get("/login"), "a link to choose a new password is on its way")
    [(purpose, to, subject, body)] = mails(db)
    assert (purpose, to, subject) == (
        "password_reset",
        "rey.ortiz@example.org",
        "Choose a new Casework password",
    )
    assert "30 minutes" in body
    path = reset_link(db)
    token = path.rsplit("/", 1)[1]
    stored = db.scalar(sa.select(PasswordResetToken))
    assert stored.token_hash != token and len(stored.token_hash) == 64 and stored.used_at is None

    assert shows(visitor.get(path), "Choose a new password")
    done = visitor.post(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert done.status_code == 302 and done.headers["Location"] == "/login"
    assert shows(visitor.get("/login"), "Your password is changed")
    # the link signs nobody in: the password (and a second factor, when enrolled) is asked for at sign-in
    assert visitor.get("/people").headers["Location"].startswith("/login")

    replayed = elsewhere.get("/people")  # every session was ended: the old cookie is worthless
    assert replayed.status_code == 302 and replayed.headers["Location"].startswith("/login")
    assert new_browser().post("/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    new_browser().login(user.email, NEW_PASSWORD)
    notice = mails(db)[-1]
    assert notice[:3] == ("security_notice", "rey.ortiz@example.org", "Casework: password changed")
    assert "through a reset link" in notice[3]
    actions = db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id))
    assert "password.reset_requested" in actions and "password.reset_by_email" in actions

    # the link is dead now, for a look and for a second use
    assert visitor.get(path).status_code == 410
    again = visitor.post(
        path, {"new_password": "another fine long phrase", "confirm": "another fine long phrase"}
    )
    assert again.status_code == 410 and shows(again, "This link no longer works")
    new_browser().login(user.email, NEW_PASSWORD)

    caplog.set_level(logging.INFO)
    logging.getLogger("werkzeug").info('127.0.0.1 - - "GET %s HTTP/1.1" 200 -', path)
    assert token not in caplog.text and "/account/reset/[redacted]" in caplog.text


def test_unknown_and_deactivated_addresses_get_the_same_answer(make_user, new_browser, db):
    make_user("staff", email="known@example.org")
    make_user("staff", email="gone@example.org", active=False)
    answers = []
    for email in ("known@example.org", "nobody@example.org", "gone@example.org"):
        visitor = new_browser()
        response = ask(visitor, email)
        page = text_of(visitor.get("/login"))
        flash = re.search(r'<p class="flash[^"]*">(.*?)</p>', page, re.S).group(1)
        answers.append((response.status_code, response.headers["Location"], flash))
    assert answers[0] == answers[1] == answers[2]
    assert [to for _p, to, _s, _b in mails(db)] == ["known@example.org"]
    assert db.count(PasswordResetToken) == 1


def test_an_expired_link_is_refused(make_user, browser, db):
    user = make_user("staff")
    ask(browser, user.email)
    path = reset_link(db)
    db.execute(sa.update(PasswordResetToken).values(expires_at=datetime.now(UTC) - timedelta(seconds=1)))
    assert browser.get(path).status_code == 410
    response = browser.post(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD})
    assert response.status_code == 410
    new_browser_login_still_works = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert new_browser_login_still_works.status_code == 302


def test_a_weak_password_is_refused_and_the_link_still_works(make_user, browser, db):
    user = make_user("staff")
    ask(browser, user.email)
    path = reset_link(db)
    browser.get(path)
    weak = browser.post(path, {"new_password": "password1234", "confirm": "password1234"})
    assert weak.status_code == 200 and shows(weak, "too common")
    assert db.scalar(sa.select(PasswordResetToken)).used_at is None
    assert browser.post(path, {"new_password": NEW_PASSWORD, "confirm": NEW_PASSWORD}).status_code == 302


def test_bad_tokens_and_a_newer_link(make_user, browser, db):
    user = make_user("staff")
    ask(browser, user.email)
    first = reset_link(db)
    ask(browser, user.email, ip="198.51.100.8")
    second = reset_link(db)
    assert first != second
    assert browser.get(first).status_code == 410  # only the newest link works
    assert browser.get(second).status_code == 200
    for path in ("/account/reset/x", "/account/reset/" + "a" * 500, "/account/reset/%27"):
        assert browser.get(path).status_code == 410
    assert browser.get("/account/reset/%00").status_code == 400  # a control character is refused at the edge


def test_requests_are_throttled_per_email_and_per_address(make_user, new_browser, db):
    user = make_user("staff")
    for n in range(5):  # from five addresses: only the first three get an e-mail; every answer is the same
        response = ask(new_browser(), user.email, ip=f"203.0.113.{n + 1}")
        assert response.status_code == 302 and response.headers["Location"] == "/login"
    assert len(mails(db)) == 3
    visitor = new_browser()
    codes = [ask(visitor, f"someone{n}@example.org", ip="192.0.2.50").status_code for n in range(6)]
    assert codes == [302] * 5 + [429]


def test_known_and_unknown_addresses_take_similar_time(make_user, new_browser, app, monkeypatch):
    monkeypatch.setitem(app.config, "PASSWORD_RESET_EMAIL_LIMIT", "1000 per hour")
    monkeypatch.setitem(app.config, "PASSWORD_RESET_RATE_LIMIT", "1000 per hour")
    user = make_user("staff")
    visitor = new_browser()
    visitor.get("/account/reset")

    def median_seconds(email: str) -> float:
        times = []
        for _ in range(7):
            started = time.perf_counter()
            visitor.post("/account/reset", {"email": email})
            times.append(time.perf_counter() - started)
        return sorted(times)[3]

    known, unknown = median_seconds(user.email), median_seconds("nobody@example.org")
    # No password hashing either way; the only extra work for an account is a few rows in the same commit.
    assert abs(known - unknown) < 0.1, (known, unknown)


def test_a_long_passphrase_is_accepted(make_user, browser, db):
    user = make_user("staff")
    ask(browser, user.email)
    path = reset_link(db)
    browser.get(path)
    passphrase = "the river bends twice before the old mill and the heron waits by the third stone, unhurried"
    assert len(passphrase) > 64
    assert browser.post(path, {"new_password": passphrase, "confirm": passphrase}).status_code == 302
    browser.login(user.email, passphrase)

"""Anonymous visitors write no session row: their CSRF token travels in a signed cookie until they sign in."""

import sqlalchemy as sa
from itsdangerous import URLSafeTimedSerializer

from casework.models import WebSession
from casework.sessions import ANONYMOUS_SALT, _hash, _serializer
from tests.conftest import PASSWORD, Browser, csrf_token_from, text_of


def test_two_hundred_anonymous_visits_write_no_row(app, browser, db):
    for _ in range(100):
        assert browser.get("/login").status_code == 200  # one browser coming back
    for _ in range(100):
        assert app.test_client().get("/login").status_code == 200  # a new visitor each time
    assert app.test_client().get("/people").status_code == 302
    assert db.count(WebSession) == 0


def test_the_anonymous_cookie_is_signed_strict_and_httponly(browser):
    response = browser.get("/login")
    cookie = response.headers["Set-Cookie"]
    assert cookie.startswith("casework_session=")
    assert "HttpOnly" in cookie and "SameSite=Strict" in cookie
    assert "Expires" not in cookie  # gone when the browser closes
    token = csrf_token_from(text_of(response))
    assert token not in cookie


def test_the_login_form_still_needs_its_csrf_token(browser, make_user, db):
    user = make_user("staff")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400
    response = browser.post("/login", {"email": user.email, "password": PASSWORD, "csrf_token": "forged"})
    assert response.status_code == 400
    assert db.count(WebSession) == 0
    assert browser.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    assert db.count(WebSession) == 1


def test_a_token_from_another_visitors_page_is_refused(app, make_user):
    user = make_user("staff")
    attacker = Browser(app.test_client())
    attacker.get("/login")
    victim = Browser(app.test_client())
    victim.get("/login")
    response = victim.post(
        "/login", {"email": user.email, "password": PASSWORD, "csrf_token": attacker.token}, csrf=False
    )
    assert response.status_code == 400


def test_a_tampered_or_foreign_cookie_is_ignored(app, make_user):
    user = make_user("staff")
    browser = Browser(app.test_client())
    browser.get("/login")
    value = browser.client.get_cookie("casework_session").value
    browser.client.set_cookie("casework_session", value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert browser.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 400
    forged = URLSafeTimedSerializer("not the key", salt=ANONYMOUS_SALT, serializer=_serializer)
    browser.client.set_cookie("casework_session", forged.dumps({"csrf_token": "x"}))
    assert browser.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 400


def test_a_signed_cookie_never_signs_anyone_in(app, make_user):
    user = make_user("staff")
    signer = URLSafeTimedSerializer(
        app.secret_key, salt=ANONYMOUS_SALT, serializer=_serializer, signer_kwargs={"key_derivation": "hmac"}
    )
    client = app.test_client()
    client.set_cookie("casework_session", signer.dumps({"_user_id": str(user.id), "_fresh": True}))
    response = client.get("/people")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_sign_in_moves_to_a_fresh_server_side_token(browser, make_user, db):
    user = make_user("staff")
    browser.get("/login")
    anonymous = browser.client.get_cookie("casework_session").value
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    assert response.status_code == 302 and "SameSite=Lax" in response.headers["Set-Cookie"]
    token = browser.client.get_cookie("casework_session").value
    assert token != anonymous and "." not in token
    (row,) = db.scalars(sa.select(WebSession))
    assert row.token_hash == _hash(token) and row.user_id == user.id
    assert browser.get("/people").status_code == 200


def test_signing_out_deletes_the_row_and_leaves_only_a_signed_cookie(browser, make_user, db):
    user = make_user("staff")
    browser.login(user.email)
    browser.get("/people")
    response = browser.post("/logout")
    assert response.status_code == 302
    assert db.count(WebSession) == 0
    assert "." in browser.client.get_cookie("casework_session").value
    page = browser.get("/login")
    assert "You are signed out." in text_of(page)
    assert db.count(WebSession) == 0


def test_an_empty_row_left_from_before_is_deleted_on_the_next_visit(app, browser, db):
    from datetime import timedelta

    from casework.models.base import utcnow

    db.add(
        WebSession(
            token_hash=_hash("old-anonymous-token"),
            user_id=None,
            data="{}",
            expires_at=utcnow() + timedelta(hours=1),
        )
    )
    client = app.test_client()
    client.set_cookie("casework_session", "old-anonymous-token")
    assert client.get("/login").status_code == 200
    assert db.count(WebSession) == 0
    assert "." in client.get_cookie("casework_session").value


def _saved(app, session) -> str:
    """Save `session` as the end of a request would; the cookie's value."""
    from flask import Response

    response = Response()
    app.session_interface.save_session(app, session, response)
    cookie = response.headers["Set-Cookie"]
    return cookie.split(";")[0].split("=", 1)[1]


def test_a_sign_in_waiting_for_its_code_is_kept_on_the_server(app, db):
    """Anything beyond a form token and flash messages (a sign-in between its password and its code) gets a
    row, which ending the session deletes; the signed cookie never carries it."""
    from casework.sessions import ServerSession

    with app.test_request_context("/login/code", method="POST"):
        pending = ServerSession({"csrf_token": "t"})
        pending.regenerate()
        pending["mfa_pending"] = {"user_id": 1, "until": 0, "next": ""}
        token = _saved(app, pending)
    assert "." not in token
    (row,) = db.scalars(sa.select(WebSession))
    assert row.user_id is None and row.token_hash == _hash(token)
    with app.test_request_context("/login/code", headers={"Cookie": f"casework_session={token}"}):
        from flask import request

        reopened = app.session_interface.open_session(app, request)
        assert reopened["mfa_pending"]["user_id"] == 1

    signer = URLSafeTimedSerializer(
        app.secret_key, salt=ANONYMOUS_SALT, serializer=_serializer, signer_kwargs={"key_derivation": "hmac"}
    )
    forged = signer.dumps({"csrf_token": "t", "mfa_pending": {"user_id": 1}})
    with app.test_request_context("/login/code", headers={"Cookie": f"casework_session={forged}"}):
        from flask import request

        assert "mfa_pending" not in app.session_interface.open_session(app, request)


def test_a_csrf_token_from_before_the_sign_in_is_refused_after_it(browser, make_user):
    """A planted pre-sign-in cookie teaches an attacker nothing: signing in renews the CSRF secret."""
    user = make_user("staff")
    browser.get("/login")
    before = browser.token
    assert browser.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 302
    refused = browser.post("/logout", {"csrf_token": before})
    assert refused.status_code == 400
    page = browser.get("/people")
    assert page.status_code == 200 and browser.token != before
    assert browser.post("/logout").status_code == 302

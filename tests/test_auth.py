"""Sign-in, sign-out, sessions, CSRF, passwords and security headers."""

import sqlalchemy as sa

from casework.models import AuditEvent, Person, WebSession
from tests.conftest import PASSWORD, text_of


def _events(db, action):
    return db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action))


def test_login_success_is_audited_and_lands_home(browser, make_user, db):
    user = make_user("staff")
    response = browser.login(user.email)
    assert response.headers["Location"] == "/"
    events = _events(db, "login.succeeded")
    assert [(e.actor_id, e.org_id) for e in events] == [(user.id, user.org_id)]


def test_login_failure_is_audited_with_a_clear_message(browser, make_user, db):
    user = make_user("staff")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": "wrong password here"})
    assert response.status_code == 200
    assert "do not match an active account" in text_of(response)
    browser.post("/login", {"email": "nobody@example.org", "password": "wrong password here"})
    failed = _events(db, "login.failed")
    assert sorted(e.detail for e in failed) == ["unknown e-mail", "wrong password"]
    # the audit keeps no typed value: neither password nor unknown address
    assert all("nobody" not in (e.detail or "") and "wrong" not in (e.fields or "") for e in failed)


def test_email_is_case_insensitive(browser, make_user):
    make_user("staff", email="mixed@example.org")
    browser.get("/login")
    response = browser.post("/login", {"email": "  MIXED@Example.org ", "password": PASSWORD})
    assert response.status_code == 302


def test_pages_need_a_signed_in_user(browser):
    response = browser.get("/people")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/login?next=")


def test_logout_ends_the_session_on_the_server(app, login_as, db):
    staff = login_as("staff")
    cookie = staff.client.get_cookie("casework_session").value
    assert staff.get("/people").status_code == 200
    response = staff.post("/logout")
    assert response.status_code == 302
    assert len(_events(db, "logout")) == 1

    # an attacker who copied the cookie before logout replays it
    replay = app.test_client()
    replay.set_cookie("casework_session", cookie)
    response = replay.get("/people")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert db.count(WebSession, WebSession.user_id.is_not(None)) == 0


def test_login_rotates_the_session_token(browser, make_user):
    user = make_user("staff")
    browser.get("/login")
    before = browser.client.get_cookie("casework_session").value
    browser.post("/login", {"email": user.email, "password": PASSWORD})
    after = browser.client.get_cookie("casework_session").value
    assert before != after


def test_post_without_csrf_token_is_refused(login_as, db):
    staff = login_as("staff")
    response = staff.post(
        "/people/new", {"legal_name": "No Token", "case_status": "intake", "version": "0"}, csrf=False
    )
    assert response.status_code == 400
    assert "security token" in text_of(response)
    assert db.count(Person) == 0


def test_login_form_also_needs_csrf(browser, make_user):
    user = make_user("staff")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD}, csrf=False)
    assert response.status_code == 400


def test_safe_next_only(browser, make_user):
    user = make_user("staff")
    for target, expected in [
        ("/people/5", "/people/5"),
        ("https://evil.example/", "/"),
        ("//evil.example", "/"),
        ("/\\evil.example", "/"),
        ("javascript:alert(1)", "/"),
    ]:
        b = browser.__class__(browser.client.application.test_client())
        b.get("/login")
        response = b.post(
            "/login", {"email": user.email, "password": PASSWORD}, query_string={"next": target}
        )
        assert response.headers["Location"] == expected, target


def test_deactivated_user_cannot_sign_in_and_is_signed_out(login_as, make_user, db, app):
    user = make_user("staff")
    b = login_as(user)
    admin = login_as("admin")
    response = admin.post(
        f"/admin/users/{user.id}", {"name": user.name, "role": "staff", "version": user.version}
    )
    assert response.status_code == 302
    assert b.get("/people").status_code == 302  # the open session ended at once
    again = b.__class__(app.test_client())
    again.get("/login")
    assert again.post("/login", {"email": user.email, "password": PASSWORD}).status_code == 200
    assert [e.detail for e in _events(db, "login.failed")] == ["deactivated account"]


def test_session_cookie_flags(browser, make_user):
    user = make_user("staff")
    browser.get("/login")
    response = browser.post("/login", {"email": user.email, "password": PASSWORD})
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie and "Secure" not in cookie
    secure = browser.client.application.test_client()
    r = secure.get("/login", base_url="https://localhost")
    assert "Secure" in r.headers["Set-Cookie"]


def test_security_headers_on_every_response(login_as, browser):
    for response in (browser.get("/login"), login_as("staff").get("/people"), browser.get("/nope")):
        h = response.headers
        assert "script-src 'self'" in h["Content-Security-Policy"]
        assert "frame-ancestors 'none'" in h["Content-Security-Policy"]
        assert "unsafe-inline" not in h["Content-Security-Policy"]
        assert h["X-Content-Type-Options"] == "nosniff"
        assert h["Referrer-Policy"] == "same-origin"
        assert h["Cache-Control"] == "no-store"


def test_no_inline_script_and_no_third_party_asset(login_as):
    staff = login_as("staff")
    for url in ("/people", "/people/new", "/account/password"):
        html = text_of(staff.get(url))
        assert "<script" not in html
        assert "http://" not in html and "https://" not in html
        assert " style=" not in html and "onclick" not in html


def test_change_own_password(login_as, app, db):
    staff = login_as("staff")
    other_device = staff.__class__(app.test_client())
    other_device.login(staff.user.email)
    r = staff.post(
        "/account/password", {"current_password": "not it at all", "new_password": "x", "confirm": "x"}
    )
    assert "That is not your current password." in text_of(r)
    r = staff.post(
        "/account/password", {"current_password": PASSWORD, "new_password": "short", "confirm": "short"}
    )
    assert "Use at least 12 characters" in text_of(r)
    r = staff.post(
        "/account/password",
        {"current_password": PASSWORD, "new_password": "password1234", "confirm": "password1234"},
    )
    assert "too common" in text_of(r)
    r = staff.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "lantern orchid quarry",
            "confirm": "lantern orchid quarrx",
        },
    )
    assert "Type the same new password twice." in text_of(r)
    r = staff.post(
        "/account/password",
        {
            "current_password": PASSWORD,
            "new_password": "lantern orchid quarry",
            "confirm": "lantern orchid quarry",
        },
    )
    assert r.status_code == 302
    assert staff.get("/people").status_code == 200  # this session stays
    assert other_device.get("/people").status_code == 302  # the others end
    fresh = staff.__class__(app.test_client())
    fresh.get("/login")
    assert (
        fresh.post("/login", {"email": staff.user.email, "password": "lantern orchid quarry"}).status_code
        == 302
    )
    assert len(_events(db, "password.changed")) == 1


def test_passwords_are_argon2id(make_user, db, app):
    from casework.accounts import operations

    admin = make_user("admin")
    with app.test_request_context():
        user = operations.create_user(
            admin,
            admin.organization,
            email="new@example.org",
            role="staff",
            password="a sufficiently long phrase",
        )
        assert user.password_hash.startswith("$argon2id$")


def test_login_is_rate_limited(app, make_user):
    from tests.conftest import Browser

    user = make_user("staff")
    app.config["LOGIN_RATE_LIMIT"] = "10 per minute"
    try:
        b = Browser(app.test_client())
        b.get("/login")
        codes = [
            b.post("/login", {"email": user.email, "password": "wrong wrong wrong"}).status_code
            for _ in range(12)
        ]
    finally:
        app.config["LOGIN_RATE_LIMIT"] = "1000 per minute"
    assert codes[:10] == [200] * 10
    assert codes[-1] == 429

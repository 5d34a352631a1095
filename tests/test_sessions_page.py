"""Sessions the user controls: the list, ending one or all others, an admin ending a user's, and timeouts."""

from datetime import timedelta

import pytest
import sqlalchemy as sa

from casework.clients import client_network, describe_client
from casework.models import AuditEvent, WebSession
from casework.models.base import utcnow
from casework.sessions import duration
from tests.conftest import Browser, text_of
from tests.test_fresh_proof import confirm_target, make_proof_stale

FIREFOX_LINUX = "Mozilla/5.0 (X11; Linux x86_64; rv:128.0) Gecko/20100101 Firefox/128.0"
SAFARI_IPHONE = (
    "Mozilla/5.0 (iPhone; CPU iPhone OS 17_5 like Mac OS X) AppleWebKit/605.1.15 "
    "(KHTML, like Gecko) Version/17.5 Mobile/15E148 Safari/604.1"
)


def sign_in(app, user, user_agent=FIREFOX_LINUX, address="127.0.0.1") -> Browser:
    """Another browser of `user`, signed in from `address` with `user_agent`."""
    client = app.test_client()
    client.environ_base.update({"HTTP_USER_AGENT": user_agent, "REMOTE_ADDR": address})
    browser = Browser(client)
    browser.login(user.email)
    return browser


def cookie_of(browser) -> str:
    return browser.client.get_cookie("casework_session").value


def replayed(app, cookie: str):
    """A request from somewhere else carrying a copied session cookie."""
    client = app.test_client()
    client.set_cookie("casework_session", cookie)
    return client.get("/people")


def _rows(db, user):
    return db.scalars(sa.select(WebSession).where(WebSession.user_id == user.id))


def test_the_page_lists_the_users_sessions_roughly(app, make_user, make_org):
    user = make_user("staff")
    laptop = sign_in(app, user, FIREFOX_LINUX, "203.0.113.77")
    sign_in(app, user, SAFARI_IPHONE, "2001:db8:1234:5678::9")
    sign_in(app, make_user("staff"), SAFARI_IPHONE, "198.51.100.4")  # someone else's: not listed
    html = text_of(laptop.get("/account/sessions"))
    assert "Firefox on Linux" in html and "Safari on iOS" in html
    assert "203.0.113.0/24" in html and "2001:db8:1234::/48" in html
    assert "203.0.113.77" not in html and "5678" not in html and "198.51.100" not in html
    assert html.count("This session") == 1
    assert html.count("End this session") == 1


def test_ending_another_session_makes_its_cookie_worthless(app, make_user, db):
    user = make_user("staff")
    laptop = sign_in(app, user)
    stolen = sign_in(app, user, SAFARI_IPHONE)
    cookie = cookie_of(stolen)
    assert replayed(app, cookie).status_code == 200
    other = next(r for r in _rows(db, user) if r.client == "Safari on iOS")
    response = laptop.post(f"/account/sessions/{other.token_hash}/end")
    assert response.status_code == 302
    response = replayed(app, cookie)
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")
    assert stolen.get("/people").status_code == 302
    assert laptop.get("/people").status_code == 200
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "session.ended"))
    assert [(e.actor_id, e.object_id) for e in events] == [(user.id, user.id)]


def test_ending_needs_the_csrf_token(app, make_user, db):
    user = make_user("staff")
    laptop = sign_in(app, user)
    sign_in(app, user, SAFARI_IPHONE)
    other = next(r for r in _rows(db, user) if r.client == "Safari on iOS")
    response = laptop.post(f"/account/sessions/{other.token_hash}/end", csrf=False)
    assert response.status_code == 400
    assert len(_rows(db, user)) == 2


def test_nobody_ends_someone_elses_session(app, make_user, db):
    user, victim = make_user("staff"), make_user("staff")
    attacker = sign_in(app, user)
    sign_in(app, victim)
    (row,) = _rows(db, victim)
    response = attacker.post(f"/account/sessions/{row.token_hash}/end")
    assert response.status_code == 302
    assert "That session had already ended." in text_of(attacker.get("/account/sessions"))
    assert len(_rows(db, victim)) == 1


def test_this_session_is_ended_by_signing_out(app, make_user, db):
    user = make_user("staff")
    laptop = sign_in(app, user)
    (row,) = _rows(db, user)
    laptop.post(f"/account/sessions/{row.token_hash}/end")
    assert "sign out to end it" in text_of(laptop.get("/account/sessions"))
    assert laptop.get("/people").status_code == 200


def test_ending_all_other_sessions_asks_first(app, make_user, db):
    user = make_user("staff")
    laptop = sign_in(app, user)
    others = [sign_in(app, user, SAFARI_IPHONE) for _ in range(3)]
    page = laptop.get("/account/sessions/end-others")
    assert page.status_code == 200 and "End all your other sessions?" in text_of(page)
    assert len(_rows(db, user)) == 4  # the page alone ends nothing
    assert laptop.post("/account/sessions/end-others").status_code == 302
    assert len(_rows(db, user)) == 1
    assert all(b.get("/people").status_code == 302 for b in others)
    assert laptop.get("/people").status_code == 200
    (event,) = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "session.ended_others"))
    assert event.detail == "3 ended"


def test_an_admin_ends_every_session_of_a_user(app, make_user, login_as, db):
    user = make_user("staff")
    devices = [sign_in(app, user), sign_in(app, user, SAFARI_IPHONE)]
    admin = login_as("admin")
    page = admin.get(f"/admin/users/{user.id}")
    assert "End all sessions" in text_of(page)
    response = admin.post(f"/admin/users/{user.id}/sessions/end")
    assert response.status_code == 302
    assert "2 sessions of" in text_of(admin.get(f"/admin/users/{user.id}"))
    assert all(d.get("/people").status_code == 302 for d in devices)
    assert admin.get("/people").status_code == 200
    (event,) = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "session.ended_by_admin"))
    assert (event.actor_id, event.object_id, event.detail) == (admin.user.id, user.id, "2 ended")


def test_an_admin_ending_sessions_needs_a_fresh_proof(app, make_user, login_as, db):
    user = make_user("staff")
    device = sign_in(app, user)
    admin = login_as("admin")
    make_proof_stale(db, admin.user)
    confirm_target(admin.post(f"/admin/users/{user.id}/sessions/end"))
    assert device.get("/people").status_code == 200


def test_an_admin_of_another_organization_cannot(app, make_user, make_org, login_as, db):
    user = make_user("staff")
    device = sign_in(app, user)
    stranger = login_as(make_user("admin", org=make_org()))
    assert stranger.post(f"/admin/users/{user.id}/sessions/end").status_code == 404
    assert device.get("/people").status_code == 200


@pytest.mark.parametrize(("idle_minutes", "alive"), [(29, True), (31, False)])
def test_idle_timeout(app, make_user, db, idle_minutes, alive):
    user = make_user("staff")
    laptop = sign_in(app, user)
    db.execute(sa.update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=idle_minutes)))
    assert laptop.get("/people").status_code == (200 if alive else 302)
    assert len(_rows(db, user)) == (1 if alive else 0)


def test_idle_timeout_is_configurable_in_seconds(app, make_user, db):
    user = make_user("staff")
    laptop = sign_in(app, user)
    db.execute(sa.update(WebSession).values(last_seen_at=utcnow() - timedelta(minutes=6)))
    app.config["SESSION_IDLE_TIMEOUT"] = 300  # as CASEWORK_SESSION_IDLE_TIMEOUT=300 gives it
    try:
        assert laptop.get("/people").status_code == 302
    finally:
        app.config["SESSION_IDLE_TIMEOUT"] = timedelta(minutes=30)


@pytest.mark.parametrize(("hours", "alive"), [(11.9, True), (12.1, False)])
def test_absolute_timeout_counts_from_the_sign_in(app, make_user, db, hours, alive):
    user = make_user("staff")
    laptop = sign_in(app, user)
    # a session kept busy all along, whose row was written again lately: only the sign-in counts
    db.execute(
        sa.update(WebSession).values(
            signed_in_at=utcnow() - timedelta(hours=hours),
            created_at=utcnow() - timedelta(minutes=5),
            expires_at=utcnow() + timedelta(hours=11),
        )
    )
    assert laptop.get("/people").status_code == (200 if alive else 302)


def test_a_new_sign_in_starts_a_new_lifetime(app, make_user, db):
    user = make_user("staff")
    sign_in(app, user)
    (row,) = _rows(db, user)
    assert row.signed_in_at is not None and row.proved_at is not None
    assert row.expires_at - row.signed_in_at == timedelta(hours=12)


def test_rough_descriptions():
    assert describe_client(FIREFOX_LINUX) == "Firefox on Linux"
    assert describe_client(SAFARI_IPHONE) == "Safari on iOS"
    edge = (
        "Mozilla/5.0 (Windows NT 10.0; Win64; x64) AppleWebKit/537.36 (KHTML, like Gecko) "
        "Chrome/126.0 Safari/537.36 Edg/126.0"
    )
    assert describe_client(edge) == "Edge on Windows"
    chrome_android = "Mozilla/5.0 (Linux; Android 14) AppleWebKit/537.36 Chrome/126.0 Mobile Safari/537.36"
    assert describe_client(chrome_android) == "Chrome on Android"
    assert describe_client("") == "Another browser on an unknown system"
    assert client_network("192.0.2.200") == "192.0.2.0/24"
    assert client_network("::ffff:192.0.2.200") == "192.0.2.0/24"
    assert client_network("2001:db8:aa:bb::1") == "2001:db8:aa::/48"
    assert client_network("not an address") == ""
    assert duration(90) == timedelta(seconds=90) and duration(timedelta(hours=1)) == timedelta(hours=1)


def test_pruning_deletes_idle_and_expired_rows(app, make_user, db):
    user = make_user("staff")
    sign_in(app, user)
    sign_in(app, user, SAFARI_IPHONE)
    sign_in(app, user, SAFARI_IPHONE, "192.0.2.1")
    rows = sorted(_rows(db, user), key=lambda r: r.network + r.client)
    idle, expired, alive = (r.token_hash for r in rows)
    db.execute(
        sa.update(WebSession)
        .where(WebSession.token_hash == idle)
        .values(last_seen_at=utcnow() - timedelta(minutes=31))
    )
    db.execute(
        sa.update(WebSession)
        .where(WebSession.token_hash == expired)
        .values(expires_at=utcnow() - timedelta(minutes=1))
    )
    result = app.test_cli_runner().invoke(args=["prune-sessions"])
    assert result.exit_code == 0, result.output
    assert [r.token_hash for r in _rows(db, user)] == [alive]


def test_the_command_line_signs_every_user_out_after_asking(app, login_as, make_user, db):
    staff = login_as("staff")
    admin = login_as("admin")
    runner = app.test_cli_runner()
    asked = runner.invoke(args=["end-all-sessions"], input="n\n")
    assert asked.exit_code != 0 and staff.get("/people").status_code == 200  # nothing happened
    done = runner.invoke(args=["end-all-sessions", "--yes"])
    assert done.exit_code == 0, done.output
    for browser in (staff, admin):
        assert browser.get("/people").headers["Location"].startswith("/login")
    assert db.count(WebSession, WebSession.user_id.is_not(None)) == 0
    assert db.count(AuditEvent, AuditEvent.action == "session.ended_for_everyone") == 1


def test_a_form_posted_from_an_ended_session_asks_to_sign_in_again(app, make_user, login_as, db):
    staff = login_as("staff")
    other = Browser(app.test_client())
    other.login(staff.user.email)
    staff.get("/account/sessions/end-others")
    assert staff.post("/account/sessions/end-others").status_code == 302
    answer = other.post("/logout")  # its page was open; its session was ended meanwhile
    assert answer.status_code == 302 and answer.headers["Location"].startswith("/login")
    assert "Your session has ended" in text_of(other.get("/login"))

"""The second factor: setting it up at /account/mfa, the code step of signing in, recovery codes."""

from __future__ import annotations

import sqlalchemy as sa

from casework.models import AuditEvent, RecoveryCode, TotpFactor
from tests.conftest import PASSWORD, shows, text_of
from tests.mfa_helpers import SECRET_RE, code_at, enrol, subjects_to


def _password_step(browser, email: str):
    browser.get("/login")
    response = browser.post("/login", {"email": email, "password": PASSWORD})
    if response.status_code == 302:  # as a browser does: the code page carries the new CSRF token
        browser.get(response.headers["Location"], follow_redirects=True)
    return response


def test_setup_page_shows_the_secret_as_base32_text_a_drawn_qr_code_and_a_code_field(login_as):
    staff = login_as("staff")
    page = text_of(staff.get("/account/mfa"))
    assert SECRET_RE.search(page), "the secret is shown as base32 text"
    assert 'name="code"' in page
    assert "<svg" in page and "<script" not in page  # the QR code is drawn on the server


def test_the_secret_offered_stays_the_same_until_it_is_confirmed(login_as):
    staff = login_as("staff")
    first = SECRET_RE.search(text_of(staff.get("/account/mfa"))).group(1)
    again = SECRET_RE.search(text_of(staff.get("/account/mfa"))).group(1)
    assert first == again


def test_a_wrong_first_code_turns_nothing_on(login_as, db):
    staff = login_as("staff")
    staff.get("/account/mfa")
    response = staff.post("/account/mfa", {"code": "000000"})
    assert response.status_code == 200 and shows(response, "That code does not match")
    assert db.count(TotpFactor) == 0


def test_after_enabling_sign_in_asks_for_a_code_and_a_valid_code_completes_it(login_as, new_browser, app):
    staff = login_as("staff")
    secret, _ = enrol(staff)
    assert "Casework: second factor turned on" in subjects_to(app, staff.user.email)

    browser = new_browser()
    response = _password_step(browser, staff.user.email)
    assert response.status_code == 302 and response.location.endswith("/login/code")
    step = browser.get("/login/code")
    assert 'name="code"' in text_of(step)
    assert browser.get("/people").status_code == 302, "the password alone does not sign in"

    done = browser.post("/login/code", {"code": code_at(secret, 1)})
    assert done.status_code == 302 and not done.location.endswith("/login"), done.location
    home = browser.get("/people")
    assert home.status_code == 200, home.location


def test_a_code_is_accepted_once(login_as, new_browser):
    staff = login_as("staff")
    secret, _ = enrol(staff)
    # The same code both times: computed twice, a 30-second boundary between them would give the next step's.
    code = code_at(secret, 1)
    first = new_browser()
    _password_step(first, staff.user.email)
    assert first.post("/login/code", {"code": code}).status_code == 302

    second = new_browser()
    _password_step(second, staff.user.email)
    replay = second.post("/login/code", {"code": code})
    assert replay.status_code == 200 and shows(replay, "was used already")
    assert second.get("/people").status_code == 302


def test_a_recovery_code_signs_in_once_and_never_again(login_as, new_browser, db):
    staff = login_as("staff")
    _, codes = enrol(staff)
    browser = new_browser()
    _password_step(browser, staff.user.email)
    assert browser.post("/login/code", {"code": codes[0].upper()}).status_code == 302

    again = new_browser()
    _password_step(again, staff.user.email)
    assert again.post("/login/code", {"code": codes[0]}).status_code == 200
    assert again.get("/people").status_code == 302
    assert db.count(RecoveryCode, RecoveryCode.used_at.is_not(None)) == 1


def test_secret_and_recovery_codes_are_not_stored_in_clear(login_as, db):
    staff = login_as("staff")
    secret, codes = enrol(staff)
    factor = db.get(TotpFactor, staff.user.id)
    assert secret.encode() not in bytes(factor.secret_ct)
    stored = {row.code_hash for row in db.scalars(sa.select(RecoveryCode))}
    assert len(stored) == 10 and all(value.startswith("$argon2id$") for value in stored)
    assert not any(code.replace("-", "") in value for value in stored for code in codes)


def test_the_code_step_expires_and_cannot_be_reached_without_the_password(login_as, new_browser, app):
    staff = login_as("staff")
    secret, _ = enrol(staff)
    stranger = new_browser()
    assert stranger.get("/login/code").location.endswith("/login")
    browser = new_browser()
    _password_step(browser, staff.user.email)
    app.config["MFA_PENDING_SECONDS"] = -1
    try:
        browser.get("/login")
        _password_step(browser, staff.user.email)
        late = browser.post("/login/code", {"code": code_at(secret, 1)})
    finally:
        app.config["MFA_PENDING_SECONDS"] = 300
    assert late.status_code == 302 and late.location.endswith("/login")
    assert browser.get("/people").status_code == 302


def test_turning_it_off_needs_the_password_or_a_code_and_tells_the_user(login_as, new_browser, db, app):
    staff = login_as("staff")
    enrol(staff)
    staff.get("/account/mfa")
    refused = staff.post(
        "/account/mfa/disable", {"off-proof": "not my password", "off-csrf_token": staff.token}
    )
    assert refused.status_code == 302 and db.count(TotpFactor) == 1
    done = staff.post("/account/mfa/disable", {"off-proof": PASSWORD, "off-csrf_token": staff.token})
    assert done.status_code == 302 and db.count(TotpFactor) == 0 and db.count(RecoveryCode) == 0
    assert "Casework: second factor removed" in subjects_to(app, staff.user.email)
    browser = new_browser()
    assert _password_step(browser, staff.user.email).location.endswith("/")


def test_new_recovery_codes_replace_the_old_ones(login_as, new_browser):
    staff = login_as("staff")
    secret, old = enrol(staff)
    staff.get("/account/mfa")
    response = staff.post(
        "/account/mfa/recovery-codes", {"codes-proof": code_at(secret, 1), "codes-csrf_token": staff.token}
    )
    assert response.status_code == 200 and response.headers["Cache-Control"] == "no-store"
    new = text_of(response)
    assert old[0] not in new and new.count("<li><code>") == 10
    browser = new_browser()
    _password_step(browser, staff.user.email)
    assert browser.post("/login/code", {"code": old[1]}).status_code == 200


def test_failed_codes_are_throttled_like_passwords(login_as, new_browser, app):
    staff = login_as("staff")
    enrol(staff)
    browser = new_browser()
    _password_step(browser, staff.user.email)
    for _ in range(app.config["ACCOUNT_FREE_FAILURES"]):
        assert shows(browser.post("/login/code", {"code": "123456"}), "That code is not right")
    waiting = browser.post("/login/code", {"code": "123456"})
    assert shows(waiting, "Too many attempts for this account; try again in")


def test_an_organization_requiring_it_sends_staff_without_one_to_enrolment(
    login_as, new_browser, make_user, db, org
):
    from casework.models import MfaRequirement, Organization
    from casework.models.base import utcnow

    db.execute(
        sa.update(Organization)
        .where(Organization.id == org.id)
        .values(mfa_required_for=MfaRequirement.STAFF, mfa_required_since=utcnow(), mfa_grace_days=7)
    )
    staff = login_as("staff")
    signing_in = new_browser()
    assert _password_step(signing_in, staff.user.email).location.endswith("/account/mfa")
    assert staff.get("/people").status_code == 200, "during the grace period the app still works"
    volunteer = new_browser()
    assert not _password_step(volunteer, make_user("volunteer").email).location.endswith("/account/mfa")

    db.execute(sa.update(Organization).where(Organization.id == org.id).values(mfa_grace_days=0))
    locked = staff.get("/people")
    assert locked.status_code == 302 and locked.location.endswith("/account/mfa")
    assert staff.get("/account/mfa").status_code == 200
    enrol(staff)
    assert staff.get("/people").status_code == 200


def test_admins_set_the_requirement_in_the_versioned_settings(login_as, db, org):
    from casework.models import MfaRequirement, Organization

    admin = login_as("admin")
    page = text_of(admin.get("/admin/settings"))
    assert 'name="mfa_required_for"' in page and 'name="version"' in page
    data = {"mfa_required_for": "attorneys", "mfa_grace_days": "3", "version": org.version}
    assert admin.post("/admin/settings", data).status_code == 302
    saved = db.get(Organization, org.id)
    assert saved.mfa_required_for == MfaRequirement.ATTORNEYS and saved.mfa_grace_days == 3
    assert saved.mfa_required_since is not None
    stale = admin.post("/admin/settings", dict(data, mfa_required_for="everyone"))
    assert stale.status_code == 200 and db.get(Organization, org.id).mfa_required_for == "attorneys"
    bad = admin.post("/admin/settings", {"mfa_grace_days": "-4", "version": saved.version})
    assert bad.status_code == 200 and db.get(Organization, org.id).mfa_grace_days == 3


def test_an_admin_resets_a_second_factor_after_confirming(login_as, make_user, make_org, db, app):
    staff = login_as("staff")
    enrol(staff)
    admin = login_as("admin")
    confirm = admin.get(f"/admin/users/{staff.user.id}/mfa/reset")
    assert confirm.status_code == 200 and db.count(TotpFactor) == 1
    assert admin.post(f"/admin/users/{staff.user.id}/mfa/reset").status_code == 302
    assert db.count(TotpFactor) == 0
    assert db.count(AuditEvent, AuditEvent.action == "mfa.reset") == 1
    assert "Casework: second factor removed" in subjects_to(app, staff.user.email)
    assert staff.get("/people").headers["Location"].startswith("/login")  # the reset signed them out

    enrol(login_as(staff.user))
    outsider = login_as(make_user("admin", org=make_org("Elsewhere")))
    assert outsider.post(f"/admin/users/{staff.user.id}/mfa/reset").status_code == 404
    assert db.count(TotpFactor) == 1


def test_the_demo_requires_no_second_factor_and_signs_in_with_the_password_alone(
    app, db, browser, monkeypatch
):
    from casework.models import MfaRequirement, Organization

    monkeypatch.setenv("CASEWORK_PASSWORD", "lantern orchid quarry")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    assert {o.mfa_required_for for o in db.scalars(sa.select(Organization))} == {MfaRequirement.NOBODY}
    assert db.count(TotpFactor) == 0
    response = browser.login("admin@example.org", "lantern orchid quarry")
    assert not response.location.endswith(("/login/code", "/account/mfa"))
    assert browser.get("/people").status_code == 200


def test_turning_it_on_or_off_ends_the_users_other_sessions(login_as, app, db):
    from tests.conftest import Browser

    staff = login_as("staff")
    elsewhere = Browser(app.test_client())
    elsewhere.login(staff.user.email)
    enrol(staff)
    assert elsewhere.get("/people").headers["Location"].startswith("/login")  # begun without the factor
    assert staff.get("/people").status_code == 200  # the session that turned it on goes on
    admin = login_as("admin")
    admin.get(f"/admin/users/{staff.user.id}/mfa/reset")
    assert admin.post(f"/admin/users/{staff.user.id}/mfa/reset").status_code == 302
    assert staff.get("/people").headers["Location"].startswith("/login")  # an admin's reset ends every one

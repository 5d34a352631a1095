"""Organization administration: users, roles, deactivation, settings and the audit trail."""

from datetime import date, timedelta

import sqlalchemy as sa

from casework.models import AuditEvent, User
from tests.conftest import shows, text_of


def test_admin_creates_a_user_who_can_sign_in(login_as, db, browser):
    admin = login_as("admin")
    response = admin.post(
        "/admin/users/new",
        {
            "email": "New.Person@Example.org",
            "name": "New Person",
            "role": "volunteer",
            "password": "lantern orchid quarry",
        },
    )
    assert response.status_code == 302
    user = db.scalar(sa.select(User).where(User.email == "new.person@example.org"))
    assert user.role == "volunteer" and user.org_id == admin.user.org_id
    browser.login("new.person@example.org", "lantern orchid quarry")
    assert db.count(AuditEvent, AuditEvent.action == "user.created") == 1


def test_user_form_messages(login_as, make_user):
    existing = make_user("staff", email="taken@example.org")
    admin = login_as("admin")
    for data, message in [
        (
            {"email": "not-an-email", "role": "staff", "password": "lantern orchid quarry"},
            "Type a complete e-mail address, such as name@example.org.",
        ),
        (
            {"email": existing.email, "role": "staff", "password": "lantern orchid quarry"},
            "Someone already signs in with this e-mail address",
        ),
        (
            {"email": "a@example.org", "role": "boss", "password": "lantern orchid quarry"},
            "Choose one of the options in the list.",
        ),
        ({"email": "a@example.org", "role": "staff", "password": "short"}, "Use at least 12 characters"),
        ({"email": "a@example.org", "role": "staff", "password": "password12345"}, "too common"),
    ]:
        response = admin.post("/admin/users/new", data)
        assert response.status_code == 200 and shows(response, message), message


def test_change_role_and_keep_one_admin(login_as, make_user, db):
    admin = login_as("admin")
    volunteer = make_user("volunteer")
    r = admin.post(
        f"/admin/users/{volunteer.id}",
        {"name": "V", "role": "attorney", "active": "y", "version": volunteer.version},
    )
    assert r.status_code == 302
    assert db.get(User, volunteer.id).role == "attorney"
    me = db.get(User, admin.user.id)
    r = admin.post(
        f"/admin/users/{me.id}", {"name": "Me", "role": "staff", "active": "y", "version": me.version}
    )
    assert "at least one active admin" in text_of(r)
    assert db.get(User, me.id).role == "admin"


def test_stale_user_edit_is_refused(login_as, make_user, db):
    admin = login_as("admin")
    user = make_user("staff")
    admin.post(
        f"/admin/users/{user.id}", {"name": "First", "role": "staff", "active": "y", "version": user.version}
    )
    r = admin.post(
        f"/admin/users/{user.id}",
        {"name": "Second", "role": "volunteer", "active": "y", "version": user.version},
    )
    assert "Someone else changed this user" in text_of(r)
    assert "Saved by someone else meanwhile: <strong>First</strong>" in text_of(r)
    assert db.get(User, user.id).name == "First"


def test_admin_resets_a_password(login_as, make_user, browser, app):
    admin = login_as("admin")
    user = make_user("staff")
    user_browser = login_as(user)
    assert (
        admin.post(f"/admin/users/{user.id}/password", {"password": "velvet harbor compass"}).status_code
        == 302
    )
    assert user_browser.get("/people").status_code == 302
    browser.login(user.email, "velvet harbor compass")


def test_settings_are_saved_and_audited(login_as, db, org):
    from casework.models import Organization

    admin = login_as("admin")
    response = admin.post("/admin/settings", {"volunteers_see_a_number": "y", "version": org.version})
    assert response.status_code == 302
    saved = db.get(Organization, org.id)
    assert saved.volunteers_see_a_number is True and saved.volunteers_build_packets is False
    assert saved.version == org.version + 1
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "organization.updated"))
    assert event.field_list == ["volunteers_see_a_number"]


def test_settings_saved_from_an_older_version_are_refused_with_what_was_saved(login_as, make_user, db, org):
    from casework.models import Organization

    first, second = login_as("admin"), login_as(make_user("admin"))
    for browser in (first, second):
        assert 'name="version" type="hidden" value="1"' in text_of(browser.get("/admin/settings"))
    assert first.post("/admin/settings", {"volunteers_build_packets": "y", "version": 1}).status_code == 302

    stale = second.post("/admin/settings", {"volunteers_see_a_number": "y", "version": 1})

    assert stale.status_code == 200
    assert shows(stale, "Another admin saved the settings while you were editing")
    assert "Saved by someone else meanwhile: <strong>Yes</strong>" in text_of(stale)
    assert 'name="version" type="hidden" value="2"' in text_of(stale)
    saved = db.get(Organization, org.id)
    assert (saved.volunteers_see_a_number, saved.volunteers_build_packets, saved.version) == (False, True, 2)
    # saving again, after review, is the admin's informed choice
    assert second.post("/admin/settings", {"volunteers_see_a_number": "y", "version": 2}).status_code == 302
    assert db.get(Organization, org.id).volunteers_see_a_number is True


def test_settings_form_without_its_version_changes_nothing(login_as, db, org):
    from casework.models import Organization

    admin = login_as("admin")
    response = admin.post("/admin/settings", {"volunteers_see_a_number": "y"})
    assert response.status_code == 200 and shows(response, "The settings were not saved: reload the page")
    assert db.get(Organization, org.id).volunteers_see_a_number is False


def test_audit_trail_filters(login_as, make_person, make_user, make_org, db):
    person, other_person = make_person(), make_person()
    staff = login_as("staff")
    staff.get(f"/people/{person.id}")
    staff.get(f"/people/{other_person.id}")
    outsider = login_as("staff", org=make_org())  # another organization's events never show
    admin = login_as("admin")

    def rows(**params):
        html = text_of(admin.get("/admin/audit", query_string=params))
        return html.count('<td data-label="When"')

    assert rows() == 4  # two sign-ins, two case views
    assert rows(action="person.viewed") == 2
    assert rows(action="person.viewed", person=person.id) == 1
    assert rows(user=staff.user.id, action="login.succeeded") == 1
    assert rows(user=outsider.user.id) == 0
    tomorrow = (date.today() + timedelta(days=1)).isoformat()
    assert rows(start=tomorrow) == 0
    assert rows(end=date.today().isoformat(), action="person.viewed") == 2
    assert admin.get("/admin/audit", query_string={"start": "nonsense"}).status_code == 200
    assert "Type the date as YYYY-MM-DD" in text_of(
        admin.get("/admin/audit", query_string={"start": "nonsense"})
    )


def test_audit_trail_pages(app, login_as, make_person):
    person = make_person()
    staff = login_as("staff")
    for _ in range(5):
        staff.get(f"/people/{person.id}")
    app.config["AUDIT_PAGE_SIZE"] = 3
    try:
        admin = login_as("admin")
        first = text_of(admin.get("/admin/audit", query_string={"action": "person.viewed"}))
        assert first.count('<td data-label="When"') == 3 and 'rel="next"' in first
    finally:
        app.config["AUDIT_PAGE_SIZE"] = 100


def test_audit_events_are_append_only(app, login_as, db):
    import pytest

    from casework.extensions import db as real_db

    login_as("staff")
    with app.app_context():
        event = real_db.session.scalar(sa.select(AuditEvent))
        event.action = "tampered"
        with pytest.raises(sa.exc.InvalidRequestError, match="append-only"):
            real_db.session.flush()
        real_db.session.rollback()
        real_db.session.delete(real_db.session.scalar(sa.select(AuditEvent)))
        with pytest.raises(sa.exc.InvalidRequestError, match="append-only"):
            real_db.session.flush()
        real_db.session.rollback()

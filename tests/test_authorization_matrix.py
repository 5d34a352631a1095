"""Every route of the app, for every kind of visitor: a route missing from the matrix fails the suite.

Outcomes: "ok" (200, or a redirect that is not to the sign-in page), "login" (redirected to sign in),
403 (visible but not allowed) and 404 (not visible: it does not exist for this user).
"""

from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from casework.models import CaseAssignment, CaseShare, Person, User

ACTORS = ["anonymous", "admin", "staff", "volunteer", "volunteer_assigned", "attorney_assigned",
          "partner_shared", "other_staff", "other_admin", "deactivated"]

OK, LOGIN = "ok", "login"

def row(**kw):
    """Expectations for one route; unspecified signed-in actors default to `default`."""
    default = kw.pop("default", OK)
    base = {a: default for a in ACTORS}
    base["anonymous"] = base["deactivated"] = LOGIN
    base.update(kw)
    return base


PUBLIC = {a: OK for a in ACTORS}
CASE_VIEW = row(volunteer=404, other_staff=404, other_admin=404)
CASE_EDIT = row(volunteer=404, other_staff=404, other_admin=404, partner_shared=403)
CASE_MANAGE = row(volunteer=404, other_staff=404, other_admin=404, partner_shared=403, volunteer_assigned=403,
                  attorney_assigned=403)
CASE_DELETE = dict(CASE_MANAGE, staff=403)
ADMIN_ONLY = row(default=403, admin=OK, other_admin=OK)
ADMIN_OWN_ORG = row(default=403, admin=OK, other_admin=404)

MATRIX = {
    "static": ("GET", "/static/casework.css", PUBLIC),
    "core.healthz": ("GET", "/healthz", PUBLIC),
    "core.home": ("GET", "/", row()),
    "accounts.login": ("GET", "/login", PUBLIC),
    "accounts.logout": ("POST", "/logout", {a: LOGIN for a in ACTORS}),  # everyone ends on the sign-in page
    "accounts.change_password": ("GET", "/account/password", row()),
    "people.index": ("GET", "/people", row()),
    "people.create": ("GET", "/people/new", row(volunteer=403, volunteer_assigned=403, attorney_assigned=403,
                                                partner_shared=OK)),
    "people.show": ("GET", "/people/{person}", CASE_VIEW),
    "people.edit": ("GET", "/people/{person}/edit", CASE_EDIT),
    "people.delete": ("GET", "/people/{person}/delete", CASE_DELETE),
    "people.add_to_team": ("POST", "/people/{person}/team", CASE_MANAGE),
    "people.remove_from_team": ("POST", "/people/{person}/team/{assignment}/remove", CASE_MANAGE),
    "people.add_share": ("POST", "/people/{person}/shares", CASE_MANAGE),
    "people.remove_share": ("POST", "/people/{person}/shares/{share}/remove", CASE_MANAGE),
    "admin.users": ("GET", "/admin/users", ADMIN_ONLY),
    "admin.create_user": ("GET", "/admin/users/new", ADMIN_ONLY),
    "admin.edit_user": ("GET", "/admin/users/{user}", ADMIN_OWN_ORG),
    "admin.reset_password": ("POST", "/admin/users/{user}/password", ADMIN_OWN_ORG),
    "admin.settings": ("GET", "/admin/settings", ADMIN_ONLY),
    "admin.audit_trail": ("GET", "/admin/audit", ADMIN_ONLY),
    "admin.deleted_people": ("GET", "/admin/deleted", ADMIN_ONLY),
    "admin.restore_person": ("POST", "/admin/deleted/{deleted}/restore", ADMIN_OWN_ORG),
}


def test_every_route_is_in_the_matrix(app):
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules()}
    missing = endpoints - MATRIX.keys()
    assert not missing, f"routes without an authorization entry: {sorted(missing)}"
    assert not MATRIX.keys() - endpoints, "matrix entries for routes that no longer exist"


def test_matrix_methods_match_routes(app):
    for rule in app.url_map.iter_rules():
        method = MATRIX[rule.endpoint][0]
        assert method in rule.methods, f"{rule.endpoint} does not answer {method}"


@pytest.fixture
def scenario(db, org, make_org, make_user, make_person):
    other = make_org("Partner Firm LLP")
    users = {
        "admin": make_user("admin"),
        "staff": make_user("staff"),
        "volunteer": make_user("volunteer"),
        "volunteer_assigned": make_user("volunteer"),
        "attorney_assigned": make_user("attorney"),
        "partner_shared": make_user("staff", org=other),
        "other_staff": make_user("staff", org=other),
        "other_admin": make_user("admin", org=other),
        "deactivated": make_user("staff"),
    }
    person = make_person(assigned=[users["volunteer_assigned"], users["attorney_assigned"]])
    deleted = make_person(deleted_at=datetime.now(UTC))
    share = db.add(CaseShare(person_id=person.id, user_id=users["partner_shared"].id, level="view"))
    assignment = db.scalar(sa.select(CaseAssignment).where(CaseAssignment.person_id == person.id))
    ids = {"person": person.id, "deleted": deleted.id, "share": share.id, "assignment": assignment.id,
           "user": users["staff"].id}
    return users, ids


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
@pytest.mark.parametrize("actor", ACTORS)
def test_matrix(endpoint, actor, scenario, browser, login_as, db):
    users, ids = scenario
    method, template, expectations = MATRIX[endpoint]
    if actor != "anonymous":
        browser = login_as(users[actor])
        if actor == "deactivated":
            db.execute(sa.update(User).where(User.id == users[actor].id).values(active=False))
    url = template.format(**ids)
    response = browser.get(url) if method == "GET" else browser.post(url, {})
    expected = expectations[actor]
    location = response.headers.get("Location", "")
    if expected == LOGIN:
        assert response.status_code == 302 and location.startswith("/login"), (response.status_code, location)
    elif expected == OK:
        assert response.status_code in (200, 302), response.status_code
        assert not location.startswith("/login"), location
    else:
        assert response.status_code == expected
    if expected in (403, 404, LOGIN) and "{person}" in template:
        # a refused request changed nothing
        person = db.get(Person, ids["person"])
        assert person.deleted_at is None
        assert db.count(CaseShare) == 1 and db.count(CaseAssignment) == 2

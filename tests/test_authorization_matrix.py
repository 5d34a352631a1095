"""Every route of the app, for every kind of visitor: a route missing from the matrix fails the suite.

The matrix is assembled from tests/authz/<feature>.py (see tests/authz/__init__.py).
"""

import importlib
import pkgutil
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

import tests.authz
from casework.models import CaseAssignment, CaseShare, Person, User
from tests.authz.common import ACTORS, LOGIN, OK

MODULES = [importlib.import_module(f"tests.authz.{m.name}") for m in pkgutil.iter_modules(tests.authz.__path__)
           if m.name != "common"]
MATRIX = {endpoint: spec for module in MODULES for endpoint, spec in module.ROUTES.items()}


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
           "user": users["staff"].id, "org": users["admin"].org_id}
    for module in MODULES:
        if hasattr(module, "setup"):
            module.setup(db, users, ids)
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

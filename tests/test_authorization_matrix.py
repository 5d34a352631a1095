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

MODULES = [
    importlib.import_module(f"tests.authz.{m.name}")
    for m in pkgutil.iter_modules(tests.authz.__path__)
    if m.name != "common"
]
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


def build_scenario(db, make_org, make_user, make_person):
    """Organization A's case and the visitors around it (see tests/authz/__init__.py)."""
    import uuid

    other = make_org(f"Partner Firm {uuid.uuid4().hex[:6]}")
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
    # The share includes everything the owner may choose, so the rows show a partner's full reach.
    share = db.add(
        CaseShare(
            person_id=person.id,
            user_id=users["partner_shared"].id,
            level="view",
            includes_privileged=True,
            includes_a_number=True,
            allows_export=True,
        )
    )
    assignment = db.scalar(sa.select(CaseAssignment).where(CaseAssignment.person_id == person.id))
    ids = {
        "person": person.id,
        "deleted": deleted.id,
        "share": share.id,
        "assignment": assignment.id,
        "user": users["staff"].id,
        "org": users["admin"].org_id,
    }
    for module in MODULES:
        if hasattr(module, "setup"):
            module.setup(db, users, ids)
    return users, ids


def _snapshot(db, ids) -> tuple:
    """What a refused request must leave untouched."""
    person = db.get(Person, ids["person"])
    return (
        person.deleted_at,
        person.version,
        db.count(CaseShare, CaseShare.person_id == ids["person"]),
        db.count(CaseAssignment, CaseAssignment.person_id == ids["person"]),
    )


@pytest.mark.parametrize("endpoint", sorted(MATRIX))
def test_matrix(endpoint, browser, login_as, db, org, make_org, make_user, make_person):
    """Each visitor in turn; refusals first (they must change nothing), then the allowed visitors, each on a
    fresh scenario after an allowed POST (which may have changed it)."""
    method, template, expectations = MATRIX[endpoint]
    order = sorted(ACTORS, key=lambda a: expectations[a] == OK)
    scenario = None
    for actor in order:
        if scenario is None:
            scenario = build_scenario(db, make_org, make_user, make_person)
        users, ids = scenario
        client = browser.__class__(browser.client.application.test_client())
        if actor != "anonymous":
            client = login_as(users[actor])
            if actor == "deactivated":
                db.execute(sa.update(User).where(User.id == users[actor].id).values(active=False))
        url = template.format(**ids)
        before = _snapshot(db, ids)
        response = client.get(url) if method == "GET" else client.post(url, {})
        expected = expectations[actor]
        location = response.headers.get("Location", "")
        where = f"{endpoint} as {actor}: got {response.status_code} {location}"
        if expected == LOGIN:
            assert response.status_code == 302 and location.startswith("/login"), where
        elif expected == OK:
            assert response.status_code in (200, 302), where
            assert not location.startswith("/login"), where
        else:
            assert response.status_code == expected, where
        if expected != OK:
            assert _snapshot(db, ids) == before, f"{where}: a refused request changed the case"
        elif method == "POST":
            scenario = None

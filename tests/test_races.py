"""Requests that race: each check that counts and then writes holds under a lock or a unique constraint.

Every test here starts its requests together behind a barrier, each from a client (and so a database
connection) of its own, and runs on SQLite and on PostgreSQL (CASEWORK_TEST_DB).
"""

from __future__ import annotations

import threading
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from datetime import timedelta
from typing import TypeVar

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    CaseAssignment,
    Organization,
    ReliefApplication,
    ReliefEvent,
    ReliefStep,
    ReliefTemplate,
    ReliefTemplateStep,
    Role,
    Signature,
    User,
)
from casework.relief.operations import steps as step_operations
from tests.conftest import TODAY, Browser, shows, text_of
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import sign

T = TypeVar("T")
PARALLEL = 20
EMAIL_TAKEN = "Someone already signs in with this e-mail address; use another one."


def race(clients: list[T], request: Callable[[T], object]) -> list:
    """Run `request(client)` for every client in a thread of its own, all released at the same moment."""
    barrier = threading.Barrier(len(clients))

    def run(client: T):
        barrier.wait()
        return request(client)

    with ThreadPoolExecutor(max_workers=len(clients)) as pool:
        return list(pool.map(run, clients))


def signed_in(login_as, user: User, count: int) -> list[Browser]:
    """`count` browsers of the same user, each signed in with a session of its own."""
    return [login_as(user) for _ in range(count)]


# ---------------------------------------------------------------- relief steps


@pytest.fixture
def volunteer(make_user):
    return make_user("volunteer", name="Sokha Lim")


@pytest.fixture
def case_with_application(db, make_person, volunteer):
    """A case the volunteer works on, with an application of three steps."""
    person = make_person(legal_name="Bora Chhun", assigned=[volunteer])
    application = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="parole_board_pardon",
            jurisdiction="MA",
            opened_on=TODAY - timedelta(days=90),
        )
    )
    for position, title in enumerate(("Gather records", "Collect letters", "Draft the petition"), start=1):
        db.add(ReliefStep(application_id=application.id, position=position, title=title))
    return person, application


def positions(db, application) -> list[int]:
    return db.scalars(
        sa.select(ReliefStep.position)
        .where(ReliefStep.application_id == application.id)
        .order_by(ReliefStep.position)
    )


def test_twenty_steps_added_at_once_get_twenty_positions(login_as, db, volunteer, case_with_application):
    person, application = case_with_application
    url = f"/people/{person.id}/relief/{application.id}/steps"
    browsers = signed_in(login_as, volunteer, PARALLEL)
    titles = {id(b): f"Letter {i}" for i, b in enumerate(browsers)}

    codes = race(browsers, lambda b: b.post(url, {"title": titles[id(b)], "due_on": ""}).status_code)

    assert codes == [302] * PARALLEL
    assert positions(db, application) == list(range(1, 4 + PARALLEL))
    assert db.count(AuditEvent, AuditEvent.action == "relief.step_added") == PARALLEL


def test_a_taken_position_is_retried_with_the_next_one(
    login_as, db, volunteer, case_with_application, monkeypatch
):
    """What the lock makes rare, the constraint still catches: the step goes to the next free position."""
    person, application = case_with_application
    counted = step_operations.next_position
    stale = iter([3])  # the first count is out of date: position 3 is taken
    monkeypatch.setattr(step_operations, "next_position", lambda app: next(stale, None) or counted(app))
    browser = login_as(volunteer)

    response = browser.post(f"/people/{person.id}/relief/{application.id}/steps", {"title": "Call the DA"})

    assert response.status_code == 302
    added = db.scalar(sa.select(ReliefStep).where(ReliefStep.title == "Call the DA"))
    assert added.position == 4 and positions(db, application) == [1, 2, 3, 4]


def test_a_checklist_too_busy_to_find_a_position_says_so_and_adds_nothing(
    login_as, db, volunteer, case_with_application, monkeypatch
):
    person, application = case_with_application
    monkeypatch.setattr(step_operations, "next_position", lambda app: 2)
    browser = login_as(volunteer)

    response = browser.post(
        f"/people/{person.id}/relief/{application.id}/steps", {"title": "Call the DA"}, follow_redirects=True
    )

    assert response.status_code == 200 and shows(response, step_operations.BUSY_CHECKLIST)
    assert positions(db, application) == [1, 2, 3]
    assert db.count(AuditEvent, AuditEvent.action == "relief.step_added") == 0


REVISED_TITLES = ("Gather records", "Collect letters", "Ask the DA", "Draft the petition")


@pytest.fixture
def revised_template(db, org, case_with_application):
    """The application follows revision 1 of a template now at revision 2, which adds a third step."""
    _person, application = case_with_application
    template = db.add(ReliefTemplate(org_id=org.id, jurisdiction="MA", name="Our pardon", revision=2))
    for position, title in enumerate(REVISED_TITLES, start=1):
        db.add(ReliefTemplateStep(template_id=template.id, position=position, title=title))
    db.execute(
        sa.update(ReliefApplication)
        .where(ReliefApplication.id == application.id)
        .values(template_id=template.id, template_revision=1)
    )
    return template


def test_steps_added_while_a_template_revision_is_applied_keep_distinct_positions(
    login_as, make_user, db, volunteer, case_with_application, revised_template
):
    """Applying a revision renumbers the checklist (and adds the template's new step) while others add steps."""
    person, application = case_with_application
    base = f"/people/{person.id}/relief/{application.id}"
    admin = login_as(make_user("admin"))
    helpers = signed_in(login_as, volunteer, PARALLEL - 1)
    requests = [
        (admin, f"{base}/template", {}),
        *((b, f"{base}/steps", {"title": "Letter"}) for b in helpers),
    ]

    codes = race(requests, lambda r: r[0].post(r[1], r[2]).status_code)

    assert codes == [302] * PARALLEL
    assert positions(db, application) == list(range(1, len(REVISED_TITLES) + PARALLEL))
    assert db.get(ReliefApplication, application.id).template_revision == 2


def test_two_admins_applying_one_revision_at_once_apply_it_once(
    login_as, make_user, db, case_with_application, revised_template
):
    person, application = case_with_application
    admins = [login_as(make_user("admin")) for _ in range(2)]

    responses = race(admins, lambda b: b.post(f"/people/{person.id}/relief/{application.id}/template", {}))

    assert [r.status_code for r in responses] == [302, 302]
    assert positions(db, application) == [1, 2, 3, 4]
    assert db.count(ReliefEvent, ReliefEvent.kind == "template_applied") == 1
    messages = sorted(m for b in admins for _, m in flashed(b))
    assert len(messages) == 2 and messages[1].startswith("The steps follow the template's revision 2")
    # the other is told so: under the lock, or before it when the first one had committed already
    assert "someone applied it a moment ago" in messages[0] or "already follows its template" in messages[0]


def flashed(browser: Browser) -> list[tuple[str, str]]:
    """The messages waiting in the browser's session (shown on its next page)."""
    with browser.client.session_transaction() as session:
        return list(session.get("_flashes", []))


# ---------------------------------------------------------------- one mailbox, many names


def test_twenty_names_from_one_mailbox_at_once_leave_the_cap(login_as, make_person, app, db):
    _staff, _person, petition = make_published(login_as, make_person, db)
    cap = app.config["PETITION_SIGNATURES_PER_EMAIL"]
    clients = [app.test_client() for _ in range(PARALLEL)]
    signer = {id(c): i for i, c in enumerate(clients)}

    def sign_once(client):
        i = signer[id(client)]
        # distinct networks, so that the per-address rate limit is not what stops them
        return sign(client, name=f"Ana Number{i}", email="ana@example.org", ip=f"10.1.{i}.1")

    # someone signed before (the first signature reads the signature key, which is not under test here)
    assert (
        sign(app.test_client(), name="Dara Keo", email="dara@example.org", ip="10.2.0.1").status_code == 303
    )

    responses = race(clients, sign_once)

    # every signer gets the same answer: nothing tells the mailbox's owner where the cap is
    assert {(r.status_code, r.headers["Location"]) for r in responses} == {(303, "/p/let-sokha-stay/thanks")}
    states = Counter(db.scalars(sa.select(Signature.state).where(Signature.petition_id == petition.id)))
    assert states == {"pending": 1 + cap, "over_limit": PARALLEL - cap}


# ---------------------------------------------------------------- the last active admin


@pytest.mark.parametrize(
    "change", [{"role": "staff", "active": "y"}, {"role": "admin"}], ids=["demote", "deactivate"]
)
def test_two_admins_removing_each_other_at_once_leave_one_admin(login_as, make_user, make_org, db, change):
    """Five organizations, two admins in each: in every one, both remove the other at the same moment."""
    organizations = [make_org() for _ in range(5)]
    plans = []
    for org in organizations:
        first, second = make_user("admin", org=org, name="First"), make_user("admin", org=org, name="Second")
        # each admin has the other's page open, then both save at the same moment
        plans += [(login_as(first), second), (login_as(second), first)]

    responses = race(
        plans,
        lambda plan: plan[0].post(
            f"/admin/users/{plan[1].id}", {"name": plan[1].name, "version": plan[1].version, **change}
        ),
    )

    for org in organizations:
        assert db.count(User, User.org_id == org.id, User.role == Role.ADMIN, User.active.is_(True)) == 1
    for pair in zip(responses[::2], responses[1::2], strict=True):
        saved = [r for r in pair if r.status_code == 302 and r.headers["Location"] == "/admin/users"]
        assert len(saved) == 1
        (other,) = [r for r in pair if r not in saved]
        # refused by the count under the lock when both requests reach it; or, when the first one has
        # committed already, because its sender is no admin (403) or no active user (sign in) any more
        assert (
            (other.status_code == 200 and "at least one active admin" in text_of(other))
            or other.status_code == 403
            or (other.status_code == 302 and other.headers["Location"].startswith("/login"))
        ), other.status_code


# ---------------------------------------------------------------- duplicates become form messages


def test_twenty_creations_of_one_email_give_one_user_and_nineteen_messages(login_as, db):
    admin = login_as("admin")
    browsers = [admin, *(login_as(admin.user) for _ in range(PARALLEL - 1))]
    form = {
        "email": "new.person@example.org",
        "name": "New",
        "role": "staff",
        "password": "lantern orchid quarry",
    }

    responses = race(browsers, lambda b: b.post("/admin/users/new", form))

    assert sorted(r.status_code for r in responses) == [200] * (PARALLEL - 1) + [302]
    assert all(shows(r, EMAIL_TAKEN) for r in responses if r.status_code == 200)
    assert db.count(User, User.email == "new.person@example.org") == 1
    assert db.count(AuditEvent, AuditEvent.action == "user.created") == 1


def test_twenty_adds_of_one_team_member_give_one_assignment(login_as, make_user, make_person, db):
    person = make_person()
    member = make_user("volunteer")
    staff = make_user("staff")
    browsers = signed_in(login_as, staff, PARALLEL)

    codes = race(browsers, lambda b: b.post(f"/people/{person.id}/team", {"user_id": member.id}).status_code)

    assert codes == [302] * PARALLEL
    assert db.count(CaseAssignment, CaseAssignment.person_id == person.id) == 1
    assert db.count(AuditEvent, AuditEvent.action == "person.assigned") == 1


# ---------------------------------------------------------------- organization settings


def test_two_admins_saving_the_settings_at_once_keep_one_save(login_as, make_user, db, org):
    first, second = make_user("admin"), make_user("admin")
    plans = [
        (login_as(first), {"volunteers_see_a_number": "y"}),
        (login_as(second), {"volunteers_build_packets": "y"}),
    ]
    for browser, _ in plans:
        browser.get("/admin/settings")

    responses = race(plans, lambda plan: plan[0].post("/admin/settings", {**plan[1], "version": 1}))

    assert sorted(r.status_code for r in responses) == [200, 302]
    (refused,) = [r for r in responses if r.status_code == 200]
    assert "Another admin saved the settings while you were editing" in text_of(refused)
    saved = db.get(Organization, org.id)
    assert saved.version == 2
    assert [saved.volunteers_see_a_number, saved.volunteers_build_packets].count(True) == 1
    assert db.count(AuditEvent, AuditEvent.action == "organization.updated") == 1

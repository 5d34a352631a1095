"""Who sees which event of the advocacy log, and which of its linked cases and contacts.

Organization A (Riverbend) keeps the log. Its volunteer works on Keo's case, its attorney on Pich's; Pham's case
has no one assigned. Keo's case is shared with a partner firm's staff member (organization B)."""

from datetime import UTC, date, datetime, timedelta

import pytest

from casework.models import (
    AdvocacyEvent,
    AdvocacyFigure,
    AdvocacyKind,
    Contact,
    ContactKind,
    advocacy_event_contact,
    advocacy_event_person,
)
from tests.conftest import TODAY, text_of


def _event(db, org, title, people=(), contacts=(), kind=AdvocacyKind.STATEMENT, day=date(2025, 3, 14)):
    event = db.add(AdvocacyEvent(org_id=org.id, kind=kind, occurred_on=day, title=title))
    db.add(AdvocacyFigure(event_id=event.id, position=0, label="People detained", value=195))
    for person in people:
        db.execute(advocacy_event_person.insert().values(event_id=event.id, person_id=person.id))
    for contact in contacts:
        db.execute(advocacy_event_contact.insert().values(event_id=event.id, contact_id=contact.id))
    return event


@pytest.fixture
def world(db, org, make_org, make_user, make_person, share_case):
    partner_org = make_org("Alder & Finch LLP")
    users = {
        "admin": make_user("admin"),
        "staff": make_user("staff"),
        "volunteer": make_user("volunteer"),
        "attorney": make_user("attorney"),
        "partner": make_user("staff", org=partner_org),
        "partner_colleague": make_user("staff", org=partner_org),
        "stranger": make_user("admin", org=make_org("Elsewhere")),
    }
    keo = make_person(legal_name="Dara Keo", assigned=[users["volunteer"]])
    pich = make_person(legal_name="Sovann Pich", assigned=[users["attorney"]])
    pham = make_person(legal_name="Tuan Minh Pham")
    share_case(keo, user=users["partner"])
    senator = db.add(
        Contact(
            org_id=org.id, name="Sen. Maria Alvarez", organization="State Senate", kind=ContactKind.OFFICIAL
        )
    )
    events = {
        "keo_pham": _event(db, org, "Senator's statement on detentions", [keo, pham], [senator]),
        "pham": _event(db, org, "Deportation flight to Phnom Penh", [pham], kind=AdvocacyKind.FLIGHT),
        "unlinked": _event(db, org, "Repatriation MOU renewed", kind=AdvocacyKind.AGREEMENT),
        "partner_own": _event(db, partner_org, "Partner firm's press conference", kind=AdvocacyKind.PRESS),
    }
    return {"users": users, "events": events, "keo": keo, "pich": pich, "pham": pham}


TITLES = {
    "keo_pham": "Senator&#39;s statement on detentions",
    "pham": "Deportation flight to Phnom Penh",
    "unlinked": "Repatriation MOU renewed",
    "partner_own": "Partner firm&#39;s press conference",
}


@pytest.mark.parametrize(
    "who, sees",
    [
        ("admin", {"keo_pham", "pham", "unlinked"}),
        ("staff", {"keo_pham", "pham", "unlinked"}),
        ("volunteer", {"keo_pham"}),
        ("attorney", set()),
        ("partner", {"keo_pham", "partner_own"}),
        ("partner_colleague", {"partner_own"}),
        ("stranger", set()),
    ],
)
def test_the_list_and_the_event_pages(world, login_as, who, sees):
    browser = login_as(world["users"][who])
    page = text_of(browser.get("/advocacy"))
    for key, event in world["events"].items():
        assert (TITLES[key] in page) == (key in sees), f"{who} / {key} in the list"
        status = browser.get(f"/advocacy/{event.id}").status_code
        assert status == (200 if key in sees else 404), f"{who} / {key}: {status}"


def test_a_volunteer_sees_only_the_linked_cases_they_work_on(world, login_as):
    volunteer = login_as(world["users"]["volunteer"])
    event = world["events"]["keo_pham"]
    for page in (text_of(volunteer.get("/advocacy")), text_of(volunteer.get(f"/advocacy/{event.id}"))):
        assert "Dara Keo" in page
        assert "Tuan Minh Pham" not in page and "Pham" not in page.replace("Phnom Penh", "")
        assert "2 cases" not in page
    assert "Sen. Maria Alvarez" in text_of(volunteer.get(f"/advocacy/{event.id}"))  # their own directory
    assert volunteer.get(f"/advocacy/{event.id}/edit").status_code == 403
    assert volunteer.get(f"/advocacy/{event.id}/delete").status_code == 403
    assert volunteer.post(f"/advocacy/{event.id}/delete", {}).status_code == 403
    assert volunteer.get("/advocacy/new").status_code == 403
    assert volunteer.get("/advocacy/export.csv").status_code == 403


def test_a_partner_sees_the_events_of_the_shared_case_without_the_owners_contacts(world, login_as, db):
    partner = login_as(world["users"]["partner"])
    event = world["events"]["keo_pham"]
    page = text_of(partner.get(f"/advocacy/{event.id}"))
    assert "Dara Keo" in page and "Tuan Minh Pham" not in page
    assert "Sen. Maria Alvarez" not in page and "Contacts involved" not in page
    assert partner.get(f"/advocacy/{event.id}/edit").status_code == 403
    csv = text_of(partner.get("/advocacy/export.csv"))
    assert "Senator's statement on detentions" in csv and "Partner firm's press conference" in csv
    assert "Dara Keo" in csv and "Tuan Minh Pham" not in csv and "Alvarez" not in csv
    case_page = text_of(partner.get(f"/people/{world['keo'].id}"))
    assert TITLES["keo_pham"] in case_page
    assert f"/advocacy/new?person={world['keo'].id}" not in case_page  # not their organization's log


def test_an_expired_share_shows_nothing_more(world, login_as, db, share_case):
    from casework.models import CaseShare

    db.execute(
        CaseShare.__table__.update()
        .where(CaseShare.person_id == world["keo"].id)
        .values(expires_on=TODAY - timedelta(days=1))
    )
    partner = login_as(world["users"]["partner"])
    assert partner.get(f"/advocacy/{world['events']['keo_pham'].id}").status_code == 404
    assert TITLES["keo_pham"] not in text_of(partner.get("/advocacy"))


def test_a_deleted_case_is_neither_named_nor_counted(world, login_as, db):
    from casework.models import Person

    db.execute(
        Person.__table__.update().where(Person.id == world["pham"].id).values(deleted_at=datetime.now(UTC))
    )
    staff = login_as(world["users"]["staff"])
    page = text_of(staff.get(f"/advocacy/{world['events']['keo_pham'].id}"))
    assert "Dara Keo" in page and "Tuan Minh Pham" not in page
    # staff still see the whole log of their organization, even an event whose only case was deleted
    assert staff.get(f"/advocacy/{world['events']['pham'].id}").status_code == 200
    volunteer = login_as(world["users"]["volunteer"])
    assert TITLES["pham"] not in text_of(volunteer.get("/advocacy"))


def test_the_case_filter_offers_and_finds_only_cases_the_user_may_open(world, login_as):
    volunteer = login_as(world["users"]["volunteer"])
    page = text_of(volunteer.get("/advocacy"))
    assert f'<option value="{world["keo"].id}">Dara Keo</option>' in page
    assert "Tuan Minh Pham" not in page
    # a guessed case id, from a link, finds nothing
    volunteer.get(f"/advocacy?person={world['pham'].id}")
    page = text_of(volunteer.get("/advocacy"))
    assert "0 events match" in page and TITLES["keo_pham"] not in page
    # and cannot be posted as a filter either
    response = volunteer.post("/advocacy", {"person": str(world["pham"].id)})
    assert response.status_code == 200 and "Choose a case from the list, or “Any case”." in text_of(response)


def test_a_deactivated_user_sees_nothing(world, login_as, db):
    from casework.models import User

    staff = login_as(world["users"]["staff"])
    db.execute(User.__table__.update().where(User.id == world["users"]["staff"].id).values(active=False))
    response = staff.get(f"/advocacy/{world['events']['keo_pham'].id}")
    assert response.status_code == 302 and response.headers["Location"].startswith("/login")


def test_only_the_owning_organization_may_link_and_edit(world, login_as):
    """The partner's staff write their own log; their form never offers the owner's cases or contacts."""
    partner = login_as(world["users"]["partner"])
    form = text_of(partner.post("/advocacy/new", {"find": "Dara", "find_cases": "Find cases"}))
    assert "No other case of yours matches “Dara”." in form and "Sen. Maria Alvarez" not in form
    stranger = login_as(world["users"]["stranger"])
    for suffix in ("", "/edit", "/delete"):
        assert stranger.get(f"/advocacy/{world['events']['unlinked'].id}{suffix}").status_code == 404

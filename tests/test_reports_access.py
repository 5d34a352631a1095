"""Reports count only the cases their reader may open; volunteers and attorneys have none; reading and
downloading are audited by name; CSV cells never run as formulas."""

from __future__ import annotations

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, CheckIn, CustodyEvent, CustodyKind, TravelDocument
from tests.authz.reports import ROUTES
from tests.conftest import text_of

URLS = [url for _, url, _ in ROUTES.values()]


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200
    return list(csv.reader(io.StringIO(text_of(response))))


@pytest.mark.parametrize("role", ["volunteer", "attorney"])
def test_volunteers_and_attorneys_may_not_read_reports(login_as, role, make_person):
    user = login_as(role)
    make_person(citizenship="Cambodia", assigned=[user.user])
    for url in URLS:
        assert user.get(url).status_code == 403, url
    assert 'href="/reports"' not in text_of(user.get("/people"))  # no link to them either


def test_the_reports_link_shows_for_staff(login_as):
    assert 'href="/reports"' in text_of(login_as("staff").get("/people"))


def test_another_organizations_admin_counts_only_their_own_cases(login_as, make_org, make_person, db):
    ours = make_person(citizenship="Cambodia", custody_status="detained")
    db.add(TravelDocument(person_id=ours.id, country="Cambodia", requested_on=date(2025, 1, 2)))
    db.add(CustodyEvent(person_id=ours.id, kind=CustodyKind.ICE_ARREST, occurred_on=date(2025, 1, 1)))
    db.add(CheckIn(person_id=ours.id, office="ICE ERO Boston", scheduled_on=date(2025, 1, 1)))
    elsewhere = make_org("Valley Defense Network")
    theirs = make_person(org=elsewhere, citizenship="Laos")
    admin = login_as("admin", org=elsewhere)
    assert rows_of(admin.get("/reports/people-by-citizenship-and-custody.csv"))[1:] == [
        ["Laos", "never_detained", "1"]
    ]
    assert rows_of(admin.get("/reports/travel-documents.csv"))[1:] == []
    assert rows_of(admin.get("/reports/custody-events.csv"))[1:] == []
    assert rows_of(admin.get("/reports/check-ins.csv"))[1:] == []
    assert "Cambodia" not in text_of(admin.get("/reports/people-by-citizenship-and-custody"))
    assert theirs.org_id != ours.org_id


def test_a_shared_case_counts_for_the_partner(login_as, make_org, make_person, share_case, db):
    shared = make_person(citizenship="Cambodia", custody_status="detained")
    make_person(citizenship="Vietnam")  # not shared: not counted for the partner
    db.add(
        TravelDocument(
            person_id=shared.id, country="Cambodia", requested_on=date(2025, 1, 2), outcome="refused"
        )
    )
    partner_org = make_org("Alder & Finch LLP")
    partner = login_as("staff", org=partner_org)
    share_case(shared, user=partner.user)
    assert rows_of(partner.get("/reports/people-by-citizenship-and-custody.csv"))[1:] == [
        ["Cambodia", "detained", "1"]
    ]
    assert rows_of(partner.get("/reports/travel-documents.csv"))[1:] == [
        ["Cambodia", "2025-01", "1", "0", "1", "0"]
    ]
    # shared with the partner's whole organization: its admin counts it too
    admin = login_as("admin", org=partner_org)
    assert rows_of(admin.get("/reports/people-by-citizenship-and-custody.csv"))[1:] == []
    share_case(shared, org=partner_org)
    assert rows_of(admin.get("/reports/people-by-citizenship-and-custody.csv"))[1:] == [
        ["Cambodia", "detained", "1"]
    ]


def test_an_expired_share_no_longer_counts(login_as, make_org, make_person, share_case):
    shared = make_person(citizenship="Cambodia")
    partner = login_as("staff", org=make_org("Old Partner"))
    share_case(shared, user=partner.user, expires_on=date(2020, 1, 1))
    assert rows_of(partner.get("/reports/people-by-citizenship-and-custody.csv"))[1:] == []


def test_cells_that_a_spreadsheet_would_run_are_escaped(login_as, make_person, db):
    person = make_person(citizenship="=cmd|'/c calc'!A1", community="Cambodian")
    db.add(TravelDocument(person_id=person.id, country="@SUM(A1:A9)", requested_on=date(2025, 1, 2)))
    db.add(CheckIn(person_id=person.id, office="+1 ICE office", scheduled_on=date(2025, 1, 2)))
    staff = login_as("staff")
    raw = text_of(staff.get("/reports/people-by-citizenship-and-custody.csv"))
    assert rows_of(staff.get("/reports/people-by-citizenship-and-custody.csv"))[1] == [
        "'=cmd|'/c calc'!A1",
        "never_detained",
        "1",
    ]
    assert "\n=cmd" not in raw and not any(line.startswith("=") for line in raw.splitlines())
    assert rows_of(staff.get("/reports/travel-documents.csv"))[1][0] == "'@SUM(A1:A9)"
    assert rows_of(staff.get("/reports/check-ins.csv"))[1][0] == "'+1 ICE office"
    # the page shows the text as text (escaped by the template, never markup)
    assert "=cmd|&#39;/c calc&#39;!A1" in text_of(staff.get("/reports/people-by-citizenship-and-custody"))


def test_reading_and_downloading_are_audited_by_name_never_by_value(login_as, make_person, db):
    make_person(citizenship="Cambodia", community="Cambodian")
    staff = login_as("staff")
    staff.get("/reports/people-by-citizenship-and-custody")
    staff.get("/reports/people-by-citizenship-and-custody?community=Cambodian&start=2019-01-01")
    staff.get("/reports/people-by-citizenship-and-custody.csv?community=Cambodian")
    staff.get("/reports/people-by-citizenship-and-custody?start=2019-02-30")  # refused filters: nothing read
    events = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action.like("report.%")).order_by(AuditEvent.id)
    )
    assert [(e.action, e.detail, e.actor_id, e.person_id) for e in events] == [
        ("report.viewed", "citizenship_custody", staff.user.id, None),
        ("report.viewed", "citizenship_custody, filtered", staff.user.id, None),
        ("report.exported", "people-by-citizenship-and-custody, filtered, csv", staff.user.id, None),
    ]

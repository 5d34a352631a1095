"""Petitions tracked on outside platforms: create, edit, counts over time (the server-drawn chart), access."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, Petition, PetitionCount
from tests.conftest import TODAY, shows, text_of


def external_form(**overrides) -> dict:
    data = {
        "title": "Free Tuan",
        "external_url": "https://petitions.example.org/free-tuan",
        "platform": "Community petitions",
        "targets": "Governor of Washington",
        "goal": "5000",
        "version": "0",
    }
    data.update(overrides)
    return data


@pytest.fixture
def tracked(login_as, make_user, make_person, db):
    """A volunteer assigned to a case with a tracked petition: (volunteer browser, person, petition)."""
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    client = login_as(volunteer)
    response = client.post(f"/people/{person.id}/petitions/external/new", external_form())
    assert response.status_code == 302
    return client, person, db.scalar(sa.select(Petition))


def test_track_and_enter_counts_draws_a_chart(tracked, db):
    client, person, petition = tracked
    assert (petition.kind, petition.status, petition.goal, petition.org_id) == (
        "external",
        "active",
        5000,
        person.org_id,
    )
    url = f"/people/{person.id}/petitions/{petition.id}/counts"
    for days, count in ((20, "312"), (10, "1,180"), (1, "2045")):
        day = (TODAY - timedelta(days=days)).isoformat()
        assert client.post(url, {"counted_on": day, "count": count}).status_code == 302
    page = text_of(client.get(f"/people/{person.id}/petitions/{petition.id}"))
    assert "<polyline" in page and "Goal 5,000" in page and "2,045" in page and "40.9%" in page
    assert "<script" not in page and "style=" not in page
    assert "2,045 of 5,000 signatures" in text_of(client.get(f"/people/{person.id}"))  # the glance
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.count_added"))
    assert event.field_list == ["count", "counted_on"]


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"counted_on": "", "count": "10"}, "Type the day of the count, as YYYY-MM-DD."),
        ({"counted_on": "2999-01-01", "count": "10"}, "The day of the count cannot be in the future"),
        ({"counted_on": "yesterday", "count": "10"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ({"counted_on": "2024-01-01", "count": ""}, "Type the number of signatures the platform shows"),
        (
            {"counted_on": "2024-01-01", "count": "-4"},
            "Type the number of signatures as a whole number, for example 1250.",
        ),
        ({"counted_on": "2024-01-01", "count": "many"}, "Type the number of signatures as a whole number"),
    ],
)
def test_count_validation(tracked, db, fields, message):
    client, person, petition = tracked
    response = client.post(f"/people/{person.id}/petitions/{petition.id}/counts", fields)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(PetitionCount) == 0


@pytest.mark.parametrize(
    "overrides, message",
    [
        ({"title": ""}, "Type the petition's title as the platform shows it."),
        ({"external_url": ""}, "Type the full address of the petition, starting with https://."),
        (
            {"external_url": "javascript:alert(1)"},
            "Type the full address of the petition, starting with https://, for",
        ),
        ({"external_url": "petitions.example.org/x"}, "starting with https://"),
        ({"goal": "2.5k"}, "Type the goal as a whole number of signatures, for example 2500."),
        ({"targets": ""}, "Type at least one decision maker"),
    ],
)
def test_external_validation(login_as, make_person, db, overrides, message):
    person = make_person()
    response = login_as("staff").post(
        f"/people/{person.id}/petitions/external/new", external_form(**overrides)
    )
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Petition) == 0


def test_remove_a_count_after_confirming(tracked, db):
    client, person, petition = tracked
    client.post(
        f"/people/{person.id}/petitions/{petition.id}/counts", {"counted_on": "2024-01-01", "count": "9"}
    )
    entry = db.scalar(sa.select(PetitionCount))
    url = f"/people/{person.id}/petitions/{petition.id}/counts/{entry.id}/delete"
    assert shows(client.get(url), "Remove this count?") and db.count(PetitionCount) == 1
    assert client.post(url, {}).status_code == 302 and db.count(PetitionCount) == 0


def test_counts_are_for_outside_petitions_only(login_as, make_person, db):
    from tests.test_petitions_hosted import create_hosted

    staff = login_as("staff")
    person = make_person()
    petition_id = create_hosted(staff, person)
    response = staff.post(
        f"/people/{person.id}/petitions/{petition_id}/counts", {"counted_on": "2024-01-01", "count": "9"}
    )
    assert response.status_code == 404 and db.count(PetitionCount) == 0


def test_edit_conflict_and_access(tracked, login_as, make_user, make_person, make_org, share_case, db):
    client, person, petition = tracked
    url = f"/people/{person.id}/petitions/{petition.id}/edit"
    assert client.post(url, external_form(title="Free Tuan now", version="1")).status_code == 302
    stale = client.post(url, external_form(platform="Typed meanwhile", version="1"))
    assert shows(stale, "Someone else saved this petition while you were editing")
    assert 'value="Typed meanwhile"' in text_of(stale)
    assert db.get(Petition, petition.id).platform == "Community petitions"
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, level="view")
    viewer = login_as(partner)
    assert viewer.get(f"/people/{person.id}/petitions/{petition.id}").status_code == 200
    assert viewer.get(url).status_code == 403
    assert (
        viewer.post(
            f"/people/{person.id}/petitions/{petition.id}/counts", {"counted_on": "2024-01-01", "count": "1"}
        ).status_code
        == 403
    )
    assert login_as("volunteer").get(f"/people/{person.id}/petitions/{petition.id}").status_code == 404
    other = make_person()
    assert client.get(f"/people/{other.id}/petitions/{petition.id}").status_code == 404  # not this case's


def test_close_and_archive_an_outside_petition(tracked, db):
    client, person, petition = tracked
    base = f"/people/{person.id}/petitions/{petition.id}"
    assert client.post(base + "/close", {}).status_code == 302
    assert db.get(Petition, petition.id).status == "closed"
    assert client.post(base + "/archive", {}).status_code == 302
    again = client.post(base + "/archive", {}, follow_redirects=True)
    assert shows(again, "The petition is already archived.")
    assert client.get(base + "/delete").status_code == 403  # deleting needs manage


def test_case_page_queries_do_not_grow_with_petitions(app, login_as, make_person, db):
    from casework.models import PetitionDelivery, PublicConsent
    from tests.test_query_counts import count_selects

    staff = login_as("staff")
    small, large = make_person(legal_name="Small Case"), make_person(legal_name="Large Case")
    for person, n in ((small, 1), (large, 5)):
        for i in range(n):
            db.add(PublicConsent(person_id=person.id, scope="city", given_by=f"Consent {i}"))
            p = db.add(
                Petition(
                    person_id=person.id,
                    org_id=person.org_id,
                    kind="external",
                    status="active",
                    title=f"Petition {i}",
                    targets="Governor",
                    goal=100,
                )
            )
            db.add(PetitionCount(petition_id=p.id, counted_on=date(2024, 1, 1 + i), count=i))
            db.add(PetitionDelivery(petition_id=p.id, delivered_on=date(2024, 2, 1), delivered_to="Governor"))
    few = count_selects(app, lambda: staff.get(f"/people/{small.id}"))
    many = count_selects(app, lambda: staff.get(f"/people/{large.id}"))
    assert few == many, (few, many)

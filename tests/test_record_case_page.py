"""The record's sections of the case page: present, ordered, in the timeline, and loaded in fixed queries."""

from datetime import date, timedelta

import pytest

from casework.models import (
    CheckIn,
    CheckInOutcome,
    Conviction,
    CustodyEvent,
    CustodyKind,
    RemovalCase,
    RemovalStage,
    TravelDocument,
    TravelDocumentOutcome,
)
from tests.conftest import TODAY, statements_sent, text_of


def test_sections_are_on_the_case_page_in_order(login_as, make_person):
    person = make_person()
    html = text_of(login_as("staff").get(f"/people/{person.id}"))
    positions = [
        html.index(f'<section class="panel" id="{key}">')
        for key in ("convictions", "removal", "checkins", "travel-documents")
    ]
    assert positions == sorted(positions)
    for title in ("Convictions", "Removal case and custody", "ICE check-ins", "Travel documents"):
        assert f">{title}</a>" in html  # the section navigation


def _fill(db, person, n: int, voided_by=None):
    """n rows of every kind of the record (the custody timeline alternates arrests and releases)."""
    for i in range(n):
        db.add(
            Conviction(
                person_id=person.id,
                offense=f"Offense {i}",
                offense_date=date(2001 + i, 1, 1),
                conviction_date=date(2001 + i, 6, 1),
                removal_grounds="cimt",
            )
        )
        db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=10 + i)))
        db.add(
            CheckIn(
                person_id=person.id,
                scheduled_on=TODAY - timedelta(days=10 + i),
                outcome=CheckInOutcome.ATTENDED,
            )
        )
        db.add(
            TravelDocument(
                person_id=person.id,
                country=f"Country {i}",
                requested_on=date(2020, 1, 1 + i),
                outcome=TravelDocumentOutcome.REFUSED,
                decided_on=date(2020, 2, 1 + i),
            )
        )
        db.add(
            CustodyEvent(
                person_id=person.id,
                kind=CustodyKind.ICE_ARREST,
                occurred_on=date(2010 + i, 1, 1),
                created_by_id=voided_by,
            )
        )
        db.add(
            CustodyEvent(
                person_id=person.id,
                kind=CustodyKind.RELEASED_BOND,
                occurred_on=date(2010 + i, 2, 1),
                created_by_id=voided_by,
            )
        )
    db.add(RemovalCase(person_id=person.id, stage=RemovalStage.HEARINGS, nta_date=date(2020, 1, 1)))


@pytest.mark.parametrize("role", ["staff", "volunteer"])
def test_sections_load_in_a_fixed_number_of_queries(app, login_as, make_user, make_person, db, role):
    user = make_user(role)
    small, large = make_person(assigned=[user]), make_person(assigned=[user])
    _fill(db, small, 1, voided_by=user.id)
    _fill(db, large, 6, voided_by=user.id)
    browser = login_as(user)
    browser.get(f"/people/{small.id}")  # warm up: the first request loads the session and user
    counts = []
    for person in (small, large):
        with statements_sent(app) as statements:
            response = browser.get(f"/people/{person.id}")
        assert response.status_code == 200
        counts.append(len(statements))
    assert counts[0] == counts[1], counts
    html = text_of(response)
    assert "Offense 5" in html and "Country 5" in html


def test_timeline_has_every_dated_record(login_as, make_person, db):
    person = make_person(birth_date=date(1983, 2, 1))
    db.add(
        Conviction(
            person_id=person.id,
            offense="Robbery",
            offense_date=date(2004, 6, 12),
            conviction_date=date(2005, 1, 20),
        )
    )
    db.add(
        RemovalCase(
            person_id=person.id,
            stage=RemovalStage.FINAL_ORDER,
            nta_date=date(2019, 5, 1),
            order_date=date(2020, 2, 3),
        )
    )
    db.add(
        CustodyEvent(
            person_id=person.id,
            kind=CustodyKind.ICE_ARREST,
            occurred_on=date(2021, 3, 4),
            facility="Plymouth",
        )
    )
    db.add(
        CheckIn(
            person_id=person.id,
            scheduled_on=date(2022, 7, 8),
            office="Burlington ERO",
            outcome=CheckInOutcome.ATTENDED,
        )
    )
    db.add(
        TravelDocument(
            person_id=person.id,
            country="Cambodia",
            requested_on=date(2023, 1, 2),
            interview_on=date(2023, 2, 3),
            outcome=TravelDocumentOutcome.REFUSED,
            decided_on=date(2023, 3, 4),
        )
    )
    html = text_of(login_as("staff").get(f"/people/{person.id}"))
    timeline = html[html.index('id="timeline"') :]
    for day, text in [
        ("2004-06-12", "Offense: Robbery (age 21)"),
        ("2005-01-20", "Convicted: Robbery"),
        ("2019-05-01", "Notice to Appear issued"),
        ("2020-02-03", "Order of removal entered"),
        ("2021-03-04", "ICE arrest · Plymouth"),
        ("2022-07-08", "ICE check-in at Burlington ERO: Attended, released the same day"),
        ("2023-01-02", "Travel document requested from Cambodia"),
        ("2023-02-03", "Consular interview (Cambodia)"),
        ("2023-03-04", "Travel document refused by Cambodia"),
    ]:
        assert f'<time datetime="{day}"' in timeline, day
        assert text in timeline, text
    # newest first
    assert timeline.index("2023-03-04") < timeline.index("2004-06-12")


def test_voided_custody_events_stay_out_of_the_timeline(login_as, make_person, db):
    from datetime import UTC, datetime

    person = make_person()
    db.add(
        CustodyEvent(
            person_id=person.id,
            kind=CustodyKind.ICE_ARREST,
            occurred_on=date(2021, 3, 4),
            voided_at=datetime.now(UTC),
            void_reason="Wrong person",
        )
    )
    html = text_of(login_as("staff").get(f"/people/{person.id}"))
    assert "Wrong person" in html
    assert "2021-03-04" not in html[html.index('id="timeline"') :]


def test_check_in_with_unrecorded_outcome_is_flagged(login_as, make_person, db):
    person = make_person()
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY - timedelta(days=3)))
    html = text_of(login_as("staff").get(f"/people/{person.id}"))
    assert "Outcome not recorded" in html
    assert f"not recorded for {(TODAY - timedelta(days=3)).isoformat()}" in html

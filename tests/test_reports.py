"""Reports: each report's numbers on a small hand-made set of cases, its filters, its CSV and its messages."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime

import pytest

from casework.models import (
    CheckIn,
    CustodyEvent,
    CustodyKind,
    ReliefApplication,
    TravelDocument,
)
from tests.conftest import shows, text_of

K = CustodyKind


def rows_of(response) -> list[list[str]]:
    assert response.status_code == 200 and response.mimetype == "text/csv"
    return list(csv.reader(io.StringIO(text_of(response))))


@pytest.fixture
def cases(db, make_person):
    """Five live cases of the organization, one deleted; their custody, travel documents, relief, check-ins."""

    def person(name, citizenship, community, status, custody="free", events=()):
        p = make_person(
            legal_name=name,
            citizenship=citizenship,
            community=community,
            case_status=status,
            custody_status=custody,
        )
        for kind, day in events:
            db.add(CustodyEvent(person_id=p.id, kind=kind, occurred_on=day))
        return p

    held = person(
        "Held Now",
        "Cambodia",
        "Cambodian",
        "active",
        "detained",
        [(K.ICE_ARREST, date(2019, 4, 1)), (K.BOOKED, date(2019, 4, 1))],
    )
    released = person(
        "Released Once",
        "Cambodia",
        "Cambodian",
        "monitoring",
        "released",
        [(K.ICE_ARREST, date(2004, 11, 2)), (K.RELEASED_SUPERVISION, date(2006, 11, 20))],
    )
    free = person("Never Held", "Vietnam", "Vietnamese", "active")
    db.add(
        CustodyEvent(
            person_id=free.id,
            kind=K.ICE_ARREST,
            occurred_on=date(2020, 2, 2),
            voided_at=datetime(2020, 2, 3, tzinfo=UTC),
        )
    )
    removed = person(
        "Removed Since",
        "Vietnam",
        "Vietnamese",
        "closed",
        "removed",
        [(K.ICE_ARREST, date(2018, 1, 10)), (K.REMOVED, date(2018, 3, 5))],
    )
    unknown = person("No Citizenship", None, "Lao", "intake")
    gone = make_person(
        legal_name="Deleted Case",
        citizenship="Cambodia",
        custody_status="detained",
        deleted_at=datetime(2025, 1, 1, tzinfo=UTC),
    )
    db.add(CustodyEvent(person_id=gone.id, kind=K.ICE_ARREST, occurred_on=date(2019, 4, 1)))

    for pid, country, day, outcome in [
        (held.id, "Cambodia", date(2025, 3, 4), "issued"),
        (held.id, "Cambodia", date(2025, 3, 20), "refused"),
        (held.id, "Cambodia", date(2025, 4, 1), "pending"),
        (free.id, "Vietnam", date(2025, 3, 10), "withdrawn"),
        (free.id, "Vietnam", None, "pending"),
        (gone.id, "Cambodia", date(2025, 3, 1), "issued"),
    ]:
        db.add(TravelDocument(person_id=pid, country=country, requested_on=day, outcome=outcome))

    for pid, kind, where, status, decided in [
        (held.id, "governor_pardon", "MA", "preparing", None),
        (released.id, "governor_pardon", "MA", "granted", date(2024, 5, 1)),
        (free.id, "motion_to_vacate", "WA", "denied", date(2023, 2, 1)),
        (removed.id, "commutation", "WA", "withdrawn", None),
        (gone.id, "commutation", "WA", "granted", date(2024, 1, 1)),
    ]:
        db.add(
            ReliefApplication(person_id=pid, kind=kind, jurisdiction=where, status=status, decided_on=decided)
        )

    for pid, office, day, outcome in [
        (held.id, "ICE ERO Boston", date(2019, 4, 1), "redetained"),
        (held.id, "ICE ERO Boston", date(2018, 10, 1), "attended"),
        (released.id, "ICE ERO Boston", date(2025, 1, 5), "missed"),
        (released.id, None, date(2025, 2, 1), "scheduled"),
        (free.id, "ICE ERO Seattle", date(2024, 6, 1), "rescheduled"),
        (gone.id, "ICE ERO Seattle", date(2024, 6, 1), "redetained"),
    ]:
        db.add(CheckIn(person_id=pid, office=office, scheduled_on=day, outcome=outcome))
    return {"held": held, "released": released, "free": free, "removed": removed, "unknown": unknown}


@pytest.fixture
def staff(login_as, cases):
    return login_as("staff")


# ---------------------------------------------------------------- people by citizenship and custody


def test_people_by_citizenship_and_custody(staff):
    assert rows_of(staff.get("/reports/people-by-citizenship-and-custody.csv")) == [
        ["citizenship", "custody", "people"],
        ["Cambodia", "detained", "1"],
        ["Cambodia", "released", "1"],
        ["Vietnam", "never_detained", "1"],
        ["Vietnam", "removed", "1"],
        ["", "never_detained", "1"],
    ]
    page = staff.get("/reports/people-by-citizenship-and-custody")
    assert page.status_code == 200
    html = text_of(page)
    assert '<title id="chart-citizenship-title">' in html and '<desc id="chart-citizenship-desc">' in html
    assert "Cambodia: 2 (detained 1, released on supervision or bond 1)" in html
    assert "Not recorded" in html and ">5</strong>" in html  # the total of every column


@pytest.mark.parametrize(
    "query, expected",
    [
        ("community=Cambodian", [["Cambodia", "detained", "1"], ["Cambodia", "released", "1"]]),
        ("case_status=active", [["Cambodia", "detained", "1"], ["Vietnam", "never_detained", "1"]]),
        ("start=2005-01-01&end=2005-12-31", [["Cambodia", "released", "1"]]),
        ("start=2018-02-01&end=2018-02-28", [["Vietnam", "removed", "1"]]),
        ("start=2018-03-05&end=2019-04-01", [["Cambodia", "detained", "1"], ["Vietnam", "removed", "1"]]),
        ("start=2020-01-01", [["Cambodia", "detained", "1"]]),  # the voided arrest of 2020 does not count
        ("end=2004-12-31", [["Cambodia", "released", "1"]]),
        ("start=2007-01-01&end=2017-12-31", []),
    ],
)
def test_people_by_citizenship_and_custody_filtered(staff, query, expected):
    rows = rows_of(staff.get(f"/reports/people-by-citizenship-and-custody.csv?{query}"))
    assert rows == [["citizenship", "custody", "people"], *expected]
    assert staff.get(f"/reports/people-by-citizenship-and-custody?{query}").status_code == 200


def test_the_page_links_its_csv_with_its_filters(staff):
    html = text_of(
        staff.get("/reports/people-by-citizenship-and-custody?community=Cambodian&start=2005-01-01")
    )
    assert (
        'href="/reports/people-by-citizenship-and-custody.csv?community=Cambodian&amp;start=2005-01-01"'
        in html
    )


# ---------------------------------------------------------------- travel documents


def test_travel_documents_by_country_month_and_outcome(staff):
    assert rows_of(staff.get("/reports/travel-documents.csv")) == [
        ["country", "month", "requested", "issued", "refused", "withdrawn"],
        ["Cambodia", "2025-03", "2", "1", "1", "0"],
        ["Vietnam", "2025-03", "1", "0", "0", "1"],
        ["Cambodia", "2025-04", "1", "0", "0", "0"],
    ]
    page = staff.get("/reports/travel-documents")
    assert shows(page, "1 document has no request date and is not counted here")
    assert "At most <strong>3</strong> in a month (2025-03)" in text_of(page)


def test_travel_documents_requested_between(staff):
    rows = rows_of(
        staff.get("/reports/travel-documents.csv?start=2025-03-15&end=2025-04-30&community=Cambodian")
    )
    assert rows[1:] == [
        ["Cambodia", "2025-03", "1", "0", "1", "0"],
        ["Cambodia", "2025-04", "1", "0", "0", "0"],
    ]


# ---------------------------------------------------------------- custody events


def test_detentions_releases_and_removals_by_month(staff):
    assert rows_of(staff.get("/reports/custody-events.csv")) == [
        ["country", "month", "detentions", "releases", "removals"],
        ["Cambodia", "2004-11", "1", "0", "0"],
        ["Cambodia", "2006-11", "0", "1", "0"],
        ["Vietnam", "2018-01", "1", "0", "0"],
        ["Vietnam", "2018-03", "0", "0", "1"],
        ["Cambodia", "2019-04", "1", "0", "0"],
    ]
    assert rows_of(staff.get("/reports/custody-events.csv?start=2018-01-01&end=2018-12-31"))[1:] == [
        ["Vietnam", "2018-01", "1", "0", "0"],
        ["Vietnam", "2018-03", "0", "0", "1"],
    ]
    html = text_of(staff.get("/reports/custody-events"))
    assert "each year" in html  # 2004 to 2019: more than 36 months, drawn by year


# ---------------------------------------------------------------- relief


def test_relief_by_kind_jurisdiction_status_and_decisions_by_year(staff):
    assert rows_of(staff.get("/reports/relief-applications.csv")) == [
        ["kind", "jurisdiction", "status", "applications"],
        ["commutation", "WA", "withdrawn", "1"],
        ["governor_pardon", "MA", "preparing", "1"],
        ["governor_pardon", "MA", "granted", "1"],
        ["motion_to_vacate", "WA", "denied", "1"],
    ]
    assert rows_of(staff.get("/reports/relief-decisions.csv")) == [
        ["year", "granted", "denied", "withdrawn"],
        ["2023", "0", "1", "0"],
        ["2024", "1", "0", "0"],
        ["", "0", "0", "1"],
    ]
    assert rows_of(staff.get("/reports/relief-applications.csv?case_status=active"))[1:] == [
        ["governor_pardon", "MA", "preparing", "1"],
        ["motion_to_vacate", "WA", "denied", "1"],
    ]
    html = text_of(staff.get("/reports/relief"))
    assert "Date not recorded" in html and "Decisions on relief applications by year, 2023 to 2024" in html


# ---------------------------------------------------------------- check-ins


def test_check_ins_by_office_with_re_detentions(staff):
    assert rows_of(staff.get("/reports/check-ins.csv")) == [
        ["office", "check_ins", "attended", "rescheduled", "missed", "redetained", "scheduled"],
        ["ICE ERO Boston", "3", "1", "0", "1", "1", "0"],
        ["ICE ERO Seattle", "1", "0", "1", "0", "0", "0"],
        ["", "1", "0", "0", "0", "0", "1"],
    ]
    assert rows_of(staff.get("/reports/check-ins.csv?start=2019-01-01&end=2019-12-31"))[1:] == [
        ["ICE ERO Boston", "1", "0", "0", "0", "1", "0"],
    ]
    assert shows(staff.get("/reports/check-ins"), "ICE ERO Boston: 3 (attended 1, missed 1, re-detained 1)")


# ---------------------------------------------------------------- every report page, and bad filters


@pytest.mark.parametrize(
    "url",
    [
        "/reports",
        "/reports/travel-documents",
        "/reports/custody-events",
        "/reports/relief",
        "/reports/check-ins",
    ],
)
def test_every_page_answers(staff, url):
    response = staff.get(url)
    assert response.status_code == 200 and "<h1>" in text_of(response)


@pytest.mark.parametrize(
    "query, message",
    [
        ("start=2019-02-30", "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ("end=yesterday", "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ("start=2020-01-01&end=2019-01-01", "This day is before the first one: type the earlier day first"),
        ("case_status=detained", "Choose one of the options in the list."),
        ("community=" + "x" * 101, "Choose a community from the list."),
    ],
)
def test_bad_filters_get_a_message_never_an_error(staff, query, message):
    page = staff.get(f"/reports/people-by-citizenship-and-custody?{query}")
    assert page.status_code == 200 and shows(page, message)
    assert shows(page, "The filters need correcting") and "<table" not in text_of(page)
    download = staff.get(f"/reports/people-by-citizenship-and-custody.csv?{query}")
    assert download.status_code == 302
    assert download.headers["Location"] == f"/reports/people-by-citizenship-and-custody?{query}"


def test_a_report_without_dates_ignores_them(staff):
    assert staff.get("/reports/relief?start=not-a-date").status_code == 200
    assert len(rows_of(staff.get("/reports/relief-decisions.csv?start=not-a-date"))) == 4

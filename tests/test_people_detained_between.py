""" "Detained between" two days: the SQL condition the people list and the reports share, checked against a plain
Python replay of random timelines; the people list's filter, its CSV and its messages."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from casework.extensions import db as real_db
from casework.models import CustodyEvent, CustodyKind, Person
from casework.record.custody_queries import detained_between
from tests.conftest import shows, text_of

BASE = date(2020, 1, 1)
K = CustodyKind


# ---------------------------------------------------------------- random timelines and their plain replay

# What may follow in each state, as the timeline's rules allow (casework.models.custody._step).
NEXT = {
    "free": [K.ICE_ARREST, K.REDETAINED, K.REMOVED],
    "detained": [K.BOOKED, K.TRANSFERRED, K.BOND_HEARING, K.RELEASED_SUPERVISION, K.RELEASED_BOND, K.REMOVED],
    "released": [K.REDETAINED, K.ICE_ARREST, K.REMOVED],
}


def build_timeline(
    steps: list[tuple[int, int]],
) -> tuple[list[tuple[CustodyKind, date]], list[tuple[date, date | None]]]:
    """Events in an order that makes sense (days never go back; several may share a day), and the detentions
    they make: (first day, last day), the last day None while still detained."""
    events, spells, state, day, since = [], [], "free", BASE, None
    for gap, pick in steps:
        if state == "removed":
            break
        day += timedelta(days=gap)
        kind = NEXT[state][pick % len(NEXT[state])]
        events.append((kind, day))
        if kind.starts_detention:
            state, since = "detained", day
        elif kind.ends_detention:
            if state == "detained":
                spells.append((since, day))
            state = "removed" if kind == K.REMOVED else "released"
    if state == "detained":
        spells.append((since, None))
    return events, spells


def replay_detained_between(
    spells: list[tuple[date, date | None]], start: date | None, end: date | None
) -> bool:
    """Detained at some moment of the days [start, end]: a detention that began by `end` and had not ended
    before `start` (a release on `start` leaves the person detained that morning)."""
    if start is None and end is None:
        return True
    return any(
        (end is None or first <= end) and (start is None or last is None or last >= start)
        for first, last in spells
    )


timelines = st.lists(st.tuples(st.integers(0, 6), st.integers(0, 11)), max_size=9)
# A day of a window: none (an open end), any day, or a day next to an event of the timelines (the edges matter).
days = st.one_of(st.none(), st.tuples(st.booleans(), st.integers(-3, 50), st.integers(-1, 1)))


def window_day(spec, event_days: list[date]) -> date | None:
    if spec is None:
        return None
    near_an_event, n, shift = spec
    if near_an_event and event_days:
        return event_days[n % len(event_days)] + timedelta(days=shift)
    return BASE + timedelta(days=n)


voided_noise = st.lists(st.tuples(st.sampled_from(list(K)), st.integers(-3, 50)), max_size=2)


@settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    people=st.lists(st.tuples(timelines, voided_noise, st.booleans()), min_size=1, max_size=4),
    windows=st.lists(st.tuples(days, days), min_size=1, max_size=4),
)
def test_detained_between_agrees_with_a_replay_of_the_timeline(app, org, people, windows):
    with app.app_context():
        try:
            expected_spells, event_days = {}, []
            for steps, noise, reverse in people:
                person = Person(org_id=org.id, legal_name="Timeline")
                real_db.session.add(person)
                real_db.session.flush()
                events, spells = build_timeline(steps)
                event_days += [day for _, day in events]
                rows = [CustodyEvent(person_id=person.id, kind=kind, occurred_on=day) for kind, day in events]
                voided = datetime(2024, 1, 1, tzinfo=UTC)
                rows += [
                    CustodyEvent(
                        person_id=person.id, kind=kind, occurred_on=BASE + timedelta(days=n), voided_at=voided
                    )
                    for kind, n in noise
                ]
                real_db.session.add_all(
                    reversed(rows) if reverse else rows
                )  # the entry order does not matter
                expected_spells[person.id] = spells
            real_db.session.flush()
            for start_spec, end_spec in windows:
                start, end = window_day(start_spec, event_days), window_day(end_spec, event_days)
                if start and end and end < start:
                    start, end = end, start
                found = set(
                    real_db.session.scalars(
                        sa.select(Person.id).where(
                            Person.id.in_(expected_spells), detained_between(start, end)
                        )
                    )
                )
                expected = {
                    pid
                    for pid, spells in expected_spells.items()
                    if replay_detained_between(spells, start, end)
                }
                assert found == expected, (start, end)
        finally:
            real_db.session.rollback()


@pytest.mark.parametrize(
    "events, start, end, detained",
    [
        ([(K.ICE_ARREST, "2019-04-01")], "2020-01-01", "2020-01-31", True),  # detained since, never released
        ([(K.ICE_ARREST, "2019-04-01")], "2019-01-01", "2019-03-31", False),  # before the arrest
        ([(K.ICE_ARREST, "2019-04-01"), (K.RELEASED_BOND, "2019-06-01")], "2019-06-01", "2019-06-30", True),
        ([(K.ICE_ARREST, "2019-04-01"), (K.RELEASED_BOND, "2019-06-01")], "2019-06-02", None, False),
        ([(K.ICE_ARREST, "2019-04-01"), (K.RELEASED_BOND, "2019-06-01")], None, "2019-04-01", True),
        ([(K.ICE_ARREST, "2019-04-01"), (K.RELEASED_BOND, "2019-04-01")], "2019-04-01", "2019-04-01", True),
        ([(K.REMOVED, "2019-04-01")], "2019-01-01", "2019-12-31", False),  # removed without a detention
        ([(K.ICE_ARREST, "2018-01-01"), (K.REMOVED, "2018-05-01")], "2018-05-01", "2018-05-01", True),
        ([(K.ICE_ARREST, "2018-01-01"), (K.REMOVED, "2018-05-01")], "2018-05-02", "2030-01-01", False),
    ],
)
def test_detained_between_at_the_edges(app, make_person, db, events, start, end, detained):
    person = make_person()
    for kind, day in events:
        db.add(CustodyEvent(person_id=person.id, kind=kind, occurred_on=date.fromisoformat(day)))
    a = date.fromisoformat(start) if start else None
    b = date.fromisoformat(end) if end else None
    assert (
        bool(db.scalar(sa.select(Person.id).where(Person.id == person.id, detained_between(a, b))))
        is detained
    )


def test_a_voided_arrest_does_not_count(app, make_person, db):
    person = make_person()
    db.add(
        CustodyEvent(
            person_id=person.id,
            kind=K.ICE_ARREST,
            occurred_on=date(2019, 4, 1),
            voided_at=datetime(2019, 4, 2, tzinfo=UTC),
        )
    )
    query = sa.select(Person.id).where(detained_between(date(2019, 1, 1), date(2019, 12, 31)))
    assert db.scalar(query) is None


# ---------------------------------------------------------------- the people list


@pytest.fixture
def timeline_people(make_person, db):
    def detained(name, *events):
        person = make_person(legal_name=name, citizenship="Cambodia")
        for kind, day in events:
            db.add(CustodyEvent(person_id=person.id, kind=kind, occurred_on=day))
        return person

    return {
        "held_2019": detained(
            "Held In 2019", (K.ICE_ARREST, date(2019, 4, 1)), (K.RELEASED_BOND, date(2019, 9, 1))
        ),
        "held_2022": detained("Held In 2022", (K.ICE_ARREST, date(2022, 2, 1))),
        "never": detained("Never Held"),
    }


def list_names(browser) -> list[str]:
    page = text_of(browser.get("/people"))
    return sorted(
        n for n in ("Held In 2019", "Held In 2022", "Never Held") if f"<strong>{n}</strong>" in page
    )


def test_the_people_list_filters_by_detained_between_and_keeps_it_in_the_session(login_as, timeline_people):
    staff = login_as("staff")
    staff.get("/people")
    response = staff.post(
        "/people", {"sort": "name", "detained_from": "2019-06-01", "detained_to": "2019-12-31"}
    )
    assert response.status_code == 302 and response.headers["Location"] == "/people"
    assert list_names(staff) == ["Held In 2019"]
    page = text_of(staff.get("/people"))
    assert 'value="2019-06-01"' in page and 'value="2019-12-31"' in page  # the form shows what was typed

    staff.post("/people", {"sort": "name", "detained_from": "2020-01-01", "detained_to": ""})  # open end
    assert list_names(staff) == ["Held In 2022"]
    staff.post("/people", {"sort": "name", "detained_from": "", "detained_to": "2030-01-01"})
    assert list_names(staff) == ["Held In 2019", "Held In 2022"]
    staff.post("/people", {"sort": "name", "clear": "1"})
    assert list_names(staff) == ["Held In 2019", "Held In 2022", "Never Held"]


def test_the_people_csv_follows_the_detained_between_filter(login_as, timeline_people):
    staff = login_as("staff")
    staff.get("/people")
    staff.post("/people", {"sort": "name", "detained_from": "2022-01-01", "detained_to": "2022-12-31"})
    rows = list(csv.DictReader(io.StringIO(text_of(staff.get("/people/export.csv")))))
    assert [r["Legal name"] for r in rows] == ["Held In 2022"]


@pytest.mark.parametrize(
    "data, message",
    [
        ({"detained_from": "2019-02-30"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ({"detained_from": "last spring"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        (
            {"detained_from": "2020-01-01", "detained_to": "2019-01-01"},
            "This date is before the “Detained from” date: type the earlier day first",
        ),
    ],
)
def test_bad_dates_get_a_message_that_says_what_to_type(login_as, timeline_people, data, message):
    staff = login_as("staff")
    staff.get("/people")
    response = staff.post("/people", {"sort": "name", **data})
    assert response.status_code == 200 and shows(response, message)
    assert list_names(staff) == ["Held In 2019", "Held In 2022", "Never Held"]  # nothing was kept


def test_dates_in_the_session_that_are_not_dates_are_ignored(app, login_as, timeline_people):
    from casework.people.search import stored_day

    assert stored_day("2019-02-30") is None and stored_day("") is None and stored_day(None) is None
    assert stored_day("2019-02-28") == date(2019, 2, 28)

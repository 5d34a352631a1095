"""Dates known to the year, the month or the day: what may be typed, what is stored (the first day of the year or
month with its precision), the messages that say what to type, and from–to compared at the coarser precision."""

from datetime import date, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given
from hypothesis import strategies as st

from casework.background.fields import (
    FORMAT_MESSAGE,
    UNKNOWN,
    PartialDate,
    in_order,
    normalized,
    parse_partial_date,
    span_text,
)
from casework.models import Residence
from casework.models.base import DatePrecision, partial_date_text
from tests.conftest import TODAY as RUN_DAY
from tests.conftest import shows, text_of

YEAR, MONTH, DAY = DatePrecision.YEAR, DatePrecision.MONTH, DatePrecision.DAY
TODAY = date(2026, 6, 15)  # the day the parser is told it is; RUN_DAY is the application's, for the pages
TOMORROW = RUN_DAY + timedelta(days=1)
FUTURE_MESSAGE = "This date is in the future" if TOMORROW.year == RUN_DAY.year else "Type a year from 1900 to"


@pytest.mark.parametrize(
    "typed, stored",
    [
        ("1996", PartialDate(date(1996, 1, 1), YEAR)),
        (" 1996 ", PartialDate(date(1996, 1, 1), YEAR)),
        ("1996-04", PartialDate(date(1996, 4, 1), MONTH)),
        ("1996-4", PartialDate(date(1996, 4, 1), MONTH)),
        ("1996-04-12", PartialDate(date(1996, 4, 12), DAY)),
        ("2026-06-15", PartialDate(TODAY, DAY)),
        ("2026", PartialDate(date(2026, 1, 1), YEAR)),  # this year, although it is not over
        ("", UNKNOWN),
        (None, UNKNOWN),
    ],
)
def test_what_may_be_typed(typed, stored):
    assert parse_partial_date(typed, today=TODAY) == stored


@pytest.mark.parametrize(
    "typed, message",
    [
        ("April 1996", FORMAT_MESSAGE),
        ("04/1996", FORMAT_MESSAGE),
        ("96", FORMAT_MESSAGE),
        ("1996-04-12-1", FORMAT_MESSAGE),
        ("1996-13", "Type the month as 01 to 12, for example 1996-04. " + FORMAT_MESSAGE),
        ("1996-00", "Type the month as 01 to 12, for example 1996-04. " + FORMAT_MESSAGE),
        (
            "1996-02-30",
            "1996-02-30 is not a day of the calendar: type a real day, or only the month (1996-02).",
        ),
        (
            "1996-04-00",
            "1996-04-00 is not a day of the calendar: type a real day, or only the month (1996-04).",
        ),
        ("1899", "Type a year from 1900 to 2026, for example 1996."),
        ("2027", "Type a year from 1900 to 2026, for example 1996."),
        ("2026-07", "This date is in the future: type a year, month or day up to today."),
        ("2026-06-16", "This date is in the future: type a year, month or day up to today."),
    ],
)
def test_what_is_refused_says_what_to_type(typed, message):
    with pytest.raises(ValueError) as refused:
        parse_partial_date(typed, today=TODAY)
    assert str(refused.value) == message


@pytest.mark.parametrize(
    "start, end, ordered",
    [
        ("1996", "1996-04", True),  # the same year: in order at the coarser precision
        ("1996-04", "1996", True),
        ("1996-04-30", "1996-04", True),
        ("1996-05", "1996-04-12", False),
        ("1997", "1996-12-31", False),
        ("1996-04-12", "1996-04-11", False),
        ("1996-04-12", "1996-04-12", True),
        ("", "1990", True),
        ("1990", "", True),
    ],
)
def test_from_to_is_compared_at_the_coarser_precision(start, end, ordered):
    assert in_order(parse_partial_date(start, TODAY), parse_partial_date(end, TODAY)) is ordered


def test_spans_read_as_far_as_known():
    camp = parse_partial_date("1981", TODAY), parse_partial_date("1983", TODAY)
    assert span_text(*camp) == "1981–1983"
    assert span_text(parse_partial_date("1996", TODAY), UNKNOWN) == "from 1996"
    assert span_text(UNKNOWN, parse_partial_date("2004-11", TODAY)) == "until 2004-11"
    assert span_text(UNKNOWN, UNKNOWN) == ""


def test_a_stored_date_is_normalized_to_its_precision():
    assert normalized(date(1996, 4, 12), YEAR) == PartialDate(date(1996, 1, 1), YEAR)
    assert normalized(date(1996, 4, 12), MONTH) == PartialDate(date(1996, 4, 1), MONTH)
    assert normalized(date(1996, 4, 12), None) == PartialDate(date(1996, 4, 12), DAY)
    assert normalized(None, YEAR) == UNKNOWN


@given(st.dates(min_value=date(1900, 1, 1), max_value=TODAY), st.sampled_from(list(DatePrecision)))
def test_what_is_shown_reads_back_as_what_was_stored(day, precision):
    stored = normalized(day, precision)
    assert parse_partial_date(partial_date_text(stored.day, stored.precision), TODAY) == stored


@given(
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.dates(min_value=date(1900, 1, 1), max_value=TODAY),
    st.sampled_from(list(DatePrecision)),
    st.sampled_from(list(DatePrecision)),
)
def test_order_agrees_with_the_days_when_both_are_known_to_the_day_and_never_refuses_a_true_order(
    a, b, pa, pb
):
    start, end = normalized(a, pa), normalized(b, pb)
    if pa == pb == DAY:
        assert in_order(start, end) is (a <= b)
    if a <= b:  # whatever the precisions, a true order is never refused
        assert in_order(start, end)


# ---------------------------------------------------------------- through the form


def _place(**changes):
    data = {
        "kind": "home",
        "place": "Lynn",
        "state": "MA",
        "country": "",
        "from_on": "",
        "to_on": "",
        "notes": "",
        "version": "0",
    }
    data.update(changes)
    return data


def test_a_year_and_a_month_are_stored_with_their_precision_and_shown_as_typed(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/places/new", _place(from_on="1996", to_on="2010-08"))
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{person.id}#places-lived"
    place = db.scalar(sa.select(Residence))
    assert (place.from_on, place.from_precision) == (date(1996, 1, 1), YEAR)
    assert (place.to_on, place.to_precision) == (date(2010, 8, 1), MONTH)
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "1996–2010-08" in page and "Lynn" in page and "Massachusetts" in page
    edit = text_of(staff.get(f"/people/{person.id}/places/{place.id}/edit"))
    assert 'value="1996"' in edit and 'value="2010-08"' in edit  # not 1996-01-01


def test_an_empty_date_is_allowed(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert staff.post(f"/people/{person.id}/places/new", _place()).status_code == 302
    place = db.scalar(sa.select(Residence))
    assert place.from_on is None and place.from_precision is None and place.to_on is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"from_on": "spring 1996"}, FORMAT_MESSAGE),
        (
            {"to_on": "1996-02-30"},
            "1996-02-30 is not a day of the calendar: type a real day, or only the month",
        ),
        ({"from_on": "1996-05", "to_on": "1996-04-12"}, "The end (1996-04-12) is before the start (1996-05)"),
        (
            {"from_on": "1997", "to_on": "1996"},
            "The end (1996) is before the start (1997): check both dates.",
        ),
        ({"from_on": TOMORROW.isoformat()}, FUTURE_MESSAGE),
        ({"place": ""}, "Type the city, town or camp, for example “Stockton” or “Khao-I-Dang”."),
        ({"country": "Thailand"}, "A US state goes with a place in the United States"),
        ({"state": "ZZ"}, "Choose a state from the list, or “not in the United States”."),
    ],
)
def test_the_form_says_what_to_type(login_as, make_person, db, changes, message):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/places/new", _place(**changes))
    assert response.status_code == 200
    assert shows(response, message), text_of(response)
    assert shows(response, "Nothing was saved: correct the fields marked below.")
    assert db.count(Residence) == 0


def test_the_same_year_at_both_ends_is_in_order(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/places/new", _place(from_on="1996", to_on="1996-04"))
    assert response.status_code == 302 and db.count(Residence) == 1

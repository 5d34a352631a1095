"""The post-order custody clock as milestones (casework.models.custody_clock): properties of the pure function,
then the person detained since 2019 under a 2019 final order, on every page that shows the clock."""

import itertools
from datetime import date, timedelta

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.models import CustodyEvent, CustodyKind, Person, RemovalCase, RemovalStage, User
from casework.models.custody_clock import DAY_90, DAY_180, NOTICE_DAYS, Stay, post_order_clock
from tests.conftest import TODAY, text_of

days_ = st.dates(min_value=date(1990, 1, 1), max_value=date(2040, 12, 31))
orders = st.none() | days_
lengths = st.integers(min_value=0, max_value=2000)


@st.composite
def stays(draw, near: date | None = None):
    """No stay, a stay still in effect, or one that ended (its end after its start)."""
    kind = draw(st.sampled_from(["none", "in effect", "ended"]))
    if kind == "none":
        return None
    start = draw(days_) if near is None else near + timedelta(days=draw(st.integers(-400, 400)))
    if kind == "in effect":
        return Stay(start)
    return Stay(start, start + timedelta(days=draw(st.integers(1, 800))))


@st.composite
def clocks(draw):
    """Inputs of a running clock: order date (or None), detention start, a stay, and a today on or after the
    start of the clock."""
    order = draw(orders)
    since = draw(days_)
    start = since if order is None else max(order, since)
    today = start + timedelta(days=draw(lengths))
    return order, since, today, draw(stays(near=start))


# ---------------------------------------------------------------- the pure function


@settings(max_examples=300, deadline=None)
@given(st.data())
def test_an_ended_stay_pauses_both_marks_by_its_length(data):
    order, since, today, _ = data.draw(clocks())
    plain = post_order_clock(order, since, today)
    assert plain is not None
    # a stay that began after the clock started and before day 90 would fall
    begin = plain.start + timedelta(days=data.draw(st.integers(0, 89)))
    length = data.draw(st.integers(1, 800))
    stayed = post_order_clock(order, since, today, Stay(begin, begin + timedelta(days=length)))
    assert stayed is not None
    assert stayed.day_90 == plain.day_90 + timedelta(days=length)
    assert stayed.day_180 == plain.day_180 + timedelta(days=length)
    for m in stayed.milestones:
        assert f"{length} days later because a stay of removal paused the clock" in m.reason


@settings(max_examples=300, deadline=None)
@given(clocks(), st.integers(min_value=1, max_value=1500))
def test_marks_never_move_earlier_when_days_pass(inputs, later):
    order, since, today, stay = inputs
    before = post_order_clock(order, since, today, stay)
    after = post_order_clock(order, since, today + timedelta(days=later), stay)
    assert before is not None and after is not None
    for old, new in zip(before.milestones, after.milestones, strict=True):
        assert new.falls_on >= old.falls_on
        assert not (old.passed and not new.passed)  # a mark once passed stays passed


@settings(max_examples=400, deadline=None)
@given(clocks())
def test_a_passed_mark_is_never_announced_and_an_announced_one_is_in_the_window(inputs):
    order, since, today, stay = inputs
    clock = post_order_clock(order, since, today, stay)
    assert clock is not None
    for m in clock.milestones:
        assert m.passed == (clock.days > m.day)  # past day N once more than N days are counted
        if m.passed:
            assert not m.announced(today) and m.fact == f"past day {m.day} since {m.falls_on.isoformat()}"
    for m in clock.announced(today):
        assert not m.passed and not m.moving and 0 <= (m.falls_on - today).days <= NOTICE_DAYS
    assert len(clock.announced(today)) <= 1


@settings(max_examples=300, deadline=None)
@given(clocks())
def test_the_reason_names_the_day_counted_from(inputs):
    order, since, today, stay = inputs
    clock = post_order_clock(order, since, today, stay)
    assert clock is not None
    assert clock.start == (since if order is None else max(order, since))
    for m in clock.milestones:
        assert m.reason.startswith(f"day {m.day} counted from the ")
        if order is not None and order >= since:
            assert f"counted from the final order of {order.isoformat()}" in m.reason
        else:
            assert f"counted from the detention of {since.isoformat()}" in m.reason
        if order is None:
            assert "the date of the final order is not recorded" in m.reason
        elif since > order:
            assert f"after the final order of {order.isoformat()}" in m.reason


@settings(max_examples=200, deadline=None)
@given(orders, days_, lengths)
def test_without_a_stay_the_marks_fall_90_and_180_days_after_the_start(order, since, length):
    start = since if order is None else max(order, since)
    clock = post_order_clock(order, since, start + timedelta(days=length))
    assert clock is not None
    assert (clock.day_90, clock.day_180) == (start + timedelta(days=90), start + timedelta(days=180))
    assert clock.days == length and not clock.paused and clock.paused_days == 0
    assert [m.mark for m in clock.milestones] == [DAY_90, DAY_180]


@given(days_, st.integers(1, 500))
def test_no_clock_before_it_starts(since, early):
    assert post_order_clock(None, since, since - timedelta(days=early)) is None
    assert post_order_clock(since, since - timedelta(days=3), since - timedelta(days=early)) is None


def test_a_stay_in_effect_holds_the_marks_still_to_come_and_none_is_announced():
    clock = post_order_clock(date(2024, 1, 1), date(2024, 1, 1), date(2024, 5, 1), Stay(date(2024, 3, 1)))
    assert clock is not None and clock.paused and clock.days == 60
    day_90, day_180 = clock.milestones
    assert day_90.moving and not day_90.passed and day_90.falls_on == date(2024, 5, 31)
    assert day_90.fact == "day 90 not before 2024-05-31 (paused by a stay)"
    assert "held back by the stay of removal in effect since 2024-03-01" in day_90.reason
    assert clock.announced(date(2024, 5, 1)) == []


def test_a_mark_passed_before_the_stay_stays_passed():
    clock = post_order_clock(date(2024, 1, 1), date(2024, 1, 1), date(2024, 6, 1), Stay(date(2024, 4, 15)))
    assert clock is not None
    day_90, day_180 = clock.milestones
    assert day_90.passed and day_90.passed_on == date(2024, 3, 31) and not day_90.moving
    assert day_180.moving and not day_180.passed


def test_the_mark_is_announced_on_its_day_and_the_days_before_never_after():
    clock = lambda today: post_order_clock(date(2024, 1, 1), date(2024, 1, 1), today)  # noqa: E731
    falls = date(2024, 3, 31)
    assert [m.day for m in clock(falls).announced(falls)] == [90]
    assert [
        m.day for m in clock(falls - timedelta(days=NOTICE_DAYS)).announced(falls - timedelta(days=30))
    ] == [90]
    assert clock(falls - timedelta(days=NOTICE_DAYS + 1)).announced(falls - timedelta(days=31)) == []
    after = clock(falls + timedelta(days=1))
    assert after.announced(falls + timedelta(days=1)) == [] and after.milestones[0].passed


# ---------------------------------------------------------------- the person detained since 2019


@pytest.fixture
def detained_since_2019(login_as, make_person, db):
    """Arrested by ICE on 2019-04-01 and detained since, under a final order of 2019-01-15."""
    person = make_person(legal_name="Chanthou Men")
    db.add(
        RemovalCase(
            person_id=person.id,
            stage=RemovalStage.FINAL_ORDER,
            order_date=date(2019, 1, 15),
            order_type="removal",
        )
    )
    staff = login_as("staff")
    for kind, extra in (("ice_arrest", {}), ("booked", {"facility": "Tacoma ICE Processing Center"})):
        response = staff.post(
            f"/people/{person.id}/custody/new", {"kind": kind, "occurred_on": "2019-04-01", **extra}
        )
        assert response.status_code == 302, text_of(response)
    assert db.get(Person, person.id).custody_since == date(2019, 4, 1)
    return person, staff


def test_whats_due_shows_no_overdue_custody_mark(detained_since_2019):
    person, staff = detained_since_2019
    for window in ("all", "30", "7"):
        page = text_of(staff.get(f"/due?window={window}"))
        assert "post-order custody" not in page.split('id="overdue"')[1], window
        assert "Chanthou Men" not in page  # nothing else is dated in the case
    assert f"in the {NOTICE_DAYS} days before they" in text_of(staff.get("/due"))
    assert "Chanthou Men" not in text_of(staff.get("/due?window=all&kind=custody_clock"))


def test_the_case_page_says_when_day_90_and_day_180_passed(detained_since_2019):
    person, staff = detained_since_2019
    html = text_of(staff.get(f"/people/{person.id}"))
    assert "<strong>Past day 90 since 2019-06-30</strong>" in html
    assert "<strong>Past day 180 since 2019-09-28</strong>" in html
    assert "a habeas petition can be filed in federal court" in html
    assert "a release on an order of supervision can be asked for" in html
    assert (
        "Why this day: day 180 counted from the detention of 2019-04-01, which began after the final order"
        in html
    )
    # the page header states the fact, and no deadline is "overdue"
    assert "Post-order custody</span> past day 180 since 2019-09-28" in html
    assert "overdue since" not in html


def test_the_dashboard_states_the_passed_marks_for_detained_people(detained_since_2019):
    person, staff = detained_since_2019
    page = text_of(staff.get("/dashboard"))
    assert "<strong>Past day 180 since 2019-09-28</strong>" in page
    assert "<strong>0</strong> overdue" in page


def test_the_calendar_feed_carries_no_passed_mark(detained_since_2019, browser):
    import re

    person, staff = detained_since_2019
    page = text_of(staff.post("/account/calendar", {"action": "create"}))
    path = re.search(r'/calendar/[^"]+\.ics', page).group(0)
    assert "Custody clock" not in browser.get(path).get_data(as_text=True)


def test_a_mark_to_come_is_announced_in_the_window_with_its_meaning(login_as, make_person, db):
    today = TODAY
    person = make_person(
        legal_name="Ry Sok", custody_status="detained", custody_since=today - timedelta(days=70)
    )
    db.add(
        CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=today - timedelta(days=70))
    )
    db.add(
        RemovalCase(
            person_id=person.id, stage=RemovalStage.FINAL_ORDER, order_date=today - timedelta(days=80)
        )
    )
    staff = login_as("staff")
    upcoming = text_of(staff.get("/due?window=30")).split('id="upcoming"')[1]
    assert "Day 90 of post-order custody: the 90-day removal period ends" in upcoming
    assert (today + timedelta(days=20)).isoformat() in upcoming
    assert "Day 90 of post-order custody" not in text_of(staff.get("/due?window=7"))  # beyond the week
    html = text_of(staff.get(f"/people/{person.id}"))
    assert f"<strong>Day 90 on {(today + timedelta(days=20)).isoformat()}</strong> (in 20 days)" in html
    assert f"<strong>Day 180 on {(today + timedelta(days=110)).isoformat()}</strong> (in 110 days)" in html
    dashboard = text_of(staff.get("/dashboard"))
    assert f"Day 90 on {(today + timedelta(days=20)).isoformat()}" in dashboard


def test_whats_due_lists_the_same_clock_marks_as_the_clock_computed_for_every_detained_person(
    app, login_as, make_person, db
):
    """The database leaves out the clocks that cannot have a mark to list; around each bound (the start 60 and
    180 days ago, a later detention or a later order, a stay granted or not) the list is what computing every
    clock gives, each clock once."""
    from casework.deadlines.due import DueKind, gather
    from casework.models import CustodyStatus, StayStatus
    from casework.models.custody import custody_clock

    today = TODAY
    staff = login_as("staff")
    people = []
    offsets = (-1, 0, 1, 58, 59, 60, 61, 62, 89, 90, 91, 100, 150, 151, 179, 180, 181, 182, 190, 200, 400)
    stays = (None, ("granted", 100, None), ("ended", 200, 150), ("granted", -5, None), ("ended", 170, 20))
    for since_ago in offsets:
        for order_ago, stay in itertools.product((None, since_ago + 10, since_ago - 10, since_ago), stays):
            person = make_person(
                legal_name=f"Clock {since_ago} {order_ago}",
                custody_status="detained",
                custody_since=today - timedelta(days=since_ago),
            )
            removal = RemovalCase(
                person_id=person.id,
                stage=RemovalStage.FINAL_ORDER,
                order_date=None if order_ago is None else today - timedelta(days=order_ago),
            )
            if stay is not None:
                removal.stay_status = StayStatus(stay[0])
                removal.stay_granted_on = today - timedelta(days=stay[1])
                removal.stay_ended_on = None if stay[2] is None else today - timedelta(days=stay[2])
            db.add(removal)
            people.append((person, removal))
    expected = set()
    for person, removal in people:
        clock = custody_clock(removal, CustodyStatus.DETAINED, person.custody_since, today)
        for mark in clock.announced(today) if clock is not None else []:
            expected.add((person.id, mark.falls_on))
    with app.test_request_context():
        listed = gather(db.get(User, staff.user.id), today=today, kinds={DueKind.CUSTODY_CLOCK})
    assert {(i.person_id, i.day) for i in listed} == expected
    assert len(listed) == len(expected)  # a clock met by two of the database's cases is listed once
    assert len(expected) > 10  # the grid reaches both marks

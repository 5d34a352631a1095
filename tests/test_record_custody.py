"""The custody timeline: derive_custody, the post-order clock, appending and voiding events, the badge."""

from datetime import UTC, date, datetime, timedelta

import pytest
import sqlalchemy as sa
from hypothesis import given, settings
from hypothesis import strategies as st

from casework.models import (
    AuditEvent,
    CustodyEvent,
    CustodyKind,
    CustodyStatus,
    Person,
    RemovalCase,
    RemovalStage,
    StayStatus,
)
from casework.models.custody import custody_clock, derive_custody
from tests.conftest import TEST_DB, TODAY, shows, text_of

K = CustodyKind
TOMORROW = TODAY + timedelta(days=1)


def _events(*steps):
    """Transient events with ids in the order given: (kind, 'YYYY-MM-DD'[, facility])."""
    return [
        CustodyEvent(
            id=i, kind=kind, occurred_on=date.fromisoformat(day), facility=facility[0] if facility else None
        )
        for i, (kind, day, *facility) in enumerate(steps, start=1)
    ]


# ---------------------------------------------------------------- derive_custody


def test_a_whole_custody_history_replays():
    history = [
        (K.ICE_ARREST, "2020-03-02"),
        (K.BOOKED, "2020-03-03", "Plymouth County Correctional Facility"),
        (K.TRANSFERRED, "2020-06-10", "Bristol County House of Correction"),
        (K.BOND_HEARING, "2020-07-01"),
        (K.RELEASED_SUPERVISION, "2021-09-15"),
        (K.REDETAINED, "2024-05-06", "Burlington field office"),
        (K.REMOVED, "2024-08-20"),
    ]
    expected = [
        (CustodyStatus.DETAINED, date(2020, 3, 2), None),
        (CustodyStatus.DETAINED, date(2020, 3, 2), "Plymouth County Correctional Facility"),
        (CustodyStatus.DETAINED, date(2020, 3, 2), "Bristol County House of Correction"),
        (CustodyStatus.DETAINED, date(2020, 3, 2), "Bristol County House of Correction"),
        (CustodyStatus.RELEASED, date(2021, 9, 15), None),
        (CustodyStatus.DETAINED, date(2024, 5, 6), "Burlington field office"),
        (CustodyStatus.REMOVED, date(2024, 8, 20), None),
    ]
    events = _events(*history)
    assert derive_custody([]).status == CustodyStatus.FREE
    for n, (status, since, facility) in enumerate(expected, start=1):
        state = derive_custody(events[:n])
        assert (state.status, state.since, state.facility) == (status, since, facility), n


def test_events_are_replayed_in_date_order_whatever_the_entry_order():
    events = _events((K.RELEASED_BOND, "2021-01-10"), (K.ICE_ARREST, "2020-12-01"))
    assert derive_custody(events).status == CustodyStatus.RELEASED


def test_voided_events_are_left_out():
    events = _events((K.ICE_ARREST, "2020-12-01"), (K.ICE_ARREST, "2020-12-05"))
    with pytest.raises(ValueError, match="already detained"):
        derive_custody(events)
    events[1].voided_at = datetime.now(UTC)
    assert derive_custody(events).since == date(2020, 12, 1)


@pytest.mark.parametrize(
    "steps, message",
    [
        ([(K.RELEASED_SUPERVISION, "2021-01-01")], "the person was not detained then"),
        ([(K.ICE_ARREST, "2021-02-01"), (K.RELEASED_BOND, "2021-01-01")], "the person was not detained then"),
        ([(K.BOOKED, "2021-01-01")], "Record the ICE arrest or re-detention first"),
        ([(K.ICE_ARREST, "2021-01-01"), (K.REDETAINED, "2021-01-05")], "already detained (since 2021-01-01)"),
        (
            [(K.ICE_ARREST, "2021-01-01"), (K.REMOVED, "2021-03-01"), (K.ICE_ARREST, "2022-01-01")],
            "the person was already removed",
        ),
        (
            [(K.ICE_ARREST, "2021-01-01"), (K.RELEASED_OTHER, "2021-03-01"), (K.TRANSFERRED, "2021-04-01")],
            "was not detained then",
        ),
    ],
)
def test_impossible_sequences_are_refused(steps, message):
    with pytest.raises(ValueError) as exc:
        derive_custody(_events(*steps))
    assert message in str(exc.value)


# ---------------------------------------------------------------- custody_clock


def _removal(**fields):
    values = {
        "stage": RemovalStage.FINAL_ORDER,
        "order_date": date(2024, 1, 1),
        "stay_status": StayStatus.NONE,
        "stay_granted_on": None,
        "stay_ended_on": None,
    }
    values.update(fields)
    return RemovalCase(**values)


def test_clock_counts_days_after_the_final_order():
    clock = custody_clock(_removal(), CustodyStatus.DETAINED, date(2023, 12, 1), date(2024, 4, 5))
    assert (clock.start, clock.days, clock.paused) == (date(2024, 1, 1), 95, False)
    assert clock.day_90 == date(2024, 3, 31) and clock.day_180 == date(2024, 6, 29)


def test_clock_starts_with_detention_when_detained_after_the_order():
    clock = custody_clock(_removal(), CustodyStatus.DETAINED, date(2024, 2, 1), date(2024, 4, 5))
    assert clock.start == date(2024, 2, 1) and clock.days == 64 and clock.day_90 == date(2024, 5, 1)


def test_a_granted_stay_pauses_the_clock():
    removal = _removal(stay_status=StayStatus.GRANTED, stay_granted_on=date(2024, 2, 1))
    clock = custody_clock(removal, CustodyStatus.DETAINED, date(2023, 12, 1), date(2024, 4, 5))
    assert clock.paused is True
    assert clock.days == 31  # the 31 days of January; nothing since the stay
    assert clock.day_90 == date(2024, 4, 5) + timedelta(days=59)
    assert clock.day_180 == date(2024, 4, 5) + timedelta(days=149)


def test_the_clock_resumes_after_the_stay_ended():
    removal = _removal(
        stay_status=StayStatus.ENDED, stay_granted_on=date(2024, 2, 1), stay_ended_on=date(2024, 2, 21)
    )
    clock = custody_clock(removal, CustodyStatus.DETAINED, date(2023, 12, 1), date(2024, 4, 5))
    assert clock.paused is False and clock.days == 75
    assert clock.day_90 == date(2024, 4, 20) and clock.day_180 == date(2024, 7, 19)  # 20 paused days later


@pytest.mark.parametrize(
    "removal, status",
    [
        (None, CustodyStatus.DETAINED),
        (_removal(stage=RemovalStage.HEARINGS), CustodyStatus.DETAINED),
        (_removal(stage=RemovalStage.APPEAL, order_date=None), CustodyStatus.DETAINED),
        (_removal(), CustodyStatus.RELEASED),
        (_removal(), CustodyStatus.FREE),
        (_removal(order_date=date(2024, 6, 1)), CustodyStatus.DETAINED),  # order after "today"
    ],
)
def test_no_clock_without_a_final_order_or_when_not_detained(removal, status):
    assert custody_clock(removal, status, date(2023, 12, 1), date(2024, 4, 5)) is None


# ---------------------------------------------------------------- through the pages


def _add(browser, person_id, kind, day, **fields):
    data = {"kind": kind, "occurred_on": day, **fields}
    return browser.post(f"/people/{person_id}/custody/new", data)


def _badge(html: str) -> str:
    marker = 'class="badge custody custody-'
    start = html.index(marker) + len(marker)
    return html[start : html.index('"', start)]


def test_recording_a_history_moves_the_badge_everywhere(login_as, make_person, db):
    person = make_person(legal_name="Vanna Sorn")
    staff = login_as("staff")
    steps = [
        ("ice_arrest", "2023-03-02", {}, "detained", None),
        (
            "booked",
            "2023-03-03",
            {"facility": "Plymouth County Correctional Facility"},
            "detained",
            "Plymouth County Correctional Facility",
        ),
        (
            "transferred",
            "2023-05-01",
            {"facility": "Bristol County House of Correction"},
            "detained",
            "Bristol County House of Correction",
        ),
        ("released_supervision", "2023-09-15", {}, "released", None),
        ("redetained", "2024-05-06", {"field_office": "Burlington"}, "detained", None),
        ("removed", "2024-08-20", {}, "removed", None),
    ]
    for kind, day, fields, status, facility in steps:
        response = _add(staff, person.id, kind, day, **fields)
        assert response.status_code == 302, text_of(response)
        assert response.headers["Location"] == f"/people/{person.id}#removal"
        saved = db.get(Person, person.id)
        assert saved.custody_status == status and saved.custody_facility == facility
        case_page = text_of(staff.get(f"/people/{person.id}"))
        assert _badge(case_page) == status
        row = text_of(staff.get("/people")).split("Vanna Sorn", 1)[1]
        assert _badge(row) == status
    assert db.get(Person, person.id).custody_since == date(2024, 8, 20)
    assert db.count(CustodyEvent) == 6
    assert db.count(AuditEvent, AuditEvent.action == "custody_event.created") == 6
    page = staff.get(f"/people/{person.id}")
    assert shows(page, "Released on an order of supervision") and shows(
        page, "Removed from the United States"
    )


def test_detained_badge_shows_facility_and_date_on_the_case_page(login_as, make_person):
    person = make_person()
    staff = login_as("staff")
    _add(staff, person.id, "ice_arrest", "2024-03-02")
    _add(
        staff, person.id, "booked", "2024-03-02", facility="Plymouth County Correctional Facility"
    )  # same day
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "Detained · Plymouth County Correctional Facility since 2024-03-02" in page


@pytest.mark.parametrize(
    "steps, kind, day, message",
    [
        (
            [],
            "released_supervision",
            "2024-01-01",
            (
                "Released on an order of supervision on 2024-01-01: the person "
                "was not detained then. Record the ICE arrest or re-detention first"
            ),
        ),
        ([("ice_arrest", "2024-02-01")], "released_bond", "2024-01-15", "the person was not detained then"),
        (
            [("ice_arrest", "2024-02-01")],
            "ice_arrest",
            "2024-02-10",
            "the person was already detained (since 2024-02-01). Record a transfer instead.",
        ),
        (
            [("ice_arrest", "2024-02-01"), ("removed", "2024-03-01")],
            "redetained",
            "2024-04-01",
            "the person was already removed",
        ),
        (
            [("ice_arrest", "2024-02-01"), ("released_bond", "2024-03-01")],
            "transferred",
            "2024-01-01",
            "was not detained then",
        ),
    ],
)
def test_impossible_events_are_refused_and_nothing_saved(
    login_as, make_person, db, steps, kind, day, message
):
    person = make_person()
    staff = login_as("staff")
    for k, d in steps:
        assert _add(staff, person.id, k, d).status_code == 302
    before = db.get(Person, person.id)
    response = _add(staff, person.id, kind, day, facility="Somewhere", notes="typed notes")
    assert response.status_code == 200
    assert shows(response, "Not recorded: ") and shows(response, message)
    assert 'value="Somewhere"' in text_of(response) and "typed notes" in text_of(response)  # kept
    assert db.count(CustodyEvent) == len(steps)
    after = db.get(Person, person.id)
    assert (after.custody_status, after.custody_since, after.version) == (
        before.custody_status,
        before.custody_since,
        before.version,
    )
    assert db.count(AuditEvent, AuditEvent.action == "custody_event.created") == len(steps)


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"kind": "ice_arrest", "occurred_on": TOMORROW.isoformat()},
            "The date of a custody event cannot be in the future; type a date on or before today.",
        ),
        (
            {"kind": "ice_arrest", "occurred_on": ""},
            "Type the date it happened as YYYY-MM-DD, for example 2024-03-02.",
        ),
        (
            {"kind": "ice_arrest", "occurred_on": "3/2/2024"},
            "Type the date as YYYY-MM-DD, for example 2009-04-30.",
        ),
        ({"kind": "", "occurred_on": "2024-03-02"}, "Choose what happened."),
        ({"kind": "escaped", "occurred_on": "2024-03-02"}, "Choose one of the options in the list."),
        (
            {"kind": "ice_arrest", "occurred_on": "2024-03-02", "facility": "x" * 201},
            "Keep this under 200 characters.",
        ),
    ],
)
def test_event_form_messages(login_as, make_person, db, data, message):
    person = make_person()
    response = login_as("staff").post(f"/people/{person.id}/custody/new", data)
    assert response.status_code == 200 and shows(response, message), message
    assert db.count(CustodyEvent) == 0


def test_events_are_added_from_the_case_page_form(login_as, make_person):
    person = make_person()
    staff = login_as("staff")
    page = text_of(staff.get(f"/people/{person.id}"))
    assert f'action="/people/{person.id}/custody/new"' in page and "Record the event" in page
    assert staff.get(f"/people/{person.id}/custody/new").status_code == 200


def test_void_needs_a_reason_and_strikes_the_entry_through(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    _add(staff, person.id, "ice_arrest", "2024-02-01")
    _add(staff, person.id, "released_bond", "2024-03-01")
    release = db.scalar(sa.select(CustodyEvent).where(CustodyEvent.kind == CustodyKind.RELEASED_BOND))
    url = f"/people/{person.id}/custody/{release.id}/void"
    page = staff.get(url)
    assert (
        page.status_code == 200
        and shows(page, "Void this custody entry?")
        and shows(page, "Released on bond")
    )
    response = staff.post(url, {"reason": "  "})
    assert response.status_code == 200
    assert shows(
        response,
        "Type why this entry is being voided, for example “wrong date: the arrest was on 2024-03-02”.",
    )
    assert db.get(CustodyEvent, release.id).voided_at is None
    assert staff.post(url, {"reason": "x" * 301}).status_code == 200
    assert db.get(CustodyEvent, release.id).voided_at is None

    response = staff.post(url, {"reason": "Entered on the wrong case"})
    assert response.status_code == 302
    voided = db.get(CustodyEvent, release.id)
    assert voided.voided_at is not None and voided.voided_by_id == staff.user.id
    assert voided.void_reason == "Entered on the wrong case"
    assert db.get(Person, person.id).custody_status == CustodyStatus.DETAINED  # recomputed without it
    assert db.count(CustodyEvent) == 2  # never deleted
    html = text_of(staff.get(f"/people/{person.id}"))
    assert 'class="voided-row"' in html and "Entered on the wrong case" in html
    assert f"by {staff.user.display_name}" in html
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "custody_event.voided"))
    assert event.object_id == release.id and set(event.field_list) == {
        "voided_at",
        "voided_by_id",
        "void_reason",
    }
    assert "wrong case" not in (event.fields or "") + (event.detail or "")
    # voiding twice is not possible
    again = staff.get(url)
    assert again.status_code == 302
    assert staff.post(url, {"reason": "again"}).status_code == 302
    assert db.count(AuditEvent, AuditEvent.action == "custody_event.voided") == 1


def test_void_is_refused_when_the_timeline_would_break(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    _add(staff, person.id, "ice_arrest", "2024-02-01")
    _add(staff, person.id, "booked", "2024-02-02", facility="Plymouth")
    arrest = db.scalar(sa.select(CustodyEvent).where(CustodyEvent.kind == CustodyKind.ICE_ARREST))
    response = staff.post(f"/people/{person.id}/custody/{arrest.id}/void", {"reason": "Wrong date"})
    assert response.status_code == 200
    assert shows(
        response,
        "Not voided: Without this entry the timeline would be impossible: Booked into detention "
        "on 2024-02-02: the person was not detained then.",
    )
    assert shows(response, "Void the later entries that depend on it first.")
    assert db.get(CustodyEvent, arrest.id).voided_at is None
    assert db.count(AuditEvent, AuditEvent.action == "custody_event.voided") == 0


def test_refresh_custody_writes_the_derived_state(app, make_person, make_user, db):
    person = make_person()
    user = make_user("staff")
    db.add(
        CustodyEvent(
            person_id=person.id,
            kind=CustodyKind.ICE_ARREST,
            occurred_on=date(2024, 1, 2),
            facility="Plymouth",
        )
    )
    with app.test_request_context():
        from casework.errors import OperationError
        from casework.extensions import db as sqla
        from casework.record import operations

        loaded = sqla.session.get(Person, person.id)
        state = operations.refresh_custody(loaded)
        assert state.status == CustodyStatus.DETAINED
        assert (loaded.custody_status, loaded.custody_since, loaded.custody_facility) == (
            CustodyStatus.DETAINED,
            date(2024, 1, 2),
            "Plymouth",
        )
        with pytest.raises(OperationError, match="already detained"):
            operations.add_custody_event(
                sqla.session.get(type(user), user.id),
                loaded,
                {
                    "kind": CustodyKind.REDETAINED,
                    "occurred_on": date(2024, 1, 3),
                    "facility": None,
                    "field_office": None,
                    "notes": None,
                },
            )
        assert sqla.session.scalar(sa.select(sa.func.count()).select_from(CustodyEvent)) == 1
        sqla.session.rollback()


def test_access(login_as, make_user, make_person, make_org, share_case, db):
    volunteer = make_user("volunteer")
    person = make_person()
    other = make_person()
    event = db.add(
        CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=date(2024, 1, 2))
    )
    foreign = db.add(
        CustodyEvent(person_id=other.id, kind=CustodyKind.ICE_ARREST, occurred_on=date(2024, 1, 2))
    )
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    data = {"kind": "released_bond", "occurred_on": "2024-02-01"}
    outsider, viewer, staff = login_as(volunteer), login_as(partner), login_as("staff")
    for url in (f"/people/{person.id}/custody/new", f"/people/{person.id}/custody/{event.id}/void"):
        assert outsider.get(url).status_code == 404 and outsider.post(url, data).status_code == 404
        assert (
            viewer.get(url).status_code == 403
            and viewer.post(url, {**data, "reason": "x"}).status_code == 403
        )
    assert "Record the event" not in text_of(viewer.get(f"/people/{person.id}"))
    assert "Void…" not in text_of(viewer.get(f"/people/{person.id}"))
    assert staff.post(f"/people/{person.id}/custody/{foreign.id}/void", {"reason": "x"}).status_code == 404
    assert db.count(CustodyEvent, CustodyEvent.voided_at.is_not(None)) == 0
    assert db.count(CustodyEvent) == 2


@pytest.mark.skipif(
    TEST_DB != "postgresql", reason="row locks are a PostgreSQL matter; SQLite has one writer"
)
def test_concurrent_timeline_changes_are_serialized(app, make_person, make_user, db):
    import threading
    import time

    from casework.errors import OperationError
    from casework.models import User
    from casework.record import operations

    person = make_person()
    user = make_user("staff")
    db.add(CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=date(2024, 1, 1)))
    first_flushed = threading.Event()
    outcome = {}

    def release(kind, day, pause):
        from casework.extensions import db as sqla

        with app.test_request_context():
            try:
                operations.add_custody_event(
                    sqla.session.get(User, user.id),
                    sqla.session.get(Person, person.id),
                    {"kind": kind, "occurred_on": day, "facility": None, "field_office": None, "notes": None},
                )
                if pause:
                    first_flushed.set()
                    time.sleep(0.5)  # the other change is now waiting for the person's row
                sqla.session.commit()
                outcome[kind] = "saved"
            except OperationError as exc:
                sqla.session.rollback()
                outcome[kind] = str(exc)

    first = threading.Thread(target=release, args=(CustodyKind.RELEASED_BOND, date(2024, 2, 1), True))
    first.start()
    assert first_flushed.wait(10)
    second = threading.Thread(
        target=release, args=(CustodyKind.RELEASED_SUPERVISION, date(2024, 2, 2), False)
    )
    second.start()
    first.join(10)
    second.join(10)
    assert outcome[CustodyKind.RELEASED_BOND] == "saved"
    assert "the person was not detained then" in outcome[CustodyKind.RELEASED_SUPERVISION]
    assert db.count(CustodyEvent) == 2
    assert db.get(Person, person.id).custody_status == CustodyStatus.RELEASED


# ---------------------------------------------------------------- entries in any order


def test_entries_of_one_day_are_read_in_the_order_that_makes_sense():
    # a release entered before the arrest of the same day: a detention of one day
    events = _events((K.RELEASED_BOND, "2021-01-10"), (K.ICE_ARREST, "2021-01-10"))
    state = derive_custody(events)
    assert (state.status, state.since) == (CustodyStatus.RELEASED, date(2021, 1, 10))
    # released and re-detained the same day, entered either way round
    for steps in (
        [(K.ICE_ARREST, "2021-01-01"), (K.REDETAINED, "2021-03-01"), (K.RELEASED_OTHER, "2021-03-01")],
        [(K.ICE_ARREST, "2021-01-01"), (K.RELEASED_OTHER, "2021-03-01"), (K.REDETAINED, "2021-03-01")],
    ):
        state = derive_custody(_events(*steps))
        assert (state.status, state.since) == (CustodyStatus.DETAINED, date(2021, 3, 1))


@st.composite
def _histories(draw):
    """A timeline that makes sense by date (detentions and releases, at most one entry a day), with its state."""
    day = date(2000, 1, 1)
    steps, detained = [], False
    for _ in range(draw(st.integers(1, 12))):
        day += timedelta(days=draw(st.integers(1, 400)))
        if detained:
            kind = draw(st.sampled_from([K.BOOKED, K.TRANSFERRED, K.RELEASED_BOND, K.RELEASED_SUPERVISION]))
        else:
            kind = draw(st.sampled_from([K.ICE_ARREST, K.REDETAINED]))
        detained = not kind.ends_detention
        steps.append((kind, day.isoformat()))
    return steps


@settings(max_examples=200, deadline=None)
@given(_histories(), st.randoms())
def test_the_state_is_the_same_whatever_order_the_entries_were_made_in(steps, rnd):
    expected = derive_custody(_events(*steps))
    shuffled = list(steps)
    rnd.shuffle(shuffled)
    assert derive_custody(_events(*shuffled)) == expected


def test_an_earlier_detention_is_added_after_later_entries(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    _add(staff, person.id, "ice_arrest", "2019-04-01")
    _add(staff, person.id, "booked", "2019-04-01", facility="Tacoma ICE Processing Center")
    page = staff.get(f"/people/{person.id}/custody/period")
    assert page.status_code == 200 and shows(page, "Record an earlier detention")
    response = staff.post(
        f"/people/{person.id}/custody/period",
        {
            "start_kind": "ice_arrest",
            "detained_on": "2010-01-05",
            "facility": "Seattle INS detention",
            "end_kind": "released_supervision",
            "released_on": "2010-06-01",
            "notes": "Released when no travel document came.",
        },
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#removal"
    assert shows(staff.get(f"/people/{person.id}"), "Recorded: detained 2010-01-05 to 2010-06-01.")
    saved = db.get(Person, person.id)
    assert (saved.custody_status, saved.custody_since, saved.custody_facility) == (
        CustodyStatus.DETAINED,
        date(2019, 4, 1),
        "Tacoma ICE Processing Center",
    )
    assert db.count(CustodyEvent) == 4 and db.count(CustodyEvent, CustodyEvent.voided_at.is_not(None)) == 0
    assert db.count(AuditEvent, AuditEvent.action == "custody_event.created") == 4
    html = text_of(staff.get(f"/people/{person.id}"))
    timeline = html[html.index("custody-events") :]
    assert (
        timeline.index("2010-01-05") < timeline.index("2010-06-01") < timeline.index("2019-04-01")
    )  # by date


def test_a_lone_earlier_arrest_is_refused_with_the_way_to_record_it(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    _add(staff, person.id, "ice_arrest", "2019-04-01")
    response = _add(staff, person.id, "ice_arrest", "2010-01-05")
    assert response.status_code == 200
    assert shows(
        response,
        "Not recorded: With this entry, the timeline read by date no longer makes sense at the ICE arrest of "
        "2019-04-01: the person was already detained (since 2010-01-05). To add an earlier detention to the "
        "timeline, record it whole, from the arrest to the release (“Record an earlier detention”).",
    )
    assert db.count(CustodyEvent) == 1


@pytest.mark.parametrize(
    "period, message",
    [
        (
            {"detained_on": "2019-05-01", "released_on": "2019-06-01"},
            "Not recorded: ICE arrest on 2019-05-01: the person was already detained (since 2019-04-01).",
        ),
        (
            {"detained_on": "2018-12-01", "released_on": "2019-06-01"},
            "Not recorded: With this entry, the timeline read by date no longer makes sense at the ICE arrest "
            "of 2019-04-01: the person was already detained (since 2018-12-01).",
        ),
        (
            {"detained_on": "2010-06-01", "released_on": "2010-01-05"},
            "The release cannot be before the detention began; check both dates.",
        ),
        ({"detained_on": "", "released_on": "2010-01-05"}, "Type the day the detention began as YYYY-MM-DD"),
        ({"released_on": TOMORROW.isoformat()}, "The day of the release cannot be in the future"),
        ({"end_kind": "removed"}, "Choose one of the options in the list."),
        ({"start_kind": "booked"}, "Choose one of the options in the list."),
    ],
)
def test_a_detention_that_does_not_fit_is_refused_and_nothing_saved(
    login_as, make_person, db, period, message
):
    person = make_person()
    staff = login_as("staff")
    _add(staff, person.id, "ice_arrest", "2019-04-01")
    data = {
        "start_kind": "ice_arrest",
        "detained_on": "2010-01-05",
        "end_kind": "released_bond",
        "released_on": "2010-06-01",
    }
    data.update(period)
    response = staff.post(f"/people/{person.id}/custody/period", data)
    assert response.status_code == 200 and shows(response, message), message
    assert db.count(CustodyEvent) == 1
    assert db.get(Person, person.id).custody_since == date(2019, 4, 1)


def test_recording_a_detention_needs_edit_on_the_case(
    login_as, make_user, make_person, make_org, share_case, db
):
    person = make_person()
    partner = make_user("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner, level="view")
    url = f"/people/{person.id}/custody/period"
    data = {
        "start_kind": "ice_arrest",
        "detained_on": "2010-01-05",
        "end_kind": "released_bond",
        "released_on": "2010-06-01",
    }
    assert login_as(make_user("volunteer")).post(url, data).status_code == 404
    assert login_as(partner).post(url, data).status_code == 403
    assert db.count(CustodyEvent) == 0

"""Situation 3, Tuan Minh Pham (WA): arrested by ICE at home in 2019 under a 1999 final order and detained since,
long past day 90 and day 180 of post-order custody (stated on his case page as facts, never overdue); a
decades-old robbery-accomplice conviction after four years pre-trial; a pardon application and a request that
the District Attorney join a motion to vacate. His first detention, after the order in 1999, is recorded after
the 2019 entries: the timeline is read by date, whatever the order of entry."""

from __future__ import annotations

from datetime import date, timedelta

from casework.contacts import operations as contacts_ops
from casework.demo import builders as b
from casework.demo.builders import Cast
from casework.models import (
    CheckInOutcome,
    ConvictionLevel,
    CustodyKind,
    OrderType,
    Person,
    Plea,
    ReliefKind,
    RemovalStage,
    StayStatus,
    TriState,
)
from casework.notes import operations as notes_ops


def load(cast: Cast, pham: Person) -> None:
    """Fill Tuan Minh Pham's case (no commit)."""
    staff, volunteer, attorney, today = cast.staff, cast.volunteer, cast.attorney, cast.today
    wa_lawyer = cast.contacts["wa_lawyer"]
    da_office = cast.contacts["da_office"]
    council = cast.contacts["council"]
    robbery = b.conviction(
        staff,
        pham,
        state="WA",
        county="King",
        court="King County Superior Court",
        docket_number="94-1-08812-3 SEA",
        statute="RCW 9A.56.200",
        offense="Robbery in the first degree (accomplice)",
        level=ConvictionLevel.FELONY,
        offense_date=date(1994, 6, 3),
        conviction_date=date(1998, 7, 17),
        plea=Plea.TRIAL,
        sentence="Time served",
        time_served="4 years (pre-trial, bail unaffordable)",
        removal_grounds="aggravated_felony,cimt",
        consequences_advised=TriState.UNKNOWN,
        interpreter_at_plea=TriState.NO,
    )
    b.removal(
        staff,
        pham,
        stage=RemovalStage.FINAL_ORDER,
        court="Seattle Immigration Court",
        nta_date=date(1999, 2, 1),
        order_date=date(1999, 9, 30),
        order_type=OrderType.REMOVAL,
        stay_status=StayStatus.REQUESTED,
    )
    arrested = date(2019, 4, 1)
    b.custody(
        staff,
        pham,
        CustodyKind.ICE_ARREST,
        arrested,
        field_office="Seattle ERO",
        notes="Arrested at home at 6 a.m. in front of his children.",
    )
    b.custody(staff, pham, CustodyKind.BOOKED, arrested, facility="Tacoma ICE Processing Center")
    b.custody_period(
        staff,
        pham,
        (CustodyKind.ICE_ARREST, date(1999, 10, 4)),
        (CustodyKind.RELEASED_SUPERVISION, date(2000, 8, 15)),
        facility="Seattle INS detention",
        field_office="Seattle INS",
        notes="Held after the order; released when Vietnam issued no travel document.",
    )
    b.check_in(staff, pham, date(2018, 10, 16), CheckInOutcome.ATTENDED, "ICE ERO Seattle", "Hoa Nguyen")
    wa = b.application(
        staff,
        pham,
        ReliefKind.GOVERNOR_PARDON,
        "WA",
        today - timedelta(days=70),
        b.builtin_template("WA", ReliefKind.GOVERNOR_PARDON),
        [robbery],
        volunteer,
        wa_lawyer,
    )
    b.steps_done(volunteer, pham, wa, 2, today)
    vacate = b.application(
        staff,
        pham,
        ReliefKind.MOTION_TO_VACATE,
        "WA",
        today - timedelta(days=40),
        b.builtin_template("generic", None),
        [robbery],
        attorney,
        wa_lawyer,
        forum="King County Superior Court",
        notes="The DA's office is asked to join the motion.",
    )
    b.steps_done(attorney, pham, vacate, 1, today)
    contacts_ops.link(staff, pham, wa_lawyer, "Counsel for the pardon and the motion to vacate")
    contacts_ops.link(staff, pham, da_office, "Asked to join the motion to vacate")
    contacts_ops.link(staff, pham, council, "Sponsored the city council resolution of support")
    notes_ops.write_note(
        staff,
        pham,
        {"body": "City council adopted a resolution supporting his release.", "privileged": False},
    )
    notes_ops.write_note(
        attorney,
        pham,
        {
            "body": "Client interview: facts of the 1994 case for the vacatur motion (privileged).",
            "privileged": True,
        },
    )
    b.task(
        staff, pham, "Request a stay of removal decision update from ERO", today + timedelta(days=3), attorney
    )
    b.task(
        volunteer, pham, "Call the family about visitation at Tacoma", today + timedelta(days=1), volunteer
    )
    b.task(
        attorney,
        pham,
        "Habeas petition: detained years past day 180, no travel document in sight",
        today + timedelta(days=14),
        attorney,
    )

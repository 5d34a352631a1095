"""Situation 1, Dara Keo (MA): arrived as a refugee child; a firearm offense at 21 that injured no one; three years
served, then two in ICE detention; released on an order of supervision; asks the Parole Board and the Governor
for a pardon."""

from __future__ import annotations

from datetime import date, time, timedelta

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
    TravelDocumentOutcome,
    TriState,
)
from casework.notes import operations as notes_ops
from casework.relief import operations as relief_ops


def load(cast: Cast, keo: Person) -> None:
    """Fill Dara Keo's case (no commit)."""
    staff, volunteer, today = cast.staff, cast.volunteer, cast.today
    legal_org = cast.contacts["legal_org"]
    officer = cast.contacts["officer"]
    firearm = b.conviction(
        staff,
        keo,
        state="MA",
        county="Middlesex",
        court="Lowell District Court",
        docket_number="0111CR004417",
        statute="G.L. c. 269, §10(a)",
        offense="Carrying a firearm without a license",
        level=ConvictionLevel.FELONY,
        offense_date=date(2001, 5, 19),
        conviction_date=date(2001, 11, 2),
        plea=Plea.PLEA_BARGAIN,
        sentence="Three years in a house of correction",
        time_served="3 years",
        removal_grounds="aggravated_felony,firearm",
        consequences_advised=TriState.NO,
        interpreter_at_plea=TriState.NO,
        notes="No one was injured.",
    )
    b.removal(
        staff,
        keo,
        stage=RemovalStage.FINAL_ORDER,
        court="Boston Immigration Court",
        nta_date=date(2004, 10, 8),
        order_date=date(2005, 3, 14),
        order_type=OrderType.REMOVAL,
    )
    b.custody(
        staff,
        keo,
        CustodyKind.ICE_ARREST,
        date(2004, 11, 2),
        field_office="Boston ERO",
        notes="Taken into ICE custody on release from the house of correction.",
    )
    b.custody(
        staff, keo, CustodyKind.BOOKED, date(2004, 11, 2), facility="Plymouth County Correctional Facility"
    )
    b.custody(
        staff, keo, CustodyKind.TRANSFERRED, date(2005, 6, 1), facility="Suffolk County House of Correction"
    )
    b.custody(staff, keo, CustodyKind.RELEASED_SUPERVISION, date(2006, 11, 20), field_office="Boston ERO")
    b.check_in(
        staff,
        keo,
        today - timedelta(days=180),
        CheckInOutcome.ATTENDED,
        "ICE ERO Burlington",
        "Chanthy Ouk (staff)",
        time(9, 0),
    )
    b.check_in(
        staff,
        keo,
        today + timedelta(days=10),
        CheckInOutcome.SCHEDULED,
        "ICE ERO Burlington",
        "Grace Ellison (volunteer)",
        time(9, 30),
        "Bring the pardon filing receipt.",
    )
    b.travel(
        staff,
        keo,
        country="Cambodia",
        agreement="Cambodia (2002 memorandum)",
        requested_on=date(2005, 4, 1),
        interview_on=date(2005, 9, 12),
        outcome=TravelDocumentOutcome.PENDING,
    )
    ma = b.application(
        staff,
        keo,
        ReliefKind.PAROLE_BOARD_PARDON,
        "MA",
        today - timedelta(days=80),
        b.builtin_template("MA", ReliefKind.PAROLE_BOARD_PARDON),
        [firearm],
        volunteer,
        legal_org,
    )
    b.steps_done(volunteer, keo, ma, 3, today)
    steps = sorted(ma.steps, key=lambda s: s.position)
    # Filed twelve days ago, well before the template's guess: the comment period and every later step
    # moved to count from the real filing day (the application's history says so).
    relief_ops.add_step_note(
        volunteer, keo, ma, steps[3], "Petition assembled with the last two letters; filed in person.", today
    )
    relief_ops.mark_step_done(volunteer, keo, ma, steps[3], today - timedelta(days=12))
    for step in steps[4:7]:
        relief_ops.assign_step(staff, keo, ma, step, volunteer)
    contacts_ops.link(staff, keo, legal_org, "Immigration counsel; files the pardon petition")
    contacts_ops.link(staff, keo, officer, "Deportation officer for check-ins")
    notes_ops.write_note(
        staff,
        keo,
        {"body": "Employer will write a support letter; pick it up next week.", "privileged": False},
    )
    b.task(staff, keo, "Collect the employer's support letter", today + timedelta(days=5), volunteer)
    b.task(
        staff,
        keo,
        "Order certified docket sheet from Lowell District Court",
        today - timedelta(days=2),
        staff,
    )

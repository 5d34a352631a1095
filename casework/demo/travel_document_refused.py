"""Situation 4, Khamla Phommachanh (CA): the consulate refused a travel document ("not a citizen"), so removal
cannot proceed."""

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
    TravelDocumentOutcome,
    TriState,
)


def load(cast: Cast, phomma: Person) -> None:
    """Fill Khamla Phommachanh's case (no commit)."""
    staff, today = cast.staff, cast.today
    finch = cast.contacts["finch"]
    consulate = cast.contacts["consulate"]
    theft = b.conviction(
        staff,
        phomma,
        state="CA",
        county="Fresno",
        court="Fresno County Superior Court",
        docket_number="F00904123",
        statute="Penal Code §459",
        offense="Burglary, second degree",
        level=ConvictionLevel.FELONY,
        offense_date=date(2000, 8, 14),
        conviction_date=date(2001, 1, 9),
        plea=Plea.PLEA_BARGAIN,
        sentence="16 months",
        time_served="16 months",
        removal_grounds="aggravated_felony",
        consequences_advised=TriState.NO,
        interpreter_at_plea=TriState.NO,
    )
    b.removal(
        staff,
        phomma,
        stage=RemovalStage.FINAL_ORDER,
        court="San Francisco Immigration Court",
        nta_date=date(2002, 3, 1),
        order_date=date(2002, 11, 5),
        order_type=OrderType.REMOVAL,
    )
    b.custody(staff, phomma, CustodyKind.ICE_ARREST, date(2002, 2, 20), field_office="San Francisco ERO")
    b.custody(staff, phomma, CustodyKind.BOOKED, date(2002, 2, 20), facility="Yuba County Jail")
    b.custody(
        staff, phomma, CustodyKind.RELEASED_SUPERVISION, date(2003, 6, 2), field_office="San Francisco ERO"
    )
    b.travel(
        staff,
        phomma,
        country="Laos",
        agreement="Laos (no written agreement)",
        requested_on=date(2002, 12, 1),
        interview_on=date(2003, 2, 10),
        outcome=TravelDocumentOutcome.REFUSED,
        decided_on=date(2003, 5, 20),
        refusal_reason="Consulate: not a citizen of the Lao PDR",
    )
    b.check_in(staff, phomma, today + timedelta(days=40), CheckInOutcome.SCHEDULED, "ICE ERO Fresno")
    motion = b.application(
        staff,
        phomma,
        ReliefKind.MOTION_TO_VACATE,
        "CA",
        today - timedelta(days=30),
        b.builtin_template("CA", ReliefKind.MOTION_TO_VACATE),
        [theft],
        staff,
        finch,
    )
    b.steps_done(staff, phomma, motion, 1, today)
    contacts_ops.link(staff, phomma, consulate, "Refused the travel document")
    contacts_ops.link(staff, phomma, finch, "Pro bono counsel for the §1473.7 motion")

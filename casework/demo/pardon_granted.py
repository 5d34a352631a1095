"""Situation 2, Sovann Pich (CA): born in a refugee camp in Thailand; believed he was a citizen; a plea bargain at
16; pardoned by the Governor with a law firm's pro bono attorney and an immigrant-rights legal organization."""

from __future__ import annotations

from datetime import date

from casework.contacts import operations as contacts_ops
from casework.demo import builders as b
from casework.demo.builders import Cast
from casework.models import (
    ConvictionLevel,
    OrderType,
    Person,
    Plea,
    ReliefKind,
    ReliefStatus,
    RemovalStage,
    TriState,
)
from casework.notes import operations as notes_ops
from casework.relief import operations as relief_ops


def load(cast: Cast, pich: Person) -> None:
    """Fill Sovann Pich's case (no commit)."""
    staff, attorney, today = cast.staff, cast.attorney, cast.today
    finch = cast.contacts["finch"]
    legal_org = cast.contacts["legal_org"]
    juvenile = b.conviction(
        staff,
        pich,
        state="CA",
        county="Los Angeles",
        court="Long Beach Superior Court",
        docket_number="NA019921",
        statute="Penal Code §245(a)(1)",
        offense="Assault with a deadly weapon (tried as an adult at 16)",
        level=ConvictionLevel.FELONY,
        offense_date=date(1998, 2, 7),
        conviction_date=date(1998, 8, 21),
        plea=Plea.PLEA_BARGAIN,
        sentence="Two years",
        time_served="20 months",
        removal_grounds="aggravated_felony",
        consequences_advised=TriState.NO,
        interpreter_at_plea=TriState.NO,
    )
    b.removal(
        staff,
        pich,
        stage=RemovalStage.TERMINATED,
        court="Los Angeles Immigration Court",
        nta_date=date(2019, 5, 2),
        order_date=date(2020, 1, 15),
        order_type=OrderType.REMOVAL,
        notes="Proceedings reopened and terminated after the pardon; LPR status restored.",
    )
    pardon = b.application(
        staff,
        pich,
        ReliefKind.GOVERNOR_PARDON,
        "CA",
        date(2022, 3, 1),
        b.builtin_template("CA", ReliefKind.GOVERNOR_PARDON),
        [juvenile],
        attorney,
        finch,
    )
    # What happened, step by step: the filing (step 5) and the decision (step 7) move the application.
    steps = sorted(pardon.steps, key=lambda s: s.position)
    b.steps_done(attorney, pich, pardon, 4, today)
    relief_ops.mark_step_done(attorney, pich, pardon, steps[4], date(2022, 4, 15))  # filed
    relief_ops.mark_step_done(attorney, pich, pardon, steps[5], date(2022, 6, 1))
    relief_ops.mark_step_done(
        attorney, pich, pardon, steps[6], date(2024, 2, 9), outcome=ReliefStatus.GRANTED
    )
    b.set_status(
        attorney,
        pich,
        pardon,
        ReliefStatus.GRANTED,
        filed_on=date(2022, 4, 15),
        decided_on=date(2024, 2, 9),
        outcome="Full and unconditional pardon granted by the Governor.",
    )
    contacts_ops.link(staff, pich, finch, "Pro bono counsel for the pardon")
    contacts_ops.link(staff, pich, legal_org, "Immigration counsel; motion to reopen")
    notes_ops.write_note(
        attorney,
        pich,
        {
            "body": "Strategy memo on the motion to reopen after the pardon (attorney work product).",
            "privileged": True,
        },
    )

"""Travel-document history and past check-ins for the demo people, so that the reports have months, outcomes and
a re-detention to count. Every name, date and reason here is invented.

- Khamla Phommachanh (stateless, Lao community): re-detained at a check-in in Fresno in 2016 while ICE asked the
  Lao consulate again; refused; released on supervision three months later. Two requests since: one withdrawn
  unanswered, one refused.
- Tuan Minh Pham (Vietnam): a request under the 2008 agreement, withdrawn (he arrived before 1995); two under the
  2020 memorandum: one refused for want of papers, the last one with no decision yet.
- Dara Keo (Cambodia): a request withdrawn in 2017 when his stay was granted; a recent one, issued.
- An older governor's pardon application of Khamla Phommachanh, denied, for the decisions by year.

`load` goes through the same operations the web forms use (casework.demo.builders) and never commits; it does
nothing when it already ran on these people.
"""

from __future__ import annotations

from datetime import date, time

import sqlalchemy as sa

from casework.demo import builders as b
from casework.extensions import db
from casework.models import (
    CheckIn,
    CheckInOutcome,
    CustodyKind,
    Person,
    ReliefKind,
    ReliefStatus,
    TravelDocumentOutcome,
    User,
)

CAMBODIA = "Cambodia (2002 memorandum)"
VIETNAM_2008 = "Vietnam (2008 agreement: arrivals from 1995)"
VIETNAM_2020 = "Vietnam (2020 memorandum: arrivals before 1995)"
LAOS = "Laos (no written agreement)"
FRESNO = "ICE ERO Fresno"


def months_before(today: date, months: int, day: int) -> date:
    """The `day` of the month `months` before today's month (the 28th at most, so every month has it)."""
    index = today.year * 12 + today.month - 1 - months
    return date(index // 12, index % 12 + 1, min(day, 28))


def load(people: dict[str, Person], users: dict[str, User], today: date) -> None:
    """Add the travel-document history, the 2016 re-detention and a denied application (no commit)."""
    staff = users["staff@example.org"]
    if _already_loaded(people["phommachanh"]):
        return
    _phommachanh(staff, people["phommachanh"], today)
    _pham(staff, people["pham"], today)
    _keo(staff, people["keo"], today)
    db.session.flush()


def _already_loaded(phomma: Person) -> bool:
    return bool(
        db.session.scalar(
            sa.select(sa.func.count(CheckIn.id)).where(
                CheckIn.person_id == phomma.id, CheckIn.outcome == CheckInOutcome.REDETAINED
            )
        )
    )


def _phommachanh(staff: User, phomma: Person, today: date) -> None:
    b.check_in(
        staff,
        phomma,
        date(2016, 9, 14),
        CheckInOutcome.REDETAINED,
        FRESNO,
        "His sister",
        time(8, 30),
        "Taken into custody at the reporting desk; ICE said it would ask the Lao consulate again.",
    )
    b.custody(
        staff, phomma, CustodyKind.TRANSFERRED, date(2016, 9, 15), facility="Mesa Verde ICE Processing Center"
    )
    b.travel(
        staff,
        phomma,
        country="Laos",
        agreement=LAOS,
        requested_on=date(2016, 9, 22),
        interview_on=date(2016, 10, 18),
        outcome=TravelDocumentOutcome.REFUSED,
        decided_on=date(2016, 12, 1),
        refusal_reason="Consulate: no record of Lao citizenship",
    )
    b.custody(
        staff, phomma, CustodyKind.RELEASED_SUPERVISION, date(2016, 12, 12), field_office="San Francisco ERO"
    )
    b.travel(
        staff,
        phomma,
        country="Laos",
        agreement=LAOS,
        requested_on=months_before(today, 15, 11),
        outcome=TravelDocumentOutcome.WITHDRAWN,
        decided_on=months_before(today, 13, 2),
        notes="Withdrawn by ICE after the consulate gave no answer.",
    )
    b.travel(
        staff,
        phomma,
        country="Laos",
        agreement=LAOS,
        requested_on=months_before(today, 9, 6),
        interview_on=months_before(today, 8, 12),
        outcome=TravelDocumentOutcome.REFUSED,
        decided_on=months_before(today, 6, 20),
        refusal_reason="Consulate: not a citizen of the Lao PDR (second answer)",
    )
    pardon = b.application(
        staff,
        phomma,
        ReliefKind.GOVERNOR_PARDON,
        "CA",
        date(2012, 2, 1),
        b.builtin_template("CA", ReliefKind.GOVERNOR_PARDON),
        [],
        staff,
        notes="An earlier application, before the motion to vacate.",
    )
    b.set_status(
        staff,
        phomma,
        pardon,
        ReliefStatus.DENIED,
        filed_on=date(2012, 3, 15),
        decided_on=date(2013, 8, 20),
        outcome="Denied without a hearing.",
    )


def _pham(staff: User, pham: Person, today: date) -> None:
    b.travel(
        staff,
        pham,
        country="Vietnam",
        agreement=VIETNAM_2008,
        requested_on=date(2019, 5, 6),
        interview_on=date(2019, 7, 9),
        outcome=TravelDocumentOutcome.WITHDRAWN,
        decided_on=date(2020, 3, 2),
        notes="ICE withdrew the request: he arrived in 1990, before the 2008 agreement's cut-off.",
    )
    b.travel(
        staff,
        pham,
        country="Vietnam",
        agreement=VIETNAM_2020,
        requested_on=months_before(today, 20, 4),
        interview_on=months_before(today, 19, 8),
        outcome=TravelDocumentOutcome.REFUSED,
        decided_on=months_before(today, 17, 25),
        refusal_reason="Consulate: no proof of arrival before 1995 was sent with the request",
    )
    b.travel(
        staff,
        pham,
        country="Vietnam",
        agreement=VIETNAM_2020,
        requested_on=months_before(today, 9, 17),
        interview_on=months_before(today, 7, 3),
        notes="Consular interview held at Tacoma by video; no answer yet.",
    )


def _keo(staff: User, keo: Person, today: date) -> None:
    b.travel(
        staff,
        keo,
        country="Cambodia",
        agreement=CAMBODIA,
        requested_on=date(2017, 3, 8),
        outcome=TravelDocumentOutcome.WITHDRAWN,
        decided_on=date(2017, 6, 30),
        notes="Withdrawn by ICE after the immigration judge's stay.",
    )
    b.travel(
        staff,
        keo,
        country="Cambodia",
        agreement=CAMBODIA,
        requested_on=months_before(today, 4, 10),
        interview_on=months_before(today, 3, 2),
        outcome=TravelDocumentOutcome.ISSUED,
        decided_on=months_before(today, 1, 15),
        expires_on=months_before(today, -5, 15),
        notes="Issued, valid six months: the pardon petition is now urgent.",
    )

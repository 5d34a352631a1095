"""The demo people's backgrounds: related people, places lived, incarceration and rehabilitation. Every name,
date and place of residence here is invented (camps and facilities are named as the places they were).

- Sovann Pich and Dara Keo are half-brothers (one mother), linked as siblings: each case shows the other, and
  Sovann's shows that his brother also faces removal (Dara's case says so: an order of supervision). Sovann was
  born in the Khao-I-Dang camp (1981–1983); Dara lived there before a transit camp, then, in the United States,
  Stockton at nine and Lynn from 1996, before Lowell.
- Tuan Minh Pham spent four years in the King County Jail before trial (bail was unaffordable) and interpreted
  for other Vietnamese-speaking detainees there; his brother, not a case of the organization, also faces removal.
- Dara Keo earned his GED inside, at MCI-Concord.

`load` goes through the same operations the web forms use and never commits; it does nothing when it already
ran on these people.
"""

from __future__ import annotations

from datetime import date

from casework.background import operations as ops
from casework.background import queries
from casework.background.fields import PartialDate, parse_partial_date
from casework.models import (
    Conviction,
    Person,
    PlaceKind,
    RehabilitationKind,
    RelationKind,
    User,
)


def _dates(start: str = "", end: str = "") -> dict:
    """The four date attributes from dates typed as a form takes them ("1996", "1996-04", "1996-04-12")."""
    first: PartialDate = parse_partial_date(start)
    last: PartialDate = parse_partial_date(end)
    return {
        "from_on": first.day,
        "from_precision": first.precision,
        "to_on": last.day,
        "to_precision": last.precision,
    }


def _conviction(person: Person, offense_starts: str) -> Conviction | None:
    """The person's conviction whose offense starts so (None when the records are not loaded)."""
    found = [c for c in queries.convictions_of(person) if c.offense.startswith(offense_starts)]
    return found[0] if found else None


def _place(staff: User, person: Person, place: str, start: str, end: str = "", **fields) -> None:
    data = {"kind": PlaceKind.HOME, "place": place, "state": None, "country": None, "notes": None}
    data.update(fields)
    ops.add_residence(staff, person, {**data, **_dates(start, end)})


def load(people: dict[str, Person], users: dict[str, User], today: date) -> None:
    """Add the backgrounds (no commit); nothing when the demo people have one already."""
    keo, pich, pham = people["keo"], people["pich"], people["pham"]
    if queries.has_background(keo):
        return
    staff = users["staff@example.org"]
    _relations(staff, keo, pich, pham)
    _places(staff, keo, pich)
    _custody_and_rehabilitation(staff, keo, pham)


def _relations(staff: User, keo: Person, pich: Person, pham: Person) -> None:
    ops.link_cases(
        staff,
        pich,
        keo,
        RelationKind.SIBLING,
        "Half-brothers (one mother). Separated when Sovann's family left the camp in 1983; found each other "
        "again in Stockton.",
    )
    ops.add_relative(
        staff,
        pham,
        {
            "related_name": "Quang Minh Pham",
            "kind": RelationKind.SIBLING,
            "faces_removal": True,
            "notes": "Younger brother in San Jose; a final order from 2001, reports to ICE every year. Not a "
            "client: he has his own attorney.",
        },
    )
    ops.add_relative(
        staff,
        pham,
        {"related_name": "Hoa Nguyen", "kind": RelationKind.SPOUSE, "faces_removal": False, "notes": None},
    )


def _places(staff: User, keo: Person, pich: Person) -> None:
    camp = {"kind": PlaceKind.REFUGEE_CAMP, "country": "Thailand"}
    _place(staff, pich, "Khao-I-Dang", "1981-11-05", "1983-06", **camp, notes="Born in the camp's hospital.")
    _place(staff, pich, "Stockton", "1983-06", "1995", state="CA")
    _place(staff, pich, "Long Beach", "1996", state="CA")
    _place(staff, keo, "Khao-I-Dang", "1981", "1983", **camp)
    _place(
        staff,
        keo,
        "Phanat Nikhom transit center",
        "1983",
        "1984-08",
        **camp,
        notes="Cultural orientation and English classes before resettlement.",
    )
    _place(
        staff,
        keo,
        "Stockton",
        "1989",
        "1995",
        state="CA",
        notes="Remembers starting school in Stockton at nine; where the family lived from 1984 to 1989 is not "
        "known yet.",
    )
    _place(staff, keo, "Lynn", "1996", "2010", state="MA")
    _place(staff, keo, "Lowell", "2011", state="MA")


def _custody_and_rehabilitation(staff: User, keo: Person, pham: Person) -> None:
    robbery = _conviction(pham, "Robbery")
    ops.add_incarceration(
        staff,
        pham,
        {
            "facility": "King County Jail",
            "pretrial": True,
            "conviction_id": robbery.id if robbery else None,
            "notes": "Bail was set at $250,000; the family could not pay it. Four years before trial.",
            **_dates("1994-06", "1998-07-17"),
        },
    )
    ops.add_rehabilitation(
        staff,
        pham,
        {
            "kind": RehabilitationKind.WORK,
            "title": "Interpreter for Vietnamese-speaking detainees",
            "provider": "King County Jail chaplaincy",
            "during_incarceration": True,
            "notes": None,
            **_dates("1995", "1998"),
        },
    )
    firearm = _conviction(keo, "Carrying a firearm")
    ops.add_incarceration(
        staff,
        keo,
        {
            "facility": "MCI-Concord",
            "pretrial": False,
            "conviction_id": firearm.id if firearm else None,
            "notes": None,
            **_dates("2001-11-02", "2004-11-02"),
        },
    )
    ops.add_rehabilitation(
        staff,
        keo,
        {
            "kind": RehabilitationKind.DIPLOMA,
            "title": "GED",
            "provider": "MCI-Concord education program",
            "during_incarceration": True,
            "notes": "Passed all five tests on the first try.",
            **_dates("2002-09", "2003-06"),
        },
    )
    ops.add_rehabilitation(
        staff,
        keo,
        {
            "kind": RehabilitationKind.PROGRAM,
            "title": "Machinist apprenticeship, 4,000 hours",
            "provider": "Merrimack Valley precision-parts shop",
            "during_incarceration": False,
            "notes": None,
            **_dates("2007", "2009"),
        },
    )

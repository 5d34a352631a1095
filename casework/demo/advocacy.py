"""The demo's advocacy log: a state senator's statement on detentions with two figures, linked to three demo
cases; a renewed repatriation agreement; a deportation flight. Every name, number, address and office here is
invented."""

from __future__ import annotations

from datetime import date, timedelta

from casework.advocacy import operations as advocacy_ops
from casework.demo import builders as b
from casework.models import AdvocacyKind, ContactKind, Person, User

STATEMENT_TITLE = "State Senator Ferreira on detentions of Cambodian and Vietnamese residents"


def _event(
    staff: User,
    kind: AdvocacyKind,
    day: date,
    title: str,
    *,
    source_url: str | None = None,
    description: str | None = None,
    figures: list[tuple[str, int]] | None = None,
    contacts: list[int] | None = None,
    cases: list[Person] | None = None,
) -> None:
    advocacy_ops.create_event(
        staff,
        {
            "kind": kind,
            "occurred_on": day,
            "title": title,
            "source_url": source_url,
            "description": description,
        },
        figures or [],
        contacts or [],
        [p.id for p in cases or []],
    )


def load(people: dict[str, Person], users: dict[str, User], today: date) -> None:
    """Record the demo organization's advocacy events (the same operation as the form; no commit)."""
    staff = users["staff@example.org"]
    senator = b.contact(
        staff,
        staff.org_id,
        "Sen. Marisol Ferreira",
        ContactKind.OFFICIAL,
        organization="State Senate, 11th District (fictional office)",
        notes="Spoke at the community forum on detentions; her staff asked for case summaries.",
    )
    reporter = b.contact(
        staff,
        staff.org_id,
        "Lena Okafor",
        ContactKind.PRESS,
        organization="Harbor City Ledger (fictional paper)",
    )
    _event(
        staff,
        AdvocacyKind.STATEMENT,
        today - timedelta(days=12),
        STATEMENT_TITLE,
        source_url="https://senate.example.gov/ferreira/statements/detentions",
        description=(
            "At a community forum the senator said that about 100 Cambodian and 95 Vietnamese residents of the "
            "state are held in immigration detention under the repatriation agreements with both countries, "
            "many of them decades after they arrived as refugees, and called on the Governor to review their "
            "pardon applications."
        ),
        figures=[("Cambodians detained", 100), ("Vietnamese detained", 95)],
        contacts=[senator.id, reporter.id],
        cases=[people["keo"], people["pich"], people["pham"]],
    )
    _event(
        staff,
        AdvocacyKind.AGREEMENT,
        today - timedelta(days=200),
        "Repatriation agreement with Vietnam renewed (fictional summary)",
        source_url="https://news.example.org/2020/repatriation-mou-renewed",
        description="The renewal extends removals to people who arrived before 1995; our summary for families.",
        cases=[people["pham"]],
    )
    _event(
        staff,
        AdvocacyKind.FLIGHT,
        today - timedelta(days=40),
        "Removal flight to Phnom Penh",
        description="A charter flight; families learned of transfers to the staging facility two days before.",
        figures=[("People on the flight", 38), ("From our state", 6)],
        contacts=[reporter.id],
        cases=[people["keo"]],
    )

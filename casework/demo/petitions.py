"""Fictional petitions for the demo: situations 1 (Dara, to DHS/ICE, goal 15,000) and 3 (Tuan, to the Governor
and the District Attorney, goal 2,500), each published under a recorded consent with a few confirmed
signatures; and a petition for Tuan tracked on an outside platform. Every name and address is invented
(example.org / example.com). They go through the petitions feature's own operations and signing steps."""

from __future__ import annotations

from datetime import date, timedelta

import sqlalchemy as sa
from flask import current_app

from casework import clock
from casework.extensions import db
from casework.models import OutboxEmail, OutboxStatus, Person, Petition, User
from casework.petitions import confirming, operations, signing
from casework.urls import public_base_url

KEO_STORY = (
    "Dara came to the United States at four, after years in a refugee camp. He grew up in Lowell, where he "
    "has worked at the same machine shop for seventeen years and coaches a youth soccer team.\n\n"
    "More than twenty years ago, at 21, he made a mistake that hurt no one. He served his sentence in full. "
    "Today he checks in with ICE every year, and every year his family fears he will not come home.\n\n"
    "We ask DHS and ICE to let Dara stay with his wife and daughters while the Governor considers his pardon."
)
PHAM_STORY = (
    "Tuan has lived in Seattle for more than thirty years. At 19 he gave a friend a ride, not knowing the "
    "friend would rob a store; he could not afford bail and waited four years in jail for his trial.\n\n"
    "ICE arrested him at home, in front of his children. Our City Council has passed a resolution in his "
    "support. We ask the Governor to grant his pardon, and the Prosecuting Attorney to join the motion to "
    "vacate his old conviction."
)
SIGNERS = {
    "keo": [
        ("Maya Thornbury", "maya.thornbury@example.org", "01852", "Dara coached my son. Let him stay.", True),
        ("Osei Larkspur", "osei.l@example.com", "01854", None, True),
        ("Ren Calloway", "ren.calloway+petition@example.org", "02139", "Families belong together.", False),
        ("Ines Vautrin", "ines.vautrin@example.com", None, None, True),
        ("Tobiah Quell", "tquell@example.org", "01851", None, False),
    ],
    "pham": [
        ("Lupe Ashgrove", "lupe.ashgrove@example.org", "98118", "Bring Tuan home.", True),
        ("Corwin Haldane", "c.haldane@example.com", "98108", None, True),
        ("Noor Belvedere", "noor.belvedere@example.org", "98144", None, False),
        ("Emeric Sallow", "emeric.sallow@example.com", None, "Thirty years is a lifetime here.", True),
    ],
}


# The petition `flask demo` invites a newcomer to sign (and to confirm from Admin → Outbox).
PETITION_SLUG = "keep-dara-home"


def _consent(staff: User, person: Person, scope: list[str], given_by: str, given_on: date) -> None:
    operations.record_consent(
        staff, person, {"scope": scope, "given_by": given_by, "given_on": given_on, "notes": None}
    )


def _hosted(staff: User, person: Person, **data):
    petition = operations.create_hosted(staff, person, data)
    operations.publish(staff, person, petition)
    return petition


# A signer who has not confirmed yet: their e-mail, with a working confirmation link, is in Admin → Outbox.
PENDING_SIGNER = ("Hollis Fenwick", "hollis.fenwick@example.org", "01850", None, True)


def _awaiting_confirmation(petition: Petition, signer: tuple) -> None:
    public = signing.find_public(petition.slug or "")
    if public is None:
        raise LookupError(f"petition {petition.slug!r} is not published")
    name, email, zip_code, comment, show = signer
    slug = petition.slug or ""
    signing.sign(
        public,
        signing.SignData(
            name=name, email=email, zip_code=zip_code, comment=comment, show_name=show, send_updates=show
        ),
        None,
        confirm_url=lambda token: _public_link("public.confirm", slug=slug, token=token),
    )


def _public_link(endpoint: str, **values: str) -> str:
    """An absolute link under the public address, built without a request (`flask demo` has none)."""
    return public_base_url() + current_app.url_map.bind("localhost").build(endpoint, values)


def _sign_and_confirm(petition: Petition, signers: list[tuple]) -> None:
    public = signing.find_public(petition.slug or "")
    if public is None:
        raise LookupError(f"petition {petition.slug!r} is not published")
    for name, email, zip_code, comment, show in signers:
        tokens: list[str] = []
        signing.sign(
            public,
            signing.SignData(
                name=name, email=email, zip_code=zip_code, comment=comment, show_name=show, send_updates=show
            ),
            None,
            confirm_url=lambda token, kept=tokens: kept.append(token) or "(the demo used this link)",
        )
        confirming.confirm(public, tokens[0])
    # The demo's confirmation e-mails were "read" by the fictional signers: never send them anywhere.
    db.session.execute(
        sa.update(OutboxEmail).where(OutboxEmail.org_id == petition.org_id).values(status=OutboxStatus.SENT)
    )


def load(people: dict[str, Person], users: dict[str, User], today: date | None = None) -> None:
    """Consents, published petitions with confirmed signatures, and a tracked outside petition (no commit)."""
    today = today or clock.today()
    staff = users["staff@example.org"]
    keo, pham = people["keo"], people["pham"]

    _consent(
        staff,
        keo,
        [
            "preferred_name",
            "age",
            "city",
            "arrival",
            "family",
            "work",
            "community_ties",
            "conviction_summary",
            "relief",
        ],
        "Dara, in person at the office, with his wife present",
        today - timedelta(days=40),
    )
    keo_petition = _hosted(
        staff,
        keo,
        title="Keep Dara home in Lowell",
        story=KEO_STORY,
        targets="DHS/ICE Boston Field Office Director\nSecretary of Homeland Security",
        goal=15000,
        public_fields=["preferred_name", "age", "city", "arrival", "family", "work", "community_ties"],
        slug=PETITION_SLUG,
    )
    _awaiting_confirmation(keo_petition, PENDING_SIGNER)
    _sign_and_confirm(keo_petition, SIGNERS["keo"])

    _consent(
        staff,
        pham,
        ["preferred_name", "city", "family", "community_ties", "custody", "relief"],
        "Tuan, by phone from detention, with a Vietnamese interpreter",
        today - timedelta(days=25),
    )
    pham_petition = _hosted(
        staff,
        pham,
        title="Pardon Tuan: bring him home to his children",
        story=PHAM_STORY,
        targets="Governor of Washington\nKing County Prosecuting Attorney",
        goal=2500,
        public_fields=["preferred_name", "city", "family", "community_ties"],
        slug="pardon-tuan",
    )
    _sign_and_confirm(pham_petition, SIGNERS["pham"])

    tracked = operations.create_external(
        staff,
        pham,
        {
            "title": "Free Tuan Pham",
            "external_url": "https://petitions.example.org/free-tuan",
            "platform": "Community petition site (fictional)",
            "targets": "Governor of Washington",
            "goal": 5000,
        },
    )
    for days_ago, count in ((60, 312), (45, 1180), (30, 2045), (14, 2730), (3, 3105)):
        operations.add_count(
            staff, pham, tracked, {"counted_on": today - timedelta(days=days_ago), "count": count}
        )
    db.session.flush()

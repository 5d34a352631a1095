"""The demo's organizations, users and people, and how to load or wipe them. Every name, number and story
here is invented."""

from __future__ import annotations

from datetime import date
from typing import Any

import sqlalchemy as sa

from casework import clock
from casework.accounts import operations as accounts
from casework.demo import advocacy, background, outcomes, petitions, records, travel_history
from casework.extensions import db
from casework.models import (
    ArrivalClass,
    Base,
    CaseStatus,
    ImmigrationStatus,
    Organization,
    Person,
    ReliefTemplate,
    ReliefTemplateStep,
    Role,
    User,
)
from casework.people import operations as people_ops

ORG = "Riverbend Southeast Asian Defense Project"
PARTNER_ORG = "Alder & Finch LLP"
USERS = [
    ("admin@example.org", Role.ADMIN),
    ("staff@example.org", Role.STAFF),
    ("volunteer@example.org", Role.VOLUNTEER),
    ("attorney@example.org", Role.ATTORNEY),
    ("partner@example.net", Role.STAFF),
]
NAMES = {
    "admin@example.org": "Mai Lor (admin)",
    "staff@example.org": "Chanthy Ouk",
    "volunteer@example.org": "Grace Ellison",
    "attorney@example.org": "Rebecca Tran, Esq.",
    "partner@example.net": "Jonah Whitfield",
}

PEOPLE: list[dict[str, Any]] = [
    # 1. Refugee child; firearm offense at 21; three years served, two in ICE detention; released on an
    #    order of supervision; 17 years in one job; asks the parole board and the governor for a pardon.
    dict(
        key="keo",
        legal_name="Dara Keo",
        preferred_name="Dara",
        aliases="Darah Keo\nDara Kev",
        native_name="កែវ ដារា",
        birth_date=date(1980, 3, 14),
        country_of_birth="Cambodia",
        place_of_birth="Battambang",
        citizenship="Cambodia",
        community="Cambodian",
        arrival_date=date(1984, 9, 2),
        arrival_class=ArrivalClass.REFUGEE,
        immigration_status=ImmigrationStatus.ORDER_OF_SUPERVISION,
        final_order_date=date(2005, 3, 14),
        a_number="041592633",
        languages="English, Khmer",
        interpreter_needed=False,
        city="Lowell",
        state="MA",
        spouse="Married to Linh Keo (U.S. citizen) since 2011.",
        children="Two daughters, 9 and 13, both U.S. citizens.",
        us_citizen_relatives="Mother and two sisters are naturalized U.S. citizens.",
        work="Machinist at a precision-parts shop for 17 years; shift lead since 2015.",
        community_ties="Coaches a youth soccer team; volunteers at the temple's Khmer New Year festival.",
        private_story="Came to the U.S. at four after years in a camp. At 21 he was convicted of carrying an "
        "unlicensed firearm; no one was hurt. He served three years, then spent two years in ICE "
        "detention before release on an order of supervision.",
        case_status=CaseStatus.ACTIVE,
    ),
    # 2. Born in a refugee camp in Thailand; believed he was a citizen; plea bargain at 16; pardoned by the
    #    governor with a law firm's pro bono attorney and an immigrant-rights legal organization.
    dict(
        key="pich",
        legal_name="Sovann Pich",
        preferred_name="Van",
        aliases="Sovan Pech\nVan Pich",
        native_name="ពេជ្រ សុវណ្ណ",
        birth_date=date(1981, 11, 5),
        country_of_birth="Thailand",
        place_of_birth="Khao-I-Dang holding center (refugee camp)",
        citizenship="Cambodia",
        community="Cambodian",
        arrival_date=date(1983, 6, 20),
        arrival_class=ArrivalClass.REFUGEE,
        immigration_status=ImmigrationStatus.STATUS_RESTORED,
        a_number="038774120",
        languages="English",
        city="Long Beach",
        state="CA",
        children="A son, 7, U.S. citizen.",
        work="Union electrician.",
        community_ties="Speaks at high schools about juvenile justice.",
        private_story="Grew up believing he was a citizen. Accepted a plea bargain at 16 without being told "
        "of immigration consequences. The Governor granted a full pardon in 2024.",
        case_status=CaseStatus.RELIEF_GRANTED,
    ),
    # 3. Arrested by ICE at home in 2019 under a 1999 final order, detained since (long past day 180);
    #    decades-old robbery-accomplice conviction after four years pre-trial; governor pardon application
    #    and a request that the DA join a motion to vacate.
    dict(
        key="pham",
        legal_name="Tuan Minh Pham",
        preferred_name="Tuan",
        aliases="Phạm Minh Tuấn\nTony Pham",
        native_name="Phạm Minh Tuấn",
        birth_date=date(1975, 1, 22),
        country_of_birth="Vietnam",
        place_of_birth="Cần Thơ",
        citizenship="Vietnam",
        community="Vietnamese",
        arrival_date=date(1990, 4, 11),
        arrival_class=ArrivalClass.REFUGEE,
        immigration_status=ImmigrationStatus.FINAL_ORDER,
        final_order_date=date(1999, 9, 30),
        a_number="027318840",
        languages="Vietnamese, English",
        interpreter_needed=True,
        city="Seattle",
        state="WA",
        spouse="Partner of 20 years, Hoa Nguyen.",
        children="Three children, 16 to 24, U.S. citizens.",
        work="Owns a small nail-salon supply business.",
        community_ties="City council passed a resolution in his support.",
        private_story="At 19 he drove a friend who, unknown to him, robbed a store. Unable to afford bail he "
        "spent four years in jail before trial. ICE arrested him at home in front of his children in April "
        "2019; he has been held at Tacoma ever since.",
        case_status=CaseStatus.ACTIVE,
    ),
    # 4. The consulate refused a travel document ("not a citizen"): removal cannot proceed.
    dict(
        key="phommachanh",
        legal_name="Khamla Phommachanh",
        aliases="Kham Phommachan",
        native_name="ຄຳຫຼ້າ ພົມມະຈັນ",
        birth_date=date(1978, 7, 30),
        country_of_birth="Laos",
        place_of_birth="Ban Vinai refugee camp, Thailand",
        citizenship="Stateless",
        community="Lao",
        arrival_date=date(1980, 2, 14),
        arrival_class=ArrivalClass.REFUGEE,
        immigration_status=ImmigrationStatus.ORDER_OF_SUPERVISION,
        final_order_date=date(2002, 11, 5),
        a_number="33518207",
        languages="Lao, English",
        city="Fresno",
        state="CA",
        work="Line cook.",
        private_story="The Lao consulate answered that he is not a citizen of Laos; ICE cannot remove him.",
        case_status=CaseStatus.MONITORING,
    ),
]
ASSIGNMENTS = {"volunteer@example.org": ["keo", "pham"], "attorney@example.org": ["pich", "pham"]}


def load(password: str) -> dict[str, Person]:
    """Create the demo organizations, users and people (the caller commits)."""
    org = accounts.create_org(ORG)
    partner = accounts.create_org(PARTNER_ORG)
    users: dict[str, User] = {}
    for email, role in USERS:
        users[email] = accounts.create_user(
            None,
            partner if email.endswith(".net") else org,
            email=email,
            role=role,
            password=password,
            name=NAMES[email],
        )
    staff = users["staff@example.org"]
    people: dict[str, Person] = {}
    for spec in PEOPLE:
        spec = dict(spec)
        key = spec.pop("key")
        final_order_date = spec.pop("final_order_date", None)  # lives on the removal case the status opens
        if spec.get("a_number"):
            spec["a_number"] = spec["a_number"].zfill(9)
        people[key] = people_ops.create_person(staff, spec, final_order_date)
    for email, keys in ASSIGNMENTS.items():
        for key in keys:
            people_ops.assign(staff, people[key], users[email])
    db.session.flush()
    today = clock.today()
    records.load(people, users, today)
    petitions.load(people, users, today)
    travel_history.load(people, users, today)
    background.load(people, users, today)
    outcomes.load(people, users, today)
    advocacy.load(people, users, today)
    return people


def has_data() -> bool:
    """Whether the database holds an organization already (demo data or real data)."""
    return bool(db.session.scalar(sa.select(sa.func.count()).select_from(Organization)))


def delete_everything() -> None:
    """Empty every table (used by `demo --reset`), keeping the built-in rows the migrations seed."""
    own_templates = sa.select(ReliefTemplate.id).where(ReliefTemplate.org_id.is_not(None))
    for table in reversed(Base.metadata.sorted_tables):
        if table.name == ReliefTemplateStep.__tablename__:
            db.session.execute(sa.delete(table).where(table.c.template_id.in_(own_templates)))
        elif table.name == ReliefTemplate.__tablename__:
            db.session.execute(sa.delete(table).where(table.c.org_id.is_not(None)))
        else:
            db.session.execute(sa.delete(table))
    db.session.flush()

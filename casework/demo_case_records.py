"""Fictional case records for the demo people: convictions, custody, check-ins, travel documents, relief,
contacts, notes and tasks. Everything goes through the same operations the web forms use."""

from __future__ import annotations

from datetime import date, time, timedelta

import sqlalchemy as sa

from casework.contacts import operations as contacts_ops
from casework.extensions import db
from casework.models import (
    CheckInOutcome,
    ContactKind,
    ConvictionLevel,
    CustodyKind,
    OrderType,
    Person,
    Plea,
    ReliefKind,
    ReliefStatus,
    ReliefTemplate,
    RemovalStage,
    StayStatus,
    TravelDocumentOutcome,
    TriState,
    User,
)
from casework.notes import operations as notes_ops
from casework.record import operations as record_ops
from casework.relief import operations as relief_ops
from casework.tasks import operations as tasks_ops


def _template(jurisdiction: str, kind: ReliefKind | None) -> ReliefTemplate:
    return db.session.scalar(
        sa.select(ReliefTemplate).where(
            ReliefTemplate.org_id.is_(None),
            ReliefTemplate.jurisdiction == jurisdiction,
            ReliefTemplate.kind == kind if kind else ReliefTemplate.kind.is_(None),
        )
    )


def _conviction(actor, person, **fields):
    data = {
        "state": None,
        "county": None,
        "court": None,
        "docket_number": None,
        "statute": None,
        "level": None,
        "offense_date": None,
        "conviction_date": None,
        "plea": None,
        "sentence": None,
        "time_served": None,
        "removal_grounds": None,
        "consequences_advised": TriState.UNKNOWN,
        "interpreter_at_plea": TriState.UNKNOWN,
        "notes": None,
    }
    data.update(fields)
    return record_ops.create_conviction(actor, person, data)


def _custody(actor, person, kind, day, facility=None, field_office=None, notes=None):
    record_ops.add_custody_event(
        actor,
        person,
        {
            "kind": kind,
            "occurred_on": day,
            "facility": facility,
            "field_office": field_office,
            "notes": notes,
        },
    )


def _check_in(
    actor,
    person,
    day,
    outcome=CheckInOutcome.SCHEDULED,
    office=None,
    accompanied_by=None,
    at=None,
    notes=None,
):
    record_ops.create_check_in(
        actor,
        person,
        {
            "scheduled_on": day,
            "scheduled_time": at,
            "office": office,
            "outcome": outcome,
            "accompanied_by": accompanied_by,
            "notes": notes,
        },
    )


def _removal(actor, person, **fields):
    data = {
        "stage": RemovalStage.NO_PROCEEDINGS,
        "court": None,
        "nta_date": None,
        "next_hearing_on": None,
        "order_date": None,
        "order_type": None,
        "stay_status": StayStatus.NONE,
        "stay_granted_on": None,
        "stay_ended_on": None,
        "notes": None,
    }
    data.update(fields)
    record_ops.save_removal_case(actor, person, None, data, None)


def _travel(actor, person, **fields):
    data = {
        "agreement": None,
        "requested_on": None,
        "interview_on": None,
        "outcome": TravelDocumentOutcome.PENDING,
        "decided_on": None,
        "expires_on": None,
        "refusal_reason": None,
        "notes": None,
    }
    data.update(fields)
    record_ops.create_travel_document(actor, person, data)


def _contact(actor, org_id, name, kind, **fields):
    data = {
        "name": name,
        "organization": None,
        "kind": kind,
        "bar_number": None,
        "bar_state": None,
        "phone": None,
        "email": None,
        "notes": None,
    }
    data.update(fields)
    return contacts_ops.create_contact(actor, org_id, data)


def _application(
    actor,
    person,
    kind,
    jurisdiction,
    opened_on,
    template,
    convictions=(),
    lead=None,
    attorney=None,
    forum=None,
    notes=None,
):
    return relief_ops.create_application(
        actor,
        person,
        {
            "kind": kind,
            "jurisdiction": jurisdiction,
            "forum": forum,
            "opened_on": opened_on,
            "lead_id": lead.id if lead else None,
            "attorney_contact_id": attorney.id if attorney else None,
            "notes": notes,
            "conviction_ids": [c.id for c in convictions],
        },
        template,
    )


def _steps_done(actor, person, application, count, today):
    for step in sorted(application.steps, key=lambda s: s.position)[:count]:
        relief_ops.mark_step_done(actor, person, application, step, min(step.due_on, today))


def _set_status(actor, person, application, status, filed_on=None, decided_on=None, outcome=None):
    data = {
        "kind": application.kind,
        "jurisdiction": application.jurisdiction,
        "forum": application.forum,
        "status": status,
        "opened_on": application.opened_on,
        "filed_on": filed_on,
        "decided_on": decided_on,
        "outcome": outcome,
        "lead_id": application.lead_id,
        "attorney_contact_id": application.attorney_contact_id,
        "notes": application.notes,
        "conviction_ids": [c.id for c in application.convictions],
    }
    relief_ops.update_application(actor, person, application, data, application.version)


def _task(actor, person, title, due_on=None, assignee=None, notes=None):
    tasks_ops.add_task(
        actor,
        person,
        {"title": title, "due_on": due_on, "assignee_id": assignee.id if assignee else None, "notes": notes},
    )


def load(people: dict[str, Person], users: dict[str, User], today: date | None = None) -> None:
    """Fill the four demo cases (the caller commits)."""
    today = today or date.today()
    staff, volunteer, attorney = (
        users["staff@example.org"],
        users["volunteer@example.org"],
        users["attorney@example.org"],
    )
    org_id = staff.org_id

    # Contacts: a law firm's pro bono attorneys, an immigrant-rights legal organization, officials.
    finch = _contact(
        staff,
        org_id,
        "Miriam Alder",
        ContactKind.POST_CONVICTION_ATTORNEY,
        organization="Alder & Finch LLP (pro bono)",
        bar_number="555123",
        bar_state="CA",
        phone="(555) 010-4477",
        email="malder@alderfinch.example",
    )
    legal_org = _contact(
        staff,
        org_id,
        "Tomas Reyes",
        ContactKind.IMMIGRATION_ATTORNEY,
        organization="Harbor Immigrant Rights Center",
        bar_number="7788123",
        bar_state="MA",
        phone="(555) 010-2299",
        email="treyes@harborrights.example",
    )
    wa_lawyer = _contact(
        staff,
        org_id,
        "Grace Holloway",
        ContactKind.CRIMINAL_DEFENSE_ATTORNEY,
        organization="Cascade Defender Collective",
        bar_number="44812",
        bar_state="WA",
        email="gholloway@cascadedefenders.example",
    )
    da_office = _contact(
        staff,
        org_id,
        "Conviction Integrity Unit",
        ContactKind.PROSECUTOR,
        organization="King County Prosecuting Attorney's Office (fictional desk)",
        phone="(555) 010-9000",
    )
    officer = _contact(
        staff,
        org_id,
        "Officer D. Marsh",
        ContactKind.DEPORTATION_OFFICER,
        organization="ICE ERO Burlington",
        phone="(555) 010-6060",
    )
    consulate = _contact(
        staff,
        org_id,
        "Consular section",
        ContactKind.CONSULATE,
        organization="Consulate of the Lao PDR (fictional desk)",
    )
    council = _contact(
        staff,
        org_id,
        "Councilmember R. Ito",
        ContactKind.OFFICIAL,
        organization="Seattle City Council (fictional office)",
    )

    # 1. Dara Keo (MA): firearm offense at 21, 3 years served, 2 years in ICE detention, released on an
    #    order of supervision; petition to the Parole Board and the Governor.
    keo = people["keo"]
    firearm = _conviction(
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
    _removal(
        staff,
        keo,
        stage=RemovalStage.FINAL_ORDER,
        court="Boston Immigration Court",
        nta_date=date(2004, 10, 8),
        order_date=date(2005, 3, 14),
        order_type=OrderType.REMOVAL,
    )
    _custody(
        staff,
        keo,
        CustodyKind.ICE_ARREST,
        date(2004, 11, 2),
        field_office="Boston ERO",
        notes="Taken into ICE custody on release from the house of correction.",
    )
    _custody(
        staff, keo, CustodyKind.BOOKED, date(2004, 11, 2), facility="Plymouth County Correctional Facility"
    )
    _custody(
        staff, keo, CustodyKind.TRANSFERRED, date(2005, 6, 1), facility="Suffolk County House of Correction"
    )
    _custody(staff, keo, CustodyKind.RELEASED_SUPERVISION, date(2006, 11, 20), field_office="Boston ERO")
    _check_in(
        staff,
        keo,
        today - timedelta(days=180),
        CheckInOutcome.ATTENDED,
        "ICE ERO Burlington",
        "Chanthy Ouk (staff)",
        time(9, 0),
    )
    _check_in(
        staff,
        keo,
        today + timedelta(days=10),
        CheckInOutcome.SCHEDULED,
        "ICE ERO Burlington",
        "Grace Ellison (volunteer)",
        time(9, 30),
        "Bring the pardon filing receipt.",
    )
    _travel(
        staff,
        keo,
        country="Cambodia",
        agreement="Cambodia (2002 memorandum)",
        requested_on=date(2005, 4, 1),
        interview_on=date(2005, 9, 12),
        outcome=TravelDocumentOutcome.PENDING,
    )
    ma = _application(
        staff,
        keo,
        ReliefKind.PAROLE_BOARD_PARDON,
        "MA",
        today - timedelta(days=80),
        _template("MA", ReliefKind.PAROLE_BOARD_PARDON),
        [firearm],
        volunteer,
        legal_org,
    )
    _steps_done(volunteer, keo, ma, 3, today)
    steps = sorted(ma.steps, key=lambda s: s.position)
    for step in steps[3:6]:
        relief_ops.assign_step(staff, keo, ma, step, volunteer)
    relief_ops.add_step_note(
        volunteer, keo, ma, steps[3], "Petition assembled; waiting for two more letters.", today
    )
    contacts_ops.link(staff, keo, legal_org, "Immigration counsel; files the pardon petition")
    contacts_ops.link(staff, keo, officer, "Deportation officer for check-ins")
    notes_ops.write_note(
        staff,
        keo,
        {"body": "Employer will write a support letter; pick it up next week.", "privileged": False},
    )
    _task(staff, keo, "Collect the employer's support letter", today + timedelta(days=5), volunteer)
    _task(
        staff,
        keo,
        "Order certified docket sheet from Lowell District Court",
        today - timedelta(days=2),
        staff,
    )

    # 2. Sovann Pich (CA): born in a camp in Thailand, believed he was a citizen, plea bargain at 16;
    #    pardoned by the Governor with a law firm's pro bono attorney and an immigrant-rights legal organization.
    pich = people["pich"]
    juvenile = _conviction(
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
    _removal(
        staff,
        pich,
        stage=RemovalStage.TERMINATED,
        court="Los Angeles Immigration Court",
        nta_date=date(2019, 5, 2),
        order_date=date(2020, 1, 15),
        order_type=OrderType.REMOVAL,
        notes="Proceedings reopened and terminated after the pardon; LPR status restored.",
    )
    pardon = _application(
        staff,
        pich,
        ReliefKind.GOVERNOR_PARDON,
        "CA",
        date(2022, 3, 1),
        _template("CA", ReliefKind.GOVERNOR_PARDON),
        [juvenile],
        attorney,
        finch,
    )
    _steps_done(attorney, pich, pardon, len(pardon.steps), today)
    _set_status(attorney, pich, pardon, ReliefStatus.FILED, filed_on=date(2022, 4, 15))
    _set_status(
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

    # 3. Tuan Minh Pham (WA): arrested by ICE at home; a decades-old robbery-accomplice conviction after four
    #    years pre-trial; pardon petition and a request that the DA join a motion to vacate.
    pham = people["pham"]
    robbery = _conviction(
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
    _removal(
        staff,
        pham,
        stage=RemovalStage.FINAL_ORDER,
        court="Seattle Immigration Court",
        nta_date=date(1999, 2, 1),
        order_date=date(1999, 9, 30),
        order_type=OrderType.REMOVAL,
        stay_status=StayStatus.REQUESTED,
    )
    arrested = today - timedelta(days=75)
    _custody(
        staff,
        pham,
        CustodyKind.ICE_ARREST,
        arrested,
        field_office="Seattle ERO",
        notes="Arrested at home at 6 a.m. in front of his children.",
    )
    _custody(staff, pham, CustodyKind.BOOKED, arrested, facility="Tacoma ICE Processing Center")
    _check_in(
        staff, pham, today - timedelta(days=400), CheckInOutcome.ATTENDED, "ICE ERO Seattle", "Hoa Nguyen"
    )
    wa = _application(
        staff,
        pham,
        ReliefKind.GOVERNOR_PARDON,
        "WA",
        today - timedelta(days=70),
        _template("WA", ReliefKind.GOVERNOR_PARDON),
        [robbery],
        volunteer,
        wa_lawyer,
    )
    _steps_done(volunteer, pham, wa, 2, today)
    vacate = _application(
        staff,
        pham,
        ReliefKind.MOTION_TO_VACATE,
        "WA",
        today - timedelta(days=40),
        _template("generic", None),
        [robbery],
        attorney,
        wa_lawyer,
        forum="King County Superior Court",
        notes="The DA's office is asked to join the motion.",
    )
    _steps_done(attorney, pham, vacate, 1, today)
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
    _task(
        staff, pham, "Request a stay of removal decision update from ERO", today + timedelta(days=3), attorney
    )
    _task(volunteer, pham, "Call the family about visitation at Tacoma", today + timedelta(days=1), volunteer)

    # 4. Khamla Phommachanh (CA): the consulate refused a travel document ("not a citizen").
    phomma = people["phommachanh"]
    theft = _conviction(
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
    _removal(
        staff,
        phomma,
        stage=RemovalStage.FINAL_ORDER,
        court="San Francisco Immigration Court",
        nta_date=date(2002, 3, 1),
        order_date=date(2002, 11, 5),
        order_type=OrderType.REMOVAL,
    )
    _custody(staff, phomma, CustodyKind.ICE_ARREST, date(2002, 2, 20), field_office="San Francisco ERO")
    _custody(staff, phomma, CustodyKind.BOOKED, date(2002, 2, 20), facility="Yuba County Jail")
    _custody(
        staff, phomma, CustodyKind.RELEASED_SUPERVISION, date(2003, 6, 2), field_office="San Francisco ERO"
    )
    _travel(
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
    _check_in(staff, phomma, today + timedelta(days=40), CheckInOutcome.SCHEDULED, "ICE ERO Fresno")
    motion = _application(
        staff,
        phomma,
        ReliefKind.MOTION_TO_VACATE,
        "CA",
        today - timedelta(days=30),
        _template("CA", ReliefKind.MOTION_TO_VACATE),
        [theft],
        staff,
        finch,
    )
    _steps_done(staff, phomma, motion, 1, today)
    contacts_ops.link(staff, phomma, consulate, "Refused the travel document")
    contacts_ops.link(staff, phomma, finch, "Pro bono counsel for the §1473.7 motion")
    db.session.flush()

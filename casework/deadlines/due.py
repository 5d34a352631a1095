"""What is due across every case a user may see: one query per kind of dated item, however many rows.

Sources: scheduled ICE check-ins, immigration-court hearings, BIA appeal deadlines, relief steps,
post-order custody clock marks (day 90, day 180), open tasks and expiring travel documents.
"""

from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, timedelta

import sqlalchemy as sa

from casework import access
from casework.extensions import db
from casework.models import (
    CaseAssignment,
    CheckIn,
    CheckInOutcome,
    CustodyStatus,
    Person,
    ReliefApplication,
    ReliefStatus,
    ReliefStep,
    RemovalCase,
    RemovalStage,
    Task,
    TravelDocument,
    TravelDocumentOutcome,
    User,
)
from casework.models.record import APPEAL_WINDOW_DAYS, custody_clock


class DueKind(enum.StrEnum):
    """The kinds of item the "What's due" view gathers."""

    CHECK_IN = "check_in"
    HEARING = "hearing"
    APPEAL = "appeal"
    RELIEF_STEP = "relief_step"
    CUSTODY_CLOCK = "custody_clock"
    TASK = "task"
    TRAVEL_DOCUMENT = "travel_document"

    @property
    def label(self) -> str:
        return {"check_in": "ICE check-in", "hearing": "Immigration court hearing",
                "appeal": "BIA appeal deadline", "relief_step": "Relief step", "custody_clock": "Custody clock",
                "task": "Task", "travel_document": "Travel document expires"}[self.value]


@dataclass(frozen=True)
class DueItem:
    """One dated thing to act on."""

    day: date
    kind: DueKind
    title: str  # what it is, without the person's name (safe for the calendar feed)
    person_id: int
    person_name: str
    anchor: str  # section of the case page
    uid: str  # stable identifier (calendar UID)
    assignee_id: int | None = None

    def overdue(self, today: date) -> bool:
        return self.day < today


def _people_columns():
    return Person.id.label("person_id"), Person.legal_name


def gather(user: User, *, today: date | None = None, until: date | None = None, mine: bool = False,
           kinds: set[DueKind] | None = None) -> list[DueItem]:
    """Every due item of the cases `user` may see, overdue first, then by date."""
    today = today or date.today()
    visible = access.visible_people_filter(user)
    on_my_team = sa.exists().where(CaseAssignment.person_id == Person.id, CaseAssignment.user_id == user.id)
    items: list[DueItem] = []

    def wanted(kind: DueKind) -> bool:
        return kinds is None or kind in kinds

    def window(column):
        return column <= until if until else sa.true()

    if wanted(DueKind.CHECK_IN):
        q = (sa.select(CheckIn.id, CheckIn.scheduled_on, CheckIn.office, *_people_columns())
             .join(Person, Person.id == CheckIn.person_id)
             .where(visible, CheckIn.outcome == CheckInOutcome.SCHEDULED, window(CheckIn.scheduled_on)))
        if mine:
            q = q.where(on_my_team)
        for row in db.session.execute(q):
            title = "ICE check-in" + (f" at {row.office}" if row.office else "")
            if row.scheduled_on < today:
                title += " (record the outcome)"
            items.append(DueItem(row.scheduled_on, DueKind.CHECK_IN, title, row.person_id, row.legal_name, "checkins",
                                 f"check-in-{row.id}"))

    if wanted(DueKind.HEARING) or wanted(DueKind.APPEAL):
        q = (sa.select(RemovalCase.id, RemovalCase.next_hearing_on, RemovalCase.order_date, RemovalCase.stage,
                       RemovalCase.order_type, RemovalCase.court, *_people_columns())
             .join(Person, Person.id == RemovalCase.person_id)
             .where(visible, sa.or_(RemovalCase.next_hearing_on.is_not(None),
                                    sa.and_(RemovalCase.stage == RemovalStage.FINAL_ORDER,
                                            RemovalCase.order_date >= today - timedelta(days=APPEAL_WINDOW_DAYS)))))
        if mine:
            q = q.where(on_my_team)
        for row in db.session.execute(q):
            if wanted(DueKind.HEARING) and row.next_hearing_on and (not until or row.next_hearing_on <= until):
                items.append(DueItem(row.next_hearing_on, DueKind.HEARING,
                                     "Immigration court hearing" + (f" ({row.court})" if row.court else ""),
                                     row.person_id, row.legal_name, "removal", f"hearing-{row.id}"))
            if wanted(DueKind.APPEAL) and row.stage == RemovalStage.FINAL_ORDER and row.order_date \
                    and row.order_type != "stipulated":
                deadline = row.order_date + timedelta(days=APPEAL_WINDOW_DAYS)
                if deadline >= today and (not until or deadline <= until):
                    items.append(DueItem(deadline, DueKind.APPEAL, "Last day to appeal the removal order to the BIA",
                                         row.person_id, row.legal_name, "removal", f"appeal-{row.id}"))

    if wanted(DueKind.RELIEF_STEP):
        q = (sa.select(ReliefStep.id, ReliefStep.due_on, ReliefStep.title, ReliefStep.assignee_id,
                       ReliefApplication.kind, *_people_columns())
             .join(ReliefApplication, ReliefApplication.id == ReliefStep.application_id)
             .join(Person, Person.id == ReliefApplication.person_id)
             .where(visible, ReliefStep.done_on.is_(None), ReliefStep.due_on.is_not(None),
                    ReliefApplication.status.not_in([ReliefStatus.GRANTED, ReliefStatus.DENIED,
                                                     ReliefStatus.WITHDRAWN]),
                    window(ReliefStep.due_on)))
        if mine:
            q = q.where(ReliefStep.assignee_id == user.id)
        for row in db.session.execute(q):
            items.append(DueItem(row.due_on, DueKind.RELIEF_STEP, f"{row.kind.label}: {row.title}", row.person_id,
                                 row.legal_name, "relief", f"relief-step-{row.id}", row.assignee_id))

    if wanted(DueKind.CUSTODY_CLOCK):
        q = (sa.select(RemovalCase, Person.id, Person.legal_name, Person.custody_since)
             .join(Person, Person.id == RemovalCase.person_id)
             .where(visible, Person.custody_status == CustodyStatus.DETAINED, RemovalCase.order_date.is_not(None)))
        if mine:
            q = q.where(on_my_team)
        for removal, person_id, name, since in db.session.execute(q):
            clock = custody_clock(removal, CustodyStatus.DETAINED, since, today)
            if clock is None:
                continue
            if clock.days < 90:
                day, title = clock.day_90, "Day 90 of post-order custody"
            else:
                day, title = clock.day_180, "Day 180 of post-order custody"
            if clock.paused:
                title += " (clock paused by a stay)"
            if not until or day <= until:
                items.append(DueItem(day, DueKind.CUSTODY_CLOCK, title, person_id, name, "removal",
                                     f"clock-{removal.id}-{'180' if clock.days >= 90 else '90'}"))

    if wanted(DueKind.TASK):
        q = (sa.select(Task.id, Task.due_on, Task.title, Task.assignee_id, *_people_columns())
             .join(Person, Person.id == Task.person_id)
             .where(visible, Task.done_on.is_(None), Task.due_on.is_not(None), window(Task.due_on)))
        if mine:
            q = q.where(Task.assignee_id == user.id)
        for row in db.session.execute(q):
            items.append(DueItem(row.due_on, DueKind.TASK, row.title, row.person_id, row.legal_name, "tasks",
                                 f"task-{row.id}", row.assignee_id))

    if wanted(DueKind.TRAVEL_DOCUMENT):
        q = (sa.select(TravelDocument.id, TravelDocument.expires_on, TravelDocument.country, *_people_columns())
             .join(Person, Person.id == TravelDocument.person_id)
             .where(visible, TravelDocument.outcome == TravelDocumentOutcome.ISSUED,
                    TravelDocument.expires_on >= today, window(TravelDocument.expires_on)))
        if mine:
            q = q.where(on_my_team)
        for row in db.session.execute(q):
            items.append(DueItem(row.expires_on, DueKind.TRAVEL_DOCUMENT,
                                 f"Travel document from {row.country} expires", row.person_id, row.legal_name,
                                 "travel-documents", f"travel-document-{row.id}"))

    return sorted(items, key=lambda i: (not i.overdue(today), i.day, i.person_name, i.uid))

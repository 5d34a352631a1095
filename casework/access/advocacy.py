"""The advocacy log: events belong to an organization; who sees an event, its linked cases and its contacts.

- Admins and staff (`can(user, "write_advocacy")`) see every event of their organization and create, edit and
  delete them.
- Everyone else sees an event only through a case they may open: volunteers and attorneys the events linked to
  their cases, a partner the events linked to the cases shared with them (a partner's own organization's log is
  theirs in full if they are its admins or staff). For every other user the event does not exist (404).
- The cases an event is linked to are shown, counted and named only where the user may open the case.
- The contacts of an event come from its organization's directory: only that organization's users see them.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import abort
from flask_login import current_user
from sqlalchemy.orm import selectinload

from casework.access.cases import ORG_WIDE_ROLES, can, visible_people_filter, whole_org_scope
from casework.extensions import db
from casework.models import AdvocacyEvent, Person, User, advocacy_event_person


def _active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.active


def advocacy_cases_filter(user: User):
    """A SQL condition on Person: the linked cases this user may see (and so count and name)."""
    return visible_people_filter(user)


def linked_to_visible_case(user: User):
    """A SQL condition on AdvocacyEvent: linked to at least one case this user may open."""
    return sa.exists(
        sa.select(advocacy_event_person.c.event_id)
        .join(Person, Person.id == advocacy_event_person.c.person_id)
        .where(advocacy_event_person.c.event_id == AdvocacyEvent.id, visible_people_filter(user))
    )


def visible_advocacy_filter(user: User):
    """A SQL condition on AdvocacyEvent that is true exactly for the events this user may see."""
    if not _active(user):
        return sa.false()
    if whole_org_scope(user) is not None:
        # admins and staff whom no share reaches: their organization's log, which alone links their cases (an
        # event links only cases of its own organization), read straight from the (org_id, day) index
        return AdvocacyEvent.org_id == user.org_id
    through_cases = linked_to_visible_case(user)
    if user.role in ORG_WIDE_ROLES:
        return sa.or_(AdvocacyEvent.org_id == user.org_id, through_cases)
    return through_cases


def visible_advocacy_events(user: User) -> sa.Select:
    """SELECT of the events this user may see (add ordering, filters and paging on top)."""
    return sa.select(AdvocacyEvent).where(visible_advocacy_filter(user))


def can_write_advocacy(user: User, event: AdvocacyEvent | None = None) -> bool:
    """Whether the user may record events in their organization's log (and change or delete `event`)."""
    if not can(user, "write_advocacy"):
        return False
    return event is None or event.org_id == user.org_id


def sees_advocacy_contacts(user: User, event: AdvocacyEvent) -> bool:
    """Whether the user may see who an event involved (its organization's directory is private to it)."""
    return _active(user) and user.org_id == event.org_id


def get_advocacy_event_or_404(event_id: int, need: str = "view") -> AdvocacyEvent:
    """Load an event the current user may see, with its figures (404 otherwise); need="write" answers 403 to
    those who may see it but not change it."""
    if need not in ("view", "write"):
        raise ValueError(f"unknown need {need!r}")
    event = db.session.scalar(
        visible_advocacy_events(current_user)
        .where(AdvocacyEvent.id == event_id)
        .options(selectinload(AdvocacyEvent.figures))
    )
    if event is None:
        abort(404)
    if need == "write" and not can_write_advocacy(current_user, event):
        abort(403)
    return event


def advocacy_linkable_people(user: User, org_id: int) -> sa.Select:
    """SELECT of the cases an event of organization `org_id` may be linked to by this user: the organization's
    own live cases that the user may open (an event never reaches into another organization's case)."""
    return sa.select(Person).where(visible_people_filter(user), Person.org_id == org_id)

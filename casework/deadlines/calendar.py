"""Private calendar feeds: a revocable secret address per user, items named by case number and type only.

Each read of a feed is an audit event ("calendar.read", no personal data): a GET writes nothing else, and
the calendar page shows when the address was last read from the latest of those events.
"""

from __future__ import annotations

import hashlib
import secrets
from datetime import UTC, date, datetime, timedelta

import sqlalchemy as sa

from casework import audit
from casework.deadlines.due import DueItem, gather
from casework.extensions import db
from casework.models import AuditEvent, CalendarFeed, Role, User
from casework.models.base import utcnow

READ_ACTION = "calendar.read"
# Reads audited before the feed's own last-read column was dropped carry the former action name.
READ_ACTIONS = (READ_ACTION, "calendar.fetched")
HORIZON = timedelta(days=365)  # how far ahead a feed reaches
LOOKBACK = timedelta(days=30)  # how long overdue items stay in it


def _hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def feed_of(user: User) -> CalendarFeed | None:
    """The user's current feed, if any."""
    return db.session.scalar(sa.select(CalendarFeed).where(CalendarFeed.user_id == user.id))


def create_feed(actor: User) -> str:
    """A new secret token for the actor's feed (any previous address stops working). Shown once."""
    token = secrets.token_urlsafe(32)
    feed = feed_of(actor)
    if feed is None:
        feed = CalendarFeed(user_id=actor.id, token_hash=_hash(token))
        db.session.add(feed)
    else:
        feed.token_hash = _hash(token)
        feed.created_at = utcnow()  # reads of the previous address no longer count as "last read"
    db.session.flush()
    audit.record(actor, "calendar.created", feed)
    return token


def revoke_feed(actor: User) -> None:
    """Delete the actor's feed address."""
    feed = feed_of(actor)
    if feed is not None:
        audit.record(actor, "calendar.revoked", feed)
        db.session.delete(feed)
        db.session.flush()


def user_for_token(token: str) -> tuple[CalendarFeed, User] | None:
    """The active user a feed token belongs to, or None."""
    if not token or len(token) > 100:
        return None
    row = db.session.execute(
        sa.select(CalendarFeed, User)
        .join(User, User.id == CalendarFeed.user_id)
        .where(CalendarFeed.token_hash == _hash(token), User.active.is_(True))
    ).first()
    return (row[0], row[1]) if row else None


def last_read(feed: CalendarFeed | None) -> datetime | None:
    """When the feed's current address was last read, from the audit trail (None: never)."""
    if feed is None:
        return None
    return db.session.scalar(
        sa.select(sa.func.max(AuditEvent.at)).where(
            AuditEvent.actor_id == feed.user_id,
            AuditEvent.action.in_(READ_ACTIONS),
            AuditEvent.object_type == CalendarFeed.__tablename__,
            AuditEvent.object_id == feed.id,
            AuditEvent.at >= feed.created_at,
        )
    )


def feed_items(user: User, today: date) -> list[DueItem]:
    """What a user's feed shows: the coming year, and what fell due in the last month."""
    items = gather(user, today=today, until=today + HORIZON, mine=feed_is_mine_only(user))
    return [i for i in items if i.day >= today - LOOKBACK]


def record_read(user: User, feed: CalendarFeed, item_count: int) -> None:
    """Audit one read of the feed (the only write a feed read makes)."""
    audit.record(user, READ_ACTION, feed, detail=f"{item_count} items")


def feed_is_mine_only(user: User) -> bool:
    """Volunteers and attorneys get their own work; admins and staff every visible case."""
    return user.role in (Role.VOLUNTEER, Role.ATTORNEY)


def build_ics(items: list[DueItem], *, host: str) -> bytes:
    """An iCalendar document of all-day events. No names: 'Case 12: ICE check-in'."""
    from icalendar import Calendar, Event  # a feed is read now and then: not imported at every start

    cal = Calendar()
    cal.add("prodid", "-//Casework//What is due//EN")
    cal.add("version", "2.0")
    cal.add("x-wr-calname", "Casework: what is due")
    cal.add("refresh-interval;value=duration", "PT1H")
    stamp = datetime.now(UTC)
    for item in items:
        event = Event()
        event.add("uid", f"{item.uid}@{host}")
        event.add("dtstamp", stamp)
        event.add("dtstart", item.day)
        event.add("dtend", item.day + timedelta(days=1))
        event.add("summary", f"Case {item.person_id}: {item.kind.label}")
        event.add("transp", "TRANSPARENT")
        cal.add_component(event)
    return cal.to_ical()

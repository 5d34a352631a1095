"""Who may open which case, and how far: the rules every other access module builds on."""

from __future__ import annotations

import enum
from datetime import date
from functools import wraps
from typing import Any, NamedTuple

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user
from werkzeug.local import LocalProxy

from casework import clock
from casework.extensions import db, login_manager
from casework.models import CaseAssignment, CaseShare, Organization, Person, Role, ShareLevel, User

ORG_WIDE_ROLES = (Role.ADMIN, Role.STAFF)
PRIVILEGED_ROLES = (Role.ADMIN, Role.STAFF, Role.ATTORNEY)


class Level(enum.IntEnum):
    """How far a user reaches into one case."""

    NONE = 0
    VIEW = 1
    EDIT = 2
    MANAGE = 3  # admins and staff of the owning organization: assign, share


def _active_share(today: date):
    return sa.or_(CaseShare.expires_on.is_(None), CaseShare.expires_on >= today)


def _share_grants(user: User, today: date):
    """Shares of a case that reach this user (directly, or through their organization's staff)."""
    return _grants(user.id, user.org_id if user.role in ORG_WIDE_ROLES else None, today)


def _grants(user_id, staff_of_org_id, today):
    """Shares that reach a user directly, or (`staff_of_org_id`: their organization, where they are staff or
    admin) through their organization; values or bound parameters."""
    grantee = CaseShare.user_id == user_id
    if staff_of_org_id is not None:
        grantee = sa.or_(grantee, CaseShare.org_id == staff_of_org_id)
    return sa.and_(grantee, _active_share(today))


def visible_people_filter(user: User):
    """A SQL condition on Person that is true exactly for the cases this user may open."""
    return _visible(user, shared=None)


def _visible(user: User, shared: bool | None):
    """visible_people_filter; `shared`: whether to name the shares that reach the user in the condition (None:
    only when some share does, which costs one EXISTS per request)."""
    if user is None or not user.is_authenticated or not user.active:
        return sa.false()
    if user.role in ORG_WIDE_ROLES:
        own = Person.org_id == user.org_id
    else:
        own = sa.and_(
            Person.org_id == user.org_id,
            Person.id.in_(sa.select(CaseAssignment.person_id).where(CaseAssignment.user_id == user.id)),
        )
    if not (_has_shares(user) if shared is None else shared):
        # The common case, kept to a condition the (org_id, ...) indexes can serve in order.
        return sa.and_(Person.deleted_at.is_(None), own)
    shared_with = Person.id.in_(sa.select(CaseShare.person_id).where(_share_grants(user, clock.today())))
    return sa.and_(Person.deleted_at.is_(None), sa.or_(own, shared_with))


def whole_org_scope(user: User) -> int | None:
    """The organization id when this user sees exactly its live cases (an admin or staff member whom no share
    reaches): queries may then read the (org_id, ...) indexes directly. None otherwise."""
    if not sees_whole_org_by_role(user):
        return None
    return None if _has_shares(user) else user.org_id


def resolved(user: User) -> User:
    """The user object itself when given Flask-Login's `current_user`: every attribute read through that proxy
    looks the signed-in user up again (a few microseconds each), and a kept page reads a dozen of them."""
    if isinstance(user, LocalProxy):
        return user._get_current_object()
    return user


def sees_whole_org_by_role(user: User) -> bool:
    """Whether this user's role shows them every live case of their organization (shares may add others)."""
    return user is not None and user.is_authenticated and user.active and user.role in ORG_WIDE_ROLES


def shares_reach(org_wide: bool, user_id=None, org_id=None) -> sa.Exists:
    """EXISTS of the active shares that reach a user of an organization-wide role or not, bound to :user_id,
    :org_id (or given as expressions: a user's columns) and :today (`shares_reach_params`); a statement that
    reads it beside other values records the answer with `note_shares_reach`."""
    return sa.exists().where(
        _grants(
            sa.bindparam("user_id") if user_id is None else user_id,
            (sa.bindparam("org_id") if org_id is None else org_id) if org_wide else None,
            sa.bindparam("today", type_=sa.Date),
        )
    )


def shares_reach_params(user: User) -> dict:
    """The values `shares_reach` is bound to for this user, today."""
    return {"user_id": user.id, "org_id": user.org_id, "today": clock.today()}


def note_shares_reach(user: User, reached: bool) -> None:
    """Record, for the rest of the request, whether shares reach this user (read by another statement)."""
    g.setdefault("_has_shares", {})[user.id] = bool(reached)


# Whether any active share reaches a user, built once (every signed-in page of staff asks it).
_SHARES_REACH = {org_wide: sa.select(shares_reach(org_wide)) for org_wide in (True, False)}


def _has_shares(user: User) -> bool:
    """Whether any active share reaches this user (checked once per request)."""
    cache = g.setdefault("_has_shares", {})
    if user.id not in cache:
        statement = _SHARES_REACH[user.role in ORG_WIDE_ROLES]
        cache[user.id] = bool(db.session.scalar(statement, shares_reach_params(user)))
    return cache[user.id]


def visible_people(user: User) -> sa.Select:
    """SELECT of the people this user may see (add ordering, filters and paging on top)."""
    return sa.select(Person).where(visible_people_filter(user))


def level_for(user: User, person: Person) -> Level:
    """The user's reach into one case (cached for the request)."""
    if user is None or not user.is_authenticated or not user.active or person.deleted_at is not None:
        return Level.NONE
    cache = g.setdefault("_access_levels", {})
    key = (user.id, person.id)
    if key in cache:
        return cache[key]
    level = Level.NONE
    if person.org_id == user.org_id:
        if user.role in ORG_WIDE_ROLES:
            level = Level.MANAGE
        elif db.session.scalar(
            sa.select(sa.literal(1)).where(
                CaseAssignment.person_id == person.id, CaseAssignment.user_id == user.id
            )
        ):
            level = Level.EDIT
    if level < Level.EDIT:
        levels = db.session.scalars(
            sa.select(CaseShare.level).where(
                CaseShare.person_id == person.id, _share_grants(user, clock.today())
            )
        ).all()
        if ShareLevel.EDIT in levels:
            level = max(level, Level.EDIT)
        elif levels:
            level = max(level, Level.VIEW)
    cache[key] = level
    return level


class SharePolicy(NamedTuple):
    """What the shares reaching a partner include, as the owning organization chose them."""

    includes_privileged: bool = False
    includes_a_number: bool = False
    allows_export: bool = False


def shared_policy(user: User, person: Person) -> SharePolicy | None:
    """For a user who reaches the case only through shares, what those shares include (any of them); None
    for a member of the owning organization, whom the organization's own rules govern."""
    if person.org_id == user.org_id:
        return None
    cache = g.setdefault("_share_policies", {})
    key = (user.id, person.id)
    if key not in cache:
        rows = db.session.execute(
            sa.select(
                CaseShare.includes_privileged, CaseShare.includes_a_number, CaseShare.allows_export
            ).where(CaseShare.person_id == person.id, _share_grants(user, clock.today()))
        ).all()
        cache[key] = SharePolicy(*(any(row[i] for row in rows) for i in range(3)))
    return cache[key]


def owner_allows(user: User, action: str, person: Person) -> bool:
    """Whether the user's role would allow `action` in the case's owning organization, read from that
    organization's settings and, for a partner, from what the share includes; the partner organization's own
    settings never widen a share."""
    policy = shared_policy(user, person)
    owner = user.organization if policy is None else db.session.get_one(Organization, person.org_id)
    allowed = role_allows(user.role, action, owner)
    if policy is None or not allowed:
        return allowed
    return policy_allows(policy, action)


def role_allows(role: Role, action: str, owner: Organization) -> bool:
    """Whether a role may `action` on a case it reaches, by the owning organization's settings ("view": any
    role that reaches the case; "manage": its admins and staff; "audit": the audit trail, admins only)."""
    return {
        "view": True,
        "export": role != Role.VOLUNTEER,
        "print": role != Role.VOLUNTEER or owner.volunteers_build_packets,
        "see_a_number": role != Role.VOLUNTEER or owner.volunteers_see_a_number,
        "view_privileged": role in PRIVILEGED_ROLES,
        "manage": role in ORG_WIDE_ROLES,
        "audit": role == Role.ADMIN,
    }[action]


def policy_allows(policy: SharePolicy | CaseShare, action: str) -> bool:
    """Whether what a share includes (or the shares reaching a partner include) opens `action`: the case
    record always; the rest as the owner chose; managing the case and its audit trail, never."""
    return {
        "view": True,
        "export": policy.allows_export,
        "print": policy.allows_export,
        "see_a_number": policy.includes_a_number,
        "view_privileged": policy.includes_privileged,
        "manage": False,
        "audit": False,
    }[action]


def a_number_visible(user: User):
    """SQL condition on Person: the cases whose A-number this user may see (their own organization's by its
    settings; a partner's only where a share includes it and the owner's settings allow the role)."""
    if user is None or not user.is_authenticated or not user.active:
        return sa.false()
    own = Person.org_id == user.org_id if can(user, "see_a_number") else sa.false()
    if not _has_shares(user):
        return own
    shared: sa.ColumnElement[bool] = Person.id.in_(
        sa.select(CaseShare.person_id).where(_share_grants(user, clock.today()), CaseShare.includes_a_number)
    )
    if user.role == Role.VOLUNTEER:
        owners_allowing = sa.select(Organization.id).where(Organization.volunteers_see_a_number)
        shared = sa.and_(shared, Person.org_id.in_(owners_allowing))
    return sa.or_(own, shared)


def a_number_shown(user: User) -> sa.ColumnElement[str | None]:
    """A column of a person's A-number where this user may see it, else NULL (a hidden one is never read)."""
    return sa.case((a_number_visible(user), Person.a_number), else_=sa.null()).label("a_number")


def can(user: User, action: str, obj: Person | None = None) -> bool:
    """Whether `user` may perform `action` on a case (or, for obj=None, in general)."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    role = user.role
    if obj is None:
        return {
            "create_person": role in ORG_WIDE_ROLES,
            "export": role != Role.VOLUNTEER,
            "admin": role == Role.ADMIN,
            "see_a_number": role != Role.VOLUNTEER or user.organization.volunteers_see_a_number,
            "view_privileged": role in PRIVILEGED_ROLES,
            # counts across cases (each figure still counts only the cases the user may see)
            "view_reports": role in ORG_WIDE_ROLES,
            # the organization's advocacy log: admins and staff write it
            "write_advocacy": role in ORG_WIDE_ROLES,
        }[action]
    level = level_for(user, obj)
    match action:
        case "view":
            return level >= Level.VIEW
        case "edit":
            return level >= Level.EDIT
        case "manage":
            return level >= Level.MANAGE
        case "delete":
            return level >= Level.MANAGE and role == Role.ADMIN
        case "export" | "view_privileged" | "see_a_number":
            return level >= Level.VIEW and owner_allows(user, action, obj)
    raise ValueError(f"unknown action {action!r}")


def get_person_or_404(person_id: int, need: str = "view") -> Person:
    """Load a case the current user may see (404 otherwise) and may `need` (403 otherwise).

    One statement: the case (under the visibility condition that names shares, which costs nothing when one
    case is read by id) and whether any share reaches the user, which later conditions of the request use."""
    user = current_user
    if user is None or not user.is_authenticated or not user.active:
        abort(404)
    reached = sa.exists().where(_share_grants(user, clock.today()))
    row = db.session.execute(
        sa.select(Person, reached).where(Person.id == person_id, _visible(user, shared=True))
    ).first()
    if row is None:
        abort(404)
    person, has_shares = row
    g.setdefault("_has_shares", {})[user.id] = bool(has_shares)
    if need != "view" and not can(current_user, need, person):
        abort(403)
    return person


def get_owned_case_or_404(person_id: int) -> Person:
    """Load a case for a page about the owning organization's own holding (what it holds about the person):
    404 unless the case is visible and the user belongs to the owning organization; 403 unless they manage
    it (its admins and staff)."""
    person = get_person_or_404(person_id)
    if person.org_id != current_user.org_id:
        abort(404)
    if not can(current_user, "manage", person):
        abort(403)
    return person


def get_org_user_or_404(user_id: int) -> User:
    """Load a user of the current admin's organization (404 for anyone else's)."""
    user = db.session.get(User, user_id)
    if user is None or user.org_id != current_user.org_id:
        abort(404)
    return user


def org_users(user: User) -> sa.Select:
    """SELECT of the users of this user's organization."""
    return sa.select(User).where(User.org_id == user.org_id)


def require(action: str) -> None:
    """Abort with 403 unless the current user may perform a general `action`."""
    if not can(current_user, action):
        abort(403)


def role_required(*roles: Role):
    """View decorator: signed in, and one of `roles` (403 otherwise)."""

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not current_user.is_authenticated:
                return login_manager.unauthorized()
            if current_user.role not in roles:
                abort(403)
            return view(*args, **kwargs)

        return wrapped

    return decorator


def deleted_people(user: User) -> sa.Select:
    """SELECT of the deleted cases an admin of the owning organization may restore."""
    if not can(user, "admin"):
        return sa.select(Person).where(sa.false())
    return sa.select(Person).where(Person.org_id == user.org_id, Person.deleted_at.is_not(None))


def get_deleted_person_or_404(person_id: int) -> Person:
    """Load a deleted case the current admin may restore (404 otherwise)."""
    person = db.session.scalar(deleted_people(current_user).where(Person.id == person_id))
    if person is None:
        abort(404)
    return person


class CaseItem(NamedTuple):
    """An item of a case loaded with its case. It unpacks as (person, item) and carries the item's version,
    so that `editing.edit_view` can load it, check it and move the form on after a conflict."""

    person: Person
    item: Any

    @property
    def version(self) -> int:
        """The item's row version (optimistic locking)."""
        return self.item.version


def get_case_item_or_404(model, item_id: int, person_id: int, need: str = "view") -> CaseItem:
    """Load (case, item) for an object that belongs to a case: 404 unless the case is visible to the
    current user and the item belongs to it; 403 if the user may see the case but not `need` it."""
    person = get_person_or_404(person_id, need=need)
    item = db.session.get(model, item_id)
    if item is None or getattr(item, "person_id", None) != person.id:
        abort(404)
    return CaseItem(person, item)

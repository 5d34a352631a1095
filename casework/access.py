"""The one place that decides who may see or change what.

Every view loads objects and builds list queries through this module; templates only hide buttons.

Rules (see DESIGN.md §3):
- admins and staff see every case of their organization; volunteers and attorneys only those assigned;
- a case shared with a user (or with an organization, for its admins and staff) is visible to them,
  at view or edit level, until the share's end date;
- deactivated users see nothing; deleted cases are visible to no one (admins restore them);
- privileged material: admins, staff and attorneys; exports: everyone but volunteers;
- A-numbers: hidden from volunteers unless their organization allows it.
"""

from __future__ import annotations

import enum
from datetime import date
from functools import wraps

import sqlalchemy as sa
from flask import abort, g
from flask_login import current_user

from casework.extensions import db
from casework.models import CaseAssignment, CaseShare, Person, Role, ShareLevel, User

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
    grantee = CaseShare.user_id == user.id
    if user.role in ORG_WIDE_ROLES:
        grantee = sa.or_(grantee, CaseShare.org_id == user.org_id)
    return sa.and_(grantee, _active_share(today))


def visible_people_filter(user: User):
    """A SQL condition on Person that is true exactly for the cases this user may open."""
    if user is None or not user.is_authenticated or not user.active:
        return sa.false()
    if user.role in ORG_WIDE_ROLES:
        own = Person.org_id == user.org_id
    else:
        own = sa.and_(
            Person.org_id == user.org_id,
            Person.id.in_(sa.select(CaseAssignment.person_id).where(CaseAssignment.user_id == user.id)),
        )
    if not _has_shares(user):
        # The common case, kept to a condition the (org_id, ...) indexes can serve in order.
        return sa.and_(Person.deleted_at.is_(None), own)
    shared = Person.id.in_(sa.select(CaseShare.person_id).where(_share_grants(user, date.today())))
    return sa.and_(Person.deleted_at.is_(None), sa.or_(own, shared))


def whole_org_scope(user: User) -> int | None:
    """The organization id when this user sees exactly its live cases (an admin or staff member whom no share
    reaches): queries may then read the (org_id, ...) indexes directly. None otherwise."""
    if user is None or not user.is_authenticated or not user.active or user.role not in ORG_WIDE_ROLES:
        return None
    return None if _has_shares(user) else user.org_id


def _has_shares(user: User) -> bool:
    """Whether any active share reaches this user (checked once per request)."""
    cache = g.setdefault("_has_shares", {})
    if user.id not in cache:
        cache[user.id] = bool(
            db.session.scalar(sa.select(sa.exists().where(_share_grants(user, date.today()))))
        )
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
                CaseShare.person_id == person.id, _share_grants(user, date.today())
            )
        ).all()
        if ShareLevel.EDIT in levels:
            level = max(level, Level.EDIT)
        elif levels:
            level = max(level, Level.VIEW)
    cache[key] = level
    return level


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
        case "export":
            return level >= Level.VIEW and role != Role.VOLUNTEER
        case "view_privileged":
            return level >= Level.VIEW and role in PRIVILEGED_ROLES
        case "see_a_number":
            return level >= Level.VIEW and can(user, "see_a_number")
    raise ValueError(f"unknown action {action!r}")


def get_person_or_404(person_id: int, need: str = "view") -> Person:
    """Load a case the current user may see (404 otherwise) and may `need` (403 otherwise)."""
    person = db.session.scalar(visible_people(current_user).where(Person.id == person_id))
    if person is None:
        abort(404)
    if need != "view" and not can(current_user, need, person):
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
                from casework.extensions import login_manager

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


def get_case_item_or_404(model, item_id: int, person_id: int, need: str = "view"):
    """Load (case, item) for an object that belongs to a case: 404 unless the case is visible to the
    current user and the item belongs to it; 403 if the user may see the case but not `need` it."""
    person = get_person_or_404(person_id, need=need)
    item = db.session.get(model, item_id)
    if item is None or getattr(item, "person_id", None) != person.id:
        abort(404)
    return person, item


def notes_filter(user: User):
    """SQL condition on Note: privileged notes only for admins, staff and attorneys."""
    from casework.models import Note

    return sa.true() if can(user, "view_privileged") else Note.privileged.is_(False)


def get_note_or_404(note_id: int, person_id: int, need: str = "view"):
    """Load (case, note); a privileged note does not exist for a user who may not read it."""
    from casework.models import Note

    person, note = get_case_item_or_404(Note, note_id, person_id, need=need)
    if note.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return person, note


# ---------------------------------------------------------------- the contacts directory
# A directory belongs to one organization: its admins and staff manage it, its volunteers and attorneys
# read it, and for every other organization its contacts do not exist (404).

DIRECTORY_MANAGERS = ORG_WIDE_ROLES


def _signed_in_and_active(user: User | None) -> bool:
    return user is not None and user.is_authenticated and user.active


def visible_contacts(user: User) -> sa.Select:
    """SELECT of the contacts in this user's organization's directory (add ordering and filters on top)."""
    from casework.models import Contact

    if not _signed_in_and_active(user):
        return sa.select(Contact).where(sa.false())
    return sa.select(Contact).where(Contact.org_id == user.org_id)


def can_manage_contacts(user: User) -> bool:
    """Whether the user may add, change and delete entries of their organization's directory."""
    return _signed_in_and_active(user) and user.role in DIRECTORY_MANAGERS


def get_contact_or_404(contact_id: int, need: str = "view"):
    """Load a contact of the current user's directory (404 otherwise); need="manage" answers 403 to readers."""
    from casework.models import Contact

    if need not in ("view", "manage"):
        raise ValueError(f"unknown need {need!r}")
    contact = db.session.scalar(visible_contacts(current_user).where(Contact.id == contact_id))
    if contact is None:
        abort(404)
    if need == "manage" and not can_manage_contacts(current_user):
        abort(403)
    return contact


def linkable_contacts(person: Person) -> sa.Select:
    """SELECT of the contacts that may be linked to a case: the directory of the case's owner organization.

    The caller must already have checked that the user may edit the case (a partner with an edit share
    links the owner's contacts, never its own organization's)."""
    from casework.models import Contact

    return sa.select(Contact).where(Contact.org_id == person.org_id)


def relief_templates_offered(user: User) -> sa.Select:
    """SELECT of the relief templates offered to this user's organization: the built-in ones and its own."""
    from casework.models import ReliefTemplate

    return sa.select(ReliefTemplate).where(
        sa.or_(ReliefTemplate.org_id.is_(None), ReliefTemplate.org_id == user.org_id)
    )


def get_relief_template_or_404(template_id: int, need: str = "view"):
    """Load a relief template offered to the current user's organization (404 for another organization's);
    need="edit" is for the organization's own templates only (403 for the read-only built-in ones)."""
    from casework.models import ReliefTemplate

    offered = relief_templates_offered(current_user)
    template = db.session.scalar(offered.where(ReliefTemplate.id == template_id))
    if template is None:
        abort(404)
    if need != "view" and template.org_id != current_user.org_id:
        abort(403)
    return template


def get_relief_template_step_or_404(step_id: int, template_id: int, need: str = "edit"):
    """Load (template, step) for a step of a template the current user's organization may `need`."""
    from casework.models import ReliefTemplateStep

    template = get_relief_template_or_404(template_id, need=need)
    step = db.session.get(ReliefTemplateStep, step_id)
    if step is None or step.template_id != template.id:
        abort(404)
    return template, step


def get_relief_step_or_404(step_id: int, application_id: int, person_id: int, need: str = "view"):
    """Load (case, application, step): 404 unless the step belongs to that application of a visible case."""
    from casework.models import ReliefApplication, ReliefStep

    person, application = get_case_item_or_404(ReliefApplication, application_id, person_id, need=need)
    step = db.session.get(ReliefStep, step_id)
    if step is None or step.application_id != application.id:
        abort(404)
    return person, application, step


def documents_filter(user: User):
    """SQL condition on Document: privileged documents only for admins, staff and attorneys."""
    from casework.models import Document

    return sa.true() if can(user, "view_privileged") else Document.privileged.is_(False)


def get_document_or_404(document_id: int, person_id: int, need: str = "view"):
    """Load (case, document); a privileged document does not exist for a user who may not read it."""
    from casework.models import Document

    person, document = get_case_item_or_404(Document, document_id, person_id, need=need)
    if document.privileged and not can(current_user, "view_privileged", person):
        abort(404)
    return person, document


def can_print(user: User, person: Person | None = None) -> bool:
    """PDF summaries and packets: everyone but volunteers, unless their organization allows volunteers."""
    if user is None or not user.is_authenticated or not user.active:
        return False
    if person is not None and level_for(user, person) < Level.VIEW:
        return False
    return user.role != Role.VOLUNTEER or user.organization.volunteers_build_packets


# ---------------------------------------------------------------- petitions
# A petition belongs to a case: seeing the case shows its petitions. Hosted petitions carry a public page and
# signers' data, so changing them needs "manage" (admins and staff of the owning organization); petitions
# tracked on outside platforms need "edit", like the rest of the case. need="steward" picks between the two.


def get_petition_or_404(petition_id: int, person_id: int, need: str = "view"):
    """Load (case, petition): 404 unless the petition belongs to that visible case; 403 without `need`."""
    from casework.models import Petition, PetitionKind

    person, petition = get_case_item_or_404(Petition, petition_id, person_id)
    if need == "steward":
        need = "manage" if petition.kind == PetitionKind.HOSTED else "edit"
    if need != "view" and not can(current_user, need, person):
        abort(403)
    return person, petition


def get_petition_child_or_404(model, child_id: int, petition_id: int, person_id: int, need: str = "view"):
    """Load (case, petition, child) for a count or delivery of a petition of a visible case."""
    person, petition = get_petition_or_404(petition_id, person_id, need=need)
    child = db.session.get(model, child_id)
    if child is None or child.petition_id != petition.id:
        abort(404)
    return person, petition, child


def get_consent_or_404(consent_id: int, person_id: int, need: str = "manage"):
    """Load (case, public consent) of a visible case; recording and withdrawing consent need "manage"."""
    from casework.models import PublicConsent

    return get_case_item_or_404(PublicConsent, consent_id, person_id, need=need)


def visible_outbox(user: User) -> sa.Select:
    """SELECT of the outgoing e-mail an admin may read: their organization's only."""
    from casework.models import OutboxEmail

    if not can(user, "admin"):
        return sa.select(OutboxEmail).where(sa.false())
    return sa.select(OutboxEmail).where(OutboxEmail.org_id == user.org_id)

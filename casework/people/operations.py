"""Changes to a person record, its team and its shares. Operations flush; the view commits once."""

from __future__ import annotations

from datetime import date

import sqlalchemy as sa

from casework import audit
from casework.editing import versioned_update
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import (
    CaseAssignment,
    CaseShare,
    CaseStatus,
    Organization,
    Person,
    Role,
    ShareLevel,
    User,
)
from casework.models.base import apply_changes, utcnow
from casework.record import queries as record_queries
from casework.record import removal as removal_ops

# A case is closed when its status is one of these (it then has an outcome); any other status is open.
CLOSED_STATUSES = (CaseStatus.RELIEF_GRANTED, CaseStatus.REMOVED, CaseStatus.CLOSED)
OUTCOME_CLEARED = {"outcome": None, "outcome_on": None, "outcome_notes": None}


def create_person(actor: User, data: dict, final_order_date: date | None = None) -> Person:
    """A new person owned by the actor's organization; a final-order status opens their removal case at the
    final-order stage with `final_order_date` (the final order lives there)."""
    status = data.get("immigration_status")
    removal_ops.check_status(None, status, final_order_date)
    person = Person(org_id=actor.org_id, created_by_id=actor.id, **data)
    db.session.add(person)
    db.session.flush()
    audit.record(
        actor, "person.created", person, fields=[k for k, v in data.items() if v not in (None, "", False)]
    )
    if status is not None and status.says_final_order:
        removal_ops.declare_final_order(actor, person, None, final_order_date)
    return person


def update_person(
    actor: User,
    person: Person,
    data: dict,
    expected_version: int | None,
    final_order_date: date | None = None,
) -> list[str]:
    """Apply an edit made from `expected_version`; refuse it if the record has moved on since. The status
    agrees with the removal case: a final-order status opens or updates it (with `final_order_date`), and
    another status is refused while the removal case records a final order."""
    if data.get("case_status") is not None and data["case_status"] not in CLOSED_STATUSES:
        data = {**data, **OUTCOME_CLEARED}  # an open case has no outcome: the edit reopens it
    changed = versioned_update(actor, person, data, expected_version, action="person.updated")
    if "immigration_status" not in data:
        return changed
    status = data["immigration_status"]
    removal = record_queries.removal_case_of(person)
    removal_ops.check_status(removal, status, final_order_date)
    says_final = status is not None and status.says_final_order
    if says_final and removal_ops.declare_final_order(actor, person, removal, final_order_date):
        changed = [*changed, "final_order_date"]
    return changed


def close_case(actor: User, person: Person, data: dict, expected_version: int | None) -> list[str]:
    """Close the case (or change how it ended): a closed status, the outcome, its day and notes."""
    if data.get("case_status") not in CLOSED_STATUSES or data.get("outcome") is None:
        raise OperationError(gettext("A closed case has a closed status and an outcome: choose both."))
    if data.get("outcome_on") is None:
        raise OperationError(gettext("Type the day the case ended, as YYYY-MM-DD."))
    return versioned_update(actor, person, data, expected_version, action="person.closed")


def reopen_case(actor: User, person: Person, status: CaseStatus, expected_version: int | None) -> list[str]:
    """Reopen a closed case with an open status; its outcome, date and notes are cleared."""
    if status in CLOSED_STATUSES:
        raise OperationError(gettext("A reopened case is open: choose intake, active or monitoring."))
    data = {"case_status": status, **OUTCOME_CLEARED}
    return versioned_update(actor, person, data, expected_version, action="person.reopened")


def record_view(actor: User, person: Person) -> None:
    """Reading a case is audited too."""
    audit.record(actor, "person.viewed", person)


def delete_person(actor: User, person: Person) -> None:
    """Move a case to the organization's deleted cases (an admin can restore it)."""
    person.deleted_at = utcnow()
    audit.record(actor, "person.deleted", person)
    db.session.flush()


def restore_person(actor: User, person: Person) -> None:
    """Bring a deleted case back."""
    person.deleted_at = None
    audit.record(actor, "person.restored", person)
    db.session.flush()


def set_legal_hold(actor: User, person: Person, hold: bool) -> None:
    """Place or release the legal hold that keeps the case from every retention purge."""
    person.legal_hold = hold
    audit.record(actor, "person.legal_hold_placed" if hold else "person.legal_hold_released", person)
    db.session.flush()


ALREADY_ON_TEAM = "That user is already on the team."


def assign(actor: User, person: Person, user: User) -> CaseAssignment:
    """Put a user of the owning organization on the case's team."""
    if user.org_id != person.org_id or not user.active:
        raise OperationError(gettext("Only active users of the case's organization can join its team."))
    exists = db.session.scalar(
        sa.select(CaseAssignment).where(
            CaseAssignment.person_id == person.id, CaseAssignment.user_id == user.id
        )
    )
    if exists:
        raise OperationError(ALREADY_ON_TEAM)
    assignment = CaseAssignment(person_id=person.id, user_id=user.id)
    db.session.add(assignment)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # added by someone else a moment ago: the caller rolls the request back
        raise OperationError(ALREADY_ON_TEAM) from None
    audit.record(actor, "person.assigned", assignment, person=person)
    return assignment


def unassign(actor: User, person: Person, assignment: CaseAssignment) -> None:
    """Take a user off the case's team."""
    audit.record(actor, "person.unassigned", assignment, person=person)
    db.session.delete(assignment)
    db.session.flush()


def find_grantee(person: Person, text: str) -> User | Organization:
    """The user (by e-mail) or organization (by name) a case should be shared with."""
    text = text.strip()
    grantee: User | Organization | None
    if "@" in text:
        grantee = db.session.scalar(sa.select(User).where(User.email == text.lower(), User.active.is_(True)))
        if grantee is None:
            raise OperationError(
                gettext("No active user signs in with that e-mail address; check the spelling.")
            )
    else:
        grantee = db.session.scalar(
            sa.select(Organization).where(sa.func.lower(Organization.name) == text.lower())
        )
        if grantee is None:
            raise OperationError(gettext("No organization has exactly that name; check the spelling."))
    owner_org = grantee.org_id if isinstance(grantee, User) else grantee.id
    if owner_org == person.org_id:
        raise OperationError(
            gettext("That is the case's own organization: add the person to the team instead.")
        )
    return grantee


def share(
    actor: User,
    person: Person,
    grantee: User | Organization,
    level: ShareLevel,
    expires_on: date | None,
    policy: dict[str, bool] | None = None,
) -> CaseShare:
    """Open a case to a partner (or change an existing share's level, end date and what it includes); what
    it includes beyond the case record is off unless `policy` says so."""
    policy = {
        "includes_privileged": False,
        "includes_a_number": False,
        "allows_export": False,
        **(policy or {}),
    }
    key = {"user_id": grantee.id} if isinstance(grantee, User) else {"org_id": grantee.id}
    existing = db.session.scalar(sa.select(CaseShare).filter_by(person_id=person.id, **key))
    if existing is not None:
        changed = apply_changes(existing, {"level": ShareLevel(level), "expires_on": expires_on, **policy})
        audit.record(actor, "person.share_changed", existing, person=person, fields=changed)
        db.session.flush()
        return existing
    new = CaseShare(
        person_id=person.id,
        level=ShareLevel(level),
        expires_on=expires_on,
        created_by_id=actor.id,
        **policy,
        **key,
    )
    db.session.add(new)
    db.session.flush()
    audit.record(
        actor,
        "person.shared",
        new,
        person=person,
        detail=f"{'user' if 'user_id' in key else 'organization'} {grantee.id}, {level}",
    )
    return new


def unshare(actor: User, person: Person, share_: CaseShare) -> None:
    """Withdraw a share at once."""
    audit.record(actor, "person.unshared", share_, person=person)
    db.session.delete(share_)
    db.session.flush()


def assignable_users(person: Person) -> list[User]:
    """Active users of the owning organization not yet on the team, by name."""
    on_team = sa.select(CaseAssignment.user_id).where(CaseAssignment.person_id == person.id)
    return list(
        db.session.scalars(
            sa.select(User)
            .where(
                User.org_id == person.org_id,
                User.active.is_(True),
                User.id.not_in(on_team),
                User.role.in_([Role.VOLUNTEER, Role.ATTORNEY, Role.STAFF, Role.ADMIN]),
            )
            .order_by(User.name, User.email)
        )
    )

"""The removal case, and the one fact it shares with the person record: a final order of removal.

"Final order of removal" lives on the removal case; the person's immigration status follows it and never
says otherwise (casework.models.people.status_following):
- saving the removal case at the final-order stage makes the status "Final order of removal" (unless it
  already says "released on an order of supervision"); moving the case off that stage moves a status that
  said final order to "In removal proceedings", or to not known (no proceedings, terminated);
- choosing a final-order status on the person record needs the order's date, and opens the removal case at
  the final-order stage with it, or moves the existing case there (`declare_final_order`);
- while the removal case records a final order, the person record cannot choose another status: the
  removal case is where that changes (`check_status`).
Operations flush and audit; the request commits once.
"""

from __future__ import annotations

from datetime import date
from typing import NamedTuple

import sqlalchemy as sa

from casework import audit
from casework.editing import flush_versioned, versioned_update
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import ImmigrationStatus, Person, RemovalCase, RemovalStage, User
from casework.models.base import apply_changes
from casework.models.people import status_following

FINAL_ORDER_CHOICES = "“Final order of removal” or “Final order, released on an order of supervision”"


def _filled(data: dict) -> list[str]:
    return [name for name, value in data.items() if value not in (None, "", [], False)]


class RemovalSaved(NamedTuple):
    """A saved removal case, the fields that changed, and what happened to the person's status (in words)."""

    removal: RemovalCase
    changed: list[str]
    status_note: str | None


def save_removal_case(
    actor: User, person: Person, removal: RemovalCase | None, data: dict, expected_version: int | None
) -> RemovalSaved:
    """Create the case's removal proceedings, or edit them from `expected_version`; the person's status
    follows the stage."""
    if removal is None:
        removal = _create_removal_case(actor, person, data, expected_version)
        changed = _filled(data)
    else:
        changed = versioned_update(
            actor, removal, data, expected_version, action="removal_case.updated", person=person
        )
    return RemovalSaved(removal, changed, follow_removal(actor, person, removal))


def _create_removal_case(
    actor: User, person: Person, data: dict, expected_version: int | None
) -> RemovalCase:
    if expected_version not in (None, 0):
        # the form was for a removal case that no longer exists: saving it would be a guess
        raise OperationError(
            gettext(
                "The removal case you were editing no longer exists: open the page again to record it anew."
            )
        )
    removal = RemovalCase(person_id=person.id, **data)
    db.session.add(removal)
    try:
        db.session.flush()
    except sa.exc.IntegrityError:  # another user recorded the person's removal case a moment ago
        raise EditConflict(list(data)) from None
    audit.record(actor, "removal_case.created", removal, person=person, fields=_filled(data))
    return removal


def follow_removal(actor: User, person: Person, removal: RemovalCase) -> str | None:
    """Make the person's status agree with the removal case; say what changed, in words (None: nothing)."""
    before = person.immigration_status
    after = status_following(removal.stage, before)
    changed = apply_changes(person, {"immigration_status": after})
    if not changed:
        return None
    flush_versioned(changed)  # the person's row is versioned: a save that crossed ours is a conflict
    audit.record(actor, "person.updated", person, fields=changed, detail="follows the removal case")
    if after is None:
        return (
            f"The person's status said “{before.label if before else ''}”, which no longer holds with the "
            f"removal case at “{removal.stage.label}”: choose their status now on the person record."
        )
    return f"The person's status now reads “{after.label}”, as the removal case says."


def check_status(
    removal: RemovalCase | None, status: ImmigrationStatus | None, order_date: date | None
) -> None:
    """Refuse a status for the person record that would disagree with the removal case."""
    final_on_record = removal is not None and removal.stage == RemovalStage.FINAL_ORDER
    says_final = status is not None and status.says_final_order
    if removal is not None and final_on_record and not says_final:
        of = f" of {removal.order_date.isoformat()}" if removal.order_date else ""
        raise OperationError(
            f"The removal case records a final order of removal{of}, so the status stays {FINAL_ORDER_CHOICES}. "
            "If the order was vacated, reopened or appealed, change the removal case's stage: the status follows."
        )
    if not says_final:
        return
    if order_date is None and not final_on_record:
        raise OperationError(
            gettext(
                "A final order of removal needs its date: type it under “Final order entered on” "
                "(the removal case is opened or updated with it)."
            )
        )
    if order_date is not None and removal is not None and removal.nta_date and order_date < removal.nta_date:
        raise OperationError(
            f"The order date cannot be before the Notice to Appear date on the removal case "
            f"({removal.nta_date.isoformat()}); check both dates."
        )


def declare_final_order(
    actor: User, person: Person, removal: RemovalCase | None, order_date: date | None
) -> bool:
    """The person record says final order of `order_date`: open the removal case at the final-order stage
    with that date, or move the existing one there. Whether the removal case changed."""
    data: dict = {"stage": RemovalStage.FINAL_ORDER}
    if order_date is not None:
        data["order_date"] = order_date
    if removal is None:
        _create_removal_case(actor, person, data, None)
        return True
    return bool(
        versioned_update(actor, removal, data, removal.version, action="removal_case.updated", person=person)
    )

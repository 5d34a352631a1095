"""Changing a versioned record without losing anyone's work: one operation helper and the view flows.

Operation side: `versioned_update` applies the typed values to an object edited from a known version and
raises EditConflict when the row moved on (checked before and, through the mapper's version counter, at
the flush). View side: `edit_view` runs "form → operation → redirect", and on a conflict shows the form
again with what the user typed and, under each field, what someone else saved; `submit` and
`confirm_view` are the same flow for forms that create or destroy.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any, Protocol, TypeVar

from flask import abort, flash, redirect, render_template, request
from flask.typing import ResponseReturnValue
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm.exc import StaleDataError

from casework import audit, unit_of_work
from casework.errors import EditConflict, OperationError
from casework.extensions import db
from casework.forms import BaseForm, ConfirmForm
from casework.models import Person, User
from casework.models.base import apply_changes, differing_fields

T = TypeVar("T")

CONFLICT_MESSAGE = (
    "Someone else saved this {what} while you were editing. Your changes were NOT saved: "
    "compare them with the saved values shown under each field, then save again."
)
INVALID_MESSAGE = "The {what} was not saved: correct the fields marked below."


class Versioned(Protocol):
    """A model with an optimistic-locking version column."""

    version: int


# ---------------------------------------------------------------- operation side


def check_version(obj: Versioned, expected_version: int | None, data: dict | None = None) -> None:
    """Refuse an edit made from an older version than the stored one."""
    if obj.version != expected_version:
        raise EditConflict(differing_fields(obj, data) if data else [])


def flush_versioned(fields: Iterable[str] = ()) -> None:
    """Flush now, turning a concurrent save caught by the version counter into an EditConflict."""
    try:
        db.session.flush()
    except StaleDataError:
        raise EditConflict(list(fields)) from None


def versioned_update(
    actor: User | None,
    obj: Any,
    data: dict,
    expected_version: int | None,
    *,
    action: str,
    person: Person | None = None,
) -> list[str]:
    """Apply `data` to `obj`, edited from `expected_version`; audit the names of the fields that changed.

    Raises EditConflict when someone saved the object in the meantime. Returns the changed field names
    (empty when nothing changed, in which case nothing is written)."""
    check_version(obj, expected_version, data)
    changed = apply_changes(obj, data)
    if changed:
        flush_versioned(data)
        audit.record(actor, action, obj, person=person, fields=changed)
    return changed


# ---------------------------------------------------------------- view side


def conflict_values(obj: object, data: dict, fields: Iterable[str]) -> dict[str, object]:
    """What is saved now, for each field of the conflict where it differs from what the user typed.

    Typed values that are no attribute of the object (a choice such as "follow the rule again") have no
    saved counterpart and are left out."""
    names = [f for f in fields if f in data] or [n for n in data if hasattr(obj, n)]
    return {name: getattr(obj, name) for name in differing_fields(obj, {n: data[n] for n in names})}


def edit_view(
    *,
    load: Callable[[], T],
    make_form: Callable[[T], BaseForm],
    save: Callable[[T, BaseForm], list[str] | bool | None],
    render: Callable[[T, BaseForm, dict | None], ResponseReturnValue],
    saved_url: Callable[[T], str],
    what: str = "record",
    conflict_message: str | None = None,
    invalid_message: str | None = None,
    data: Callable[[BaseForm], dict] | None = None,
    describe_conflict: Callable[[T, BaseForm, list[str]], dict] | None = None,
    on_refused: Callable[[BaseForm, OperationError], None] | None = None,
) -> ResponseReturnValue:
    """The edit flow every versioned record shares.

    GET shows the form for the object; a valid POST calls `save` (an operation) and redirects with
    "Saved." or "Nothing was changed."; a POST from an outdated version rolls back, reloads the object and
    shows the form again keeping what was typed, with `conflict` = {field: saved value} (readable values
    from `describe_conflict` when given), and the form's version moved on so that saving again, after
    review, is the user's informed choice (`conflict_message` words it for pages that name who or what
    changed; `invalid_message` words the invalid form, "" for none). A refused operation shows its message on
    the form. A constraint violation at the save (a concurrent change the version did not catch) is
    treated as a conflict: nothing is kept and the form comes back.

    `data(form)` gives the typed values by attribute name (default: the form's `record_data()`); the
    default conflict compares them with the reloaded object's attributes.
    """
    obj = load()
    form = make_form(obj)
    conflict: dict | None = None
    if form.validate_on_submit():
        try:
            changed = save(obj, form)
        except (EditConflict, IntegrityError) as exc:
            unit_of_work.rollback()
            obj = load()
            if describe_conflict is not None:
                conflict = describe_conflict(obj, form, _fields_of(exc))
            else:
                conflict = conflict_values(obj, (data or record_data)(form), _fields_of(exc))
            form["version"].data = obj.version  # type: ignore[attr-defined]
            flash(conflict_message or CONFLICT_MESSAGE.format(what=what), "error")
        except OperationError as exc:
            unit_of_work.rollback()
            obj = load()
            _show_refusal(form, exc, on_refused)
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return redirect(saved_url(obj))
    elif request.method == "POST":
        message = INVALID_MESSAGE.format(what=what) if invalid_message is None else invalid_message
        if message:
            flash(message, "error")
    return render(obj, form, conflict)


def _fields_of(exc: Exception) -> list[str]:
    return exc.fields if isinstance(exc, EditConflict) else []


def record_data(form: BaseForm) -> dict:
    """The values a form submits for its record (its `record_data()`, or every field but the plumbing)."""
    if hasattr(form, "record_data"):
        return form.record_data()
    return {name: field.data for name, field in form._fields.items() if name not in ("csrf_token", "version")}


def submit(
    form: BaseForm,
    act: Callable[[], T],
    *,
    on_refused: Callable[[BaseForm, OperationError], None] | None = None,
) -> T | None:
    """Run an operation for a validated form: its result, or None after a refusal (rolled back, the message
    shown on the form by `on_refused`, else flashed)."""
    try:
        return act()
    except OperationError as exc:
        unit_of_work.rollback()
        _show_refusal(form, exc, on_refused)
        return None


def attempt(act: Callable[[], object], *, refused_prefix: str = "", category: str = "error") -> bool:
    """Run an operation whose refusal is flashed (a button with no form page): True when it was done.
    `category` is the refusal's flash category ("info" for a harmless one, such as "already done")."""
    try:
        act()
    except OperationError as exc:
        unit_of_work.rollback()
        flash(f"{refused_prefix}{exc}", category)
        return False
    return True


def require_confirmation() -> None:
    """Abort with 400 unless the POST carries the token of its confirmation form (a button's own form)."""
    if not ConfirmForm().validate_on_submit():
        abort(400)


def confirm_view(
    *,
    template: str,
    context: dict,
    act: Callable[[], object],
    done_url: str,
    message: str,
    refused_prefix: str = "",
) -> ResponseReturnValue:
    """A destructive action: GET shows the confirmation page, a POST with its token carries it out."""
    form = ConfirmForm()
    if form.validate_on_submit():
        if attempt(act, refused_prefix=refused_prefix):
            flash(message, "success")
        return redirect(done_url)
    return render_template(template, form=form, **context)


def _show_refusal(form: BaseForm, exc: OperationError, on_refused) -> None:
    if on_refused is not None:
        on_refused(form, exc)
    else:
        flash(str(exc), "error")

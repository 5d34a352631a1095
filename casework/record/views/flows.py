"""What the record's pages share: the way back to the case page, and the edit and change flows in the words
the record's pages have always used."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from flask import flash, render_template, url_for
from flask.typing import ResponseReturnValue

from casework import editing, unit_of_work
from casework.access import CaseItem
from casework.errors import EditConflict, OperationError
from casework.forms import BaseForm
from casework.i18n import gettext

T = TypeVar("T")

NOT_SAVED = "Nothing was saved: correct the fields marked below."
CONFLICT = (
    "Someone else saved this while you were editing. Your changes were NOT saved: compare "
    "them with the saved values shown under each field, then save again."
)


def case_url(person_id: int, anchor: str) -> str:
    """The case page, at one section of the record."""
    return url_for("people.show", person_id=person_id) + "#" + anchor


def edit_item(
    *,
    load: Callable[[], CaseItem],
    make_form: Callable[[CaseItem], BaseForm],
    save: Callable[[CaseItem, BaseForm], list[str]],
    template: str,
    name: str,
    anchor: str,
    describe_conflict: Callable[[CaseItem, BaseForm, list[str]], dict] | None = None,
) -> ResponseReturnValue:
    """`editing.edit_view` for an item of the record: its form page `template` shows the item as `name`, a
    save returns to the case page at `anchor`, a refusal is "Nothing was saved" and why."""

    def render(loaded: CaseItem, form: BaseForm, conflict: dict | None) -> ResponseReturnValue:
        context = {"form": form, "person": loaded.person, name: loaded.item, "conflict": conflict}
        return render_template(template, **context)

    return editing.edit_view(
        load=load,
        make_form=make_form,
        save=save,
        render=render,
        saved_url=lambda loaded: case_url(loaded.person.id, anchor),
        conflict_message=CONFLICT,
        invalid_message=NOT_SAVED,
        describe_conflict=describe_conflict or _saved_values,
        on_refused=lambda form, exc: flash(gettext("Nothing was saved: %(reason)s", reason=exc), "error"),
    )


def _saved_values(loaded: CaseItem, form: BaseForm, fields: list[str]) -> dict:
    """The item's saved values that differ from what was typed (the default conflict)."""
    return editing.conflict_values(loaded.item, editing.record_data(form), fields)


def carry_out(form: BaseForm, act: Callable[[], T], *, refused: str, crossed: str) -> T | None:
    """Run a timeline change for a validated form: its result, or None (rolled back, with a message) when
    it was refused (`refused` and the reason) or crossed another change of the case at the same moment."""
    try:
        return editing.submit(form, act, on_refused=lambda _form, exc: _refused(refused, exc))
    except EditConflict:
        unit_of_work.rollback()
        flash(crossed, "error")
        return None


def _refused(prefix: str, exc: OperationError) -> None:
    flash(f"{prefix}{exc}", "error")

"""What the background's pages share: the way back to the case page, and the add, edit and delete flows."""

from __future__ import annotations

from collections.abc import Callable

from flask import flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue

from casework import editing
from casework.access import CaseItem
from casework.background.fields import dates_conflict
from casework.errors import OperationError
from casework.forms import BaseForm
from casework.i18n import gettext
from casework.models import Person

NOT_SAVED = "Nothing was saved: correct the fields marked below."
CONFLICT = (
    "Someone else saved this while you were editing. Your changes were NOT saved: compare "
    "them with the saved values shown under each field, then save again."
)


def case_url(person_id: int, anchor: str) -> str:
    """The case page, at one section of the background."""
    return url_for("people.show", person_id=person_id) + "#" + anchor


def _refusal_on(field: str | None) -> Callable[[BaseForm, OperationError], None]:
    """Show a refused operation under `field` (or as a message when there is none)."""

    def show(form: BaseForm, exc: OperationError) -> None:
        if field is None:
            flash(gettext("Nothing was saved: %(reason)s", reason=exc), "error")
            return
        form[field].errors = [*form[field].errors, str(exc)]
        flash(NOT_SAVED, "error")

    return show


def add_view(
    *,
    person: Person,
    form: BaseForm,
    act: Callable[[BaseForm], object],
    template: str,
    anchor: str,
    added: str,
    refused_field: str | None = None,
    context: dict | None = None,
) -> ResponseReturnValue:
    """GET: the empty form; a valid POST runs `act(form)` (an operation) and returns to the case page."""
    if form.validate_on_submit():
        if editing.submit(form, lambda: act(form), on_refused=_refusal_on(refused_field)) is not None:
            flash(added, "success")
            return redirect(case_url(person.id, anchor))
    elif request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template(template, form=form, person=person, item=None, conflict=None, **(context or {}))


def saved_values(loaded: CaseItem, form: BaseForm, fields: list[str]) -> dict:
    """The saved values that differ from what was typed, partial dates as typed ("1996", not 1996-01-01)."""
    return dates_conflict(
        loaded.item, editing.conflict_values(loaded.item, editing.record_data(form), fields)
    )


def edit_view(
    *,
    load: Callable[[], CaseItem],
    make_form: Callable[[CaseItem], BaseForm],
    save: Callable[[CaseItem, BaseForm], list[str]],
    template: str,
    anchor: str,
    describe_conflict: Callable[[CaseItem, BaseForm, list[str]], dict] = saved_values,
    context: Callable[[CaseItem], dict] | None = None,
) -> ResponseReturnValue:
    """`editing.edit_view` for a background item: its form page shows it as `item`, a save returns to the case
    page at `anchor`, a refusal is "Nothing was saved" and why."""

    def render(loaded: CaseItem, form: BaseForm, conflict: dict | None) -> ResponseReturnValue:
        extra = context(loaded) if context is not None else {}
        return render_template(
            template, form=form, person=loaded.person, item=loaded.item, conflict=conflict, **extra
        )

    return editing.edit_view(
        load=load,
        make_form=make_form,
        save=save,
        render=render,
        saved_url=lambda loaded: case_url(loaded.person.id, anchor),
        conflict_message=CONFLICT,
        invalid_message=NOT_SAVED,
        describe_conflict=describe_conflict,
        on_refused=_refusal_on(None),
    )


def delete_view(
    *,
    loaded: CaseItem,
    act: Callable[[], object],
    anchor: str,
    title: str,
    what: str,
    done: str,
    button: str,
    consequence: str = "",
) -> ResponseReturnValue:
    """Confirm, then delete (the audit trail keeps that it was deleted, and by whom)."""
    person = loaded.person
    return editing.confirm_view(
        template="background/confirm_delete.html",
        context={
            "person": person,
            "anchor": anchor,
            "title": title,
            "what": what,
            "consequence": consequence,
            "button": button,
        },
        act=act,
        done_url=case_url(person.id, anchor),
        message=done,
    )

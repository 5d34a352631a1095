"""Case notes: write, edit your own, delete (your own; admins and staff any). Privileged notes exist only
for those who may read privileged material: every load goes through access.get_note_or_404 and every
list through access.notes_filter. The request's unit of work commits once when a view returns."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from casework import access, editing
from casework.access import CaseItem
from casework.forms import BaseForm
from casework.i18n import gettext
from casework.models import Note, Person
from casework.notes import operations
from casework.notes.forms import note_form

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("notes", __name__, url_prefix="/people/<int:person_id>/notes")

NOT_SAVED = "The note was not saved: correct the field marked below."
# Only a note's author edits it: the other save came from another window.
CONFLICT = (
    "This note was saved from another window while you were editing. Your changes were NOT saved: "
    "compare them with the saved text shown under the field, then save again."
)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _notes_url(person: Person, note: Note | None = None) -> str:
    # Point at the note itself when there is one: it shows the result, and "#notes" is not unique on the
    # case page while another section has a form field called "notes".
    anchor = f"#note-{note.id}" if note is not None else "#notes"
    return url_for("people.show", person_id=person.id) + anchor


def _own_note(person_id: int, note_id: int) -> CaseItem:
    """A note of the case that the current user wrote (403 for anyone else's)."""
    loaded = access.get_note_or_404(note_id, person_id, need="edit")
    if loaded.item.author_id != current_user.id:
        abort(403)
    return loaded


def _form_page(loaded: CaseItem, form: BaseForm, conflict: dict | None) -> ResponseReturnValue:
    return render_template(
        "notes/form.html", form=form, person=loaded.person, note=loaded.item, conflict=conflict
    )


@bp.route("/new", methods=["GET", "POST"])
def create(person_id: int):
    """Write a note on the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = note_form(person, current_user, version=0)
    if form.validate_on_submit():
        note = operations.write_note(current_user, person, form.note_data())
        flash(gettext("The note was saved."), "success")
        return redirect(_notes_url(person, note))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("notes/form.html", form=form, person=person, note=None, conflict=None)


@bp.route("/<int:note_id>/edit", methods=["GET", "POST"])
def edit(person_id: int, note_id: int):
    """Edit one of your own notes; a save based on an outdated version is refused, the typed text kept."""
    return editing.edit_view(
        load=lambda: _own_note(person_id, note_id),
        make_form=lambda loaded: note_form(loaded.person, current_user, obj=loaded.item),
        save=lambda loaded, form: operations.update_note(
            current_user, loaded.person, loaded.item, form.note_data(), form.version.data
        ),
        render=_form_page,
        saved_url=lambda loaded: _notes_url(loaded.person, loaded.item),
        what="note",
        conflict_message=CONFLICT,
        invalid_message=NOT_SAVED,
        describe_conflict=lambda loaded, form, fields: editing.conflict_values(
            loaded.item, form.note_data(), fields
        ),
    )


@bp.route("/<int:note_id>/delete", methods=["GET", "POST"])
def delete(person_id: int, note_id: int):
    """Confirm, then delete a note: your own, or any note for the case's admins and staff."""
    person, note = access.get_note_or_404(note_id, person_id, need="edit")
    if note.author_id != current_user.id and not access.can(current_user, "manage", person):
        abort(403)
    return editing.confirm_view(
        template="notes/confirm_delete.html",
        context={"person": person, "note": note},
        act=lambda: operations.delete_note(current_user, person, note),
        done_url=_notes_url(person),
        message="The note was deleted.",
    )

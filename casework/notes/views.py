"""Case notes: write, edit your own, delete (your own; admins and staff any). Privileged notes exist only
for those who may read privileged material: every load goes through access.get_note_or_404 and every
list through access.notes_filter."""

from __future__ import annotations

from flask import Blueprint, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.extensions import db
from casework.models import Note, Person
from casework.models.base import differing_fields
from casework.notes import operations
from casework.notes.forms import ConfirmForm, note_form

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("notes", __name__, url_prefix="/people/<int:person_id>/notes")


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _back_to_notes(person: Person, note: Note | None = None):
    # Point at the note itself when there is one: it shows the result, and "#notes" is not unique on the
    # case page while another section has a form field called "notes".
    anchor = f"#note-{note.id}" if note is not None else "#notes"
    return redirect(url_for("people.show", person_id=person.id) + anchor)


@bp.route("/new", methods=["GET", "POST"])
def create(person_id: int):
    """Write a note on the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = note_form(person, current_user, version=0)
    if form.validate_on_submit():
        note = operations.write_note(current_user, person, form.note_data())
        db.session.commit()
        flash("The note was saved.", "success")
        return _back_to_notes(person, note)
    if request.method == "POST":
        flash("The note was not saved: correct the field marked below.", "error")
    return render_template("notes/form.html", form=form, person=person, note=None, conflict=None)


@bp.route("/<int:note_id>/edit", methods=["GET", "POST"])
def edit(person_id: int, note_id: int):
    """Edit one of your own notes; a save based on an outdated version is refused, the typed text kept."""
    person, note = access.get_note_or_404(note_id, person_id, need="edit")
    if note.author_id != current_user.id:
        abort(403)
    form = note_form(person, current_user, obj=note)
    conflict = None
    if form.validate_on_submit():
        data = form.note_data()
        try:
            changed = operations.update_note(current_user, person, note, data, form.version.data)
            db.session.commit()
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            person, note = access.get_note_or_404(note_id, person_id, need="edit")
            fields = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
            conflict = {
                name: getattr(note, name) for name in differing_fields(note, {f: data[f] for f in fields})
            }
            form.version.data = note.version  # saving again, after review, is the user's informed choice
            flash(
                "This note was saved from another window while you were editing. Your changes were NOT "
                "saved: compare them with the saved text shown under the field, then save again.",
                "error",
            )
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return _back_to_notes(person, note)
    elif request.method == "POST":
        flash("The note was not saved: correct the field marked below.", "error")
    return render_template("notes/form.html", form=form, person=person, note=note, conflict=conflict)


@bp.route("/<int:note_id>/delete", methods=["GET", "POST"])
def delete(person_id: int, note_id: int):
    """Confirm, then delete a note: your own, or any note for the case's admins and staff."""
    person, note = access.get_note_or_404(note_id, person_id, need="edit")
    if note.author_id != current_user.id and not access.can(current_user, "manage", person):
        abort(403)
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.delete_note(current_user, person, note)
            db.session.commit()
        except StaleDataError:
            db.session.rollback()
            flash("This note was changed meanwhile and was NOT deleted. Read it again, then decide.", "error")
        else:
            flash("The note was deleted.", "success")
        return _back_to_notes(person)
    return render_template("notes/confirm_delete.html", form=form, person=person, note=note)


# ---------------------------------------------------------------- the case page section

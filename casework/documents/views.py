"""Documents of a case: the section on the case page, upload, download (audited), edit, delete."""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, redirect, render_template, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.documents import operations, storage
from casework.documents.forms import DocumentEditForm, UploadForm
from casework.extensions import db
from casework.forms import ConfirmForm

bp = Blueprint("documents", __name__, url_prefix="/people/<int:person_id>/documents")


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _upload_form() -> UploadForm:
    form = UploadForm()
    if not access.can(current_user, "view_privileged"):
        del form.privileged
    return form


@bp.route("/new", methods=["GET", "POST"])
def upload(person_id: int):
    """Upload a PDF, JPEG or PNG to the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = _upload_form()
    if form.validate_on_submit():
        upload_file = form.file.data
        fields = {
            "title": form.title.data,
            "kind": form.kind.data,
            "privileged": bool(form.privileged.data) if "privileged" in form else False,
        }
        try:
            document = operations.upload(
                current_user, person, upload_file.read(), upload_file.filename or "", fields
            )
        except storage.UploadRejected as exc:
            form.file.errors.append(str(exc))
        else:
            try:
                db.session.commit()
            except Exception:
                db.session.rollback()
                storage.remove(document.storage_name)
                raise
            flash("The document was uploaded.", "success")
            return redirect(url_for("people.show", person_id=person.id) + "#documents")
    return render_template("documents/upload.html", form=form, person=person)


@bp.get("/<int:document_id>")
def download(person_id: int, document_id: int):
    """The file itself, as an attachment under a neutral name (every download is audited)."""
    person, document = access.get_document_or_404(document_id, person_id)
    try:
        data = storage.read(document.storage_name)
    except FileNotFoundError:
        abort(410)
    operations.record_download(current_user, person, document)
    db.session.commit()
    extension = storage.ALLOWED.get(document.content_type, "bin")
    return Response(
        data,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="case-{person.id}-document-{document.id}.{extension}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
def edit(person_id: int, document_id: int):
    """Change a document's title, kind or privilege."""
    person, document = access.get_document_or_404(document_id, person_id, need="edit")
    form = DocumentEditForm(obj=document)
    if not access.can(current_user, "view_privileged"):
        del form.privileged
    if form.validate_on_submit():
        fields = {"title": form.title.data, "kind": form.kind.data}
        if "privileged" in form:
            fields["privileged"] = bool(form.privileged.data)
        try:
            changed = operations.update(current_user, person, document, fields, form.version.data)
            db.session.commit()
        except (operations.EditConflict, StaleDataError):
            db.session.rollback()
            person, document = access.get_document_or_404(document_id, person_id, need="edit")
            form.version.data = document.version
            flash(
                "Someone else changed this document while you were editing. Your changes were NOT saved: "
                "check the current values and save again.",
                "error",
            )
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("people.show", person_id=person.id) + "#documents")
    return render_template("documents/edit.html", form=form, person=person, document=document)


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
def delete(person_id: int, document_id: int):
    """Confirm, then delete a document and its file."""
    person, document = access.get_document_or_404(document_id, person_id, need="edit")
    form = ConfirmForm()
    if form.validate_on_submit():
        name = operations.delete(current_user, person, document)
        db.session.commit()
        storage.remove(name)
        flash("The document was deleted.", "success")
        return redirect(url_for("people.show", person_id=person.id) + "#documents")
    return render_template("documents/delete.html", form=form, person=person, document=document)

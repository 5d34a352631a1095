"""Documents of a case: upload, download (audited), edit, delete. The request's unit of work commits once
when a view returns; a stored file follows the fate of its row: it is named after the commit, deleted on a
rollback (casework.documents.storage), and a deleted row's file goes once the deletion is committed."""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    flash,
    redirect,
    render_template,
    url_for,
)
from flask.typing import ResponseReturnValue
from flask_login import current_user, login_required

from casework import access, editing, unit_of_work
from casework.access import CaseItem
from casework.documents import operations, storage
from casework.documents.forms import DocumentEditForm, UploadForm
from casework.errors import OperationError
from casework.forms import BaseForm
from casework.i18n import gettext
from casework.models import Person

bp = Blueprint("documents", __name__, url_prefix="/people/<int:person_id>/documents")

# The edit page shows no saved values under its fields.
CONFLICT = (
    "Someone else changed this document while you were editing. Your changes were NOT saved: "
    "check the current values and save again."
)
# editing.edit_view flashes a message for an invalid form; the document page only ever showed the
# fields' own errors.


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _documents_url(person: Person) -> str:
    return url_for("people.show", person_id=person.id) + "#documents"


def _upload_form(person: Person) -> UploadForm:
    form = UploadForm()
    if not access.can(current_user, "view_privileged", person):
        del form.privileged
    return form


def _upload_fields(form: BaseForm) -> dict:
    return {
        "title": form["title"].data,
        "kind": form["kind"].data,
        "privileged": bool(form["privileged"].data) if "privileged" in form else False,
    }


def _file_refused(form: BaseForm, exc: OperationError) -> None:
    form["file"].errors.append(str(exc))


def _remove_file_once_committed(storage_name: str) -> None:
    """Remove the file of a deleted row once the request has committed the deletion."""
    unit_of_work.after_commit(lambda: storage.remove(storage_name))


@bp.route("/new", methods=["GET", "POST"])
def upload(person_id: int):
    """Upload a PDF, JPEG or PNG to the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = _upload_form(person)
    if form.validate_on_submit():
        upload_file = form.file.data
        document = editing.submit(
            form,
            lambda: operations.upload(
                current_user, person, upload_file.read(), upload_file.filename or "", _upload_fields(form)
            ),
            on_refused=_file_refused,
        )
        if document is not None:
            flash(gettext("The document was uploaded."), "success")
            return redirect(_documents_url(person))
    return render_template("documents/upload.html", form=form, person=person)


@bp.get("/<int:document_id>")
def download(person_id: int, document_id: int):
    """The file itself, as an attachment under a neutral name (every download is audited)."""
    person, document = access.get_document_or_404(document_id, person_id)
    try:
        data = storage.read_document(document)
    except FileNotFoundError:
        abort(410)
    operations.record_download(current_user, person, document)
    extension = storage.ALLOWED.get(document.content_type, "bin")
    return Response(
        data,
        mimetype=document.content_type,
        headers={
            "Content-Disposition": f'attachment; filename="case-{person.id}-document-{document.id}.{extension}"',
            "Content-Security-Policy": "default-src 'none'; sandbox",
        },
    )


def _edit_form(loaded: CaseItem) -> DocumentEditForm:
    form = DocumentEditForm(obj=loaded.item)
    if not access.can(current_user, "view_privileged", loaded.person):
        del form.privileged
    return form


def _edit_fields(form: BaseForm) -> dict:
    fields = {"title": form["title"].data, "kind": form["kind"].data}
    if "privileged" in form:
        fields["privileged"] = bool(form["privileged"].data)
    return fields


def _edit_page(loaded: CaseItem, form: BaseForm, conflict: dict | None) -> ResponseReturnValue:
    return render_template("documents/edit.html", form=form, person=loaded.person, document=loaded.item)


@bp.route("/<int:document_id>/edit", methods=["GET", "POST"])
def edit(person_id: int, document_id: int):
    """Change a document's title, kind or privilege."""
    return editing.edit_view(
        load=lambda: access.get_document_or_404(document_id, person_id, need="edit"),
        make_form=_edit_form,
        save=lambda loaded, form: operations.update(
            current_user, loaded.person, loaded.item, _edit_fields(form), form.version.data
        ),
        render=_edit_page,
        saved_url=lambda loaded: _documents_url(loaded.person),
        what="document",
        conflict_message=CONFLICT,
        invalid_message="",  # this page shows the field errors only
        describe_conflict=lambda loaded, form, fields: editing.conflict_values(
            loaded.item, _edit_fields(form), fields
        ),
    )


@bp.route("/<int:document_id>/delete", methods=["GET", "POST"])
def delete(person_id: int, document_id: int):
    """Confirm, then delete a document and its file."""
    person, document = access.get_document_or_404(document_id, person_id, need="edit")
    return editing.confirm_view(
        template="documents/delete.html",
        context={"person": person, "document": document},
        act=lambda: _remove_file_once_committed(operations.delete(current_user, person, document)),
        done_url=_documents_url(person),
        message="The document was deleted.",
    )

"""Case export (JSON), case import (transfer between organizations), and the people list as CSV.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    stream_with_context,
    url_for,
)
from flask_login import current_user, login_required
from werkzeug.exceptions import RequestEntityTooLarge

from casework import access, editing
from casework.accounts.reauth import fresh_proof_required
from casework.errors import OperationError
from casework.i18n import gettext
from casework.models import Role
from casework.transfer.export import case_bundle, case_file
from casework.transfer.forms import ImportForm
from casework.transfer.importer import NotJson, import_file, too_large
from casework.transfer.people_csv import people_csv as people_csv_text

bp = Blueprint("transfer", __name__)


@bp.get("/people/<int:person_id>/export.json")
@login_required
@fresh_proof_required
def export_json(person_id: int):
    """The whole case the viewer may see, as a file (audited)."""
    person = access.get_person_or_404(person_id, need="export")
    return Response(
        case_file(current_user, person),
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="case-{person.id}.json"'},
    )


@bp.get("/people/<int:person_id>/export.zip")
@login_required
@fresh_proof_required
def export_bundle(person_id: int):
    """The whole case the viewer may see with its documents' files, as a ZIP (audited)."""
    person = access.get_person_or_404(person_id, need="export")
    return Response(
        case_bundle(current_user, person),
        mimetype="application/zip",
        headers={"Content-Disposition": f'attachment; filename="case-{person.id}.zip"'},
    )


def _import(raw: bytes):
    return import_file(current_user, raw)


def _import_refused(form: ImportForm, exc: OperationError) -> None:
    message = str(exc) if isinstance(exc, NotJson) else f"Nothing was imported: {exc}"
    form.case_file.errors.append(message)


@bp.route("/admin/import", methods=["GET", "POST"])
@access.role_required(Role.ADMIN)
def import_json():
    """Import a case file as a new case of the admin's organization; nothing is saved if it is refused."""
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.case_file.data.read()
        person = editing.submit(form, lambda: _import(raw), on_refused=_import_refused)
        if person is not None:
            flash(gettext("The case was imported. Assign its team and check the record."), "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("transfer/import.html", form=form)


@bp.errorhandler(RequestEntityTooLarge)
def upload_too_large(error):
    """An upload over MAX_CONTENT_LENGTH: the import form again, saying so (other pages get the plain 413)."""
    limit = too_large(current_app.config["MAX_CONTENT_LENGTH"])
    if request.endpoint != "transfer.import_json" or not access.can(current_user, "admin"):
        return render_template("errors/error.html", code=413, title=error.name, message=str(limit)), 413
    form = ImportForm(formdata=None)
    form.case_file.errors = [f"Nothing was imported: {limit}"]
    return render_template("transfer/import.html", form=form), 413


@bp.get("/people/export.csv")
@login_required
@fresh_proof_required
def people_csv():
    """The people list (current search and filters) as CSV, with the columns the role may see."""
    access.require("export")
    return Response(
        stream_with_context(people_csv_text(current_user, session.get("people_filters", {}))),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="people.csv"'},
    )

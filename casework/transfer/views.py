"""Case export (JSON), case import (transfer between organizations), and the people list as CSV."""

from __future__ import annotations

import csv
import io
import json

from flask import Blueprint, Response, flash, redirect, render_template, session, url_for
from flask_login import current_user, login_required
from flask_wtf.file import FileField, FileRequired

from casework import access, audit
from casework.csv_safe import safe_cell
from casework.extensions import db
from casework.forms import BaseForm
from casework.models import Role
from casework.people import search
from casework.transfer.export import export_case
from casework.transfer.importer import ImportRejected, import_case

bp = Blueprint("transfer", __name__)


class ImportForm(BaseForm):
    """A case file to import."""

    case_file = FileField(
        "Case file (.json)",
        validators=[FileRequired("Choose the case file to import.")],
        description="A file made with “Export case” in Casework, by this or another organization.",
    )


@bp.get("/people/<int:person_id>/export.json")
@login_required
def export_json(person_id: int):
    """The whole case the viewer may see, as a file (audited)."""
    person = access.get_person_or_404(person_id, need="export")
    data = export_case(current_user, person)
    audit.record(current_user, "person.exported", person, detail="case file (json)")
    db.session.commit()
    body = json.dumps(data, ensure_ascii=False, indent=2, sort_keys=False)
    return Response(
        body,
        mimetype="application/json",
        headers={"Content-Disposition": f'attachment; filename="case-{person.id}.json"'},
    )


@bp.route("/admin/import", methods=["GET", "POST"])
@access.role_required(Role.ADMIN)
def import_json():
    """Import a case file as a new case of the admin's organization; nothing is saved if it is refused."""
    form = ImportForm()
    if form.validate_on_submit():
        raw = form.case_file.data.read()
        try:
            data = json.loads(raw.decode("utf-8"))
            person = import_case(current_user, data)
        except (UnicodeDecodeError, json.JSONDecodeError):
            db.session.rollback()
            form.case_file.errors.append("This file is not JSON: choose a file made with “Export case”.")
        except ImportRejected as exc:
            db.session.rollback()
            form.case_file.errors.append(f"Nothing was imported: {exc}")
        else:
            db.session.commit()
            flash("The case was imported. Assign its team and check the record.", "success")
            return redirect(url_for("people.show", person_id=person.id))
    return render_template("transfer/import.html", form=form)


@bp.get("/people/export.csv")
@login_required
def people_csv():
    """The people list (current search and filters) as CSV, with the columns the role may see."""
    access.require("export")
    show_a_number = access.can(current_user, "see_a_number")
    columns = [
        ("Case", "id"),
        ("Legal name", "legal_name"),
        ("Preferred name", "preferred_name"),
        ("Name in native script", "native_name"),
    ]
    if show_a_number:
        columns.append(("A-number", "a_number_display"))
    columns += [
        ("Citizenship", "citizenship"),
        ("Community", "community"),
        ("City", "city"),
        ("State", "state"),
        ("Case status", "case_status"),
        ("Custody", "custody_status"),
        ("Custody since", "custody_since"),
        ("Immigration status", "immigration_status"),
        ("Arrived", "arrival_date"),
    ]
    query = search.filtered(current_user, session.get("people_filters", {})).order_by(
        search.SORTS["name"][0][0], search.SORTS["name"][0][1]
    )
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow([label for label, _ in columns])
    count = 0
    for person in db.session.scalars(query.execution_options(yield_per=1000)):
        writer.writerow([safe_cell(getattr(person, attr)) for _, attr in columns])
        count += 1
    audit.record(current_user, "people.exported", None, detail=f"csv, {count} rows")
    db.session.commit()
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": 'attachment; filename="people.csv"'},
    )

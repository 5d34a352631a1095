"""Reports across the cases a user may see: each a page (table, chart, filters) and a CSV.

Admins and staff only (`access.can(user, "view_reports")`); every figure counts only the cases the user may
open. The filters are a community, a case status and dates: they travel in the query string. Reading a page
and downloading a CSV are audited. The request's unit of work commits the audit records.
"""

from __future__ import annotations

from flask import Blueprint, Response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casework import access
from casework.people import search
from casework.reports import csv_files, operations, pages
from casework.reports.forms import ReportFilterForm
from casework.reports.pages import Report

bp = Blueprint("reports", __name__, url_prefix="/reports")


@bp.before_request
@login_required
def _may_read_reports():
    """Signed in, and an admin or staff member."""
    access.require("view_reports")


def _filter_form(report: Report) -> ReportFilterForm:
    form = ReportFilterForm(formdata=request.args)
    form.fit(report.dates, search.filter_choices(current_user)["community"])
    return form


def _page(report: Report):
    """The report's page: its figures under valid filters, or the filters' messages."""
    form = _filter_form(report)
    if not form.validate():
        return render_template(report.template, report=report, form=form, filters=None)
    filters = form.filters()
    operations.record_view(current_user, report.endpoint, filtered=filters.any)
    context = report.build(current_user, filters)
    return render_template(report.template, report=report, form=form, filters=filters, **context)


def _csv(name: str):
    """A report's CSV under the filters of the query string; invalid filters lead back to the page's messages."""
    file = csv_files.FILES[name]
    form = _filter_form(file.report)
    if not form.validate():
        query = request.query_string.decode()
        return redirect(url_for(f"reports.{file.report.endpoint}") + (f"?{query}" if query else ""))
    return Response(
        csv_files.csv_text(current_user, file, form.filters()),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="{name}.csv"'},
    )


@bp.get("")
def index():
    """The list of reports."""
    return render_template("reports/index.html", reports=pages.REPORTS.values())


@bp.get("/people-by-citizenship-and-custody")
def citizenship_custody():
    """People by country of citizenship and custody, filterable by "detained between"."""
    return _page(pages.CITIZENSHIP_CUSTODY)


@bp.get("/people-by-citizenship-and-custody.csv")
def citizenship_custody_csv():
    """citizenship,custody,people"""
    return _csv("people-by-citizenship-and-custody")


@bp.get("/travel-documents")
def travel_documents():
    """Travel documents by country, month requested and outcome."""
    return _page(pages.TRAVEL_DOCUMENTS)


@bp.get("/travel-documents.csv")
def travel_documents_csv():
    """country,month,requested,issued,refused,withdrawn"""
    return _csv("travel-documents")


@bp.get("/custody-events")
def custody_events():
    """Detentions, releases and removals by month and country, from the custody timelines."""
    return _page(pages.CUSTODY_EVENTS)


@bp.get("/custody-events.csv")
def custody_events_csv():
    """country,month,detentions,releases,removals"""
    return _csv("custody-events")


@bp.get("/relief")
def relief():
    """Relief applications by kind, jurisdiction and status, and decisions by year."""
    return _page(pages.RELIEF)


@bp.get("/relief-applications.csv")
def relief_csv():
    """kind,jurisdiction,status,applications"""
    return _csv("relief-applications")


@bp.get("/relief-decisions.csv")
def relief_outcomes_csv():
    """year,granted,denied,withdrawn"""
    return _csv("relief-decisions")


@bp.get("/check-ins")
def check_ins():
    """Check-ins by office, with the re-detentions at check-ins."""
    return _page(pages.CHECK_INS_REPORT)


@bp.get("/check-ins.csv")
def check_ins_csv():
    """office,check_ins,attended,rescheduled,missed,redetained,scheduled"""
    return _csv("check-ins")

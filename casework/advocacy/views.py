"""The advocacy log: the list (filters, keyset paging, CSV), an event's page, and for admins and staff the form
to record, edit and delete events. Load through access, validate, operate, redirect.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import (
    Blueprint,
    Response,
    abort,
    current_app,
    flash,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required

from casework import access, editing
from casework.advocacy import exports, operations, queries, search
from casework.advocacy.forms import EventFilterForm, EventForm
from casework.errors import OperationError
from casework.forms import BaseForm, options
from casework.i18n import gettext
from casework.models import AdvocacyEvent, Person
from casework.paging import anchor_arg

bp = Blueprint("advocacy", __name__, url_prefix="/advocacy")

SESSION_KEY = "advocacy_filters"


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


# ---------------------------------------------------------------- helpers (no queries of their own)


def _case_label(person: Person) -> str:
    if person.preferred_name and person.preferred_name != person.legal_name:
        return f"{person.legal_name} (“{person.preferred_name}”)"
    return person.legal_name


def event_form(org_id: int, event: AdvocacyEvent | None = None, preset: int | None = None, **kw) -> EventForm:
    """The event form: figure rows, the directory's contacts, the cases ticked or already linked (those the user
    may open, so that an unticked one stays in the list) and, after "Find cases", the cases found to link."""
    linked = sorted(queries.linked_case_ids(event)) if event is not None else []
    if event is not None:
        kw["data"] = {
            **{name: getattr(event, name) for name in EventForm.FIELDS},
            "figures": [{"label": f.label, "value": f.value} for f in event.figures],
            "contacts": queries.contact_ids(event),
            "cases": linked,
            "version": event.version,
        }
    elif preset is not None:
        kw["data"] = {"cases": [preset]}
    form = EventForm(**kw)
    form.fit_figure_rows()
    form.contacts.choices = options(
        (c.id, f"{c.name}, {c.organization}" if c.organization else c.name)
        for c in queries.directory(current_user)
    )
    listed = queries.linkable_cases(current_user, org_id, {*linked, *(form.cases.data or [])})
    if request.method == "GET":
        form.cases.data = [p.id for p in listed]  # never a case the user may not open
    found: list[Person] = []
    if form.find_cases.data:
        found, more = queries.find_cases(current_user, org_id, form.find.data, exclude=[p.id for p in listed])
        form.search_result = {"text": form.find.data, "count": len(found), "more": more}
    form.cases.choices = options((p.id, _case_label(p)) for p in listed + found)
    return form


def _refused(form: BaseForm, exc: OperationError) -> None:
    field = "contacts" if str(exc) == operations.CONTACT_GONE else "cases"
    form[field].errors = [*form[field].errors, str(exc)]


def _form_page(form: EventForm, event: AdvocacyEvent | None, conflict: dict | None = None):
    return render_template("advocacy/form.html", form=form, event=event, conflict=conflict)


def _values(form: EventForm) -> tuple[dict, list[tuple[str, int]], list[int], list[int]]:
    return form.event_data(), form.figure_data(), form.contacts.data or [], form.cases.data or []


def _require_writer() -> None:
    if not access.can_write_advocacy(current_user):
        abort(403)


# ---------------------------------------------------------------- the log


@bp.route("", methods=["GET", "POST"])
def index():
    """The log this user may see, newest first; filters are posted and kept in the server-side session."""
    preset = anchor_arg("person")  # "See in the log" from a case page: a case id, never a name
    if preset:
        session[SESSION_KEY] = {"person": str(preset)}
        return redirect(url_for("advocacy.index"))
    filters = session.get(SESSION_KEY, {})
    form = EventFilterForm.from_filters(filters) if request.method == "GET" else EventFilterForm()
    cases = search.cases_with_events(current_user)
    form.person.choices = options([("", "Any case")] + [(str(p.id), _case_label(p)) for p in cases])
    if request.method == "POST" and ("clear" in request.form or form.validate()):
        session[SESSION_KEY] = {} if "clear" in request.form else form.filters()
        return redirect(url_for("advocacy.index"))
    size = current_app.config.get("ADVOCACY_PAGE_SIZE", 50)
    page, linked = search.page_of_events(
        current_user, filters, after=anchor_arg("after"), before=anchor_arg("before"), size=size
    )
    return render_template(
        "advocacy/index.html",
        page=page,
        linked=linked,
        form=form,
        filtered=any(filters.values()),
        can_write=access.can_write_advocacy(current_user),
        can_export=access.can(current_user, "export"),
    )


@bp.get("/export.csv")
def export_csv():
    """The filtered log as CSV (everyone but volunteers; audited)."""
    access.require("export")
    filters = session.get(SESSION_KEY, {})
    text, count = exports.log_csv(current_user, filters)
    operations.record_export(current_user, count, filters)
    return Response(
        text, mimetype="text/csv", headers={"Content-Disposition": 'attachment; filename="advocacy-log.csv"'}
    )


@bp.get("/<int:event_id>")
def show(event_id: int):
    """An event: its figures, sources, contacts (its organization's users) and the linked cases one may open."""
    event = access.get_advocacy_event_or_404(event_id)
    return render_template("advocacy/show.html", event=event, **queries.event_page(event, current_user))


# ---------------------------------------------------------------- recording events (admins and staff)


@bp.route("/new", methods=["GET", "POST"])
def create():
    """Record an event in the organization's log (from a case page, with that case ticked)."""
    _require_writer()
    form = event_form(current_user.org_id, preset=anchor_arg("person"), version=0)
    if form.validate_on_submit():
        event = editing.submit(
            form, lambda: operations.create_event(current_user, *_values(form)), on_refused=_refused
        )
        if event is not None:
            flash(gettext("The event was recorded."), "success")
            return redirect(url_for("advocacy.show", event_id=event.id))
    return _form_page(form, None)


@bp.route("/<int:event_id>/edit", methods=["GET", "POST"])
def edit(event_id: int):
    """Edit an event; a save based on an outdated version is refused and the typed values kept."""
    return editing.edit_view(
        load=lambda: access.get_advocacy_event_or_404(event_id, need="write"),
        make_form=lambda event: event_form(event.org_id, event),
        save=lambda event, form: operations.update_event(
            current_user, event, *_values(form), form.version.data
        ),
        render=lambda event, form, conflict: _form_page(form, event, conflict),
        saved_url=lambda event: url_for("advocacy.show", event_id=event.id),
        what="event",
        invalid_message="",  # the form says what to correct; "Find cases" is not a failed save
        describe_conflict=lambda event, form, fields: queries.conflict(
            event, form.record_data(), current_user
        ),
        on_refused=_refused,
    )


@bp.route("/<int:event_id>/delete", methods=["GET", "POST"])
def delete(event_id: int):
    """Confirm, then delete an event (it leaves the timelines of its linked cases)."""
    event = access.get_advocacy_event_or_404(event_id, need="write")
    return editing.confirm_view(
        template="advocacy/confirm_delete.html",
        context={"event": event, "cases": queries.event_page(event, current_user)["cases"]},
        act=lambda: operations.delete_event(current_user, event),
        done_url=url_for("advocacy.index"),
        message="The event was deleted from the log.",
    )

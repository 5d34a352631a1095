"""Around an application: its counsel, the prosecutor's position and the records of support.

Counsel are added by a small form on the application page and removed after a confirmation; the prosecutor's
position is an edit of the application (from its version); records of support have pages of their own. Each
needs "edit" on the case, as the application does.
"""

from __future__ import annotations

from flask import flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework import access, editing
from casework.errors import OperationError
from casework.i18n import gettext
from casework.models import Person, ReliefApplication, ReliefCounsel, SupportRecord
from casework.relief import loaders, operations
from casework.relief.forms import CounselForm, ProsecutorForm, SupportForm
from casework.relief.views import APPLICATION, bp, choices, pages

COUNSEL = APPLICATION + "/counsel"
SUPPORT = APPLICATION + "/support"


def _application_url(person: Person, application: ReliefApplication, anchor: str) -> str:
    return url_for("relief.show", person_id=person.id, application_id=application.id) + anchor


# ---------------------------------------------------------------- counsel


@bp.post(COUNSEL)
def add_counsel(person_id: int, application_id: int):
    """Add a counsel from the case owner's contacts directory, with a role (a duplicate is a form error)."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="edit"
    )
    form = pages.counsel_form_for(person, formdata=request.form)
    if form.validate_on_submit():
        contact = loaders.directory_contact_or_404(person, form.contact_id.data)
        added = editing.submit(
            form,
            lambda: operations.add_counsel(current_user, person, application, contact, form.role.data),
            on_refused=_under_the_contact,
        )
        if added is not None:
            flash(
                gettext(
                    "%(name)s was added as %(role)s.", name=contact.name, role=form.role.data.label.lower()
                ),
                "success",
            )
            return redirect(_application_url(person, application, "#counsel"))
    flash(gettext("The counsel was not added: correct the fields marked below."), "error")
    return pages.application_page(person, application, counsel_form=form)


def _under_the_contact(form: CounselForm, exc: OperationError) -> None:
    form.contact_id.errors = [*form.contact_id.errors, str(exc)]


@bp.route(COUNSEL + "/<int:counsel_id>/remove", methods=["GET", "POST"])
def remove_counsel(person_id: int, application_id: int, counsel_id: int):
    """Confirm, then take a counsel off the application."""
    person, application, counsel = loaders.get_application_child_or_404(
        ReliefCounsel, counsel_id, application_id, person_id
    )
    return editing.confirm_view(
        template="relief/confirm_fact.html",
        context={
            "person": person,
            "application": application,
            "title": f"Remove {counsel.contact.name} from the application?",
            "text": f"{counsel.contact.name} stops being {counsel.role.label.lower()} on this application. The "
            "contact stays in the directory; the application's history keeps that they were counsel.",
            "button": "Remove the counsel",
            "anchor": "#counsel",
        },
        act=lambda: operations.remove_counsel(current_user, person, application, counsel),
        done_url=_application_url(person, application, "#counsel"),
        message="The counsel was removed.",
    )


# ---------------------------------------------------------------- the prosecutor's position


@bp.route(APPLICATION + "/prosecutor", methods=["GET", "POST"])
def prosecutor(person_id: int, application_id: int):
    """What the prosecutor's office says about the application, who said it and when (an edit of the
    application: a save from an outdated version is refused and the typed values kept)."""
    person = access.get_person_or_404(person_id, need="edit")
    return editing.edit_view(
        load=lambda: access.get_relief_application_or_404(person, application_id),
        make_form=lambda application: _prosecutor_form(person, application),
        save=lambda application, form: operations.update_prosecutor(
            current_user, person, application, form.prosecutor_data(), form.version.data
        ),
        render=lambda application, form, conflict: render_template(
            "relief/prosecutor.html", form=form, person=person, application=application, conflict=conflict
        ),
        saved_url=lambda application: _application_url(person, application, "#prosecutor"),
        what="application",
        data=lambda form: form.prosecutor_data(),
        describe_conflict=lambda application, form, fields: pages.saved_prosecutor(application, form),
    )


def _prosecutor_form(person: Person, application: ReliefApplication) -> ProsecutorForm:
    form = ProsecutorForm(obj=application)
    form.prosecutor_contact_id.choices = choices.prosecutor_choices(person, application.prosecutor)
    return form


# ---------------------------------------------------------------- records of support


@bp.route(SUPPORT + "/new", methods=["GET", "POST"])
def new_support(person_id: int, application_id: int):
    """Attach a record of support: who gave it, when, what it says, and the document on file."""
    person, application = access.get_case_item_or_404(
        ReliefApplication, application_id, person_id, need="edit"
    )
    form = pages.support_form(person, SupportForm(version=0))
    if form.validate_on_submit():
        record = editing.submit(
            form, lambda: operations.add_support(current_user, person, application, form.support_data())
        )
        if record is not None:
            flash(gettext("The record of support was added."), "success")
            return redirect(_application_url(person, application, "#support"))
    elif request.method == "POST":
        flash(gettext("The record of support was not added: correct the fields marked below."), "error")
    return pages.support_page(person, application, form, None, None)


@bp.route(SUPPORT + "/<int:support_id>/edit", methods=["GET", "POST"])
def edit_support(person_id: int, application_id: int, support_id: int):
    """Change a record of support; a save from an outdated version is refused and the typed values kept."""
    load = loaders.ChildLoader(
        lambda: loaders.get_application_child_or_404(SupportRecord, support_id, application_id, person_id)
    )
    return editing.edit_view(
        load=load,
        make_form=lambda record: pages.support_form(load.person, SupportForm(obj=record), record),
        save=lambda record, form: operations.update_support(
            current_user, load.person, load.application, record, form.support_data(), form.version.data
        ),
        render=lambda record, form, conflict: pages.support_page(
            load.person, load.application, form, record, conflict
        ),
        saved_url=lambda record: _application_url(load.person, load.application, "#support"),
        what="record of support",
        data=lambda form: form.support_data(),
        describe_conflict=lambda record, form, fields: pages.saved_support(load.person, record, form),
    )


@bp.route(SUPPORT + "/<int:support_id>/delete", methods=["GET", "POST"])
def delete_support(person_id: int, application_id: int, support_id: int):
    """Confirm, then remove a record of support (its document stays on the case)."""
    person, application, record = loaders.get_application_child_or_404(
        SupportRecord, support_id, application_id, person_id
    )
    return editing.confirm_view(
        template="relief/confirm_fact.html",
        context={
            "person": person,
            "application": application,
            "title": "Remove this record of support?",
            "text": f"{record.kind.label} from {record.author}. A linked document stays on the case; the "
            "application's history keeps that the record existed.",
            "button": "Remove the record",
            "anchor": "#support",
        },
        act=lambda: operations.delete_support(current_user, person, application, record),
        done_url=_application_url(person, application, "#support"),
        message="The record of support was removed.",
    )

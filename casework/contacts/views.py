"""The contacts directory and contacts' roles on a case: load through access, validate, operate, redirect.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required

from casework import access, editing, unit_of_work
from casework.contacts import operations, queries, search
from casework.contacts.forms import ContactFilterForm, ContactForm, LinkContactForm, NewContactForm
from casework.errors import EditConflict, OperationError
from casework.forms import BaseForm, ConfirmForm, options
from casework.i18n import gettext
from casework.models import CaseContact, Person
from casework.paging import anchor_arg

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("contacts", __name__)

FILTER_KEYS = ("q", "kind")
SESSION_KEY = "contact_filters"
NOT_SAVED = "The contact was not saved: correct the fields marked below."


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _require_manager() -> None:
    if not access.can_manage_contacts(current_user):
        abort(403)


def _case_contacts_url(person: Person) -> str:
    return url_for("people.show", person_id=person.id) + "#contacts"


# ---------------------------------------------------------------- the directory


@bp.route("/contacts", methods=["GET", "POST"])
def index():
    """The organization's directory; the search is posted and kept in the server-side session."""
    filters = ContactFilterForm.checked_filters(session.get(SESSION_KEY), FILTER_KEYS)
    form = ContactFilterForm(data=filters) if request.method == "GET" else ContactFilterForm()
    if request.method == "POST":
        if "clear" in request.form:
            session.pop(SESSION_KEY, None)
            return redirect(url_for("contacts.index"))
        if form.validate():
            session[SESSION_KEY] = {key: (form[key].data or "") for key in FILTER_KEYS}
            return redirect(url_for("contacts.index"))
    page = search.page_of_contacts(
        current_user,
        filters,
        after=anchor_arg("after"),
        before=anchor_arg("before"),
        size=current_app.config.get("CONTACTS_PAGE_SIZE", 50),
    )
    return render_template(
        "contacts/index.html",
        page=page,
        form=form,
        filtered=any(filters.values()),
        can_manage=access.can_manage_contacts(current_user),
    )


@bp.route("/contacts/new", methods=["GET", "POST"])
def create():
    """Add an entry to the directory (admins and staff)."""
    _require_manager()
    form = ContactForm(version=0)
    if form.validate_on_submit():
        contact = operations.create_contact(current_user, current_user.org_id, form.contact_data())
        flash(gettext("The contact was added."), "success")
        return redirect(url_for("contacts.show", contact_id=contact.id))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("contacts/form.html", form=form, contact=None, conflict=None)


@bp.get("/contacts/<int:contact_id>")
def show(contact_id: int):
    """A contact, and its roles on the cases this user may open (and on no others)."""
    contact = access.get_contact_or_404(contact_id)
    return render_template(
        "contacts/show.html",
        contact=contact,
        roles=queries.roles_on_visible_cases(contact, current_user),
        can_manage=access.can_manage_contacts(current_user),
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int):
    """Edit an entry; a save based on an outdated version is refused and the typed values kept."""
    return editing.edit_view(
        load=lambda: access.get_contact_or_404(contact_id, need="manage"),
        make_form=lambda contact: ContactForm(obj=contact),
        save=lambda contact, form: operations.update_contact(
            current_user, contact, form.contact_data(), form.version.data
        ),
        render=lambda contact, form, conflict: render_template(
            "contacts/form.html", form=form, contact=contact, conflict=conflict
        ),
        saved_url=lambda contact: url_for("contacts.show", contact_id=contact.id),
        what="contact",
        data=lambda form: form.contact_data(),
    )


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
def delete(contact_id: int):
    """Confirm, then remove the entry; refused while the contact has roles on cases."""
    contact = access.get_contact_or_404(contact_id, need="manage")
    form = ConfirmForm()
    if not form.validate_on_submit():
        in_use = queries.usage(contact)
        return render_template("contacts/confirm_delete.html", contact=contact, form=form, in_use=in_use)
    try:
        if not editing.attempt(lambda: operations.delete_contact(current_user, contact)):
            return redirect(url_for("contacts.delete", contact_id=contact_id))  # it says why, again
    except EditConflict:
        unit_of_work.rollback()
        flash(
            gettext(
                "Someone else changed this contact meanwhile; it was NOT deleted. Look at it again first."
            ),
            "error",
        )
        return redirect(url_for("contacts.show", contact_id=contact_id))
    flash(gettext("The contact was deleted from the directory."), "success")
    return redirect(url_for("contacts.index"))


# ---------------------------------------------------------------- contacts on a case


def _linkable_choices(person: Person) -> list:
    contacts = queries.linkable_contacts(person)
    return options(
        [("", "— choose a contact —")]
        + [(c.id, f"{c.name} · {c.organization}" if c.organization else c.name) for c in contacts]
    )


def _role_refused(form: BaseForm, exc: OperationError) -> None:
    form["role"].errors.append(str(exc))


@bp.route("/people/<int:person_id>/contacts/link", methods=["GET", "POST"])
def link(person_id: int):
    """Give a contact of the case owner's directory a role on the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = LinkContactForm()
    form.contact_id.choices = _linkable_choices(person)
    if form.validate_on_submit():
        contact = queries.linkable_contact(person, form.contact_id.data)
        if contact is None:  # deleted between the page and the post
            form.contact_id.errors.append("Choose a contact from the directory.")
        elif editing.submit(
            form,
            lambda: operations.link(current_user, person, contact, form.role.data),
            on_refused=_role_refused,
        ):
            flash(gettext("The contact was added to the case."), "success")
            return redirect(_case_contacts_url(person))
    if request.method == "POST":
        flash(gettext("The contact was not added: correct the fields marked below."), "error")
    directory_empty = len(form.contact_id.choices) <= 1
    return render_template("contacts/link.html", form=form, person=person, directory_empty=directory_empty)


@bp.route("/people/<int:person_id>/contacts/new", methods=["GET", "POST"])
def create_for_case(person_id: int):
    """Create a contact in the case owner's directory and give it a role on the case, in one step."""
    person = access.get_person_or_404(person_id, need="edit")
    form = NewContactForm(version=0)
    if form.validate_on_submit():
        operations.create_and_link(current_user, person, form.contact_data(), form.role.data)
        flash(gettext("The contact was created and added to the case."), "success")
        return redirect(_case_contacts_url(person))
    if request.method == "POST":
        flash(NOT_SAVED, "error")
    return render_template("contacts/form.html", form=form, contact=None, conflict=None, person=person)


@bp.route("/people/<int:person_id>/contacts/<int:case_contact_id>/remove", methods=["GET", "POST"])
def unlink(person_id: int, case_contact_id: int):
    """Confirm, then take a contact's role off the case (the directory entry stays)."""
    person, case_contact = access.get_case_item_or_404(CaseContact, case_contact_id, person_id, need="edit")
    return editing.confirm_view(
        template="contacts/confirm_unlink.html",
        context={"person": person, "case_contact": case_contact},
        act=lambda: operations.unlink(current_user, person, case_contact),
        done_url=_case_contacts_url(person),
        message="The contact was removed from the case.",
    )

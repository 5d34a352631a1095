"""The contacts directory and contacts' roles on a case: load through access, validate, operate, commit."""

from __future__ import annotations

import sqlalchemy as sa
from flask import Blueprint, abort, current_app, flash, redirect, render_template, request, session, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.contacts import operations, search
from casework.contacts.forms import (
    ConfirmForm,
    ContactFilterForm,
    ContactForm,
    LinkContactForm,
    NewContactForm,
)
from casework.extensions import db
from casework.forms import options
from casework.models import CaseContact, Contact, Person
from casework.models.base import differing_fields
from casework.paging import anchor_arg

# Row ids are 32-bit integers: a longer number in an address is "not found", not a database overflow (500).
bp = Blueprint("contacts", __name__)

FILTER_KEYS = ("q", "kind")
SESSION_KEY = "contact_filters"


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _require_manager() -> None:
    if not access.can_manage_contacts(current_user):
        abort(403)


# ---------------------------------------------------------------- the directory


@bp.route("/contacts", methods=["GET", "POST"])
def index():
    """The organization's directory; the search is posted and kept in the server-side session."""
    filters = session.get(SESSION_KEY, {})
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
        db.session.commit()
        flash("The contact was added.", "success")
        return redirect(url_for("contacts.show", contact_id=contact.id))
    if request.method == "POST":
        flash("The contact was not saved: correct the fields marked below.", "error")
    return render_template("contacts/form.html", form=form, contact=None, conflict=None)


@bp.get("/contacts/<int:contact_id>")
def show(contact_id: int):
    """A contact, and its roles on the cases this user may open (and on no others)."""
    contact = access.get_contact_or_404(contact_id)
    roles = db.session.execute(
        sa.select(
            CaseContact.id,
            CaseContact.role,
            Person.id.label("person_id"),
            Person.legal_name,
            Person.preferred_name,
        )
        .join(Person, Person.id == CaseContact.person_id)
        .where(CaseContact.contact_id == contact.id, access.visible_people_filter(current_user))
        .order_by(Person.sort_name, Person.id, CaseContact.role)
    ).all()
    return render_template(
        "contacts/show.html",
        contact=contact,
        roles=roles,
        can_manage=access.can_manage_contacts(current_user),
    )


@bp.route("/contacts/<int:contact_id>/edit", methods=["GET", "POST"])
def edit(contact_id: int):
    """Edit an entry; a save based on an outdated version is refused and the typed values kept."""
    contact = access.get_contact_or_404(contact_id, need="manage")
    form = ContactForm(obj=contact)
    conflict = None
    if form.validate_on_submit():
        data = form.contact_data()
        try:
            changed = operations.update_contact(current_user, contact, data, form.version.data)
            db.session.commit()
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            contact = access.get_contact_or_404(contact_id, need="manage")
            fields = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
            conflict = {
                name: getattr(contact, name)
                for name in differing_fields(contact, {f: data[f] for f in fields})
            }
            form.version.data = contact.version  # saving again, after review, is the user's informed choice
            flash(
                "Someone else saved this contact while you were editing. Your changes were NOT saved: "
                "compare them with the saved values shown under each field, then save again.",
                "error",
            )
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return redirect(url_for("contacts.show", contact_id=contact.id))
    elif request.method == "POST":
        flash("The contact was not saved: correct the fields marked below.", "error")
    return render_template("contacts/form.html", form=form, contact=contact, conflict=conflict)


@bp.route("/contacts/<int:contact_id>/delete", methods=["GET", "POST"])
def delete(contact_id: int):
    """Confirm, then remove the entry; refused while the contact has roles on cases."""
    contact = access.get_contact_or_404(contact_id, need="manage")
    form = ConfirmForm()
    in_use = operations.usage(contact)
    if form.validate_on_submit():
        try:
            operations.delete_contact(current_user, contact)
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return redirect(url_for("contacts.delete", contact_id=contact_id))
        except StaleDataError:
            db.session.rollback()
            flash(
                "Someone else changed this contact meanwhile; it was NOT deleted. Look at it again first.",
                "error",
            )
            return redirect(url_for("contacts.show", contact_id=contact_id))
        flash("The contact was deleted from the directory.", "success")
        return redirect(url_for("contacts.index"))
    return render_template("contacts/confirm_delete.html", contact=contact, form=form, in_use=in_use)


# ---------------------------------------------------------------- contacts on a case


def _linkable_choices(person: Person) -> list:
    contacts = db.session.scalars(access.linkable_contacts(person).order_by(Contact.sort_name, Contact.id))
    return options(
        [("", "— choose a contact —")]
        + [(c.id, f"{c.name} · {c.organization}" if c.organization else c.name) for c in contacts]
    )


@bp.route("/people/<int:person_id>/contacts/link", methods=["GET", "POST"])
def link(person_id: int):
    """Give a contact of the case owner's directory a role on the case."""
    person = access.get_person_or_404(person_id, need="edit")
    form = LinkContactForm()
    form.contact_id.choices = _linkable_choices(person)
    if form.validate_on_submit():
        contact = db.session.scalar(
            access.linkable_contacts(person).where(Contact.id == form.contact_id.data)
        )
        if contact is None:  # deleted between the page and the post
            form.contact_id.errors.append("Choose a contact from the directory.")
        else:
            try:
                operations.link(current_user, person, contact, form.role.data)
                db.session.commit()
            except operations.OperationError as exc:
                db.session.rollback()
                form.role.errors.append(str(exc))
            except sa.exc.IntegrityError:  # the same role saved by someone else a moment ago
                db.session.rollback()
                form.role.errors.append("This contact already has that role on the case; type another role.")
            else:
                flash("The contact was added to the case.", "success")
                return redirect(url_for("people.show", person_id=person.id) + "#contacts")
    if request.method == "POST":
        flash("The contact was not added: correct the fields marked below.", "error")
    return render_template(
        "contacts/link.html", form=form, person=person, directory_empty=len(form.contact_id.choices) <= 1
    )


@bp.route("/people/<int:person_id>/contacts/new", methods=["GET", "POST"])
def create_for_case(person_id: int):
    """Create a contact in the case owner's directory and give it a role on the case, in one step."""
    person = access.get_person_or_404(person_id, need="edit")
    form = NewContactForm(version=0)
    if form.validate_on_submit():
        operations.create_and_link(current_user, person, form.contact_data(), form.role.data)
        db.session.commit()
        flash("The contact was created and added to the case.", "success")
        return redirect(url_for("people.show", person_id=person.id) + "#contacts")
    if request.method == "POST":
        flash("The contact was not saved: correct the fields marked below.", "error")
    return render_template("contacts/form.html", form=form, contact=None, conflict=None, person=person)


@bp.route("/people/<int:person_id>/contacts/<int:case_contact_id>/remove", methods=["GET", "POST"])
def unlink(person_id: int, case_contact_id: int):
    """Confirm, then take a contact's role off the case (the directory entry stays)."""
    person, case_contact = access.get_case_item_or_404(CaseContact, case_contact_id, person_id, need="edit")
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.unlink(current_user, person, case_contact)
        db.session.commit()
        flash("The contact was removed from the case.", "success")
        return redirect(url_for("people.show", person_id=person.id) + "#contacts")
    return render_template(
        "contacts/confirm_unlink.html", person=person, case_contact=case_contact, form=form
    )


# ---------------------------------------------------------------- the case page section

"""Administration of an organization: users, settings, audit trail, deleted cases."""

from __future__ import annotations

from datetime import UTC, datetime, time, timedelta

import sqlalchemy as sa
from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user
from sqlalchemy.orm.exc import StaleDataError

from casework import access, audit
from casework.accounts import operations as accounts
from casework.admin.forms import (
    AuditFilterForm,
    OrgSettingsForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from casework.extensions import db
from casework.forms import ConfirmForm, options
from casework.models import AuditEvent, Person, Role, User
from casework.models.base import apply_changes
from casework.paging import anchor_arg
from casework.people import operations as people_ops

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@access.role_required(Role.ADMIN)
def _admins_only():
    """Every page here is for the organization's admins."""


@bp.get("/users")
def users():
    """The organization's users."""
    rows = db.session.scalars(
        access.org_users(current_user).order_by(User.active.desc(), User.name, User.email)
    )
    return render_template("admin/users.html", users=rows.all())


@bp.route("/users/new", methods=["GET", "POST"])
def create_user():
    """Add a user to the organization."""
    form = UserCreateForm()
    if form.validate_on_submit():
        if accounts.email_taken(form.email.data):
            form.email.errors.append("Someone already signs in with this e-mail address; use another one.")
        else:
            try:
                accounts.create_user(
                    current_user,
                    current_user.organization,
                    email=form.email.data,
                    role=form.role.data,
                    password=form.password.data,
                    name=form.name.data or "",
                )
            except accounts.PasswordRejected as exc:
                form.password.errors.append(str(exc))
            else:
                db.session.commit()
                flash("The user was created.", "success")
                return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
def edit_user(user_id: int):
    """Change a user's name or role, or deactivate them (they are signed out at once)."""
    user = access.get_org_user_or_404(user_id)
    form = UserEditForm(obj=user)
    if form.validate_on_submit():
        data = {"name": form.name.data or "", "role": form.role.data, "active": form.active.data}
        losing_admin = (
            user.role == Role.ADMIN and user.active and (data["role"] != Role.ADMIN or not data["active"])
        )
        if form.version.data != user.version:
            flash("Someone else changed this user while you were editing; review and save again.", "error")
            form.version.data = user.version
        elif losing_admin and accounts.active_admins(user.org_id) <= 1:
            flash("The organization needs at least one active admin: make someone else admin first.", "error")
        else:
            try:
                accounts.update_user(current_user, user, data)
                db.session.commit()
            except StaleDataError:
                db.session.rollback()
                flash(
                    "Someone else changed this user while you were editing; review and save again.", "error"
                )
                return redirect(url_for("admin.edit_user", user_id=user_id))
            flash("Saved.", "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=user, reset_form=PasswordResetForm())


@bp.post("/users/<int:user_id>/password")
def reset_password(user_id: int):
    """Set a new password for a user; their sessions end."""
    user = access.get_org_user_or_404(user_id)
    form = PasswordResetForm()
    if form.validate_on_submit():
        try:
            accounts.set_password(current_user, user, form.password.data)
        except accounts.PasswordRejected as exc:
            flash(f"Password not changed: {exc}", "error")
        else:
            db.session.commit()
            flash("The password was changed and the user signed out everywhere.", "success")
    else:
        flash("Password not changed: type a new password.", "error")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Organization-wide settings."""
    org = current_user.organization
    form = OrgSettingsForm(obj=org)
    if form.validate_on_submit():
        changed = apply_changes(
            org,
            {
                "volunteers_see_a_number": form.volunteers_see_a_number.data,
                "volunteers_build_packets": form.volunteers_build_packets.data,
            },
        )
        if changed:
            audit.record(current_user, "organization.updated", org, fields=changed)
        db.session.commit()
        flash("Settings saved.", "success")
        return redirect(url_for("admin.settings"))
    return render_template("admin/settings.html", form=form, org=org)


@bp.get("/audit")
def audit_trail():
    """The organization's audit trail, newest first, filtered and paged by keyset."""
    form = AuditFilterForm(request.args)
    users = db.session.scalars(access.org_users(current_user).order_by(User.name, User.email)).all()
    form.user.choices = options([("", "Anyone")] + [(u.id, u.display_name) for u in users])
    actions = db.session.scalars(
        sa.select(AuditEvent.action)
        .where(AuditEvent.org_id == current_user.org_id)
        .distinct()
        .order_by(AuditEvent.action)
    ).all()
    form.action.choices = options([("", "Any action")] + [(a, a) for a in actions])
    query = sa.select(AuditEvent).where(AuditEvent.org_id == current_user.org_id)
    if form.validate():
        if form.user.data and form.user.data.isdigit():
            query = query.where(AuditEvent.actor_id == int(form.user.data))
        if form.person.data:
            query = query.where(AuditEvent.person_id == form.person.data)
        if form.action.data:
            query = query.where(AuditEvent.action == form.action.data)
        if form.start.data:
            query = query.where(AuditEvent.at >= datetime.combine(form.start.data, time.min, UTC))
        if form.end.data:
            query = query.where(
                AuditEvent.at < datetime.combine(form.end.data + timedelta(days=1), time.min, UTC)
            )
    before = anchor_arg("before")
    if before:
        query = query.where(AuditEvent.id < before)
    size = current_app.config["AUDIT_PAGE_SIZE"]
    rows = db.session.scalars(
        query.order_by(AuditEvent.id.desc()).limit(size + 1).options(sa.orm.joinedload(AuditEvent.actor))
    ).all()
    more = len(rows) > size
    rows = rows[:size]
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    next_url = url_for("admin.audit_trail", **args, before=rows[-1].id) if more else None
    return render_template(
        "admin/audit.html",
        form=form,
        events=rows,
        next_url=next_url,
        first_url=url_for("admin.audit_trail", **args) if before else None,
    )


@bp.get("/deleted")
def deleted_people():
    """Deleted cases of the organization, which an admin can restore."""
    rows = db.session.scalars(access.deleted_people(current_user).order_by(Person.deleted_at.desc())).all()
    return render_template("admin/deleted.html", people=rows, form=ConfirmForm())


@bp.post("/deleted/<int:person_id>/restore")
def restore_person(person_id: int):
    """Bring a deleted case back."""
    person = access.get_deleted_person_or_404(person_id)
    people_ops.restore_person(current_user, person)
    db.session.commit()
    flash("The case was restored.", "success")
    return redirect(url_for("people.show", person_id=person.id))

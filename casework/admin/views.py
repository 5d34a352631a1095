"""Administration of an organization: users, settings, audit trail, deleted cases.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import Blueprint, current_app, flash, redirect, render_template, request, url_for
from flask_login import current_user

from casework import access, editing
from casework.accounts import mfa, session_control
from casework.accounts import operations as accounts
from casework.accounts.reauth import fresh_proof_required
from casework.admin import operations, queries
from casework.admin.forms import (
    AuditFilterForm,
    OrgSettingsForm,
    PasswordResetForm,
    UserCreateForm,
    UserEditForm,
)
from casework.errors import OperationError
from casework.forms import ConfirmForm, options
from casework.i18n import gettext, ngettext
from casework.models import Role, User
from casework.paging import anchor_arg
from casework.people import operations as people_ops
from casework.sessions import current_token

bp = Blueprint("admin", __name__, url_prefix="/admin")


@bp.before_request
@access.role_required(Role.ADMIN)
def _admins_only():
    """Every page here is for the organization's admins."""


@bp.get("/users")
def users():
    """The organization's users."""
    return render_template("admin/users.html", users=queries.users_of_org(current_user))


def _new_user_refused(form: UserCreateForm, exc: OperationError) -> None:
    field = form.email if isinstance(exc, accounts.EmailTaken) else form.password
    field.errors.append(str(exc))


@bp.route("/users/new", methods=["GET", "POST"])
@fresh_proof_required
def create_user():
    """Add a user to the organization."""
    form = UserCreateForm()
    if form.validate_on_submit():
        created = editing.submit(
            form,
            lambda: accounts.add_user(
                current_user,
                current_user.organization,
                email=form.email.data,
                role=form.role.data,
                password=form.password.data,
                name=form.name.data or "",
            ),
            on_refused=_new_user_refused,
        )
        if created:
            flash(gettext("The user was created."), "success")
            return redirect(url_for("admin.users"))
    return render_template("admin/user_form.html", form=form, user=None)


def _user_form_page(user: User, form: UserEditForm, conflict: dict | None = None):
    return render_template(
        "admin/user_form.html",
        form=form,
        user=user,
        reset_form=PasswordResetForm(),
        conflict=conflict,
        has_second_factor=mfa.is_enrolled(user),
    )


def _save_user(user: User, form: UserEditForm) -> bool:
    accounts.update_user(current_user, user, form.record_data(), form.version.data)
    return True  # "Saved." even when nothing changed, as this page always said


@bp.route("/users/<int:user_id>", methods=["GET", "POST"])
@fresh_proof_required
def edit_user(user_id: int):
    """Change a user's name or role, or deactivate them (they are signed out at once)."""
    return editing.edit_view(
        load=lambda: access.get_org_user_or_404(user_id),
        make_form=lambda user: UserEditForm(obj=user),
        save=_save_user,
        render=_user_form_page,
        saved_url=lambda user: url_for("admin.users"),
        what="user",
        conflict_message="Someone else changed this user while you were editing; review and save again.",
        invalid_message="",  # the fields say what to correct
    )


@bp.post("/users/<int:user_id>/password")
@fresh_proof_required
def reset_password(user_id: int):
    """Set a new password for a user; their sessions end."""
    user = access.get_org_user_or_404(user_id)
    form = PasswordResetForm()
    if not form.validate_on_submit():
        flash(gettext("Password not changed: type a new password."), "error")
    elif editing.attempt(
        lambda: accounts.set_password(current_user, user, form.password.data),
        refused_prefix="Password not changed: ",
    ):
        flash(gettext("The password was changed and the user signed out everywhere."), "success")
    return redirect(url_for("admin.edit_user", user_id=user.id))


@bp.route("/users/<int:user_id>/mfa/reset", methods=["GET", "POST"])
@fresh_proof_required
def reset_second_factor(user_id: int):
    """Turn off a user's second factor (lost phone and codes), after a confirmation; audited, the user is
    told by e-mail."""
    user = access.get_org_user_or_404(user_id)
    form = ConfirmForm()
    if not mfa.is_enrolled(user):
        flash(gettext("This user has no second factor to reset."), "info")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    if form.validate_on_submit():
        mfa.remove_factor(current_user, user)
        flash(gettext("The second factor was reset; the user was told by e-mail."), "success")
        return redirect(url_for("admin.edit_user", user_id=user.id))
    return render_template("admin/reset_second_factor.html", form=form, user=user)


@bp.post("/users/<int:user_id>/sessions/end")
@fresh_proof_required
def end_sessions(user_id: int):
    """Sign a user out everywhere at once (a lost laptop, a departure); audited."""
    user = access.get_org_user_or_404(user_id)
    editing.require_confirmation()
    ended = session_control.end_all_sessions_of(current_user, user, current_token())
    flash(
        ngettext(
            "%(num)d session of %(email)s ended.",
            "%(num)d sessions of %(email)s ended.",
            ended,
            email=user.email,
        ),
        "success",
    )
    return redirect(url_for("admin.edit_user", user_id=user.id))


SETTINGS_CONFLICT = (
    "Another admin saved the settings while you were editing. Your changes were NOT saved: compare them "
    "with the saved values shown under each setting, then save again."
)


@bp.route("/settings", methods=["GET", "POST"])
def settings():
    """Organization-wide settings, edited from a known version like every other record."""
    return editing.edit_view(
        load=lambda: queries.organization_of(current_user),
        make_form=lambda org: OrgSettingsForm(obj=org),
        save=lambda org, form: operations.update_settings(
            current_user, org, form.record_data(), form.version.data
        ),
        render=lambda org, form, conflict: render_template(
            "admin/settings.html", form=form, org=org, conflict=conflict
        ),
        saved_url=lambda org: url_for("admin.settings"),
        what="settings",
        conflict_message=SETTINGS_CONFLICT,
        # ticks cannot be wrong: only the page's version or its security token can be missing
        invalid_message="The settings were not saved: reload the page and save them again.",
    )


def _audit_filter_form() -> AuditFilterForm:
    form = AuditFilterForm(request.args)
    users = queries.users_by_name(current_user)
    form.user.choices = options([("", "Anyone")] + [(u.id, u.display_name) for u in users])
    actions = queries.audit_actions(current_user.org_id)
    form.action.choices = options([("", "Any action")] + [(a, a) for a in actions])
    return form


@bp.get("/audit")
def audit_trail():
    """The organization's audit trail, newest first, filtered and paged by keyset."""
    form = _audit_filter_form()
    filters = form.filters() if form.validate() else queries.AuditFilters()
    before = anchor_arg("before")
    size = current_app.config["AUDIT_PAGE_SIZE"]
    events, more = queries.audit_page(current_user.org_id, filters, before=before, size=size)
    args = {k: v for k, v in request.args.items() if k != "before" and v}
    return render_template(
        "admin/audit.html",
        form=form,
        events=events,
        next_url=url_for("admin.audit_trail", **args, before=events[-1].id) if more else None,
        first_url=url_for("admin.audit_trail", **args) if before else None,
    )


@bp.get("/deleted")
def deleted_people():
    """Deleted cases of the organization, which an admin can restore."""
    return render_template(
        "admin/deleted.html", people=queries.deleted_cases(current_user), form=ConfirmForm()
    )


@bp.post("/deleted/<int:person_id>/restore")
def restore_person(person_id: int):
    """Bring a deleted case back."""
    person = access.get_deleted_person_or_404(person_id)
    people_ops.restore_person(current_user, person)
    flash(gettext("The case was restored."), "success")
    return redirect(url_for("people.show", person_id=person.id))

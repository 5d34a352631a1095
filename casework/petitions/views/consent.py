"""The person's consent to make some facts public: recording it, withdrawing it."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user

from casework import access, clock, editing
from casework.errors import OperationError
from casework.forms import ConfirmForm
from casework.i18n import gettext
from casework.models import PUBLIC_FIELDS
from casework.petitions import operations, queries
from casework.petitions.forms import ConsentForm
from casework.petitions.views import CASE, bp, to_case


def _consent_form(current) -> ConsentForm:
    form = ConsentForm()
    if request.method == "GET":
        form.given_on.data = clock.today()
        if current is not None:
            form.scope.data = current.fields
    return form


def _scope_refused(form: ConsentForm, exc: OperationError) -> None:
    form.scope.errors = [*form.scope.errors, str(exc)]


def _recorded_message(unpublished: int) -> str:
    message = "The consent was recorded."
    if unpublished:
        message += (
            f" {unpublished} published petition(s) showed facts the new consent does not cover "
            "and were unpublished."
        )
    return message


@bp.route(CASE + "/consent/new", methods=["GET", "POST"])
def record_consent(person_id: int):
    """Record the person's consent to make some facts public (supersedes the consent in force)."""
    person = access.get_person_or_404(person_id, need="manage")
    current = queries.current_consent(person)
    form = _consent_form(current)
    if form.validate_on_submit():
        recorded = editing.submit(
            form,
            lambda: operations.record_consent(current_user, person, form.consent_data()),
            on_refused=_scope_refused,
        )
        if recorded is not None:
            flash(_recorded_message(recorded[1]), "success")
            return to_case(person)
    if request.method == "POST":
        flash(gettext("The consent was not recorded: correct the fields marked below."), "error")
    return render_template("petitions/consent_form.html", form=form, person=person, current=current)


@bp.route(CASE + "/consent/<int:consent_id>/withdraw", methods=["GET", "POST"])
def withdraw_consent(person_id: int, consent_id: int):
    """Confirm, then withdraw the consent: every hosted petition of the person is unpublished at once."""
    person, consent = access.get_consent_or_404(consent_id, person_id)
    form = ConfirmForm()
    if form.validate_on_submit():
        taken_down = editing.submit(form, lambda: operations.withdraw_consent(current_user, person, consent))
        if taken_down is not None:
            flash(
                f"The consent was withdrawn. {taken_down} petition page(s) were taken down at once."
                if taken_down
                else "The consent was withdrawn. No petition page was public.",
                "success",
            )
        return to_case(person)
    return render_template(
        "petitions/confirm_withdraw.html",
        form=form,
        person=person,
        consent=consent,
        published=queries.published_count(person),
        field_labels=PUBLIC_FIELDS,
    )

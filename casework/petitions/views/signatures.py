"""A hosted petition's signatures: invalidating them in bulk, and the CSV of confirmed signatures."""

from __future__ import annotations

from flask import Response, abort, flash, render_template, request
from flask_login import current_user

from casework import access
from casework.accounts.reauth import fresh_proof_required
from casework.i18n import gettext
from casework.models import Person, PetitionKind
from casework.petitions import exports, operations, queries
from casework.petitions.signature_forms import InvalidateForm
from casework.petitions.views import PETITION, bp, require_kind, to_petition


def _criteria(form: InvalidateForm) -> queries.Criteria:
    return queries.Criteria(
        ip_range=getattr(form.ip_range, "parsed", None),
        email_domain=form.email_domain.data,
        created_from=form.created_from.data,
        created_to=form.created_to.data,
    )


@bp.route(PETITION + "/invalidate", methods=["GET", "POST"])
def invalidate(person_id: int, petition_id: int):
    """Invalidate signatures in bulk by client network, e-mail domain or time window: first the number that
    match, then a confirmation. Invalidated signatures are kept, never counted."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    require_kind(petition, PetitionKind.HOSTED)
    form = InvalidateForm()
    matched = None
    if form.validate_on_submit():
        criteria = _criteria(form)
        if request.form.get("confirmed") == "yes":
            total, counted = operations.invalidate_signatures(current_user, person, petition, criteria)
            flash(
                gettext(
                    "%(total)s signatures were invalidated; %(counted)s of them had been counted.",
                    total=f"{total:,}",
                    counted=f"{counted:,}",
                ),
                "success",
            )
            return to_petition(person, petition)
        matched = len(queries.matching_signatures(petition.id, criteria))
    elif request.method == "POST":
        flash(gettext("Nothing was invalidated: correct the fields marked below."), "error")
    return render_template(
        "petitions/invalidate.html", form=form, person=person, petition=petition, matched=matched
    )


def export_allowed(person: Person) -> None:
    """403 unless the user may take signers' data out of the application for this case."""
    if not access.can(current_user, "export", person):
        abort(403)


@bp.get(PETITION + "/signatures.csv")
@fresh_proof_required
def signatures_csv(person_id: int, petition_id: int):
    """The confirmed signatures for the decision maker (no e-mail addresses), cells safe from formulas."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    export_allowed(person)
    require_kind(petition, PetitionKind.HOSTED)
    text = exports.signatures_csv(petition)
    operations.record_export(current_user, person, petition, "signatures CSV")
    return Response(
        text,
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="petition-{petition.id}-signatures.csv"'},
    )

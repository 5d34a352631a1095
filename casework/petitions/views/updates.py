"""Updates e-mailed to the signers of a hosted petition who asked for them."""

from __future__ import annotations

from flask import flash, render_template, request
from flask_login import current_user

from casework import access
from casework.i18n import gettext, ngettext
from casework.models import PetitionKind
from casework.petitions import operations, queries
from casework.petitions.signature_forms import UpdateForm
from casework.petitions.views import PETITION, bp, require_kind, to_petition


@bp.route(PETITION + "/updates/new", methods=["GET", "POST"])
def send_update(person_id: int, petition_id: int):
    """Write to the signers who asked for updates: first a preview with the number of recipients, then send."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    require_kind(petition, PetitionKind.HOSTED)
    form = UpdateForm()
    recipients = None
    if form.validate_on_submit():
        if request.form.get("confirmed") == "yes":
            queued = operations.send_update(current_user, person, petition, form.subject.data, form.body.data)
            flash(
                ngettext(
                    "The update is queued for %(signers)s signer.",
                    "The update is queued for %(signers)s signers.",
                    queued,
                    signers=f"{queued:,}",
                ),
                "success",
            )
            return to_petition(person, petition)
        recipients = len(queries.update_recipients(petition.id))
    elif request.method == "POST":
        flash(gettext("Nothing was sent: correct the fields marked below."), "error")
    return render_template(
        "petitions/update.html",
        form=form,
        person=person,
        petition=petition,
        recipients=recipients,
        footer=operations.update_footer(petition),
    )

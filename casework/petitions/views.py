"""Petitions on the case page, for signed-in staff: the person's public consent, hosted petitions (publish,
unpublish, close, deliver) and petitions tracked on outside platforms (counts over time).

Signers' data never appears on these pages: only counts. Names are decrypted for the delivery files
(CSV and PDF), which need "manage" and "export", and are audited.
"""

from __future__ import annotations

import csv
import io
from datetime import date

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, redirect, render_template, request, url_for
from flask_login import current_user, login_required
from sqlalchemy.orm import selectinload
from sqlalchemy.orm.exc import StaleDataError

from casework import access
from casework.csv_safe import safe_cell
from casework.extensions import db
from casework.models import (
    PUBLIC_FIELDS,
    OutboxEmail,
    Person,
    Petition,
    PetitionCount,
    PetitionDelivery,
    PetitionKind,
    PetitionStatus,
    PublicConsent,
    Role,
)
from casework.petitions import chart, crypto, mail, operations, signing
from casework.petitions.forms import (
    ConfirmForm,
    ConsentForm,
    CountForm,
    DeliveryForm,
    ExternalPetitionForm,
    HostedPetitionForm,
    InvalidateForm,
    UpdateForm,
)

bp = Blueprint("petitions", __name__)

CASE = "/people/<int:person_id>/petitions"
PETITION = CASE + "/<int:petition_id>"
CONFLICT = (
    "Someone else saved this {what} while you were editing. Your changes were NOT saved: compare them "
    "with the saved values shown under each field, then save again."
)


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def _to_case(person: Person):
    return redirect(url_for("people.show", person_id=person.id) + "#petitions")


def _to_petition(person: Person, petition: Petition, anchor: str = ""):
    return redirect(url_for("petitions.show", person_id=person.id, petition_id=petition.id) + anchor)


def public_url(petition: Petition) -> str:
    """The public page's address (absolute, for sharing)."""
    from casework.petitions.public import absolute_url

    return absolute_url("public.petition", slug=petition.slug)


# ---------------------------------------------------------------- consent


@bp.route(CASE + "/consent/new", methods=["GET", "POST"])
def record_consent(person_id: int):
    """Record the person's consent to make some facts public (supersedes the consent in force)."""
    person = access.get_person_or_404(person_id, need="manage")
    current = operations.current_consent(person)
    form = ConsentForm()
    if request.method == "GET":
        form.given_on.data = date.today()
        if current is not None:
            form.scope.data = current.fields
    if form.validate_on_submit():
        try:
            _consent, unpublished = operations.record_consent(current_user, person, form.consent_data())
        except operations.OperationError as exc:
            db.session.rollback()
            form.scope.errors = [*form.scope.errors, str(exc)]
        else:
            db.session.commit()
            message = "The consent was recorded."
            if unpublished:
                message += (
                    f" {unpublished} published petition(s) showed facts the new consent does not cover "
                    "and were unpublished."
                )
            flash(message, "success")
            return _to_case(person)
    if request.method == "POST":
        flash("The consent was not recorded: correct the fields marked below.", "error")
    return render_template("petitions/consent_form.html", form=form, person=person, current=current)


@bp.route(CASE + "/consent/<int:consent_id>/withdraw", methods=["GET", "POST"])
def withdraw_consent(person_id: int, consent_id: int):
    """Confirm, then withdraw the consent: every hosted petition of the person is unpublished at once."""
    person, consent = access.get_consent_or_404(consent_id, person_id)
    form = ConfirmForm()
    published = db.session.scalar(
        sa.select(sa.func.count())
        .select_from(Petition)
        .where(
            Petition.person_id == person.id,
            Petition.kind == PetitionKind.HOSTED,
            Petition.status == PetitionStatus.ACTIVE,
        )
    )
    if form.validate_on_submit():
        try:
            taken_down = operations.withdraw_consent(current_user, person, consent)
        except operations.OperationError as exc:
            db.session.rollback()
            flash(str(exc), "error")
            return _to_case(person)
        db.session.commit()
        flash(
            f"The consent was withdrawn. {taken_down} petition page(s) were taken down at once."
            if taken_down
            else "The consent was withdrawn. No petition page was public.",
            "success",
        )
        return _to_case(person)
    return render_template(
        "petitions/confirm_withdraw.html",
        form=form,
        person=person,
        consent=consent,
        published=published,
        field_labels=PUBLIC_FIELDS,
    )


# ---------------------------------------------------------------- creating petitions


@bp.route(CASE + "/hosted/new", methods=["GET", "POST"])
def new_hosted(person_id: int):
    """Write a petition to host here; it stays a draft until published."""
    person = access.get_person_or_404(person_id, need="manage")
    form = HostedPetitionForm(version=0)
    if form.validate_on_submit():
        try:
            petition = operations.create_hosted(current_user, person, form.petition_data())
        except operations.OperationError as exc:
            db.session.rollback()
            target = form[exc.field] if exc.field and exc.field in form else form.title
            target.errors = [*target.errors, str(exc)]
        else:
            db.session.commit()
            flash("The petition was saved as a draft. Check it, then publish it.", "success")
            return _to_petition(person, petition)
    if request.method == "POST":
        flash("The petition was not saved: correct the fields marked below.", "error")
    return render_template(
        "petitions/hosted_form.html",
        form=form,
        person=person,
        petition=None,
        conflict=None,
        consent=operations.current_consent(person),
        field_labels=PUBLIC_FIELDS,
    )


@bp.route(CASE + "/external/new", methods=["GET", "POST"])
def new_external(person_id: int):
    """Track a petition that runs on an outside platform."""
    person = access.get_person_or_404(person_id, need="edit")
    form = ExternalPetitionForm(version=0)
    if form.validate_on_submit():
        petition = operations.create_external(current_user, person, form.petition_data())
        db.session.commit()
        flash("The petition is tracked: enter its counts as they grow.", "success")
        return _to_petition(person, petition)
    if request.method == "POST":
        flash("The petition was not saved: correct the fields marked below.", "error")
    return render_template(
        "petitions/external_form.html", form=form, person=person, petition=None, conflict=None
    )


# ---------------------------------------------------------------- the petition page


def _petition_page(person: Person, petition: Petition, count_form: CountForm | None = None):
    petition = db.session.scalar(
        sa.select(Petition)
        .where(Petition.id == petition.id)
        .options(selectinload(Petition.counts), selectinload(Petition.deliveries))
        .execution_options(populate_existing=True)
    )
    steward = access.can(current_user, "manage" if petition.kind == PetitionKind.HOSTED else "edit", person)
    context = {
        "person": person,
        "petition": petition,
        "steward": steward,
        "field_labels": PUBLIC_FIELDS,
        "confirm_form": ConfirmForm(),
        "can_edit": access.can(current_user, "edit", person),
    }
    if petition.kind == PetitionKind.HOSTED:
        context["states"] = {state.value: n for state, n in signing.count_by_state(petition.id).items()}
        context["chart"] = chart.count_chart(
            chart.cumulative(signing.confirmed_per_day(petition.id)), petition.goal, "confirmed signatures"
        )
        context["count"] = petition.signature_count
        context["public_url"] = public_url(petition) if petition.slug else None
        context["consent"] = (
            db.session.get(PublicConsent, petition.consent_id) if petition.consent_id else None
        )
        context["can_export"] = steward and access.can(current_user, "export", person)
    else:
        context["chart"] = chart.count_chart(
            [(c.counted_on, c.count) for c in petition.counts], petition.goal
        )
        context["count"] = petition.counts[-1].count if petition.counts else None
        context["count_form"] = count_form or (
            CountForm(formdata=None, data={"counted_on": date.today()}) if context["can_edit"] else None
        )
    context["percent"] = chart.percent(context["count"] or 0, petition.goal)
    return render_template("petitions/show.html", **context)


@bp.get(PETITION)
def show(person_id: int, petition_id: int):
    """A petition: status, count and chart, consent, deliveries; counts only, never a signer."""
    person, petition = access.get_petition_or_404(petition_id, person_id)
    signing.maybe_apply_retention()
    return _petition_page(person, petition)


@bp.route(PETITION + "/edit", methods=["GET", "POST"])
def edit(person_id: int, petition_id: int):
    """Edit the petition; a save from an outdated version is refused and the typed values kept."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
    hosted = petition.kind == PetitionKind.HOSTED
    form_class = HostedPetitionForm if hosted else ExternalPetitionForm
    form = form_class(obj=petition)
    if request.method == "GET" and hosted:
        form.public_fields.data = petition.field_list
    conflict = None
    if form.validate_on_submit():
        data = form.petition_data()
        try:
            changed = operations.update_petition(current_user, person, petition, data, form.version.data)
            db.session.commit()
        except operations.OperationError as exc:
            db.session.rollback()
            person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
            target = form[exc.field] if exc.field and exc.field in form else form.title
            target.errors = [*target.errors, str(exc)]
            flash("The petition was not saved: correct the fields marked below.", "error")
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
            names = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
            saved = {name: getattr(petition, name) for name in names}
            if "public_fields" in saved:
                saved["public_fields"] = (
                    ", ".join(PUBLIC_FIELDS.get(f, f) for f in petition.field_list) or "none"
                )
            conflict = {
                name: value
                for name, value in saved.items()
                if name == "public_fields" or value != data.get(name)
            }
            form.version.data = petition.version  # saving again, after review, is the user's informed choice
            flash(CONFLICT.format(what="petition"), "error")
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return _to_petition(person, petition)
    elif request.method == "POST":
        flash("The petition was not saved: correct the fields marked below.", "error")
    template = "petitions/hosted_form.html" if hosted else "petitions/external_form.html"
    return render_template(
        template,
        form=form,
        person=person,
        petition=petition,
        conflict=conflict,
        consent=operations.current_consent(person),
        field_labels=PUBLIC_FIELDS,
    )


# ---------------------------------------------------------------- publishing and the life of a petition


@bp.route(PETITION + "/publish", methods=["GET", "POST"])
def publish(person_id: int, petition_id: int):
    """Preview what will be public, then publish (needs the person's consent, covering every fact shown)."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    if petition.kind != PetitionKind.HOSTED:
        abort(404)
    form = ConfirmForm()
    consent = operations.current_consent(person)
    problem = None
    try:
        operations._check_scope(petition.field_list, consent)
    except operations.OperationError as exc:
        problem = str(exc)
    if petition.status not in (PetitionStatus.DRAFT, PetitionStatus.UNPUBLISHED):
        problem = (
            f"The petition is {petition.status.label.lower()}: only a draft or an unpublished petition "
            "can be published."
        )
    if form.validate_on_submit():
        try:
            operations.publish(current_user, person, petition)
        except operations.OperationError as exc:
            db.session.rollback()
            flash(f"The petition was not published. {exc}", "error")
            return _to_petition(person, petition)
        db.session.commit()
        flash("The petition is public.", "success")
        return _to_petition(person, petition)
    preview = operations.snapshot_for(person, petition.field_list)
    return render_template(
        "petitions/publish.html",
        form=form,
        person=person,
        petition=petition,
        consent=consent,
        problem=problem,
        preview=preview,
        field_labels=PUBLIC_FIELDS,
    )


@bp.route(PETITION + "/unpublish", methods=["GET", "POST"])
def unpublish(person_id: int, petition_id: int):
    """Confirm, then take the public page down at once (it answers 410 Gone)."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    form = ConfirmForm()
    if form.validate_on_submit():
        try:
            operations.unpublish(current_user, person, petition)
        except operations.OperationError as exc:
            db.session.rollback()
            flash(str(exc), "error")
        else:
            db.session.commit()
            flash("The public page was taken down.", "success")
        return _to_petition(person, petition)
    return render_template(
        "petitions/confirm.html",
        form=form,
        person=person,
        petition=petition,
        title="Take this petition off the public pages?",
        text="Its public page will answer “gone” at once, and the facts copied from the "
        "record are wiped. Signatures stay here; you can publish it again later.",
        button="Unpublish",
        danger=True,
    )


def _lifecycle(person_id: int, petition_id: int, act, done: str):
    person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
    if not ConfirmForm().validate_on_submit():
        abort(400)
    try:
        act(current_user, person, petition)
    except operations.OperationError as exc:
        db.session.rollback()
        flash(str(exc), "error")
    else:
        db.session.commit()
        flash(done, "success")
    return _to_petition(person, petition)


@bp.post(PETITION + "/close")
def close(person_id: int, petition_id: int):
    """Stop collecting signatures."""
    return _lifecycle(person_id, petition_id, operations.close, "The petition is closed.")


@bp.post(PETITION + "/archive")
def archive(person_id: int, petition_id: int):
    """File a finished petition away."""
    return _lifecycle(person_id, petition_id, operations.archive, "The petition is archived.")


@bp.route(PETITION + "/delete", methods=["GET", "POST"])
def delete(person_id: int, petition_id: int):
    """Confirm, then delete the petition with its signatures, counts and deliveries."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.delete_petition(current_user, person, petition)
        db.session.commit()
        flash("The petition was deleted.", "success")
        return _to_case(person)
    signatures = signing.count_by_state(petition.id) if petition.kind == PetitionKind.HOSTED else None
    total = sum(signatures.values()) if signatures else 0
    return render_template(
        "petitions/confirm.html",
        form=form,
        person=person,
        petition=petition,
        title="Delete this petition?",
        text=("Its public page, its " + f"{total:,} signatures, " if total else "Its ")
        + "counts and delivery log are deleted with it and cannot be restored. The audit "
        "trail keeps only that it existed. To keep the record, archive it instead.",
        button="Delete the petition",
        danger=True,
    )


# ---------------------------------------------------------------- counts of outside petitions


@bp.post(PETITION + "/counts")
def add_count(person_id: int, petition_id: int):
    """Enter the count an outside platform shows."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="edit")
    if petition.kind != PetitionKind.EXTERNAL:
        abort(404)
    form = CountForm()
    if form.validate_on_submit():
        operations.add_count(current_user, person, petition, form.count_data())
        db.session.commit()
        flash("The count was added.", "success")
        return _to_petition(person, petition, "#counts")
    flash("The count was not added: correct the fields marked below.", "error")
    return _petition_page(person, petition, count_form=form)


@bp.route(PETITION + "/counts/<int:count_id>/delete", methods=["GET", "POST"])
def delete_count(person_id: int, petition_id: int, count_id: int):
    """Confirm, then remove a count entered by mistake."""
    person, petition, entry = access.get_petition_child_or_404(
        PetitionCount, count_id, petition_id, person_id, need="edit"
    )
    form = ConfirmForm()
    if form.validate_on_submit():
        operations.delete_count(current_user, person, petition, entry)
        db.session.commit()
        flash("The count was removed.", "success")
        return _to_petition(person, petition, "#counts")
    return render_template(
        "petitions/confirm.html",
        form=form,
        person=person,
        petition=petition,
        title="Remove this count?",
        text=f"{entry.count:,} signatures on {entry.counted_on.isoformat()}.",
        button="Remove the count",
        danger=True,
    )


# ---------------------------------------------------------------- signatures: bulk invalidation and delivery


@bp.route(PETITION + "/invalidate", methods=["GET", "POST"])
def invalidate(person_id: int, petition_id: int):
    """Invalidate signatures in bulk by client network, e-mail domain or time window: first the number that
    match, then a confirmation. Invalidated signatures are kept, never counted."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    if petition.kind != PetitionKind.HOSTED:
        abort(404)
    form = InvalidateForm()
    matched = None
    if form.validate_on_submit():
        criteria = signing.Criteria(
            ip_range=getattr(form.ip_range, "parsed", None),
            email_domain=form.email_domain.data,
            created_from=form.created_from.data,
            created_to=form.created_to.data,
        )
        if request.form.get("confirmed") == "yes":
            total, counted = operations.invalidate_signatures(current_user, person, petition, criteria)
            db.session.commit()
            flash(f"{total:,} signatures were invalidated; {counted:,} of them had been counted.", "success")
            return _to_petition(person, petition)
        matched = len(signing.matching_signatures(petition.id, criteria))
    elif request.method == "POST":
        flash("Nothing was invalidated: correct the fields marked below.", "error")
    return render_template(
        "petitions/invalidate.html", form=form, person=person, petition=petition, matched=matched
    )


@bp.route(PETITION + "/updates/new", methods=["GET", "POST"])
def send_update(person_id: int, petition_id: int):
    """Write to the signers who asked for updates: first a preview with the number of recipients, then send."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    if petition.kind != PetitionKind.HOSTED:
        abort(404)
    form = UpdateForm()
    recipients = None
    if form.validate_on_submit():
        if request.form.get("confirmed") == "yes":
            queued = operations.send_update(current_user, person, petition, form.subject.data, form.body.data)
            db.session.commit()
            flash(f"The update is queued for {queued:,} signer(s).", "success")
            return _to_petition(person, petition)
        recipients = len(signing.update_recipients(petition.id))
    elif request.method == "POST":
        flash("Nothing was sent: correct the fields marked below.", "error")
    return render_template(
        "petitions/update.html",
        form=form,
        person=person,
        petition=petition,
        recipients=recipients,
        footer=operations.UPDATE_FOOTER.format(title=petition.title),
    )


def _export_allowed(person: Person) -> None:
    if not access.can(current_user, "export", person):
        abort(403)


@bp.get(PETITION + "/signatures.csv")
def signatures_csv(person_id: int, petition_id: int):
    """The confirmed signatures for the decision maker (no e-mail addresses), cells safe from formulas."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    _export_allowed(person)
    if petition.kind != PetitionKind.HOSTED:
        abort(404)
    rows = operations.delivery_rows(petition)
    operations.record_export(current_user, person, petition, "signatures CSV")
    db.session.commit()
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(["Number", "Name", "ZIP code", "Confirmed on", "Comment"])
    for row in rows:
        writer.writerow(
            [
                row.number,
                safe_cell(row.name),
                safe_cell(row.zip_code),
                row.confirmed_on.isoformat() if row.confirmed_on else "",
                safe_cell(row.comment),
            ]
        )
    return Response(
        out.getvalue(),
        mimetype="text/csv",
        headers={"Content-Disposition": f'attachment; filename="petition-{petition.id}-signatures.csv"'},
    )


@bp.get(PETITION + "/delivery.pdf")
def delivery_pdf(person_id: int, petition_id: int):
    """The delivery document: a cover page (text and its SHA-256, targets, count, dates), then the signatures."""
    from casework.pdf import RenderFailed, render_template_pdf

    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    _export_allowed(person)
    if petition.kind != PetitionKind.HOSTED:
        abort(404)
    if petition.status in (PetitionStatus.DRAFT, PetitionStatus.UNPUBLISHED):
        flash(
            "A draft or unpublished petition cannot be delivered: publish it (with the person's consent) first.",
            "error",
        )
        return _to_petition(person, petition)
    rows = operations.delivery_rows(petition)
    dates = [r.confirmed_on for r in rows if r.confirmed_on]
    try:
        rendered = render_template_pdf(
            "pdf/petition_delivery.html",
            petition=petition,
            rows=rows,
            text=operations.petition_text(petition),
            sha256=operations.petition_text_sha256(petition),
            first=min(dates) if dates else None,
            last=max(dates) if dates else None,
            today=date.today(),
        )
    except RenderFailed as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return _to_petition(person, petition)
    operations.record_export(current_user, person, petition, "delivery PDF")
    db.session.commit()
    return Response(
        rendered.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="petition-{petition.id}-delivery.pdf"'},
    )


def _delivery_form_page(person, petition, form, delivery=None, conflict=None):
    return render_template(
        "petitions/delivery_form.html",
        form=form,
        person=person,
        petition=petition,
        delivery=delivery,
        conflict=conflict,
    )


@bp.route(PETITION + "/deliveries/new", methods=["GET", "POST"])
def new_delivery(person_id: int, petition_id: int):
    """Log a delivery to a decision maker (the count and the text's SHA-256 are recorded with it)."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
    form = DeliveryForm(version=0)
    if request.method == "GET":
        form.delivered_on.data = date.today()
        form.delivered_to.data = "; ".join(petition.target_list)[:300] or None
    if form.validate_on_submit():
        operations.record_delivery(current_user, person, petition, form.delivery_data())
        db.session.commit()
        flash("The delivery was logged.", "success")
        return _to_petition(person, petition, "#deliveries")
    if request.method == "POST":
        flash("The delivery was not logged: correct the fields marked below.", "error")
    return _delivery_form_page(person, petition, form)


@bp.route(PETITION + "/deliveries/<int:delivery_id>/edit", methods=["GET", "POST"])
def edit_delivery(person_id: int, petition_id: int, delivery_id: int):
    """Record the response and outcome of a delivery."""
    person, petition, delivery = access.get_petition_child_or_404(
        PetitionDelivery, delivery_id, petition_id, person_id, need="steward"
    )
    form = DeliveryForm(obj=delivery)
    conflict = None
    if form.validate_on_submit():
        data = form.delivery_data()
        try:
            changed = operations.update_delivery(
                current_user, person, petition, delivery, data, form.version.data
            )
            db.session.commit()
        except (operations.EditConflict, StaleDataError) as exc:
            db.session.rollback()
            person, petition, delivery = access.get_petition_child_or_404(
                PetitionDelivery, delivery_id, petition_id, person_id, need="steward"
            )
            names = exc.fields if isinstance(exc, operations.EditConflict) else list(data)
            conflict = {n: getattr(delivery, n) for n in names if getattr(delivery, n) != data.get(n)}
            form.version.data = delivery.version
            flash(CONFLICT.format(what="delivery"), "error")
        else:
            flash("Saved." if changed else "Nothing was changed.", "success")
            return _to_petition(person, petition, "#deliveries")
    elif request.method == "POST":
        flash("The delivery was not saved: correct the fields marked below.", "error")
    return _delivery_form_page(person, petition, form, delivery, conflict)


# ---------------------------------------------------------------- the outbox (development)


@bp.get("/admin/outbox")
@access.role_required(Role.ADMIN)
def outbox():
    """The organization's outgoing e-mail, readable by admins in development and tests (OUTBOX_VISIBLE)."""
    if not mail.outbox_visible():
        abort(404)
    rows = db.session.scalars(
        access.visible_outbox(current_user)
        .order_by(OutboxEmail.created_at.desc(), OutboxEmail.id.desc())
        .limit(100)
    ).all()
    emails = [(row, crypto.decrypt(row.to_ct)) for row in rows]
    return render_template("petitions/outbox.html", emails=emails)


# ---------------------------------------------------------------- the case page section

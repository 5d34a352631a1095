"""A petition's page, and what every petition can go through: edit, close, archive, delete."""

from __future__ import annotations

from typing import Any

from flask import flash, render_template, request
from flask_login import current_user

from casework import access, clock, editing
from casework.errors import OperationError
from casework.forms import ConfirmForm
from casework.i18n import gettext
from casework.models import PUBLIC_FIELDS, Person, Petition, PetitionKind
from casework.petitions import chart, operations, queries
from casework.petitions.forms import CountForm, ExternalPetitionForm, HostedPetitionForm
from casework.petitions.views import PETITION, Loader, bp, case_url, petition_url, to_petition
from casework.urls import absolute_url


def public_url(petition: Petition) -> str:
    """The public page's address (absolute, for sharing)."""
    return absolute_url("public.petition", slug=petition.slug)


def _hosted_context(person: Person, petition: Petition, steward: bool) -> dict:
    """Counts by state and the chart of confirmed signatures, the public address, the consent."""
    per_day = queries.confirmed_per_day(petition.id)
    return {
        "states": {state.value: n for state, n in queries.count_by_state(petition.id).items()},
        "chart": chart.count_chart(chart.cumulative(per_day), petition.goal, "confirmed signatures"),
        "count": petition.signature_count,
        "public_url": public_url(petition) if petition.slug else None,
        "consent": queries.consent_of(petition),
        "can_export": steward and access.can(current_user, "export", person),
    }


def _external_context(petition: Petition, can_edit: bool, count_form: CountForm | None) -> dict:
    """The counts entered by hand, their chart, and the form to enter the next one."""
    if count_form is None and can_edit:
        count_form = CountForm(formdata=None, data={"counted_on": clock.today()})
    return {
        "chart": chart.count_chart([(c.counted_on, c.count) for c in petition.counts], petition.goal),
        "count": petition.counts[-1].count if petition.counts else None,
        "count_form": count_form,
    }


def petition_page(person: Person, petition: Petition, count_form: CountForm | None = None):
    """The petition's page: status, count and chart, consent, deliveries; counts only, never a signer."""
    petition = queries.with_history(petition)
    hosted = petition.kind == PetitionKind.HOSTED
    steward = access.can(current_user, "manage" if hosted else "edit", person)
    can_edit = access.can(current_user, "edit", person)
    context: dict[str, Any] = {
        "person": person,
        "petition": petition,
        "steward": steward,
        "field_labels": PUBLIC_FIELDS,
        "confirm_form": ConfirmForm(),
        "can_edit": can_edit,
    }
    if hosted:
        context.update(_hosted_context(person, petition, steward))
    else:
        context.update(_external_context(petition, can_edit, count_form))
    context["percent"] = chart.percent(context["count"] or 0, petition.goal)
    return render_template("petitions/show.html", **context)


@bp.get(PETITION)
def show(person_id: int, petition_id: int):
    """A petition: status, count and chart, consent, deliveries; counts only, never a signer."""
    person, petition = access.get_petition_or_404(petition_id, person_id)
    return petition_page(person, petition)


# ---------------------------------------------------------------- editing


def _petition_form(petition: Petition) -> HostedPetitionForm | ExternalPetitionForm:
    if petition.kind != PetitionKind.HOSTED:
        return ExternalPetitionForm(obj=petition)
    form = HostedPetitionForm(obj=petition)
    if request.method == "GET":
        form.public_fields.data = petition.field_list
    return form


def petition_form_page(person: Person, petition: Petition | None, form, conflict: dict | None = None):
    """The form of a hosted or tracked petition (new when `petition` is None)."""
    hosted = isinstance(form, HostedPetitionForm)
    return render_template(
        "petitions/hosted_form.html" if hosted else "petitions/external_form.html",
        form=form,
        person=person,
        petition=petition,
        conflict=conflict,
        consent=queries.current_consent(person) if hosted else None,
        field_labels=PUBLIC_FIELDS,
    )


def field_refused(form, exc: OperationError) -> None:
    """Show a refusal beside the field it is about (the title when it names none), and say nothing was saved."""
    field = getattr(exc, "field", None)
    target = form[field] if field and field in form else form.title
    target.errors = [*target.errors, str(exc)]
    flash(gettext("The petition was not saved: correct the fields marked below."), "error")


def _saved_values(petition: Petition, form, fields: list[str]) -> dict:
    """What is saved now, for the conflict shown under each field (the public facts as their labels)."""
    data = form.petition_data()
    saved = {name: getattr(petition, name) for name in fields}
    if "public_fields" in saved:
        saved["public_fields"] = ", ".join(PUBLIC_FIELDS.get(f, f) for f in petition.field_list) or "none"
    return {
        name: value for name, value in saved.items() if name == "public_fields" or value != data.get(name)
    }


@bp.route(PETITION + "/edit", methods=["GET", "POST"])
def edit(person_id: int, petition_id: int):
    """Edit the petition; a save from an outdated version is refused and the typed values kept."""
    load: Loader[Petition] = Loader(
        lambda: access.get_petition_or_404(petition_id, person_id, need="steward")
    )
    return editing.edit_view(
        load=load,
        make_form=_petition_form,
        save=lambda petition, form: operations.update_petition(
            current_user, load.person, petition, form.petition_data(), form.version.data
        ),
        render=lambda petition, form, conflict: petition_form_page(load.person, petition, form, conflict),
        saved_url=lambda petition: petition_url(load.person, petition),
        what="petition",
        describe_conflict=_saved_values,
        on_refused=field_refused,
    )


# ---------------------------------------------------------------- the life of a petition


def _lifecycle(person_id: int, petition_id: int, act, done: str):
    person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
    editing.require_confirmation()
    if editing.attempt(lambda: act(current_user, person, petition)):
        flash(done, "success")
    return to_petition(person, petition)


@bp.post(PETITION + "/close")
def close(person_id: int, petition_id: int):
    """Stop collecting signatures."""
    return _lifecycle(person_id, petition_id, operations.close, "The petition is closed.")


@bp.post(PETITION + "/archive")
def archive(person_id: int, petition_id: int):
    """File a finished petition away."""
    return _lifecycle(person_id, petition_id, operations.archive, "The petition is archived.")


def _deletion_text(petition: Petition) -> str:
    signatures = queries.count_by_state(petition.id) if petition.kind == PetitionKind.HOSTED else None
    total = sum(signatures.values()) if signatures else 0
    return (
        ("Its public page, its " + f"{total:,} signatures, " if total else "Its ")
        + "counts and delivery log are deleted with it and cannot be restored. The audit "
        "trail keeps only that it existed. To keep the record, archive it instead."
    )


@bp.route(PETITION + "/delete", methods=["GET", "POST"])
def delete(person_id: int, petition_id: int):
    """Confirm, then delete the petition with its signatures, counts and deliveries."""
    person, petition = access.get_petition_or_404(petition_id, person_id, need="manage")
    return editing.confirm_view(
        template="petitions/confirm.html",
        context={
            "person": person,
            "petition": petition,
            "title": "Delete this petition?",
            "text": _deletion_text(petition),
            "button": "Delete the petition",
            "danger": True,
        },
        act=lambda: operations.delete_petition(current_user, person, petition),
        done_url=case_url(person),
        message="The petition was deleted.",
    )

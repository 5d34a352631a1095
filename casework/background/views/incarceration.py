"""Times in jail or prison: add, edit (with conflict detection) and delete (after a confirmation), from the
case page; an incarceration may point at one of the case's own convictions only."""

from __future__ import annotations

from flask_login import current_user

from casework import access
from casework.background import operations, queries
from casework.background.forms import IncarcerationForm
from casework.background.views import bp
from casework.background.views.flows import add_view, delete_view, edit_view
from casework.forms import options
from casework.models import Incarceration, Person

INCARCERATION = "incarceration"


def incarceration_form(person: Person, item: Incarceration | None = None) -> IncarcerationForm:
    """The incarceration form, offering only this case's convictions."""
    form = IncarcerationForm(obj=item) if item is not None else IncarcerationForm(version=0)
    form.conviction_id.choices = options(
        [("", "None or not known")]
        + [(c.id, queries.conviction_label(c)) for c in queries.convictions_of(person)]
    )
    return form


@bp.route("/incarceration/new", methods=["GET", "POST"])
def add_incarceration(person_id: int):
    """Record a time in jail or prison."""
    person = access.get_person_or_404(person_id, need="edit")
    return add_view(
        person=person,
        form=incarceration_form(person),
        act=lambda form: operations.add_incarceration(current_user, person, form.record_data()),
        template="background/incarceration_form.html",
        anchor=INCARCERATION,
        added="The time in custody was added.",
        refused_field="conviction_id",
    )


@bp.route("/incarceration/<int:incarceration_id>/edit", methods=["GET", "POST"])
def edit_incarceration(person_id: int, incarceration_id: int):
    """Edit a time in jail or prison; a save from an outdated version is refused and what was typed kept."""
    return edit_view(
        load=lambda: access.get_case_item_or_404(Incarceration, incarceration_id, person_id, need="edit"),
        make_form=lambda loaded: incarceration_form(loaded.person, loaded.item),
        save=lambda loaded, form: operations.update_incarceration(
            current_user, loaded.person, loaded.item, form.record_data(), form["version"].data
        ),
        template="background/incarceration_form.html",
        anchor=INCARCERATION,
    )


@bp.route("/incarceration/<int:incarceration_id>/delete", methods=["GET", "POST"])
def delete_incarceration(person_id: int, incarceration_id: int):
    """Confirm, then delete a time in jail or prison."""
    loaded = access.get_case_item_or_404(Incarceration, incarceration_id, person_id, need="edit")
    item = queries.dated(loaded.item)
    return delete_view(
        loaded=loaded,
        act=lambda: operations.delete_incarceration(current_user, loaded.person, loaded.item),
        anchor=INCARCERATION,
        title="Delete this time in custody?",
        what=", ".join(filter(None, [loaded.item.facility or "Facility not recorded", item.span])),
        button="Delete the time in custody",
        done="The time in custody was deleted.",
    )

"""Related people: link another case of the organization (shown on both cases), or record a relative who is
not a case by name; edit how they are related; remove a link after a confirmation."""

from __future__ import annotations

from flask_login import current_user

from casework import access, editing
from casework.access import CaseItem
from casework.background import operations, queries
from casework.background.forms import RelationEditForm, RelationLinkForm, RelativeForm
from casework.background.views import bp
from casework.background.views.flows import add_view, delete_view, edit_view
from casework.forms import BaseForm, options
from casework.models import Person

ANCHOR = "related-people"
RELATIVE, OTHER_CASE = "The relative", "The other case"


def _read_from(form: BaseForm, person: Person, other: str) -> BaseForm:
    """Word the kind from this case ("Sovann Pich is Dara Keo's …"), and what a linked case will read."""
    name = person.legal_name
    form["kind"].label.text = f"{other} is {name}’s"
    them = other[0].lower() + other[1:] if other in (RELATIVE, OTHER_CASE) else other
    form["kind"].description = f"Read from {name}: choose “Parent” when {them} is {name}’s parent." + (
        "" if other == RELATIVE else " The other case then shows the same link read from its side (a child)."
    )
    return form


def link_form(person: Person) -> RelationLinkForm:
    """The link form, offering the cases the user may link to this one."""
    form = RelationLinkForm(version=0)
    form.related_person_id.choices = options(
        [("", "— choose a case —")]
        + [(p.id, p.legal_name) for p in queries.linkable_cases(current_user, person)]
    )
    _read_from(form, person, OTHER_CASE)
    return form


def relation_form(loaded: CaseItem) -> BaseForm:
    """The edit form of a relation: how a linked case is related, as seen from this case; a relative's name."""
    person, relation = loaded
    if relation.related_person_id is None:
        return _read_from(RelativeForm(obj=relation), person, RELATIVE)
    kind, other_id = queries.seen_from(relation, person.id)
    other = queries.case_of(other_id) if other_id is not None else None
    form = RelationEditForm(data={"kind": kind, "notes": relation.notes, "version": relation.version})
    return _read_from(form, person, other.legal_name if other else OTHER_CASE)


def _described(loaded: CaseItem, form: BaseForm, fields: list[str]) -> dict:
    """The saved values that differ from what was typed, the kind read from this case."""
    person, relation = loaded
    typed = form.record_data()
    typed_kind = typed.pop("kind")
    values = editing.conflict_values(relation, typed, [f for f in fields if f != "kind"])
    kind, _other = queries.seen_from(relation, person.id)
    if kind != typed_kind:
        values["kind"] = kind
    return values


def _other_case(loaded: CaseItem) -> dict:
    """The linked case, for the edit page (None for a relative who is not a case)."""
    _kind, other_id = queries.seen_from(loaded.item, loaded.person.id)
    return {"other": queries.case_of(other_id) if other_id is not None else None}


@bp.route("/relations/link", methods=["GET", "POST"])
def link(person_id: int):
    """Link another case of the organization; the link shows on both cases."""
    person = access.get_person_or_404(person_id, need="edit")
    return add_view(
        person=person,
        form=link_form(person),
        act=lambda form: operations.link_cases(
            current_user,
            person,
            access.get_linkable_case_or_404(person, form.related_person_id.data),
            form.kind.data,
            form.notes.data,
        ),
        template="background/relation_form.html",
        anchor=ANCHOR,
        added="The cases were linked: the link shows on both.",
        refused_field="related_person_id",
    )


@bp.route("/relations/new", methods=["GET", "POST"])
def add_relative(person_id: int):
    """Record a relative or co-defendant who is not a case, by name."""
    person = access.get_person_or_404(person_id, need="edit")
    return add_view(
        person=person,
        form=_read_from(RelativeForm(version=0), person, RELATIVE),
        act=lambda form: operations.add_relative(current_user, person, form.record_data()),
        template="background/relation_form.html",
        anchor=ANCHOR,
        added="The relative was added.",
    )


@bp.route("/relations/<int:relation_id>/edit", methods=["GET", "POST"])
def edit_relation(person_id: int, relation_id: int):
    """Edit a relation from either of its cases; a save from an outdated version is refused."""
    return edit_view(
        load=lambda: access.get_relation_or_404(relation_id, person_id, need="edit"),
        make_form=relation_form,
        save=lambda loaded, form: operations.update_relation(
            current_user, loaded.person, loaded.item, form.record_data(), form["version"].data
        ),
        template="background/relation_form.html",
        anchor=ANCHOR,
        describe_conflict=_described,
        context=_other_case,
    )


@bp.route("/relations/<int:relation_id>/delete", methods=["GET", "POST"])
def delete_relation(person_id: int, relation_id: int):
    """Confirm, then remove a relation (a link disappears from both cases)."""
    loaded = access.get_relation_or_404(relation_id, person_id, need="edit")
    person, relation = loaded
    kind, other_id = queries.seen_from(relation, person.id)
    other = queries.case_of(other_id) if other_id is not None else None
    return delete_view(
        loaded=loaded,
        act=lambda: operations.delete_relation(current_user, person, relation),
        anchor=ANCHOR,
        title="Remove this link between two cases?" if other else "Remove this relative?",
        what=f"{other.legal_name if other else relation.related_name} ({kind.label.lower()})",
        consequence="The link disappears from both cases; the cases themselves stay." if other else "",
        done="The link was removed from both cases." if other else "The relative was removed.",
        button="Remove the link" if other else "Remove the relative",
    )

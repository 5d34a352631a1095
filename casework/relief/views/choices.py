"""The choices the relief forms offer: people of the case's organization, attorneys, convictions,
templates and anchors, each labelled as the user reads it."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import SelectChoice

from casework.forms import options
from casework.models import Conviction, Person, ReliefApplication, ReliefTemplate, ReliefTemplateStep, User
from casework.relief import queries
from casework.relief.forms import TEMPLATE_BEST_MATCH, TEMPLATE_NONE
from casework.relief.forms.templates import EVENT_ANCHORS


def user_choices(person: Person, keep: User | None = None, blank: str = "— nobody —") -> list[SelectChoice]:
    """Active users of the case's organization; `keep` stays selectable even when deactivated."""
    users = queries.case_org_users(person)
    pairs = [("", blank)] + [(u.id, u.display_name) for u in users]
    if keep is not None and keep.id not in {u.id for u in users}:
        # a deactivated lead or assignee stays selectable, so that saving other changes does not drop them
        pairs.append((keep.id, f"{keep.display_name} (deactivated)"))
    return options(pairs)


def attorney_choices(person: Person) -> list[SelectChoice]:
    """The attorneys of the organization's directory, with their firm and kind."""
    contacts = queries.attorney_contacts(person)
    return options(
        [("", "— none —")]
        + [(c.id, ", ".join(filter(None, [c.name, c.organization])) + f" ({c.kind.label})") for c in contacts]
    )


def conviction_label(conviction: Conviction) -> str:
    """'Robbery, second degree — MA, Suffolk, 1999 (docket 99-1234)'."""
    where = ", ".join(filter(None, [conviction.state, conviction.county]))
    year = conviction.conviction_date.year if conviction.conviction_date else None
    place = " ".join(filter(None, [where + ("," if where and year else ""), str(year) if year else None]))
    text = conviction.offense + (f" — {place}" if place else "")
    return text + (f" (docket {conviction.docket_number})" if conviction.docket_number else "")


def fill_application_choices(form, person: Person, application: ReliefApplication | None = None) -> None:
    """The lead, attorney and conviction choices of an application form."""
    form.lead_id.choices = user_choices(person, keep=application.lead if application else None)
    form.attorney_contact_id.choices = attorney_choices(person)
    form.convictions.choices = options(
        (c.id, conviction_label(c)) for c in queries.person_convictions(person)
    )


def template_choices(templates: Sequence[ReliefTemplate], best: ReliefTemplate | None) -> list[SelectChoice]:
    """The best match first, the organization's own templates, the built-in ones, and "no steps"."""
    best_label = (
        f"Best match: {best.name}" if best else "Best match for the kind and jurisdiction chosen above"
    )
    own = [(t.id, f"{t.name} (your organization)") for t in templates if t.org_id is not None]
    built_in = [(t.id, t.name) for t in templates if t.org_id is None]
    return options(
        [(TEMPLATE_BEST_MATCH, best_label), *own, *built_in, (TEMPLATE_NONE, "No steps: I will add them")]
    )


def chosen_template(
    choice: str, templates: Sequence[ReliefTemplate], best: ReliefTemplate | None
) -> ReliefTemplate | None:
    """The template picked in the form (already validated against the offered ones), or None for no steps."""
    if choice == TEMPLATE_BEST_MATCH:
        return best
    if choice == TEMPLATE_NONE:
        return None
    return next(t for t in templates if str(t.id) == choice)


def anchor_choices(template: ReliefTemplate, step: ReliefTemplateStep | None = None) -> list[SelectChoice]:
    """What a template step may be counted from: the opening day, the filing, hearing or decision, or any
    other step of the template."""
    others = [s for s in template.steps if step is None or s.id != step.id]
    return options(
        [("", "The day the application is opened"), *EVENT_ANCHORS]
        + [(str(s.position), f"Step {s.position}: {s.title}") for s in others]
    )

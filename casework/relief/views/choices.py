"""The choices the relief forms offer: people of the case's organization, contacts of its directory, documents,
convictions, templates and anchors, each labelled as the user reads it."""

from __future__ import annotations

from collections.abc import Sequence

from wtforms import SelectChoice

from casework.forms import options
from casework.models import (
    Contact,
    ContactKind,
    Conviction,
    Document,
    Person,
    ReliefApplication,
    ReliefTemplate,
    ReliefTemplateStep,
    User,
)
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


def contact_label(contact: Contact) -> str:
    """'Miriam Alder, Alder & Finch LLP (Post conviction attorney)'."""
    return ", ".join(filter(None, [contact.name, contact.organization])) + f" ({contact.kind.label})"


def contact_choices(
    person: Person, kinds=None, keep: Contact | None = None, blank: str | None = "— none —"
) -> list[SelectChoice]:
    """Contacts of the case owner's directory (of these kinds), with their firm and kind; `keep` stays
    selectable (a saved prosecutor whose kind has changed since)."""
    contacts = queries.directory_contacts(person, kinds)
    pairs = [(c.id, contact_label(c)) for c in contacts]
    if keep is not None and keep.id not in {c.id for c in contacts}:
        pairs.append((keep.id, contact_label(keep)))
    return options(([("", blank)] if blank is not None else []) + pairs)


def counsel_choices(person: Person) -> list[SelectChoice]:
    """Who may be counsel: the directory's attorneys, firms and organizations."""
    return contact_choices(person, queries.COUNSEL_KINDS, blank="— choose —")


def prosecutor_choices(person: Person, keep: Contact | None = None) -> list[SelectChoice]:
    """The directory's prosecutors (a District Attorney's office, a unit); the saved one stays selectable."""
    return contact_choices(person, (ContactKind.PROSECUTOR,), keep=keep)


def document_choices(person: Person, user: User, keep: Document | None = None) -> list[SelectChoice]:
    """The case's documents the user may see; a linked one they may not see is kept, unnamed."""
    documents = queries.case_documents(person, user)
    pairs: list[tuple] = [("", "— none —")] + [(d.id, d.title) for d in documents]
    if keep is not None and keep.id not in {d.id for d in documents}:
        pairs.append((keep.id, "A privileged document (kept as it is)"))
    return options(pairs)


def conviction_label(conviction: Conviction) -> str:
    """'Robbery, second degree — MA, Suffolk, 1999 (docket 99-1234)'."""
    where = ", ".join(filter(None, [conviction.state, conviction.county]))
    year = conviction.conviction_date.year if conviction.conviction_date else None
    place = " ".join(filter(None, [where + ("," if where and year else ""), str(year) if year else None]))
    text = conviction.offense + (f" — {place}" if place else "")
    return text + (f" (docket {conviction.docket_number})" if conviction.docket_number else "")


def fill_application_choices(form, person: Person, application: ReliefApplication | None = None) -> None:
    """The lead, lead counsel (when opening) and conviction choices of an application form."""
    form.lead_id.choices = user_choices(person, keep=application.lead if application else None)
    if "lead_counsel_id" in form:
        form.lead_counsel_id.choices = contact_choices(person, queries.COUNSEL_KINDS)
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

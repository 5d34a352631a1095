"""What the relief views share: the application page with its step and counsel forms, the record-of-support
page, the way back to a step, and what someone else saved, in the relief pages' own words."""

from __future__ import annotations

from flask import redirect, render_template, url_for
from flask_login import current_user

from casework import access, clock
from casework.forms import BaseForm
from casework.models import Person, ReliefApplication, ReliefStep, SupportRecord
from casework.relief import dates, operations, queries
from casework.relief.forms import (
    CounselForm,
    ProsecutorForm,
    StepAssignForm,
    StepDoneForm,
    StepForm,
    StepNoteForm,
    StepVersionForm,
    SupportForm,
)
from casework.relief.views import choices

# Submitted step forms shown again on the page, by (step id, action): "done", "reopen", "note", "assign".
BoundForms = dict[tuple[int, str], BaseForm]


def step_form_page(
    person: Person, application: ReliefApplication, step: ReliefStep, form: BaseForm, conflict
):
    """The page that changes a step's title or date, with the rule and why the date is what it is."""
    due = dates.schedule_of(application, queries.steps_of(application))[step.position]
    return render_template(
        "relief/step_form.html",
        form=form,
        person=person,
        application=application,
        step=step,
        due=due,
        conflict=conflict,
    )


def application_page(
    person: Person,
    application: ReliefApplication,
    bound: BoundForms | None = None,
    add_form: StepForm | None = None,
    counsel_form: CounselForm | None = None,
) -> str:
    """The application page; `bound` holds submitted step forms to show again with their errors (and
    `add_form`, `counsel_form` the add forms)."""
    steps = queries.steps_of(application)
    dues = dates.schedule_of(application, steps)
    events = queries.events_of(application)
    convictions = queries.targeted_convictions(application)
    forms = {}
    if access.can(current_user, "edit", person):
        forms = _step_forms(person, steps, bound or {})
        add_form = add_form or StepForm(formdata=None)
        counsel_form = counsel_form or counsel_form_for(person)
    return render_template(
        "relief/show.html",
        person=person,
        application=application,
        steps=steps,
        dues=dues,
        newer_template=_newer_template(application),
        events=events,
        convictions=[(c, choices.conviction_label(c)) for c in convictions],
        counsel=queries.counsel_of(application),
        support=queries.support_of(application),
        forms=forms,
        add_form=add_form,
        counsel_form=counsel_form,
        today=clock.today(),
    )


def counsel_form_for(person: Person, formdata=None) -> CounselForm:
    """The add-counsel form, its choices from the case owner's directory (blank unless `formdata`)."""
    form = CounselForm(formdata=formdata)
    form.contact_id.choices = choices.counsel_choices(person)
    return form


def support_form(person: Person, form: SupportForm, record: SupportRecord | None = None) -> SupportForm:
    """A record-of-support form with its choices: the directory's contacts, the case's documents."""
    form.author_contact_id.choices = choices.contact_choices(
        person, keep=record.author_contact if record else None
    )
    form.document_id.choices = choices.document_choices(
        person, current_user, keep=record.document if record else None
    )
    return form


def support_page(
    person: Person, application: ReliefApplication, form: SupportForm, record: SupportRecord | None, conflict
) -> str:
    """The page that adds or changes a record of support."""
    return render_template(
        "relief/support_form.html",
        form=form,
        person=person,
        application=application,
        record=record,
        conflict=conflict,
    )


def saved_prosecutor(application: ReliefApplication, form: ProsecutorForm) -> dict:
    """What someone else saved of the prosecutor's position, where it differs from what was typed, as read."""
    typed = form.prosecutor_data()
    saved: dict[str, object] = {}
    for name, value in typed.items():
        if getattr(application, name) == value:
            continue
        if name == "prosecutor_contact_id":
            saved[name] = choices.contact_label(application.prosecutor) if application.prosecutor else "none"
        else:
            saved[name] = getattr(application, name)
    return saved


def saved_support(person: Person, record: SupportRecord, form: SupportForm) -> dict:
    """What someone else saved of a record of support, where it differs from what was typed, as read (a
    document the user may not read in this case, by their role and by what a share includes, is not named)."""
    typed = form.support_data()
    saved: dict[str, object] = {}
    for name, value in typed.items():
        if getattr(record, name) == value:
            continue
        if name == "author_contact_id":
            saved[name] = choices.contact_label(record.author_contact) if record.author_contact else "none"
        elif name == "document_id":
            document = record.document
            readable = (
                document is None
                or not document.privileged
                or access.can(current_user, "view_privileged", person)
            )
            saved[name] = (document.title if document else "none") if readable else "a privileged document"
        else:
            saved[name] = getattr(record, name)
    return saved


def _newer_template(application: ReliefApplication):
    """The application's template when it has changed since and the user may apply it (admins), else None."""
    if not access.can(current_user, "admin"):
        return None
    template = queries.template_of(application)
    return template if operations.newer_revision(application, template) else None


def _step_forms(person: Person, steps, bound: BoundForms) -> dict[int, dict]:
    """Each step's forms: done (or reopen), note and assign, blank unless just submitted with errors."""
    colleagues = choices.user_choices(person)
    forms = {}
    for step in steps:
        prefix = step_prefix(step)
        note = bound.get((step.id, "note")) or StepNoteForm(prefix=prefix, formdata=None)
        assign = bound.get((step.id, "assign")) or StepAssignForm(
            prefix=prefix, formdata=None, data={"version": step.version, "assignee_id": step.assignee_id}
        )
        assign.assignee_id.choices = (
            colleagues
            if step.assignee is None or step.assignee.active
            else choices.user_choices(person, keep=step.assignee)
        )
        forms[step.id] = {
            "done": _done_form(step, bound),
            "note": note,
            "assign": assign,
            "open": any((step.id, k) in bound for k in ("note", "assign")),
        }
    return forms


def _done_form(step: ReliefStep, bound: BoundForms) -> BaseForm:
    """Reopen for a step done, else "mark done" (today unless another day is typed)."""
    if step.done_on:
        return bound.get((step.id, "reopen")) or StepVersionForm(
            prefix=step_prefix(step), formdata=None, data={"version": step.version}
        )
    return bound.get((step.id, "done")) or StepDoneForm(
        prefix=step_prefix(step), formdata=None, data={"version": step.version, "done_on": clock.today()}
    )


def step_prefix(step: ReliefStep) -> str:
    """Field names of a step's forms: each step has its own on the application page."""
    return f"step-{step.id}"


def step_url(person: Person, application: ReliefApplication, step: ReliefStep | None = None) -> str:
    """The application page at a step (or at the checklist)."""
    anchor = f"#step-{step.id}" if step is not None else "#steps"
    return url_for("relief.show", person_id=person.id, application_id=application.id) + anchor


def back_to(person: Person, application: ReliefApplication, step: ReliefStep | None = None):
    """Redirect to the application page at a step (or at the checklist)."""
    return redirect(step_url(person, application, step))

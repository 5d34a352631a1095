"""The people list's content: its filter form, its count, its rows and its pager, made from
`people/_list.html`.

For staff and admins the content is the same for everyone of the organization with the same filters, page
and language, so it is kept whole (`choices.kept_page`) until a write changes it; only the form's CSRF field,
which is each session's own, is put in per request.
"""

from __future__ import annotations

from datetime import date

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from casework import access
from casework.forms import options
from casework.people import choices, search
from casework.people.forms import PeopleFilterForm
from casework.people.list_rows import people_rows
from casework.reference import STATE_NAMES

# The filter form's CSRF field, as WTForms writes it, and where it goes in a kept page (markup that no escaped
# value can contain).
CSRF_FIELD = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">')
CSRF_MARKER = Markup("<!-- csrf_token -->")
# What a page may offer depends on the user's role through these permissions only.
PERMISSIONS_SHOWN = ("export", "create_person", "see_a_number")


def filter_form(filters: dict, found: choices.Choices) -> PeopleFilterForm:
    """The filter form: the kept filters on a GET, what was posted on a POST, with the choices offered."""
    form = PeopleFilterForm.from_filters(filters) if request.method == "GET" else PeopleFilterForm()
    form.citizenship.choices = options([("", "Any country")] + [(c, c) for c in found.citizenship])
    form.community.choices = options([("", "Any community")] + [(c, c) for c in found.community])
    form.assigned.choices = options([("", "Anyone")] + found.colleagues)
    return form


def _filter_fields(filters: dict, form: PeopleFilterForm | None = None) -> Markup:
    """The filter form's fields as HTML. A form posted with errors is shown as posted; on a GET the fields
    depend only on the choices, the filters, the language and whether the assignee filter shows, so they
    are kept with the choices (casework.people.choices.kept_fragment)."""
    show_assigned = access.can(current_user, "create_person")

    def make(found: choices.Choices) -> Markup:
        shown = form if form is not None else filter_form(filters, found)
        html = render_template("people/_filter_fields.html", form=shown, show_assigned=show_assigned)
        return Markup(html)  # noqa: S704 (an autoescaped template's output)

    if form is not None:
        return make(choices.filter_choices(current_user))
    key = (str(get_locale()), show_assigned, tuple(sorted(filters.items())))
    return choices.kept_fragment(current_user, key, make)


def content(filters: dict, posted: PeopleFilterForm | None, after: int | None, before: int | None) -> Markup:
    """The list's content for these filters (`posted`: a filter form posted with errors) and page bounds."""
    size = current_app.config["PEOPLE_PAGE_SIZE"]

    def make(form_csrf: Markup) -> Markup:
        page = search.page_of_people(current_user, filters, after=after, before=before, size=size)
        html = render_template(
            "people/_list.html",
            page=page,
            teams=search.teams_of(page.rows),
            people_rows=people_rows,
            form_csrf=form_csrf,
            filter_fields=_filter_fields(filters, posted),
            filtered=any(filters.values()),
            state_names=STATE_NAMES,
        )
        return Markup(html)  # noqa: S704 (an autoescaped template's output)

    form_csrf = CSRF_FIELD % generate_csrf()
    if posted is not None:
        return make(form_csrf)
    # Everything a page shows but the CSRF field comes from the database and this key.
    key = (
        tuple(access.can(current_user, action) for action in PERMISSIONS_SHOWN),
        str(get_locale()),
        request.script_root,
        tuple(sorted(filters.items())),
        after,
        before,
        size,
        date.today(),
    )
    kept = choices.kept_page(current_user, key, lambda: make(CSRF_MARKER))
    return kept.replace(CSRF_MARKER, form_csrf, 1)

"""The people list's page: its filter form, its count, its rows and its pager (`people/_list.html`) in the
layout (`people/index.html`).

For a staff member or admin, a page depends on the database, their organization and what the key of
`page` holds (filters, page bounds, language, their name, role and organization's name), so it is kept whole
(`choices.LIST_PAGES`, casework.kept_pages) until a write changes it; only the CSRF token, which is each
session's own, is put in per request. A page with a message to flash, or a filter form posted with errors, is
made afresh.
"""

from __future__ import annotations

from flask import current_app, render_template, request
from flask_babel import get_locale
from flask_login import current_user
from flask_wtf.csrf import generate_csrf
from markupsafe import Markup

from casework import access
from casework.forms import options
from casework.kept_pages import CSRF_MARKER
from casework.people import choices, search
from casework.people.forms import PeopleFilterForm
from casework.people.list_rows import people_rows
from casework.reference import STATE_NAMES

# The filter form's CSRF field, as WTForms writes it (in a kept page, with casework.kept_pages.CSRF_MARKER).
CSRF_FIELD = Markup('<input id="csrf_token" name="csrf_token" type="hidden" value="%s">')
# What the user may do that a page shows.
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


def page(filters: dict, posted: PeopleFilterForm | None, after: int | None, before: int | None) -> str:
    """The list's page for these filters (`posted`: a filter form posted with errors) and page bounds."""
    size = current_app.config["PEOPLE_PAGE_SIZE"]

    def content(form_csrf: Markup) -> Markup:
        found = search.page_of_people(current_user, filters, after=after, before=before, size=size)
        html = render_template(
            "people/_list.html",
            page=found,
            teams=search.teams_of(found.rows),
            people_rows=people_rows,
            form_csrf=form_csrf,
            filter_fields=_filter_fields(filters, posted),
            filtered=any(filters.values()),
            state_names=STATE_NAMES,
        )
        return Markup(html)  # noqa: S704 (an autoescaped template's output)

    if posted is not None:
        return render_template("people/index.html", content=content(CSRF_FIELD % generate_csrf()))
    # Everything a page shows but the CSRF token comes from the database and this key.
    user = access.resolved(current_user)
    permissions = tuple(access.can(user, action) for action in PERMISSIONS_SHOWN)
    return choices.LIST_PAGES.render(
        user,
        (permissions, tuple(sorted(filters.items())), after, before, size),
        "people/index.html",
        lambda: {"content": content(CSRF_FIELD % CSRF_MARKER)},
    )

"""The rows of the people list, made in one pass of Python.

The list is the page staff open most, and its rows were most of its cost: fifty rows of seven cells, each
value escaped, each row's link built through the URL map and every piece yielded by the template one at a
time. Here each row is one string: every value read from the database passes through `escape`, the labels
are translated once per page, the link is the list's own address and the person's id, and each badge is
made once per distinct status by the template's own macros (passed in, so the badges stay one definition).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import sqlalchemy as sa
from flask import url_for
from markupsafe import Markup, escape

from casework.i18n import gettext
from casework.models.people import a_number_display

NO_VALUE = "—"


def people_rows(
    rows: Sequence[sa.Row],
    teams: dict[int, list[str]],
    own_org_id: int,
    custody_badge: Callable[..., str],
    status_badge: Callable[..., str],
) -> Markup:
    """The <tr> of each row of `search.page_of_people` (teams from `search.teams_of`)."""
    name, a_number, citizenship = (
        escape(gettext("Name")),
        escape(gettext("A-number")),
        escape(gettext("Citizenship")),
    )
    community, lives_in = escape(gettext("Community")), escape(gettext("Lives in"))
    status, team = escape(gettext("Status")), escape(gettext("Team"))
    shared_label, hidden_label = escape(gettext("shared with you")), escape(gettext("hidden"))
    shared = f'<span class="badge">{shared_label}</span>'
    hidden = f'<span class="muted">{hidden_label}</span>'
    no_team = f'<span class="muted">{NO_VALUE}</span>'
    base = escape(url_for("people.index")) + "/"
    custody_badges: dict[tuple, str] = {}
    status_badges: dict[object, str] = {}
    out = []
    for row in rows:
        names = [f'<a href="{base}{int(row.id)}"><strong>{escape(row.legal_name)}</strong></a>']
        if row.preferred_name and row.preferred_name != row.legal_name:
            names.append(f'<span class="muted">“{escape(row.preferred_name)}”</span>')
        if row.native_name:
            names.append(f'<div class="native" lang="und">{escape(row.native_name)}</div>')
        if row.org_id != own_org_id:
            names.append(shared)
        shown = (escape(a_number_display(row.a_number) or NO_VALUE)) if row.a_number_visible else hidden
        place = escape(row.city or "") + (", " if row.city and row.state else "") + escape(row.state or "")
        custody_key = (row.custody_status, row.custody_since)
        if custody_key not in custody_badges:
            custody_badges[custody_key] = str(custody_badge(row))
        if row.case_status not in status_badges:
            status_badges[row.case_status] = str(status_badge(row.case_status))
        members = ", ".join(escape(member) for member in teams.get(row.id, ())) or no_team
        out.append(
            f'<tr>\n<td data-label="{name}">{" ".join(names)}</td>\n'
            f'<td data-label="{a_number}" class="mono">{shown}</td>\n'
            f'<td data-label="{citizenship}">{escape(row.citizenship or NO_VALUE)}</td>\n'
            f'<td data-label="{community}">{escape(row.community or NO_VALUE)}</td>\n'
            f'<td data-label="{lives_in}">{place}</td>\n'
            f'<td data-label="{status}">{custody_badges[custody_key]} {status_badges[row.case_status]}</td>\n'
            f'<td data-label="{team}">{members}</td>\n</tr>\n'
        )
    return Markup("".join(out))  # noqa: S704 (every value in it passed through escape above)

"""The rows of a list of due items, made in one pass of Python.

What's due shows up to two hundred rows, and making them in the template was more than half of the page's
cost (a URL built through the URL map and a dozen values escaped one call at a time, per row). Here each row
is one string: every value passes through `escape`, the labels and the row's two messages are translated once
per list, and the case link is the people list's own address and the person's id.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date

from flask import url_for
from markupsafe import Markup, escape

from casework.deadlines.items import DueItem
from casework.i18n import gettext

OVERDUE_CLASS = ' class="is-overdue"'


def due_rows(items: Sequence[DueItem], today: date) -> Markup:
    """The <tr> of each item, as the list of due items shows them (templates/deadlines/_items.html)."""
    date_label, what_label, case_label = (
        escape(gettext("Date")),
        escape(gettext("What")),
        escape(gettext("Case")),
    )
    # Each message translated once, with its placeholder kept, then filled in per row.
    overdue_days = escape(gettext("overdue %(value)s d", value="%(value)s"))
    case_number = escape(gettext("case %(person_id)s", person_id="%(person_id)s"))
    today_label = escape(gettext("today"))
    today_badge = f'<span class="badge">{today_label}</span>'
    base = escape(url_for("people.index")) + "/"
    labels: dict[object, Markup] = {}
    out = []
    for item in items:
        overdue = item.day < today
        if overdue:
            flag = f'<span class="overdue">{overdue_days % {"value": (today - item.day).days}}</span>'
        else:
            flag = today_badge if item.day == today else ""
        label = labels.get(item.kind)
        if label is None:
            label = labels[item.kind] = escape(item.kind.label)
        row_class = OVERDUE_CLASS if overdue else ""
        out.append(
            f"<tr{row_class}>\n"
            f'<td data-label="{date_label}" class="mono">{item.day.isoformat()} {flag}</td>\n'
            f'<td data-label="{what_label}"><span class="badge">{label}</span> {escape(item.title)}</td>\n'
            f'<td data-label="{case_label}"><a href="{base}{int(item.person_id)}#{escape(item.anchor)}">'
            f"{escape(item.person_name)}</a>\n"
            f'<span class="muted small">{case_number % {"person_id": item.person_id}}</span></td>\n</tr>\n'
        )
    return Markup("".join(out))  # noqa: S704 (every value in it passed through escape above)

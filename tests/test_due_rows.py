"""The rows of What's due and the dashboard's overdue list, made in Python: every value escaped, the day's
flag (overdue by so many days, today) and the link to the case's section."""

from datetime import date

from casework.deadlines.item_rows import due_rows
from casework.deadlines.items import DueItem, DueKind

TODAY = date(2026, 12, 2)


def item(day: date, **fields) -> DueItem:
    values = {
        "kind": DueKind.TASK,
        "title": "Call the family",
        "person_id": 7,
        "person_name": "Sokha Chhim",
        "anchor": "tasks",
        "uid": "task-1",
    }
    return DueItem(day=day, **{**values, **fields})


def test_every_value_is_escaped(app):
    hostile = item(
        TODAY, title='<script>alert("t")</script>', person_name="<b>Dara</b> & co", anchor='x"><i>'
    )
    with app.test_request_context():
        html = str(due_rows([hostile], TODAY))
    assert "<script>" not in html and "<b>" not in html and "<i>" not in html
    assert "&lt;script&gt;alert(&#34;t&#34;)&lt;/script&gt;" in html
    assert "&lt;b&gt;Dara&lt;/b&gt; &amp; co" in html
    assert 'href="/people/7#x&#34;&gt;&lt;i&gt;"' in html


def test_overdue_today_and_coming_up(app):
    rows = [item(date(2026, 11, 20)), item(TODAY), item(date(2026, 12, 9))]
    with app.test_request_context():
        html = str(due_rows(rows, TODAY))
    overdue, today, coming = html.split("</tr>")[:3]
    assert '<tr class="is-overdue">' in overdue and "overdue 12 d" in overdue
    assert '<span class="badge">today</span>' in today and "is-overdue" not in today
    assert 'badge">today' not in coming and "overdue" not in coming
    assert overdue.count('<span class="badge">Task</span> Call the family') == 1
    assert 'href="/people/7#tasks">Sokha Chhim</a>' in coming and "case 7" in coming

"""What's due, the dashboard, and the private calendar feed.

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import Blueprint, abort, flash, make_response, redirect, render_template, request, url_for
from flask_login import current_user, login_required

from casework import clock
from casework.deadlines import calendar
from casework.deadlines import dashboard as dashboard_data
from casework.deadlines.due import gather_limited
from casework.deadlines.forms import ConfirmForm, DueFilterForm
from casework.deadlines.item_rows import due_rows
from casework.extensions import limiter
from casework.i18n import gettext
from casework.kept_pages import KeptPages
from casework.models import PeopleListStamp
from casework.models.custody_clock import NOTICE_DAYS
from casework.urls import absolute_url, public_host

bp = Blueprint("deadlines", __name__)
bp.add_app_template_global(due_rows)

# Rows per list on a page (overdue, coming up); beyond that the user narrows the window, the kind or to their
# own work. A page of 2 x 100 rows reads at a glance and renders in a fraction of the time of 2 x 200.
LIST_LIMIT = 100


# What's due and the dashboard, kept whole for staff and admins until a write changes them: under the stamp
# of their organization's people (people, teams, names, custody: migration 0026) and dated rows (0027).
PAGES = KeptPages(
    "deadlines", ["deadlines.due", "deadlines.dashboard"], [PeopleListStamp], "DEADLINE_PAGES_KEPT"
)


@bp.get("/due")
@login_required
def due():
    """Everything dated across the cases the user may see, overdue first."""
    form = DueFilterForm(request.args)
    chosen = form if form.validate() else DueFilterForm(formdata=None)  # errors shown, defaults used

    def context() -> dict:
        today = clock.today()
        found = gather_limited(
            current_user,
            LIST_LIMIT,
            today=today,
            until=chosen.until(today),
            mine=bool(chosen.mine.data),
            kinds=chosen.kinds(),
        )
        return {
            "form": form,
            "overdue": [i for i in found.items if i.overdue(today)],
            "upcoming": [i for i in found.items if not i.overdue(today)],
            "today": today,
            "overdue_total": found.overdue_total,
            "upcoming_total": found.upcoming_total,
            "overdue_shown": found.shown(found.overdue_total, found.overdue_more),
            "upcoming_shown": found.shown(found.upcoming_total, found.upcoming_more),
            "notice_days": NOTICE_DAYS,
        }

    asked = tuple(sorted(request.args.items(multi=True)))  # the form is made of these alone
    return PAGES.render(current_user, ("due", asked), "deadlines/due.html", context)


@bp.get("/dashboard")
@login_required
def dashboard():
    """At a glance: who is detained, check-ins soon, relief by stage, travel documents, overdue items."""
    return PAGES.render(
        current_user,
        ("dashboard",),
        "deadlines/dashboard.html",
        lambda: {"data": dashboard_data.load(current_user, clock.today())},
    )


@bp.route("/account/calendar", methods=["GET", "POST"])
@login_required
def calendar_settings():
    """Create, replace or revoke the user's private calendar address."""
    form = ConfirmForm()
    new_url = None
    if form.validate_on_submit():
        if request.form.get("action") == "revoke":
            calendar.revoke_feed(current_user)
            flash(gettext("The calendar address was revoked; calendars using it stop updating."), "success")
            return redirect(url_for("deadlines.calendar_settings"))
        token = calendar.create_feed(current_user)
        new_url = absolute_url("deadlines.calendar_feed", token=token)
    feed = calendar.feed_of(current_user)
    return render_template(
        "deadlines/calendar.html",
        form=form,
        feed=feed,
        last_read=calendar.last_read(feed),
        new_url=new_url,
        mine_only=calendar.feed_is_mine_only(current_user),
    )


@bp.get("/calendar/<token>.ics")
@limiter.limit("60 per minute")
def calendar_feed(token: str):
    """The ICS feed: no sign-in, the secret address is the credential; no names, only case numbers."""
    found = calendar.user_for_token(token)
    if found is None:
        abort(404)
    feed, user = found
    items = calendar.feed_items(user, clock.today())
    calendar.record_read(user, feed, len(items))
    response = make_response(calendar.build_ics(items, host=public_host()))
    response.headers["Content-Type"] = "text/calendar; charset=utf-8"
    response.headers["Content-Disposition"] = 'inline; filename="casework.ics"'
    return response

"""The dashboard and the private calendar feed."""

import logging
import re
from datetime import timedelta

import sqlalchemy as sa

from casework.models import AuditEvent, CalendarFeed, CheckIn, ReliefApplication, TravelDocument
from tests.conftest import TODAY, text_of


def test_dashboard_figures(login_as, make_person, db):
    detained = make_person(
        legal_name="Vanna Chea",
        custody_status="detained",
        custody_since=TODAY - timedelta(days=12),
        custody_facility="Plymouth County Correctional Facility",
    )
    make_person(legal_name="Free Person")
    db.add(CheckIn(person_id=detained.id, scheduled_on=TODAY + timedelta(days=5), office="Burlington ERO"))
    db.add(CheckIn(person_id=detained.id, scheduled_on=TODAY + timedelta(days=30)))  # beyond 14 days
    db.add(
        ReliefApplication(
            person_id=detained.id, kind="governor_pardon", jurisdiction="CA", status="filed", filed_on=TODAY
        )
    )
    db.add(TravelDocument(person_id=detained.id, country="Laos", outcome="refused", decided_on=TODAY))
    staff = login_as("staff")
    response = staff.get("/")
    assert response.headers["Location"] == "/dashboard"
    page = text_of(staff.get("/dashboard"))
    assert "<strong>1</strong> detained now" in page
    assert "Plymouth County Correctional Facility" in page and "(12 days)" in page
    assert "<strong>1</strong> check-ins in 14 days" in page and "nobody accompanying yet" in page
    assert re.search(r"Governor&#39;s pardon</th>.*?<td[^>]*>1</td>", page, re.S)
    assert re.search(r"Laos</th>(\s*<td[^>]*></td>){2}\s*<td[^>]*>1</td>", page)


def test_dashboard_shows_only_visible_cases(login_as, make_person, make_user):
    make_person(legal_name="Hidden Person", custody_status="detained", custody_since=TODAY)
    page = text_of(login_as(make_user("volunteer")).get("/dashboard"))
    assert "Hidden Person" not in page and "<strong>0</strong> detained now" in page


def test_calendar_feed_names_no_one_and_can_be_revoked(app, login_as, make_person, db, browser, caplog):
    person = make_person(legal_name="Secret Name")
    db.add(CheckIn(person_id=person.id, scheduled_on=TODAY + timedelta(days=3), office="Secret Office"))
    staff = login_as("staff")
    page = text_of(staff.post("/account/calendar", {"action": "create"}))
    url = re.search(r'value="(http://localhost:5000/calendar/[^"]+\.ics)"', page).group(1)
    path = url.replace("http://localhost:5000", "")
    token = path.split("/")[-1][:-4]
    assert db.scalar(sa.select(CalendarFeed)).token_hash != token  # only a hash is stored

    with caplog.at_level(logging.INFO):
        logging.getLogger("werkzeug").info('"GET %s HTTP/1.1" 200 -', path)
    assert token not in caplog.text and "/calendar/[redacted].ics" in caplog.text

    feed = browser.get(path)  # no sign-in needed
    assert feed.status_code == 200 and feed.mimetype == "text/calendar"
    body = feed.get_data(as_text=True)
    assert f"SUMMARY:Case {person.id}: ICE check-in" in body
    assert "Secret" not in body
    assert (TODAY + timedelta(days=3)).strftime("%Y%m%d") in body
    assert db.count(AuditEvent, AuditEvent.action == "calendar.read") == 1
    assert db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "calendar.read")).person_id is None
    assert ", last read " in text_of(staff.get("/account/calendar"))

    staff.post("/account/calendar", {"action": "revoke"})
    assert browser.get(path).status_code == 404
    assert browser.get("/calendar/not-a-token.ics").status_code == 404


def test_replacing_the_calendar_address_kills_the_old_one(login_as, browser):
    staff = login_as("staff")
    first = re.search(
        r'/calendar/[^"]+\.ics', text_of(staff.post("/account/calendar", {"action": "create"}))
    ).group(0)
    second = re.search(
        r'/calendar/[^"]+\.ics', text_of(staff.post("/account/calendar", {"action": "create"}))
    ).group(0)
    assert browser.get(first).status_code == 404 and browser.get(second).status_code == 200
    assert ", last read " in text_of(staff.get("/account/calendar"))
    # A new address has not been read yet, whatever happened to the one it replaces.
    assert ", last read " not in text_of(staff.post("/account/calendar", {"action": "create"}))


def test_feed_of_a_deactivated_user_is_dead(login_as, browser, db):
    from casework.models import User

    staff = login_as("staff")
    path = re.search(
        r'/calendar/[^"]+\.ics', text_of(staff.post("/account/calendar", {"action": "create"}))
    ).group(0)
    db.execute(sa.update(User).where(User.id == staff.user.id).values(active=False))
    assert browser.get(path).status_code == 404


def test_long_lists_are_capped_with_a_way_to_the_rest(app, login_as, make_person, db):
    from casework.deadlines import dashboard, views

    staff = login_as("staff")
    for i in range(4):
        p = make_person(
            legal_name=f"Held {i}", custody_status="detained", custody_since=TODAY - timedelta(days=i)
        )
        db.add(CheckIn(person_id=p.id, scheduled_on=TODAY + timedelta(days=i + 1)))
    old = dashboard.LIST_LIMIT, views.LIST_LIMIT
    dashboard.LIST_LIMIT, views.LIST_LIMIT = 2, 3
    try:
        page = text_of(staff.get("/dashboard"))
        assert "<strong>4</strong> detained now" in page and page.count("· since ") == 2
        assert "All 4 people detained now" in page
        due = text_of(staff.get("/due?window=30"))
        assert "Showing the first 3 of 4" in due
    finally:
        dashboard.LIST_LIMIT, views.LIST_LIMIT = old

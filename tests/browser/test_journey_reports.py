"""Journey: staff open the citizenship × custody report on the demo data, filter "detained between", see the
counts change and download the CSV that follows the filter; a volunteer finds no reports; the report reads on a
phone."""

import csv
import io
from datetime import date
from pathlib import Path

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import TODAY

PASSWORD = "demo password for report journeys"


@pytest.fixture
def demo(app):
    from casework import demo as demo_data
    from casework import unit_of_work
    from casework.demo import travel_history
    from casework.extensions import db
    from casework.models import User

    with app.app_context(), unit_of_work.transaction():
        people = demo_data.load(PASSWORD)
        users = {u.email: u for u in db.session.scalars(sa.select(User))}
        travel_history.load(people, users, TODAY)


def test_staff_filter_detained_between_and_download_the_csv(page, demo, shot):
    sign_in(page, "staff@example.org", PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports").click()
    expect(page.get_by_role("heading", name="Reports", exact=True)).to_be_visible()
    page.get_by_role("link", name="People by citizenship and custody").click()

    rows = page.locator("table.report-table tbody tr")
    expect(rows).to_have_count(3)  # Cambodia (2), Stateless (1), Vietnam (1)
    expect(page.locator("table.report-table tfoot")).to_contain_text("4")
    expect(page.get_by_role("img", name="People by country of citizenship and custody")).to_be_visible()
    shot(page, "citizenship-custody")

    page.get_by_label("Detained from").fill("2019-01-01")
    page.get_by_label("Detained to").fill("2019-12-31")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Vietnam")
    expect(page.get_by_label("Detained from")).to_have_value("2019-01-01")
    shot(page, "detained-in-2019")

    # the 2016 re-detention at a check-in in Fresno: stateless, released since
    page.get_by_label("Detained from").fill("2016-10-01")
    page.get_by_label("Detained to").fill("2016-10-31")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    expect(rows.first).to_contain_text("Stateless")

    page.get_by_label("Detained from").fill("2019-01-01")
    page.get_by_label("Detained to").fill("2019-12-31")
    page.get_by_role("button", name="Show").click()
    expect(rows).to_have_count(1)
    with page.expect_download() as info:
        page.get_by_role("link", name="Download CSV").click()
    download = info.value
    assert download.suggested_filename == "people-by-citizenship-and-custody.csv"
    text = Path(download.path()).read_text(encoding="utf-8")
    assert list(csv.reader(io.StringIO(text))) == [
        ["citizenship", "custody", "people"],
        ["Vietnam", "detained", "1"],
    ]

    # a day that is not a day: a message that says what to type, no figures
    page.goto("/reports/people-by-citizenship-and-custody?start=2019-02-30")
    expect(page.get_by_text("Type the date as YYYY-MM-DD, for example 2009-04-30.")).to_be_visible()
    expect(rows).to_have_count(0)
    shot(page, "bad-date")


def test_travel_documents_by_month(page, demo, shot):
    sign_in(page, "staff@example.org", PASSWORD)
    page.goto("/reports/travel-documents")
    expect(
        page.get_by_role("img", name="Travel documents requested each year, by outcome today")
    ).to_be_visible()
    page.get_by_label("Requested from").fill(date(TODAY.year - 2, 1, 1).isoformat())
    page.get_by_role("button", name="Show").click()
    expect(
        page.get_by_role("img", name="Travel documents requested each month, by outcome today")
    ).to_be_visible()
    shot(page, "travel-documents")


def test_a_volunteer_finds_no_reports(page, demo):
    sign_in(page, "volunteer@example.org", PASSWORD)
    expect(page.get_by_role("navigation", name="Main").get_by_role("link", name="Reports")).to_have_count(0)
    assert page.goto("/reports").status == 403


def test_a_report_reads_on_a_phone(chromium, live_server, demo, shot):
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    pg = context.new_page()
    sign_in(pg, "staff@example.org", PASSWORD)
    for url in ("/reports/people-by-citizenship-and-custody", "/reports/check-ins"):
        pg.goto(url)
        width = pg.evaluate("document.documentElement.scrollWidth")
        assert width <= 390, f"{url} scrolls sideways on a phone ({width}px)"
    shot(pg, "phone")
    context.close()

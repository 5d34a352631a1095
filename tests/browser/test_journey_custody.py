"""Journey: staff record an ICE arrest, a booking and a release; the custody badge follows on the case page
and on the people list; an earlier detention goes in after them. A person detained for years after a final
order: the case page states the passed marks of the custody clock as facts, What's due lists none overdue."""

import re
from datetime import date, timedelta

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in
from tests.conftest import TODAY

PASSWORD = "custody journey password"


def _badge_on_case_page(page):
    return page.locator(".case-head .badge.custody")


def _badge_on_people_list(page, name):
    page.goto("/people")
    return page.locator("table.people tbody tr", has_text=name).locator(".badge.custody")


def test_staff_record_arrest_booking_and_release(page, make_user, make_person, shot):
    make_user("staff", email="custody-staff@example.org", password=PASSWORD)
    person = make_person(legal_name="Bopha Chea", birth_date=date(1985, 4, 2))
    arrested, booked, released = (TODAY - timedelta(days=n) for n in (120, 119, 10))
    sign_in(page, "custody-staff@example.org", PASSWORD)

    page.goto("/people")
    expect(_badge_on_people_list(page, "Bopha Chea")).to_have_text("Not detained")
    page.get_by_role("link", name="Bopha Chea").click()
    expect(_badge_on_case_page(page)).to_have_text("Not detained")

    # a release before any arrest is refused, with the reason, and nothing changes
    page.get_by_text("Record a custody event").click()
    page.get_by_label("What happened").select_option(label="Released on an order of supervision")
    page.get_by_label("On", exact=True).fill(released.isoformat())
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_text("Not recorded: Released on an order of supervision")).to_be_visible()
    expect(page.get_by_text("Record the ICE arrest or re-detention first", exact=False)).to_be_visible()
    shot(page, "refused")

    # the ICE arrest, from the form the refusal left on screen
    page.get_by_label("What happened").select_option(label="ICE arrest")
    page.get_by_label("On", exact=True).fill(arrested.isoformat())
    page.get_by_label("ICE field office").fill("Burlington")
    page.get_by_role("button", name="Record the event").click()
    expect(page.get_by_text(f"Recorded: ICE arrest on {arrested}.")).to_be_visible()
    expect(_badge_on_case_page(page)).to_have_text(f"Detained since {arrested}")
    expect(_badge_on_people_list(page, "Bopha Chea")).to_have_text("Detained")

    # booked into a facility, from the case page
    page.goto(f"/people/{person.id}")
    page.get_by_text("Record a custody event").click()
    page.get_by_label("What happened").select_option(label="Booked into detention")
    page.get_by_label("On", exact=True).fill(booked.isoformat())
    page.get_by_label("Facility").fill("Plymouth County Correctional Facility")
    page.get_by_role("button", name="Record the event").click()
    expect(_badge_on_case_page(page)).to_have_text(
        f"Detained · Plymouth County Correctional Facility since {arrested}"
    )
    shot(page, "detained")
    expect(_badge_on_people_list(page, "Bopha Chea")).to_have_text("Detained")

    # released on an order of supervision
    page.goto(f"/people/{person.id}")
    page.get_by_text("Record a custody event").click()
    page.get_by_label("What happened").select_option(label="Released on an order of supervision")
    page.get_by_label("On", exact=True).fill(released.isoformat())
    page.get_by_role("button", name="Record the event").click()
    expect(_badge_on_case_page(page)).to_have_text(f"Released {released}")
    timeline = page.locator("#removal table.custody-events tbody tr")
    expect(timeline).to_have_count(3)
    expect(timeline.nth(2)).to_contain_text("Released on an order of supervision")
    shot(page, "released")
    expect(_badge_on_people_list(page, "Bopha Chea")).to_have_text("Released")
    assert re.search(r"/people$", page.url)

    # an earlier detention, recorded after the later entries, takes its place by date
    page.goto(f"/people/{person.id}")
    page.get_by_role("link", name="Record an earlier detention (arrest … release)").click()
    page.get_by_label("Detained on").fill("2015-03-02")
    page.get_by_label("How it ended").select_option(label="Released on bond")
    page.get_by_label("Released on").fill("2015-05-20")
    page.get_by_role("button", name="Record the detention").click()
    expect(page.get_by_text("Recorded: detained 2015-03-02 to 2015-05-20.")).to_be_visible()
    expect(_badge_on_case_page(page)).to_have_text(f"Released {released}")
    expect(timeline).to_have_count(5)
    expect(timeline.nth(0)).to_contain_text("2015-03-02")
    expect(timeline.nth(1)).to_contain_text("Released on bond")


DEMO_PASSWORD = "demo password for the custody journey"


@pytest.fixture
def demo(app):
    from casework import demo as demo_data
    from casework import unit_of_work

    with app.app_context(), unit_of_work.transaction():
        people = demo_data.load(DEMO_PASSWORD)
        return {key: person.id for key, person in people.items()}


def test_years_after_the_final_order_the_marks_are_facts(page, demo, shot):
    sign_in(page, "staff@example.org", DEMO_PASSWORD)
    page.goto(f"/people/{demo['pham']}")
    header = page.locator(".case-head .glances")
    expect(header).to_contain_text("past day 180 since 2019-09-28")
    removal = page.locator("#removal")
    expect(removal.get_by_text("Past day 90 since 2019-06-30")).to_be_visible()
    expect(removal.get_by_text("Past day 180 since 2019-09-28")).to_be_visible()
    expect(removal).to_contain_text("a habeas petition can be filed in federal court")
    expect(removal.locator("table.custody-events tbody tr").first).to_contain_text("1999-10-04")
    shot(page, "case-page")

    page.goto("/due?window=all")
    expect(page.locator("#overdue")).not_to_contain_text("post-order custody")
    page.goto("/dashboard")
    expect(page.locator("#detained")).to_contain_text("Past day 180 since 2019-09-28")
    shot(page, "dashboard")

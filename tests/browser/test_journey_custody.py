"""Journey: staff record an ICE arrest, a booking and a release; the custody badge follows on the case page
and on the people list."""

import re
from datetime import date, timedelta

from playwright.sync_api import expect

from tests.browser.conftest import sign_in

PASSWORD = "custody journey password"


def _badge_on_case_page(page):
    return page.locator(".case-head .badge.custody")


def _badge_on_people_list(page, name):
    page.goto("/people")
    return page.locator("table.people tbody tr", has_text=name).locator(".badge.custody")


def test_staff_record_arrest_booking_and_release(page, make_user, make_person, shot):
    make_user("staff", email="custody-staff@example.org", password=PASSWORD)
    person = make_person(legal_name="Bopha Chea", birth_date=date(1985, 4, 2))
    arrested, booked, released = (date.today() - timedelta(days=n) for n in (120, 119, 10))
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

"""Journey: staff find demo people by alias and A-number, add a person and edit them; the walls hold."""

import re

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import sign_in

PASSWORD = "demo password for browser journeys"


@pytest.fixture
def demo(app):
    from casework import demo as demo_data
    from casework import unit_of_work

    with app.app_context(), unit_of_work.transaction():
        people = demo_data.load(PASSWORD)
        return {key: person.id for key, person in people.items()}


def test_staff_find_create_and_edit(page, demo, shot):
    sign_in(page, "staff@example.org", PASSWORD)
    page.goto("/people")
    expect(page.get_by_role("heading", name="People")).to_be_visible()
    shot(page, "people-list")

    page.get_by_label("Name, alias or A-number").fill("Darah")  # an alias of Dara Keo
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.people tbody tr")).to_have_count(1)
    expect(page.get_by_role("link", name="Dara Keo")).to_be_visible()
    assert "Darah" not in page.url

    page.get_by_label("Name, alias or A-number").fill("A027-318-840")  # Tuan Minh Pham's A-number
    page.get_by_role("button", name="Search").click()
    expect(page.locator("table.people tbody tr")).to_have_count(1)
    page.get_by_role("link", name="Tuan Minh Pham").click()
    expect(page.get_by_text("Phạm Minh Tuấn").first).to_be_visible()
    shot(page, "case-page")

    page.goto("/people")
    page.get_by_role("link", name="Add a person").click()
    page.get_by_label("Legal name").fill("Bounthanh Sayavong")
    page.get_by_label("Name in native script").fill("ບຸນທັນ ໄຊຍະວົງ")
    page.get_by_label("A-number").fill("12-345-678")
    page.get_by_label("Date of birth").fill("1990-01-01")
    page.get_by_label("Arrival in the United States").fill("1985-01-01")  # before birth: refused
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("The arrival date cannot be before the date of birth")).to_be_visible()
    shot(page, "validation")
    page.get_by_label("Arrival in the United States").fill("1992-06-01")
    page.get_by_role("button", name="Add person").click()
    expect(page.get_by_text("The person was added.")).to_be_visible()
    expect(page.get_by_text("A012-345-678")).to_be_visible()

    page.get_by_role("link", name="Edit record").click()
    page.get_by_label("City").fill("Elgin")
    page.get_by_label("State", exact=True).select_option("IL")
    page.get_by_role("button", name="Save changes").click()
    expect(page.get_by_text("Saved.")).to_be_visible()
    expect(page.get_by_text("Elgin, Illinois")).to_be_visible()
    shot(page, "after-edit")


def test_volunteer_sees_only_assigned_and_partner_waits_for_a_share(page, demo, chromium, live_server, shot):
    sign_in(page, "volunteer@example.org", PASSWORD)
    page.goto("/people")
    rows = page.locator("table.people tbody tr")
    expect(rows).to_have_count(2)
    expect(page.get_by_role("link", name="Dara Keo")).to_be_visible()
    expect(page.get_by_role("link", name="Sovann Pich")).to_have_count(0)
    response = page.goto(f"/people/{demo['pich']}")
    assert response.status == 404

    partner_context = chromium.new_context(base_url=live_server)
    partner = partner_context.new_page()
    sign_in(partner, "partner@example.net", PASSWORD)
    assert partner.goto(f"/people/{demo['keo']}").status == 404

    staff_context = chromium.new_context(base_url=live_server)
    staff = staff_context.new_page()
    sign_in(staff, "staff@example.org", PASSWORD)
    staff.goto(f"/people/{demo['keo']}")
    staff.get_by_label("Share with").fill("partner@example.net")
    staff.get_by_label("Access").select_option("view")
    staff.get_by_role("button", name="Share").click()
    expect(staff.get_by_text("The case is shared.")).to_be_visible()
    shot(staff, "shared")

    assert partner.goto(f"/people/{demo['keo']}").status == 200
    expect(partner.get_by_role("heading", name=re.compile("Dara Keo"))).to_be_visible()
    partner_context.close()
    staff_context.close()


def test_phone_layout_is_usable(chromium, live_server, demo, shot):
    context = chromium.new_context(
        base_url=live_server, viewport={"width": 390, "height": 844}, is_mobile=True
    )
    pg = context.new_page()
    sign_in(pg, "staff@example.org", PASSWORD)
    pg.goto("/people")
    expect(pg.get_by_role("link", name="Dara Keo")).to_be_visible()
    width = pg.evaluate("document.documentElement.scrollWidth")
    assert width <= 390, f"the page scrolls sideways on a phone ({width}px)"
    shot(pg, "phone")
    context.close()

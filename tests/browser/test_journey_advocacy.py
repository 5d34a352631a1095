"""Journey: staff record a state legislator's statement with two figures, link it to three cases and see it on
each case's timeline; the volunteer on one of the cases sees it there, linked to that case only."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from casework.models import AdvocacyEvent, Contact, ContactKind
from tests.browser.conftest import sign_in

PASSWORD = "advocacy journey password 2031"
TITLE = "State Senator Ferreira on detentions of Cambodian and Vietnamese residents"


@pytest.fixture
def team(make_user, make_person, db, org):
    staff = make_user("staff", email="chanthy.ouk@example.org", name="Chanthy Ouk", password=PASSWORD)
    volunteer = make_user(
        "volunteer", email="grace.ellison@example.org", name="Grace Ellison", password=PASSWORD
    )
    people = {
        "keo": make_person(legal_name="Dara Keo", community="Cambodian", assigned=[volunteer]),
        "pich": make_person(legal_name="Sovann Pich", community="Cambodian"),
        "pham": make_person(legal_name="Tuan Minh Pham", community="Vietnamese"),
        "other": make_person(legal_name="Khamla Phommachanh", community="Lao"),
    }
    db.add(
        Contact(
            org_id=org.id,
            name="Sen. Marisol Ferreira",
            organization="State Senate, 11th District",
            kind=ContactKind.OFFICIAL,
        )
    )
    return {"staff": staff, "volunteer": volunteer, "people": people}


def _link(page, name: str) -> None:
    page.get_by_label("Find a case to link").fill(name.split()[-1])
    page.get_by_role("button", name="Find cases").click()
    expect(page.get_by_role("status")).to_contain_text("found for")
    page.get_by_label(name, exact=True).check()


def test_record_a_statement_and_see_it_on_three_timelines(page, chromium, live_server, team, db, shot):
    sign_in(page, team["staff"].email, PASSWORD)
    page.get_by_role("navigation", name="Main").get_by_role("link", name="Advocacy log").click()
    expect(page.get_by_role("heading", name="Advocacy log")).to_be_visible()
    shot(page, "empty-log")
    page.get_by_role("link", name="Record an event").click()

    page.get_by_label("Title", exact=True).fill(TITLE)
    page.get_by_label("Kind").select_option(label="Statement by an official")
    page.get_by_label("Date", exact=True).fill("2025-03-14")
    page.get_by_label("Source address").fill("https://senate.example.gov/ferreira/statements/detentions")
    page.get_by_label("Description").fill(
        "About 100 Cambodian and 95 Vietnamese residents are detained under the agreements with both countries."
    )
    page.get_by_label("Figure 1: what is counted").fill("Cambodians detained")
    page.get_by_label("Figure 1: number").fill("100")
    page.get_by_label("Figure 2: what is counted").fill("Vietnamese detained")
    page.get_by_label("Figure 2: number").fill("95")
    page.get_by_label("Sen. Marisol Ferreira, State Senate, 11th District").check()
    for name in ("Dara Keo", "Sovann Pich", "Tuan Minh Pham"):
        _link(page, name)
    # what was typed survived the searches
    expect(page.get_by_label("Figure 2: number")).to_have_value("95")
    expect(page.get_by_label("Title", exact=True)).to_have_value(TITLE)
    for name in ("Dara Keo", "Sovann Pich", "Tuan Minh Pham"):
        expect(page.get_by_label(name, exact=True)).to_be_checked()
    shot(page, "form")
    page.get_by_role("button", name="Record the event").click()

    expect(page.get_by_text("The event was recorded.")).to_be_visible()
    expect(page.get_by_role("heading", name=TITLE)).to_be_visible()
    figures = page.locator("section#figures")
    expect(figures).to_contain_text("Cambodians detained")
    expect(figures).to_contain_text("100")
    expect(figures).to_contain_text("Vietnamese detained")
    expect(figures).to_contain_text("95")
    expect(page.locator("section#cases li")).to_have_count(3)
    shot(page, "event")
    event_id = db.scalar(sa.select(AdvocacyEvent.id))

    for key in ("keo", "pich", "pham"):
        page.goto(f"/people/{team['people'][key].id}")
        timeline = page.locator("section#timeline")
        entry = timeline.locator("li", has_text=TITLE)
        expect(entry).to_have_count(1)
        expect(entry).to_contain_text("2025-03-14")
        expect(entry).to_contain_text("Advocacy")
        expect(page.locator("section#advocacy")).to_contain_text("100 Cambodians detained")
        if key == "keo":
            shot(page, "case-timeline")
    page.goto(f"/people/{team['people']['other'].id}")
    expect(page.locator("section#timeline li", has_text=TITLE)).to_have_count(0)

    page.goto("/advocacy")
    expect(page.locator("li.advocacy-event")).to_have_count(1)
    expect(page.locator("li.advocacy-event")).to_contain_text("Linked: Dara Keo, Sovann Pich, Tuan Minh Pham")
    shot(page, "log")

    volunteer_context = chromium.new_context(base_url=live_server)
    volunteer = volunteer_context.new_page()
    sign_in(volunteer, team["volunteer"].email, PASSWORD)
    volunteer.goto(f"/people/{team['people']['keo'].id}")
    expect(volunteer.locator("section#timeline li", has_text=TITLE)).to_have_count(1)
    volunteer.locator("section#advocacy").get_by_role("link", name=TITLE).click()
    expect(volunteer).to_have_url(re.compile(f"/advocacy/{event_id}$"))
    expect(volunteer.locator("section#cases li")).to_have_count(1)
    expect(volunteer.locator("section#cases")).to_contain_text("Dara Keo")
    expect(volunteer.get_by_role("link", name="Edit")).to_have_count(0)
    shot(volunteer, "volunteer-event")
    volunteer_context.close()

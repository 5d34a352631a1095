"""Journey: the demo's owner admin shares a case at view level with partner@example.net using the form's
defaults (after a preview); the partner sees no A-number and no privileged note and is refused the case file
and the summary PDF; the owner turns the A-number on for that share and the partner sees it; the partner
organization's admin widens their own organization's settings, and nothing of the share widens."""

from __future__ import annotations

import os

import sqlalchemy as sa
from playwright.sync_api import expect

from casework import unit_of_work
from casework.demo import people as demo_people
from casework.models import Organization, Person
from tests.browser.conftest import sign_in

PASSWORD = "heron lattice orchard"
SHOWN_A_NUMBER = "027-318-840"  # Tuan Minh Pham's, in the demo
PRIVILEGED_NOTE = "Client interview: facts of the 1994 case"
PARTNER = "Jonah Whitfield (Alder & Finch LLP)"


def _refused(pg, url: str) -> None:
    response = pg.request.get(url, max_redirects=0)
    assert response.status in (403, 404), (url, response.status)


def test_share_with_the_defaults_then_widen_one_part(app, db, page, chromium, live_server, make_user, shot):
    with app.test_request_context(), unit_of_work.transaction():
        demo_people.load(PASSWORD)
    pham = db.scalar(sa.select(Person).where(Person.legal_name == "Tuan Minh Pham"))
    partner_org = db.scalar(sa.select(Organization).where(Organization.name == demo_people.PARTNER_ORG))
    partner_admin = make_user("admin", org=partner_org, email="partner-admin@example.net", password=PASSWORD)
    case_url = f"/people/{pham.id}"

    sign_in(page, "admin@example.org", PASSWORD)
    page.goto(case_url)
    sharing = page.locator("#sharing")
    sharing.get_by_label("Share with").fill("partner@example.net")
    sharing.get_by_role("button", name="Preview").click()
    preview = page.locator("#preview")
    expect(preview).to_contain_text("They will see")
    expect(preview.locator("ul").nth(1)).to_contain_text("the A-number")
    expect(preview.locator("ul").nth(1)).to_contain_text("privileged notes and documents")
    shot(page, "share-preview")
    page.get_by_role("button", name="Share", exact=True).click()
    expect(page.locator(".flash-success")).to_contain_text("The case is shared.")
    expect(sharing).to_contain_text("not: the A-number, privileged notes and documents, export and printing")
    if os.environ.get("CASEWORK_SCREENSHOTS"):
        sharing.screenshot(
            path=os.path.join(os.environ["CASEWORK_SCREENSHOTS"], "share-policy-share-form.png")
        )

    partner_context = chromium.new_context(base_url=live_server)
    try:
        partner = partner_context.new_page()
        sign_in(partner, "partner@example.net", PASSWORD)
        partner.goto(case_url)
        expect(partner.get_by_role("heading", name="Tuan Minh Pham")).to_be_visible()
        expect(partner.locator("body")).not_to_contain_text(SHOWN_A_NUMBER)
        expect(partner.locator("body")).not_to_contain_text(PRIVILEGED_NOTE)
        _refused(partner, f"{case_url}/export.json")
        _refused(partner, f"{case_url}/summary.pdf")
        _refused(partner, f"{case_url}/held")

        # the owner turns the A-number on for this share alone
        share_form = page.locator("form.share-policy")
        share_form.get_by_label("Include the A-number").check()
        share_form.get_by_role("button", name=f"Update share with {PARTNER}").click()
        expect(page.locator(".flash-success")).to_contain_text("Saved.")
        expect(page.locator("#sharing")).to_contain_text("the A-number; not: privileged notes and documents")
        partner.goto(case_url)
        expect(partner.locator("body")).to_contain_text(SHOWN_A_NUMBER)
        expect(partner.locator("body")).not_to_contain_text(PRIVILEGED_NOTE)

        # the partner organization's own settings widen nothing of the share
        admin_context = chromium.new_context(base_url=live_server)
        try:
            partner_admin_page = admin_context.new_page()
            sign_in(partner_admin_page, partner_admin.email, PASSWORD)
            partner_admin_page.goto("/admin/settings")
            partner_admin_page.get_by_label("Volunteers may see A-numbers").check()
            partner_admin_page.get_by_label("Volunteers may build PDF packets").check()
            partner_admin_page.get_by_role("button", name="Save settings").click()
            expect(partner_admin_page.locator(".flash-success")).to_contain_text("Saved.")
        finally:
            admin_context.close()
        partner.goto(case_url)
        expect(partner.locator("body")).not_to_contain_text(PRIVILEGED_NOTE)
        _refused(partner, f"{case_url}/export.json")
        _refused(partner, f"{case_url}/summary.pdf")
    finally:
        partner_context.close()

    page.goto(case_url)
    page.get_by_role("link", name="What we hold about this person").click()
    expect(page.get_by_role("heading", name="What we hold about Tuan Minh Pham")).to_be_visible()
    expect(page.locator("#held-a_number")).to_contain_text(PARTNER)
    expect(page.locator("#held-privileged_notes")).not_to_contain_text(PARTNER)
    expect(page.locator("body")).not_to_contain_text(SHOWN_A_NUMBER)
    shot(page, "held")

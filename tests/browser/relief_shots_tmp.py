import sqlalchemy as sa
from datetime import date, timedelta
from tests.browser.conftest import sign_in

def test_shots(page, make_user, make_person, db, app, org):
    from casework.models import ReliefTemplate, Conviction, Contact, ContactKind
    admin = make_user("admin", email="adm@example.org", name="Ada Min", password="pw for shots 12345")
    person = make_person(legal_name="Chanthou Keomany", state="MA")
    db.add(Conviction(person_id=person.id, offense="Unlawful possession of a firearm", state="MA", county="Middlesex", conviction_date=date(2003,5,2), docket_number="0381CR1234"))
    db.add(Contact(org_id=org.id, name="Dana Whitcombe", organization="Whitcombe LLP", kind=ContactKind.POST_CONVICTION_ATTORNEY))
    sign_in(page, admin.email, "pw for shots 12345")
    page.goto("/admin/relief-templates"); page.screenshot(path="/tmp/relief-shots/admin-list.png", full_page=True)
    wa = db.scalar(sa.select(ReliefTemplate).where(ReliefTemplate.jurisdiction=="WA"))
    page.goto(f"/admin/relief-templates/{wa.id}"); page.screenshot(path="/tmp/relief-shots/admin-wa.png", full_page=True)
    page.get_by_role("button", name="Copy to my organization").click()
    page.screenshot(path="/tmp/relief-shots/admin-copy.png", full_page=True)
    page.locator("#steps a", has_text="Edit").nth(2).click()
    page.get_by_label("Counted from").select_option("5")
    page.get_by_role("button", name="Save changes").click()
    page.screenshot(path="/tmp/relief-shots/admin-cycle.png", full_page=True)
    page.goto(f"/people/{person.id}/relief/new")
    page.get_by_role("button", name="Open the application").click()
    page.screenshot(path="/tmp/relief-shots/new-errors.png", full_page=True)
    page.get_by_label("Kind of relief").select_option("parole_board_pardon")
    page.get_by_role("button", name="Open the application").click()
    page.get_by_role("link", name="Edit the application").click()
    page.get_by_label("Status").select_option("granted")
    page.get_by_role("button", name="Save changes").click()
    page.screenshot(path="/tmp/relief-shots/edit-errors.png", full_page=True)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(page.url.replace("/edit", ""))
    page.screenshot(path="/tmp/relief-shots/phone.png", full_page=True)
    w = page.evaluate("document.documentElement.scrollWidth")
    print("phone width", w)

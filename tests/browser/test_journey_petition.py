"""Journey: staff publish a petition for a demo person; a visitor signs and confirms through the outbox link
(read by an admin, as in development); the count moves; consent withdrawn, the page is gone (410) at once."""

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import confirmation_link, sign_in
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the demo needs them)

PASSWORD = "petition journey password 2031"


@pytest.fixture
def demo(app, db, monkeypatch):
    """The fictional demo data, with a known password."""
    from casework.models import Person

    monkeypatch.setenv("CASEWORK_PASSWORD", PASSWORD)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output
    import sqlalchemy as sa

    return db.scalar(sa.select(Person).where(Person.legal_name == "Khamla Phommachanh"))


def test_publish_sign_confirm_withdraw(page, chromium, live_server, demo, shot):
    person = demo
    sign_in(page, "staff@example.org", PASSWORD)
    page.goto(f"/people/{person.id}")
    section = page.locator("section#petitions")
    expect(section.get_by_text("No consent in force")).to_be_visible()
    shot(page, "section-empty", full_page=False)

    # consent first: what Khamla agreed to make public
    section.get_by_role("link", name="Record consent").click()
    page.get_by_label("Preferred name").check()
    page.get_by_label("City and state of residence").check()
    page.get_by_label("Work").check()
    page.get_by_label("Given by, and how").fill("Khamla, in person, with a Lao interpreter")
    page.get_by_role("button", name="Record the consent").click()
    expect(page.get_by_text("The consent was recorded.")).to_be_visible()

    # the petition, as a draft, then published after the preview
    page.locator("section#petitions").get_by_role("link", name="Host a petition").click()
    page.get_by_label("Public title").fill("Let Khamla stay in Fresno")
    page.get_by_label("Public story").fill("Khamla has cooked for his neighbors in Fresno for twenty years.")
    page.get_by_label("Addressed to").fill("DHS/ICE San Francisco Field Office Director")
    page.get_by_label("Goal").fill("1,000")
    page.get_by_label("City and state of residence").check()
    page.get_by_label("Work").check()
    page.get_by_label("Address (optional)").fill("let-khamla-stay")
    page.get_by_role("button", name="Save as a draft").click()
    expect(page.get_by_text("The petition was saved as a draft.")).to_be_visible()
    page.get_by_role("link", name="Publish…").click()
    expect(page.get_by_text("Fresno, California")).to_be_visible()
    expect(page.get_by_text("Line cook.")).to_be_visible()
    shot(page, "publish-preview")
    page.get_by_role("button", name="Publish").click()
    expect(page.get_by_text("The petition is public.")).to_be_visible()

    # a visitor, on a phone, without an account
    visitor_context = chromium.new_context(base_url=live_server, viewport={"width": 390, "height": 844})
    visitor = visitor_context.new_page()
    visitor.goto("/p/let-khamla-stay")
    expect(visitor.get_by_role("heading", name="Let Khamla stay in Fresno")).to_be_visible()
    expect(visitor.locator("#count")).to_contain_text("0 have signed. Let’s get to 1,000!")
    assert "Phommachanh" not in visitor.content()  # the legal name was not consented
    shot(visitor, "public-phone")
    visitor.get_by_label("Your name").fill("Hollis Brandt")
    visitor.get_by_label("Your e-mail").fill("hollis.brandt@example.com")
    visitor.get_by_label("ZIP code (optional)").fill("93721")
    visitor.get_by_label("Show my first name and initial on this page").check()
    visitor.get_by_role("button", name="Sign", exact=True).click()
    expect(visitor.get_by_role("heading", name="Check your e-mail")).to_be_visible()
    shot(visitor, "thanks-phone")
    assert not visitor_context.cookies()  # the public pages set no cookie

    # the admin reads the outbox (development) for the confirmation link
    link = confirmation_link(chromium, live_server, PASSWORD, "hollis.brandt@example.com", "let-khamla-stay")

    visitor.goto(link)
    visitor.get_by_role("button", name="Confirm my signature").click()
    expect(visitor.get_by_role("heading", name="Thank you: your signature counts")).to_be_visible()
    shot(visitor, "confirmed-phone")
    visitor.goto("/p/let-khamla-stay")
    expect(visitor.locator("#count")).to_contain_text("1 has signed")
    expect(visitor.get_by_text("Recently signed: Hollis B.")).to_be_visible()

    # staff see the count move, never the signer
    page.reload()
    expect(page.locator(".petition-count")).to_contain_text("1 confirmed signatures of 1,000")
    assert "Hollis" not in page.content()

    # consent withdrawn: the page is gone at once
    page.goto(f"/people/{person.id}")
    page.locator("section#petitions").get_by_role("link", name="Withdraw consent…").click()
    page.get_by_role("button", name="Withdraw the consent").click()
    expect(page.get_by_text("1 petition page(s) were taken down at once.")).to_be_visible()
    response = visitor.goto("/p/let-khamla-stay")
    assert response.status == 410
    expect(visitor.get_by_role("heading", name="This petition is no longer available")).to_be_visible()
    assert "Khamla" not in visitor.content()
    visitor.wait_for_load_state("networkidle")
    visitor_context.close()

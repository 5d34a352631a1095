"""Journey: a visitor signs a demo petition with the keyboard alone (Tab, Shift+Tab, typing, Space and Enter;
no click), confirms through the link of the e-mail (read from the development outbox by an admin) and sees the
thanks page; every control the keyboard reaches shows where the focus is."""

from __future__ import annotations

import pytest
from playwright.sync_api import expect

from tests.browser.conftest import confirmation_link
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the demo needs them)

PASSWORD = "keyboard journey password 2031"

FOCUSED = """() => {
  const e = document.activeElement;
  if (!e || e === document.body) return null;
  const s = getComputedStyle(e);
  return {
    tag: e.tagName.toLowerCase(),
    name: e.getAttribute('name') || '',
    text: (e.innerText || e.value || '').trim().slice(0, 40),
    outline: s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) >= 2,
  };
}"""


@pytest.fixture
def demo(app, monkeypatch):
    monkeypatch.setenv("CASEWORK_PASSWORD", PASSWORD)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0, result.output


def focused(pg) -> dict:
    """What has the focus now; it must show a visible outline."""
    element = pg.evaluate(FOCUSED)
    assert element is not None, "the focus left the page's controls"
    assert element["outline"], f"no visible focus outline on {element}"
    return element


def tab_to(pg, test, limit: int = 60, key: str = "Tab") -> dict:
    """Press Tab (or Shift+Tab) until the focused control passes `test`, checking the outline at each stop."""
    for _ in range(limit):
        pg.keyboard.press(key)
        element = focused(pg)
        if test(element):
            return element
    raise AssertionError(f"{key} never reached the control")


def test_sign_a_petition_with_the_keyboard_only(page, chromium, live_server, demo, shot):
    visitor = page
    visitor.goto("/p/keep-dara-home")
    expect(visitor.locator("h1")).to_be_visible()

    # the first stop is the skip link, shown when focused; Enter takes the focus past the header
    skip = tab_to(visitor, lambda e: e["tag"] == "a")
    assert skip["text"] == "Skip to content"
    expect(visitor.locator("a.skip")).to_be_in_viewport()
    shot(visitor, "skip-link", full_page=False)

    tab_to(visitor, lambda e: e["name"] == "name")
    visitor.keyboard.type("Linh Vo")
    tab_to(visitor, lambda e: e["name"] == "email")
    visitor.keyboard.type("linh.vo@example.com")
    tab_to(visitor, lambda e: e["name"] == "zip_code")
    visitor.keyboard.type("01852")
    # one step back and forth: Shift+Tab returns to the e-mail, as typed
    tab_to(visitor, lambda e: e["name"] == "email", key="Shift+Tab")
    expect(visitor.locator("input[name=email]")).to_be_focused()
    expect(visitor.locator("input[name=email]")).to_have_value("linh.vo@example.com")
    tab_to(visitor, lambda e: e["name"] == "zip_code")
    tab_to(visitor, lambda e: e["name"] == "comment")
    visitor.keyboard.type("Dara belongs in Lowell.")
    tab_to(visitor, lambda e: e["name"] == "show_name")
    visitor.keyboard.press("Space")
    expect(visitor.locator("input[name=show_name]")).to_be_checked()
    shot(visitor, "focus-on-checkbox", full_page=False)
    # the honeypot field is skipped: the next stops lead to the Sign button
    sign = tab_to(visitor, lambda e: e["tag"] == "button", limit=5)
    assert sign["text"] == "Sign"
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", name="Check your e-mail")).to_be_visible()

    # the admin reads the outbox (development) for the confirmation link
    link = confirmation_link(chromium, live_server, PASSWORD, "linh.vo@example.com", "keep-dara-home")

    visitor.goto(link)
    confirm = tab_to(visitor, lambda e: e["tag"] == "button")
    assert confirm["text"] == "Confirm my signature"
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_role("heading", name="Thank you: your signature counts")).to_be_visible()
    back = tab_to(visitor, lambda e: e["text"] == "Back to the petition")
    assert back["tag"] == "a"
    shot(visitor, "thanks", full_page=False)
    visitor.keyboard.press("Enter")
    expect(visitor.get_by_text("Recently signed: Linh V.")).to_be_visible()

"""Journey: staff write a privileged and an ordinary note; the assigned attorney reads both; the assigned
volunteer reads only the ordinary one and finds no trace of the other, not even at its edit address."""

import re

import pytest
import sqlalchemy as sa
from playwright.sync_api import expect

from casework.models import Note
from tests.conftest import PASSWORD

PRIVILEGED = "Work product: the 2003 plea colloquy never mentioned immigration consequences (Padilla claim)."
ORDINARY = "Sokha's sister can host the community meeting on Saturday; bring the support-letter forms."


def sign_in(pg, email: str) -> None:
    """Sign in through the real form and wait until the start page, whichever it is, has loaded."""
    pg.goto("/login")
    pg.get_by_label("E-mail").fill(email)
    pg.get_by_label("Password").fill(PASSWORD)
    pg.get_by_role("button", name="Sign in").click()
    pg.wait_for_url(lambda url: "/login" not in url)


@pytest.fixture
def team(make_user, make_person):
    attorney = make_user("attorney", email="attorney.journey@example.org", name="Rebecca Tran, Esq.")
    volunteer = make_user("volunteer", email="volunteer.journey@example.org", name="Grace Ellison")
    staff = make_user("staff", email="staff.journey@example.org", name="Chanthy Ouk")
    person = make_person(legal_name="Sokha Chhim", assigned=[attorney, volunteer])
    return {"staff": staff, "attorney": attorney, "volunteer": volunteer, "person": person}


def test_privileged_notes_reach_attorneys_and_never_volunteers(page, chromium, live_server, team, db, shot):
    person_url = f"/people/{team['person'].id}"

    sign_in(page, team["staff"].email)
    page.goto(person_url)
    notes = page.locator("section#notes")
    notes.get_by_label("Note", exact=True).fill(PRIVILEGED)
    notes.get_by_label("Privileged (attorney-client or work product)").check()
    notes.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("The note was saved.")).to_be_visible()
    notes.get_by_label("Note", exact=True).fill(ORDINARY)
    notes.get_by_role("button", name="Save the note").click()
    expect(page.get_by_text("The note was saved.")).to_be_visible()
    expect(notes.locator(".note")).to_have_count(2)
    expect(notes.locator(".note-privileged .badge-privileged")).to_have_text("Privileged")
    shot(page, "staff-notes")
    privileged_id = db.scalar(sa.select(Note.id).where(Note.privileged.is_(True)))

    attorney_context = chromium.new_context(base_url=live_server)
    attorney = attorney_context.new_page()
    sign_in(attorney, team["attorney"].email)
    attorney.goto(person_url)
    expect(attorney.get_by_text(PRIVILEGED)).to_be_visible()
    expect(attorney.get_by_text(ORDINARY)).to_be_visible()
    expect(attorney.locator("section#notes .badge-privileged")).to_have_count(1)
    shot(attorney, "attorney-notes")
    attorney_context.close()

    volunteer_context = chromium.new_context(base_url=live_server)
    volunteer = volunteer_context.new_page()
    sign_in(volunteer, team["volunteer"].email)
    volunteer.goto(person_url)
    expect(volunteer.get_by_text(ORDINARY)).to_be_visible()
    content = volunteer.content()
    assert "Padilla" not in content and "plea colloquy" not in content
    assert not re.search(r"privileged", volunteer.locator("section#notes").inner_text(), re.IGNORECASE)
    expect(volunteer.locator("section#notes .note")).to_have_count(1)
    expect(volunteer.get_by_label("Privileged (attorney-client or work product)")).to_have_count(0)
    shot(volunteer, "volunteer-notes")
    response = volunteer.goto(f"{person_url}/notes/{privileged_id}/edit")
    assert response.status == 404
    assert "Padilla" not in volunteer.content()
    volunteer_context.close()

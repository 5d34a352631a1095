"""The people list's filter choices are cached per organization, and every change that affects them shows
at once, whichever way it was written (the application, plain SQL as purge and imports use, another
process)."""

from datetime import UTC, datetime

import sqlalchemy as sa

from casework.models import Person, User
from tests.conftest import statements_sent


def page(browser) -> str:
    response = browser.get("/people")
    assert response.status_code == 200
    return response.get_data(as_text=True)


def option(value: str, label: str | None = None) -> str:
    return f'<option value="{value}">{label or value}</option>'


def test_the_choices_are_read_once_then_kept(app, login_as, make_person):
    staff = login_as("staff")
    make_person(citizenship="Laos", community="Lao")
    assert option("Laos") in page(staff)
    with statements_sent(app) as again:
        page(staff)
    assert again, "the page still reads its session and user"
    assert not any("RECURSIVE" in s.upper() for s in again), again


def test_people_added_changed_and_removed_show_at_once(app, db, login_as, make_person):
    staff = login_as("staff")
    assert option("Laos") not in page(staff)
    person = make_person(citizenship="Laos", community="Lao")
    html = page(staff)
    assert option("Laos") in html and option("Lao") in html
    db.execute(sa.update(Person).where(Person.id == person.id).values(citizenship="Vietnam"))
    html = page(staff)
    assert option("Vietnam") in html and option("Laos") not in html
    db.execute(sa.update(Person).where(Person.id == person.id).values(community="Vietnamese"))
    html = page(staff)
    assert option("Vietnamese") in html and option("Lao") not in html
    db.execute(sa.update(Person).where(Person.id == person.id).values(deleted_at=datetime.now(UTC)))
    assert option("Vietnam") not in page(staff)
    db.execute(sa.update(Person).where(Person.id == person.id).values(deleted_at=None))
    assert option("Vietnam") in page(staff)
    db.execute(sa.delete(Person).where(Person.id == person.id))  # as the retention purge does
    assert option("Vietnam") not in page(staff)


def test_colleagues_added_renamed_and_deactivated_show_at_once(app, db, login_as, make_user):
    staff = login_as("staff")
    page(staff)
    helper = make_user("volunteer", name="Kosal Ouk")
    assert option(str(helper.id), "Kosal Ouk") in page(staff)
    db.execute(sa.update(User).where(User.id == helper.id).values(name="Kosal Meas"))
    html = page(staff)
    assert option(str(helper.id), "Kosal Meas") in html and "Kosal Ouk" not in html
    db.execute(sa.update(User).where(User.id == helper.id).values(active=False))
    assert "Kosal Meas" not in page(staff)


def test_organizations_keep_their_own_choices(app, login_as, make_person, make_org, make_user):
    other_org = make_org()
    ours, theirs = login_as("staff"), login_as(make_user("staff", org=other_org))
    make_person(citizenship="Laos")
    make_person(org=other_org, citizenship="Cambodia")
    assert option("Laos") in page(ours) and option("Cambodia") not in page(ours)
    assert option("Cambodia") in page(theirs) and option("Laos") not in page(theirs)
    make_person(org=other_org, citizenship="Vietnam")
    assert option("Vietnam") not in page(ours)
    assert option("Vietnam") in page(theirs)

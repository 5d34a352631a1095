"""The people list's filter choices are cached per organization, and every change that affects them shows
at once, whichever way it was written (the application, plain SQL as purge and imports use, another
process)."""

import re
from datetime import UTC, datetime

import sqlalchemy as sa

from casework.models import Person, User
from tests.conftest import statements_sent, templates_made


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


def fields_made(app):
    """The times the filter form's fields were made from the template meanwhile."""
    return templates_made(app, "people/_filter_fields.html")


def selected(html: str, name: str) -> list[str]:
    select = html.split(f'name="{name}"')[1].split("</select>")[0]
    return re.findall(r'<option selected value="([^"]*)"', select)


def test_the_filter_fields_are_made_once_per_filters_and_choices(app, db, login_as, make_person):
    staff = login_as("staff")
    person = make_person(citizenship="Laos", custody_status="detained")
    with fields_made(app) as made:
        page(staff)
        page(staff)
    assert len(made) == 1, "kept after the first page"
    with fields_made(app) as made:
        staff.post("/people", {"custody": "detained", "sort": "name"})
        html = page(staff)
        assert selected(html, "custody") == ["detained"] and len(made) == 1
        staff.post("/people", {"clear": "1"})
        html = page(staff)
        assert selected(html, "custody") == [] and len(made) == 1, "the unfiltered fields were kept"
    db.execute(sa.update(Person).where(Person.id == person.id).values(citizenship="Vietnam"))
    with fields_made(app) as made:
        html = page(staff)
    assert len(made) == 1 and option("Vietnam") in html and option("Laos") not in html


def test_kept_fields_follow_who_may_filter_by_assignee(app, login_as, make_person):
    make_person(citizenship="Laos")
    staff, volunteer = login_as("staff"), login_as("volunteer")
    assert 'name="assigned"' in page(staff)
    assert 'name="assigned"' not in page(volunteer)
    assert 'name="assigned"' in page(staff)


def test_a_filter_posted_with_an_error_is_shown_as_posted(app, login_as):
    staff = login_as("staff")
    page(staff)
    response = staff.post("/people", {"q": "x" * 201, "detained_from": "not a day", "sort": "name"})
    html = response.get_data(as_text=True)
    assert response.status_code == 200 and 'aria-invalid="true"' in html and "x" * 201 in html
    assert 'aria-invalid="true"' not in page(staff), "errors are never kept"

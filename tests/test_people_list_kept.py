"""Pages of the people list are kept for staff and admins until a write changes them, and every change that
shows on a page shows at once, whichever way it was written (the application, plain SQL as purge and
imports use, another process): a person, a team, a colleague's name, a custody event, another organization."""

import re
from datetime import UTC, date, datetime

import sqlalchemy as sa

from casework.extensions import db as real_db
from casework.models import CaseAssignment, CaseShare, CustodyEvent, CustodyKind, Organization, Person, User
from tests.conftest import statements_sent, templates_made


def page(browser, path: str = "/people") -> str:
    response = browser.get(path)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def pages_made(app):
    """The times the list's content was made from its template meanwhile."""
    return templates_made(app, "people/_list.html")


def csrf_of(html: str) -> str:
    return re.search(r'id="csrf_token" name="csrf_token" type="hidden" value="([^"]+)"', html).group(1)


def test_a_page_is_made_once_then_kept(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    with pages_made(app) as made:
        first = page(staff)
        with statements_sent(app) as again:
            second = page(staff)
    assert len(made) == 1 and "Sokha Chhim" in second
    assert not any("FROM person" in s for s in again), "a kept page reads no person"
    # The same page but for the CSRF token, whose signature carries the second it was made in.
    assert first.replace(csrf_of(first), "") == second.replace(csrf_of(second), "")


def test_a_kept_page_is_one_statement_read_with_the_session(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    page(staff)
    with statements_sent(app) as sent:
        page(staff)
    assert len(sent) == 1, sent
    assert "web_session" in sent[0] and "people_list_stamp" in sent[0] and "case_share" in sent[0]


def test_other_pages_and_posts_read_no_list_stamps_with_the_session(app, login_as, make_person):
    staff = login_as("staff")
    person = make_person(legal_name="Sokha Chhim", citizenship="Cambodia")
    with statements_sent(app) as sent:
        assert staff.get(f"/people/{person.id}").status_code == 200
    assert not any("people_list_stamp" in s for s in sent)
    with statements_sent(app) as sent:
        response = staff.post("/people", {"q": "x" * 201, "sort": "name"})  # too long: shown with errors
    assert response.status_code == 200 and "Sokha Chhim" in response.get_data(as_text=True)
    session_reads = [s for s in sent if "FROM web_session" in s]
    assert session_reads and not any("people_list_stamp" in s for s in session_reads)


def test_a_page_made_afresh_reads_the_choices_stamp_once(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim", citizenship="Cambodia")
    with statements_sent(app) as sent:
        html = page(staff)
    assert "Sokha Chhim" in html and '<option value="Cambodia">' in html
    assert sum("list_choices_stamp" in s for s in sent) == 1, "read with the list's stamp, not again"


def test_people_added_changed_and_removed_show_at_once(app, db, login_as, make_person):
    staff = login_as("staff")
    person = make_person(legal_name="Sokha Chhim", city="Lowell", state="MA")
    html = page(staff)
    assert "Sokha Chhim" in html and "Lowell, MA" in html
    make_person(legal_name="Vanna Keo")
    assert "Vanna Keo" in page(staff)
    for values, shown in (
        ({"legal_name": "Sokha Chhim Meas", "sort_name": "sokha chhim meas"}, "Sokha Chhim Meas"),
        ({"preferred_name": "Kha"}, "“Kha”"),
        ({"city": "Revere"}, "Revere, MA"),
        ({"custody_status": "detained"}, "Detained"),
        ({"case_status": "closed"}, "Closed"),
    ):
        db.execute(sa.update(Person).where(Person.id == person.id).values(**values))
        assert shown in page(staff), values
    db.execute(sa.update(Person).where(Person.id == person.id).values(deleted_at=datetime.now(UTC)))
    assert "Sokha Chhim" not in page(staff)
    db.execute(sa.update(Person).where(Person.id == person.id).values(deleted_at=None))
    assert "Sokha Chhim" in page(staff)
    db.execute(sa.delete(Person).where(Person.id == person.id))  # as the retention purge does
    assert "Sokha Chhim" not in page(staff)


def test_a_search_shows_a_person_renamed_into_it(app, db, login_as, make_person):
    staff = login_as("staff")
    person = make_person(legal_name="Dara Ouk")
    staff.post("/people", {"q": "Phirun", "sort": "name"})
    assert "Dara Ouk" not in page(staff)
    renamed = {"legal_name": "Phirun Ouk", "search_text": "phirun ouk"}  # as the application writes it
    db.execute(sa.update(Person).where(Person.id == person.id).values(**renamed))
    assert "Phirun Ouk" in page(staff)


def teams(html: str) -> list[str]:
    return re.findall(r'<td data-label="Team">(.*?)</td>', html)


def test_teams_and_colleagues_names_show_at_once(app, db, login_as, make_person, make_user):
    staff = login_as("staff")
    helper = make_user("volunteer", name="Kosal Ouk")
    person = make_person(legal_name="Sokha Chhim")
    assert "Kosal Ouk" not in teams(page(staff))[0]
    db.add(CaseAssignment(person_id=person.id, user_id=helper.id))
    assert teams(page(staff)) == ["Kosal Ouk"]
    db.execute(sa.update(User).where(User.id == helper.id).values(name="Kosal Meas"))
    assert teams(page(staff)) == ["Kosal Meas"]
    db.execute(sa.delete(CaseAssignment).where(CaseAssignment.person_id == person.id))
    assert "Kosal Meas" not in teams(page(staff))[0]
    db.add(CaseAssignment(person_id=person.id, user_id=helper.id))
    assert teams(page(staff)) == ["Kosal Meas"]
    db.execute(sa.delete(User).where(User.id == helper.id))
    assert "Kosal Meas" not in page(staff)


def test_the_detained_between_filter_follows_custody_events(app, db, login_as, make_person):
    staff = login_as("staff")
    person = make_person(legal_name="Sokha Chhim")
    staff.post("/people", {"detained_from": "2024-03-01", "detained_to": "2024-03-31", "sort": "name"})
    assert "Sokha Chhim" not in page(staff)
    db.add(CustodyEvent(person_id=person.id, kind=CustodyKind.ICE_ARREST, occurred_on=date(2024, 3, 10)))
    assert "Sokha Chhim" in page(staff)
    db.execute(
        sa.update(CustodyEvent).where(CustodyEvent.person_id == person.id).values(voided_at=datetime.now(UTC))
    )
    assert "Sokha Chhim" not in page(staff)


def test_organizations_keep_their_own_pages(app, login_as, make_person, make_org, make_user):
    other_org = make_org()
    ours, theirs = login_as("staff"), login_as(make_user("staff", org=other_org))
    make_person(legal_name="Sokha Chhim")
    make_person(org=other_org, legal_name="Vanna Keo")
    assert "Sokha Chhim" in page(ours) and "Vanna Keo" not in page(ours)
    assert "Vanna Keo" in page(theirs) and "Sokha Chhim" not in page(theirs)
    with pages_made(app) as made:
        make_person(org=other_org, legal_name="Dara Ouk")
        assert "Dara Ouk" not in page(ours)
        assert "Dara Ouk" in page(theirs)
    assert len(made) == 1, "a change in one organization leaves the other's pages kept"


def test_each_session_gets_its_own_csrf_token(app, login_as, make_person, make_user):
    make_person(legal_name="Sokha Chhim")
    staff = make_user("staff")
    first, second = login_as(staff), login_as(staff)  # signed in twice: two sessions
    with pages_made(app) as made:
        one, two = page(first), page(second)
    assert len(made) == 1, "one page kept for the user"
    assert csrf_of(one) != csrf_of(two)
    assert one.count(csrf_of(one)) == 2, "the filter form and the sign-out form"
    for browser, html in ((first, one), (second, two)):
        response = browser.client.post(
            "/people", data={"csrf_token": csrf_of(html), "q": "Sokha", "sort": "name"}
        )
        assert response.status_code == 302, "the token in a kept page is the requester's own"
    response = first.client.post("/people", data={"csrf_token": csrf_of(two), "q": "Sokha", "sort": "name"})
    assert response.status_code == 400, "and no one else's"


def test_a_session_is_given_its_signed_token_again_and_a_new_sign_in_a_new_one(
    app, login_as, make_person, make_user, monkeypatch
):
    """Tokens never expire (WTF_CSRF_TIME_LIMIT None): a kept page gives a session the token it was given
    before, signed once, and the token works; signing in again (a new secret) gives another."""
    import casework.kept_pages as kept_pages

    make_person(legal_name="Sokha Chhim")
    staff = make_user("staff")
    browser = login_as(staff)
    signed = []
    monkeypatch.setattr(kept_pages, "generate_csrf", lambda: signed.append(1) or kept_pages_generate())
    first, second = page(browser), page(browser)
    assert csrf_of(first) == csrf_of(second) and len(signed) <= 1
    response = browser.client.post(
        "/people", data={"csrf_token": csrf_of(second), "q": "Sokha", "sort": "name"}
    )
    assert response.status_code == 302
    again = login_as(staff)
    assert csrf_of(page(again)) != csrf_of(second)


def kept_pages_generate():
    from flask_wtf.csrf import generate_csrf

    return generate_csrf()


def test_with_tokens_that_expire_each_request_signs_its_own(
    app, another_app, login_as, make_person, monkeypatch
):
    import casework.kept_pages as kept_pages

    make_person(legal_name="Sokha Chhim")
    browser = login_as("staff")
    page(browser)
    signed = []
    monkeypatch.setitem(app.config, "WTF_CSRF_TIME_LIMIT", 3600)
    monkeypatch.setattr(kept_pages, "generate_csrf", lambda: signed.append(1) or kept_pages_generate())
    page(browser), page(browser)
    assert len(signed) == 2


def test_the_header_follows_the_user_and_the_organization(app, db, login_as, make_person):
    staff = login_as("staff", name="Sophea Lim")
    make_person(legal_name="Sokha Chhim")
    assert "Sophea Lim" in page(staff)
    db.execute(sa.update(User).where(User.id == staff.user.id).values(name="Sophea Chan"))
    assert "Sophea Chan" in page(staff)
    db.execute(
        sa.update(Organization).where(Organization.id == staff.user.org_id).values(name="Harbor Legal")
    )
    assert "Harbor Legal" in page(staff)
    db.execute(sa.update(User).where(User.id == staff.user.id).values(role="admin"))
    assert 'href="/admin' in page(staff)


def test_a_message_to_flash_is_shown(app, login_as, make_person):
    staff = login_as("staff")
    person = make_person(legal_name="Sokha Chhim")
    page(staff)
    response = staff.post(f"/people/{person.id}/team", {"user_id": "not a user"})
    assert response.status_code == 302
    html = page(staff)
    assert "Choose a user from the list to add to the team." in html
    assert 'class="flash' not in page(staff), "shown once"


def test_pages_and_pages_of_a_search_are_kept_apart(app, login_as, make_person, monkeypatch):
    staff = login_as("staff")
    for n in range(5):
        make_person(legal_name=f"Person {n:02d}")
    monkeypatch.setitem(app.config, "PEOPLE_PAGE_SIZE", 2)
    first = page(staff)
    after = re.search(r'href="/people\?after=(\d+)"', first).group(1)
    second = page(staff, f"/people?after={after}")
    assert "Person 00" in first and "Person 00" not in second and "Person 02" in second
    staff.post("/people", {"q": "Person 04", "sort": "name"})
    html = page(staff)
    assert "Person 04" in html and "Person 00" not in html
    assert page(staff, f"/people?after={after}") != second


def test_a_share_that_reaches_a_staff_member_shows_at_once(
    app, db, login_as, make_person, make_org, make_user
):
    other_org = make_org()
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    theirs = make_person(org=other_org, legal_name="Vanna Keo")
    assert "Vanna Keo" not in page(staff)
    db.add(CaseShare(person_id=theirs.id, user_id=staff.user.id, level="view"))
    html = page(staff)
    assert "Vanna Keo" in html and "Sokha Chhim" in html
    db.execute(sa.delete(CaseShare).where(CaseShare.person_id == theirs.id))
    assert "Vanna Keo" not in page(staff)


def test_a_share_to_the_organization_shows_until_it_expires(
    app, db, login_as, make_person, make_org, make_user
):
    other_org = make_org()
    staff = login_as("staff")
    theirs = make_person(org=other_org, legal_name="Vanna Keo")
    assert "Vanna Keo" not in page(staff)
    share = db.add(CaseShare(person_id=theirs.id, org_id=staff.user.org_id, level="view"))
    assert "Vanna Keo" in page(staff)
    db.execute(sa.update(CaseShare).where(CaseShare.id == share.id).values(expires_on=date(2000, 1, 1)))
    assert "Vanna Keo" not in page(staff)


def test_volunteers_see_their_own_cases_only(app, login_as, make_person, make_user):
    volunteer_user = make_user("volunteer")
    volunteer, staff = login_as(volunteer_user), login_as("staff")
    make_person(legal_name="Sokha Chhim", assigned=[volunteer_user])
    make_person(legal_name="Vanna Keo")
    assert "Vanna Keo" in page(staff)
    html = page(volunteer)
    assert "Sokha Chhim" in html and "Vanna Keo" not in html


def test_nothing_is_kept_when_turned_off(app, login_as, make_person, monkeypatch):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    monkeypatch.setitem(app.config, "PEOPLE_LIST_PAGES_KEPT", 0)
    with pages_made(app) as made:
        page(staff)
        page(staff)
    assert len(made) == 2


def test_one_transaction_moves_every_organization_it_writes(
    app, db, login_as, make_person, make_org, make_user
):
    other_org = make_org()
    ours, theirs = login_as("staff"), login_as(make_user("staff", org=other_org))
    mine, yours = make_person(legal_name="Sokha Chhim"), make_person(org=other_org, legal_name="Vanna Keo")
    page(ours), page(theirs)
    with app.app_context():  # two people of two organizations, twice each, in one transaction
        for _ in range(2):
            for person, name in ((mine, "Sokha Meas"), (yours, "Vanna Ouk")):
                real_db.session.execute(
                    sa.update(Person).where(Person.id == person.id).values(legal_name=name)
                )
        real_db.session.commit()
    assert "Sokha Meas" in page(ours) and "Vanna Ouk" in page(theirs)


def test_a_write_rolled_back_leaves_the_kept_page_standing(app, login_as, make_person):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    page(staff)
    with app.app_context():
        real_db.session.execute(sa.update(Person).values(legal_name="Never Saved"))
        real_db.session.rollback()
    with pages_made(app) as made:
        assert "Sokha Chhim" in page(staff)
    assert not made


def test_the_pages_kept_are_bounded(app, login_as, make_person, monkeypatch):
    staff = login_as("staff")
    make_person(legal_name="Sokha Chhim")
    monkeypatch.setitem(app.config, "PEOPLE_LIST_PAGES_KEPT", 2)
    monkeypatch.setitem(app.config, "KEPT_PAGES_SHARED", False)  # this worker's own pages alone
    with pages_made(app) as made:
        for q in ("Sokha", "Chhim", "Sok", "Sokha"):
            staff.post("/people", {"q": q, "sort": "name"})
            assert "Sokha Chhim" in page(staff)
    assert len(made) == 4, "the first search's page went when the third was kept"
    assert len(app.extensions["kept_pages.people_list"]) <= 2

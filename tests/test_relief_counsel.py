"""Counsel on a relief application: several per application (a lead, co-counsel, a pro bono firm, a partner
organization) from the case owner's contacts directory; a duplicate is a form error, even when two people add it
at the same moment; removal after a confirmation; history, audit and who may do it."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import date

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    CaseContact,
    Contact,
    ContactKind,
    CounselRole,
    ReliefApplication,
    ReliefCounsel,
    ReliefEvent,
)
from tests.conftest import shows, text_of

DUPLICATE = "This contact already has that role on the application: choose another contact or role."


@pytest.fixture
def person(make_person):
    return make_person(legal_name="Sovann Pich", state="CA")


@pytest.fixture
def application(db, person):
    return db.add(
        ReliefApplication(
            person_id=person.id, kind="governor_pardon", jurisdiction="CA", opened_on=date(2022, 3, 1)
        )
    )


@pytest.fixture
def firm(db, org):
    return db.add(
        Contact(
            org_id=org.id,
            name="Miriam Alder",
            organization="Alder & Finch LLP",
            kind=ContactKind.POST_CONVICTION_ATTORNEY,
        )
    )


@pytest.fixture
def rights_center(db, org):
    return db.add(
        Contact(
            org_id=org.id,
            name="Harbor Immigrant Rights Center",
            kind=ContactKind.OTHER,
        )
    )


def url(person, application, tail=""):
    return f"/people/{person.id}/relief/{application.id}{tail}"


def add(browser, person, application, contact, role="lead"):
    return browser.post(
        url(person, application, "/counsel"), {"contact_id": str(contact.id) if contact else "", "role": role}
    )


def counsel_rows(db, application) -> list[tuple[int, str]]:
    rows = db.scalars(
        sa.select(ReliefCounsel)
        .where(ReliefCounsel.application_id == application.id)
        .order_by(ReliefCounsel.id)
    )
    return [(c.contact_id, c.role.value) for c in rows]


def test_a_law_firm_and_a_legal_organization_both_on_one_pardon(
    login_as, db, person, application, firm, rights_center
):
    staff = login_as("staff", name="Chanthy Ouk")
    page = text_of(staff.get(url(person, application)))
    assert (
        "No counsel yet" in page and "Miriam Alder, Alder &amp; Finch LLP (Post conviction attorney)" in page
    )
    response = add(staff, person, application, firm, "pro_bono_firm")
    assert response.status_code == 302 and response.headers["Location"].endswith("#counsel")
    assert add(staff, person, application, rights_center, "partner_organization").status_code == 302
    assert counsel_rows(db, application) == [
        (firm.id, "pro_bono_firm"),
        (rights_center.id, "partner_organization"),
    ]
    page = text_of(staff.get(url(person, application)))
    counsel = page[page.index('id="counsel"') : page.index('id="prosecutor"')]
    assert "Miriam Alder" in counsel and "Pro bono firm" in counsel
    assert "Harbor Immigrant Rights Center" in counsel and "Partner organization" in counsel
    history = [e.summary for e in db.scalars(sa.select(ReliefEvent).order_by(ReliefEvent.id))]
    assert history == [
        "Counsel added: Miriam Alder, Alder & Finch LLP — Pro bono firm",
        "Counsel added: Harbor Immigrant Rights Center — Partner organization",
    ]
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "relief.counsel_added"))
    assert len(events) == 2 and all(
        e.person_id == person.id and e.field_list == ["contact_id", "role"] for e in events
    )
    assert all("Alder" not in (e.detail or "") for e in events)  # names, never values
    case_page = text_of(staff.get(f"/people/{person.id}"))
    assert "Counsel: Miriam Alder (Alder &amp; Finch LLP) — pro bono firm" in case_page


def test_the_same_contact_may_have_two_roles_but_not_the_same_one_twice(
    login_as, db, person, application, firm
):
    staff = login_as("staff")
    assert add(staff, person, application, firm, "lead").status_code == 302
    assert add(staff, person, application, firm, "pro_bono_firm").status_code == 302
    again = add(staff, person, application, firm, "lead")
    assert again.status_code == 200 and shows(again, DUPLICATE)
    assert shows(again, "The counsel was not added: correct the fields marked below.")
    assert len(counsel_rows(db, application)) == 2
    assert db.count(AuditEvent, AuditEvent.action == "relief.counsel_added") == 2


def test_the_unique_constraint_holds_a_duplicate_the_check_did_not_see(
    login_as, db, person, application, firm, monkeypatch
):
    """The race, played slowly: the check says "not there yet", the row is there; the flush fails, the form
    shows the message, and nothing of the request is kept."""
    from casework.relief import queries

    staff = login_as("staff")
    assert add(staff, person, application, firm, "lead").status_code == 302
    monkeypatch.setattr(queries, "counsel_exists", lambda *args: False)
    response = add(staff, person, application, firm, "lead")
    assert response.status_code == 200 and shows(response, DUPLICATE)
    assert len(counsel_rows(db, application)) == 1
    assert (
        db.count(ReliefEvent) == 1 and db.count(AuditEvent, AuditEvent.action == "relief.counsel_added") == 1
    )


def test_two_people_adding_the_same_counsel_at_once_keep_one(login_as, db, person, application, firm):
    first, second = login_as("staff"), login_as("staff")
    for browser in (first, second):
        browser.get(url(person, application))
    barrier = threading.Barrier(2)

    def post(browser):
        barrier.wait()
        return add(browser, person, application, firm, "co_counsel")

    with ThreadPoolExecutor(max_workers=2) as pool:
        responses = list(pool.map(post, [first, second]))
    assert sorted(r.status_code for r in responses) == [200, 302]
    assert any(shows(r, DUPLICATE) for r in responses if r.status_code == 200)
    assert counsel_rows(db, application) == [(firm.id, "co_counsel")]
    assert db.count(ReliefEvent) == 1


@pytest.mark.parametrize(
    "data, message",
    [
        (
            {"contact_id": "", "role": "lead"},
            "Choose the counsel from the contacts directory (add them there first).",
        ),
        ({"contact_id": "999999", "role": "lead"}, "Choose one of the options in the list."),
        ({"contact_id": "abc", "role": "lead"}, "Choose one of the options in the list."),
        ({"role": ""}, "Choose the counsel's part: lead, co-counsel, pro bono firm or partner."),
        ({"role": "paralegal"}, "Choose one of the options in the list."),
    ],
)
def test_counsel_form_says_what_to_choose(login_as, db, person, application, firm, data, message):
    staff = login_as("staff")
    response = staff.post(url(person, application, "/counsel"), {"contact_id": str(firm.id), **data})
    assert response.status_code == 200 and shows(response, message)
    assert counsel_rows(db, application) == []


def test_only_the_case_owners_directory_offers_counsel(
    login_as, db, person, application, make_org, make_user, share_case, firm
):
    """Prosecutors are not counsel; another organization's contacts do not exist here, and a partner with an
    edit share chooses only among the contacts already on the case (the owner's directory stays the owner's)."""
    partner_org = make_org("Elsewhere Legal")
    theirs = db.add(Contact(org_id=partner_org.id, name="Sam Ortiz", kind=ContactKind.IMMIGRATION_ATTORNEY))
    prosecutor = db.add(Contact(org_id=person.org_id, name="ADA Pat Rowe", kind=ContactKind.PROSECUTOR))
    off_case = db.add(
        Contact(org_id=person.org_id, name="Lee Off-Case", kind=ContactKind.IMMIGRATION_ATTORNEY)
    )
    for on_case in (firm, prosecutor):
        db.add(CaseContact(person_id=person.id, contact_id=on_case.id, role="On the case"))
    partner = make_user("staff", org=partner_org)
    share_case(person, user=partner, level="edit")
    client = login_as(partner)
    page = text_of(client.get(url(person, application)))
    assert "Miriam Alder" in page and "Sam Ortiz" not in page and "ADA Pat Rowe" not in page
    assert "Lee Off-Case" not in page
    for contact in (theirs, prosecutor, off_case):
        response = add(client, person, application, contact)
        assert response.status_code == 200 and shows(response, "Choose one of the options in the list.")
    assert add(client, person, application, firm).status_code == 302
    assert counsel_rows(db, application) == [(firm.id, "lead")]


def test_who_may_add_and_remove_counsel(
    login_as, db, person, application, make_user, make_org, share_case, firm
):
    volunteer = make_user("volunteer")
    from casework.models import CaseAssignment

    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    viewer = make_user("staff", org=make_org("Viewing Partner"))
    share_case(person, user=viewer, level="view")
    assert add(login_as(volunteer), person, application, firm, "lead").status_code == 302  # the edit rule
    viewing = login_as(viewer)
    assert add(viewing, person, application, firm, "co_counsel").status_code == 403
    assert "Add counsel" not in text_of(viewing.get(url(person, application)))
    assert (
        add(login_as("volunteer"), person, application, firm, "co_counsel").status_code == 404
    )  # not assigned
    assert add(login_as("staff", org=make_org()), person, application, firm, "co_counsel").status_code == 404
    (counsel_id,) = db.scalars(sa.select(ReliefCounsel.id))
    assert viewing.post(url(person, application, f"/counsel/{counsel_id}/remove")).status_code == 403
    assert counsel_rows(db, application) == [(firm.id, "lead")]


def test_remove_counsel_after_a_confirmation(login_as, db, person, application, firm, make_person):
    staff = login_as("staff")
    add(staff, person, application, firm, "lead")
    (counsel_id,) = db.scalars(sa.select(ReliefCounsel.id))
    remove = url(person, application, f"/counsel/{counsel_id}/remove")
    page = staff.get(remove)
    assert page.status_code == 200 and shows(page, "Remove Miriam Alder from the application?")
    assert counsel_rows(db, application) != []
    assert staff.post(remove, {}, csrf=False).status_code == 400  # the confirmation's token is needed
    response = staff.post(remove)
    assert response.status_code == 302 and response.headers["Location"].endswith("#counsel")
    assert counsel_rows(db, application) == [] and db.count(Contact) == 1  # the directory keeps the contact
    assert "Counsel removed: Miriam Alder, Alder & Finch LLP — Lead counsel" in [
        e.summary for e in db.scalars(sa.select(ReliefEvent))
    ]
    assert db.count(AuditEvent, AuditEvent.action == "relief.counsel_removed") == 1
    other = db.add(ReliefApplication(person_id=make_person().id, kind="commutation", jurisdiction="MA"))
    assert staff.get(url(person, other, f"/counsel/{counsel_id}/remove")).status_code == 404


def test_opening_an_application_names_its_lead_counsel(login_as, db, person, firm, rights_center):
    from tests.test_relief_applications import open_form

    staff = login_as("staff")
    form = text_of(staff.get(f"/people/{person.id}/relief/new"))
    assert 'name="lead_counsel_id"' in form and "Harbor Immigrant Rights Center" in form
    response = staff.post(
        f"/people/{person.id}/relief/new",
        open_form(kind="governor_pardon", jurisdiction="CA", template="none", lead_counsel_id=str(firm.id)),
    )
    assert response.status_code == 302
    application = db.scalar(sa.select(ReliefApplication))
    assert counsel_rows(db, application) == [(firm.id, CounselRole.LEAD.value)]


def test_a_contact_who_is_counsel_cannot_be_deleted_from_the_directory(
    login_as, db, person, application, firm
):
    staff = login_as("staff")
    add(staff, person, application, firm, "lead")
    staff.get(f"/contacts/{firm.id}/delete")
    staff.post(f"/contacts/{firm.id}/delete")
    assert db.count(Contact, Contact.id == firm.id) == 1 and len(counsel_rows(db, application)) == 1


def test_deleting_the_application_deletes_its_counsel_and_support(login_as, db, person, application, firm):
    from casework.models import SupportRecord

    staff = login_as("staff")
    add(staff, person, application, firm, "lead")
    db.add(SupportRecord(application_id=application.id, kind="letter", author="Pastor Lim"))
    delete = url(person, application, "/delete")
    staff.get(delete)
    assert staff.post(delete).status_code == 302
    assert db.count(ReliefApplication) == 0 and db.count(ReliefCounsel) == 0 and db.count(SupportRecord) == 0

"""Contacts on a case: the case-page section, linking from the directory, creating and linking, unlinking."""

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, CaseContact, Contact, ContactKind
from tests.conftest import shows, text_of

ROLE = "Pro bono counsel for the pardon"


@pytest.fixture
def contact(db, org):
    return db.add(
        Contact(
            org_id=org.id,
            name="Jordan Ellery",
            organization="Ellery Law",
            kind=ContactKind.IMMIGRATION_ATTORNEY,
            phone="617-555-0100",
            email="jordan@ellerylaw.example",
        )
    )


def test_staff_links_a_contact_with_a_role(login_as, make_person, contact, db):
    person = make_person()
    staff = login_as("staff")
    page = text_of(staff.get(f"/people/{person.id}/contacts/link"))
    assert "Jordan Ellery · Ellery Law" in page
    response = staff.post(f"/people/{person.id}/contacts/link", {"contact_id": contact.id, "role": ROLE})
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#contacts"
    link = db.scalar(sa.select(CaseContact))
    assert (link.person_id, link.contact_id, link.role) == (person.id, contact.id, ROLE)
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contact.linked"))
    assert event.person_id == person.id and event.object_id == link.id
    assert event.field_list == ["contact_id", "role"] and event.detail == f"contact {contact.id}"
    case_page = text_of(staff.get(f"/people/{person.id}"))
    for text in ("Jordan Ellery", ROLE, "Ellery Law", "617-555-0100", "jordan@ellerylaw.example"):
        assert text in case_page
    assert "added as " + ROLE in case_page  # on the timeline


@pytest.mark.parametrize(
    "data, message",
    [
        ({"contact_id": "", "role": ROLE}, "Choose a contact from the directory."),
        ({"contact_id": "abc", "role": ROLE}, "Choose a contact from the directory."),
        ({"contact_id": "999999", "role": ROLE}, "Choose a contact from the directory."),
        (
            {"role": ""},
            "Type the contact's role on this case, for example “Pro bono counsel for the pardon”.",
        ),
        ({"role": "r" * 201}, "Keep this under 200 characters."),
    ],
)
def test_link_validation(login_as, make_person, contact, db, data, message):
    person = make_person()
    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/contacts/link", {"contact_id": contact.id, **data})
    assert response.status_code == 200 and shows(response, message)
    assert db.count(CaseContact) == 0


def test_the_same_role_twice_is_refused_but_a_second_role_is_fine(login_as, make_person, contact, db):
    person = make_person()
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/contacts/link", {"contact_id": contact.id, "role": ROLE})
    again = staff.post(f"/people/{person.id}/contacts/link", {"contact_id": contact.id, "role": ROLE})
    assert again.status_code == 200
    assert shows(again, "This contact already has that role on the case; type another role.")
    other = staff.post(
        f"/people/{person.id}/contacts/link", {"contact_id": contact.id, "role": "Bond hearing"}
    )
    assert other.status_code == 302
    assert db.count(CaseContact) == 2


def test_another_organizations_contact_cannot_be_linked(login_as, make_person, make_org, contact, db):
    foreign = db.add(Contact(org_id=make_org("Elsewhere").id, name="Zed Outsider", kind=ContactKind.PRESS))
    person = make_person()
    staff = login_as("staff")
    assert "Zed Outsider" not in text_of(staff.get(f"/people/{person.id}/contacts/link"))
    response = staff.post(f"/people/{person.id}/contacts/link", {"contact_id": foreign.id, "role": ROLE})
    assert response.status_code == 200 and shows(response, "Choose a contact from the directory.")
    assert db.count(CaseContact) == 0


def test_create_and_link_in_one_step(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    b = login_as(volunteer)
    response = b.post(
        f"/people/{person.id}/contacts/new",
        {
            "role": "Deportation officer",
            "name": "Officer Dana Whitlock",
            "organization": "ICE Burlington",
            "kind": "deportation_officer",
            "phone": "781-555-0147",
            "version": "0",
        },
    )
    assert response.status_code == 302
    contact = db.scalar(sa.select(Contact))
    assert contact.org_id == person.org_id and contact.name == "Officer Dana Whitlock"
    link = db.scalar(sa.select(CaseContact))
    assert (link.contact_id, link.role) == (contact.id, "Deportation officer")
    actions = db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id))
    assert actions[-2:] == ["contact.created", "contact.linked"]
    assert "Officer Dana Whitlock" in text_of(b.get(f"/people/{person.id}"))


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"role": ""},
            "Type the contact's role on this case, for example “Pro bono counsel for the pardon”.",
        ),
        ({"name": ""}, "Type the contact's name, or the office's name."),
        ({"kind": "family", "bar_number": "12345", "bar_state": "MA"}, "A bar number is only for attorneys"),
        ({"email": "not-an-address"}, "Type a complete e-mail address, such as name@example.org."),
    ],
)
def test_create_and_link_validation(login_as, make_person, db, changes, message):
    person = make_person()
    data = {"role": ROLE, "name": "Avery Lund", "kind": "supporter", "version": "0", **changes}
    response = login_as("staff").post(f"/people/{person.id}/contacts/new", data)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Contact) == 0 and db.count(CaseContact) == 0


def test_unlink_needs_confirmation_and_keeps_the_directory_entry(login_as, make_person, contact, db):
    person = make_person()
    link = db.add(CaseContact(person_id=person.id, contact_id=contact.id, role=ROLE))
    staff = login_as("staff")
    page = staff.get(f"/people/{person.id}/contacts/{link.id}/remove")
    assert shows(page, f"Remove Jordan Ellery from the case of {person.legal_name}?")
    assert db.count(CaseContact) == 1  # GET changes nothing
    response = staff.post(f"/people/{person.id}/contacts/{link.id}/remove")
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{person.id}#contacts"
    assert db.count(CaseContact) == 0 and db.count(Contact) == 1
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contact.unlinked"))
    assert event.person_id == person.id and event.object_id == link.id


def test_a_link_of_another_case_is_404(login_as, make_person, contact, db):
    person, other = make_person(), make_person()
    link = db.add(CaseContact(person_id=other.id, contact_id=contact.id, role=ROLE))
    staff = login_as("staff")
    assert staff.get(f"/people/{person.id}/contacts/{link.id}/remove").status_code == 404
    assert staff.post(f"/people/{person.id}/contacts/{link.id}/remove").status_code == 404
    assert db.count(CaseContact) == 1


def test_who_may_link_and_unlink(login_as, make_user, make_person, make_org, share_case, contact, db):
    volunteer = make_user("volunteer")
    person = make_person()
    link = db.add(CaseContact(person_id=person.id, contact_id=contact.id, role=ROLE))
    data = {"contact_id": contact.id, "role": "Another role"}
    unassigned = login_as(volunteer)
    for url in (
        f"/people/{person.id}/contacts/link",
        f"/people/{person.id}/contacts/new",
        f"/people/{person.id}/contacts/{link.id}/remove",
    ):
        assert unassigned.get(url).status_code == 404
        assert unassigned.post(url, data).status_code == 404
    partner = login_as("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner.user, level="view")
    for url in (
        f"/people/{person.id}/contacts/link",
        f"/people/{person.id}/contacts/new",
        f"/people/{person.id}/contacts/{link.id}/remove",
    ):
        assert partner.get(url).status_code == 403
        assert partner.post(url, data).status_code == 403
    assert db.count(CaseContact) == 1 and db.count(Contact) == 1


def test_partner_with_a_share_sees_the_case_contacts_but_not_the_directory(
    login_as, make_person, make_org, share_case, contact, db
):
    person = make_person()
    db.add(CaseContact(person_id=person.id, contact_id=contact.id, role=ROLE))
    partner = login_as("staff", org=make_org("Partner Firm LLP"))
    share_case(person, user=partner.user, level="view")
    page = text_of(partner.get(f"/people/{person.id}"))
    assert "Jordan Ellery" in page and ROLE in page and "617-555-0100" in page
    assert f"/contacts/{contact.id}" not in page  # no link into a directory they cannot open
    assert "Add from the directory" not in page and "/remove" not in page


def test_partner_with_an_edit_share_links_only_the_contacts_already_on_the_case(
    login_as, make_person, make_org, share_case, contact, db
):
    other = make_org("Partner Firm LLP")
    db.add(Contact(org_id=other.id, name="Partner's Own Contact", kind=ContactKind.OTHER))
    consulate = db.add(Contact(org_id=contact.org_id, name="Consulate On The Case", kind=ContactKind.OTHER))
    person = make_person()
    db.add(CaseContact(person_id=person.id, contact_id=consulate.id, role=ROLE))
    partner = login_as("staff", org=other)
    share_case(person, user=partner.user, level="edit")
    page = text_of(partner.get(f"/people/{person.id}/contacts/link"))
    assert "Consulate On The Case" in page
    assert "Jordan Ellery" not in page and "Partner&#39;s Own Contact" not in page  # the owner's directory
    partner.post(f"/people/{person.id}/contacts/link", {"contact_id": contact.id, "role": ROLE})
    assert db.count(CaseContact, CaseContact.contact_id == contact.id) == 0
    response = partner.post(
        f"/people/{person.id}/contacts/link", {"contact_id": consulate.id, "role": "Second role"}
    )
    assert response.status_code == 302
    assert db.count(CaseContact, CaseContact.contact_id == consulate.id) == 2


def test_case_section_loads_in_a_fixed_number_of_queries(login_as, make_person, db, org):
    person = make_person()
    for i in range(5):
        c = db.add(Contact(org_id=org.id, name=f"Contact {i}", kind=ContactKind.SUPPORTER))
        db.add(CaseContact(person_id=person.id, contact_id=c.id, role=f"Role {i}"))
    page = text_of(login_as("staff").get(f"/people/{person.id}"))  # lazy="raise" would fail the request
    assert all(f"Role {i}" in page for i in range(5))


def test_numbers_too_long_for_an_id_are_404_not_500(login_as, make_person, contact):
    person = make_person()
    staff = login_as("staff")
    huge = "9" * 25
    for url in (
        f"/contacts/{huge}",
        f"/contacts/{huge}/edit",
        f"/people/{person.id}/contacts/{huge}/remove",
        f"/people/{huge}/contacts/link",
        f"/people/{person.id}/notes/{huge}/edit",
        f"/people/{huge}/notes/new",
        f"/people/{person.id}/tasks/{huge}/edit",
    ):
        assert staff.get(url).status_code == 404, url
    assert staff.post(f"/people/{person.id}/tasks/{huge}/done").status_code == 404
    assert staff.get(f"/contacts?after={huge}").status_code == 200

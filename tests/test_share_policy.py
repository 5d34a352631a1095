"""The owning organization's policy governs every share: privileged material, the A-number, export and printing
reach a partner only when the share includes them, and the partner organization's settings never widen it."""

import sqlalchemy as sa

from casework.models import CaseShare, Document, Note, Organization
from tests.conftest import document_without_file, text_of

A_NUMBER, SHOWN_A_NUMBER = "012345678", "012-345-678"
PRIVILEGED_NOTE = "PRIVILEGED-STRATEGY-MEMO"


def _privileged_document(db, person) -> Document:
    return db.add(document_without_file(person.id, "PRIVILEGED-DECLARATION-DRAFT", privileged=True))


def _shared_case(db, make_person, make_org, make_user, role="staff"):
    person = make_person(legal_name="Shared Person", a_number=A_NUMBER)
    attorney = make_user("attorney")
    db.add(Note(person_id=person.id, author_id=attorney.id, body=PRIVILEGED_NOTE, privileged=True))
    document = _privileged_document(db, person)
    partner_org = make_org("Alder & Finch LLP")
    partner = make_user(role, org=partner_org, email="partner@example.net")
    return person, document, partner_org, partner


def test_view_share_with_the_form_defaults_keeps_the_partner_to_the_case_record(
    login_as, make_person, make_org, make_user, db
):
    person, document, _, partner = _shared_case(db, make_person, make_org, make_user)
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/shares", {"grantee": "partner@example.net", "level": "view"})
    share = db.scalar(sa.select(CaseShare))
    assert (share.includes_privileged, share.includes_a_number, share.allows_export) == (False, False, False)
    assert "not: the A-number, privileged notes and documents, export and printing" in text_of(
        staff.get(f"/people/{person.id}")
    )

    pb = login_as(partner)
    page = text_of(pb.get(f"/people/{person.id}"))
    assert "Shared Person" in page
    assert SHOWN_A_NUMBER not in page and A_NUMBER not in page
    assert PRIVILEGED_NOTE not in text_of(pb.get(f"/people/{person.id}"))
    assert "PRIVILEGED-DECLARATION-DRAFT" not in text_of(pb.get(f"/people/{person.id}"))
    assert pb.get(f"/people/{person.id}/documents/{document.id}").status_code == 404
    assert pb.get(f"/people/{person.id}/export.json").status_code in (403, 404)
    assert pb.get(f"/people/{person.id}/summary.pdf").status_code in (403, 404)


def test_owner_turns_each_part_on_and_the_partner_reaches_it(login_as, make_person, make_org, make_user, db):
    person, document, _, partner = _shared_case(db, make_person, make_org, make_user)
    staff = login_as("staff")
    staff.post(f"/people/{person.id}/shares", {"grantee": "partner@example.net", "level": "view"})
    pb = login_as(partner)
    assert SHOWN_A_NUMBER not in text_of(pb.get(f"/people/{person.id}"))

    staff.post(
        f"/people/{person.id}/shares",
        {"grantee": "partner@example.net", "level": "view", "includes_a_number": "y"},
    )
    assert db.count(CaseShare) == 1
    assert SHOWN_A_NUMBER in text_of(pb.get(f"/people/{person.id}"))
    assert PRIVILEGED_NOTE not in text_of(pb.get(f"/people/{person.id}"))
    assert pb.get(f"/people/{person.id}/export.json").status_code in (403, 404)

    staff.post(
        f"/people/{person.id}/shares",
        {
            "grantee": "partner@example.net",
            "level": "view",
            "includes_a_number": "y",
            "includes_privileged": "y",
            "allows_export": "y",
        },
    )
    assert PRIVILEGED_NOTE in text_of(pb.get(f"/people/{person.id}"))
    assert "PRIVILEGED-DECLARATION-DRAFT" in text_of(pb.get(f"/people/{person.id}"))
    assert pb.get(f"/people/{person.id}/documents/{document.id}").status_code == 410  # found; no file stored
    assert pb.get(f"/people/{person.id}/export.json").status_code == 200
    assert pb.get(f"/people/{person.id}/summary.pdf").status_code == 200


def test_partner_organization_settings_change_nothing(
    login_as, make_person, make_org, make_user, share_case, db, org
):
    person, _, partner_org, _ = _shared_case(db, make_person, make_org, make_user)
    partner_volunteer = make_user("volunteer", org=partner_org)
    share_case(person, user=partner_volunteer)
    db.execute(
        sa.update(Organization)
        .where(Organization.id == partner_org.id)
        .values(volunteers_see_a_number=True, volunteers_build_packets=True)
    )

    pv = login_as(partner_volunteer)
    assert SHOWN_A_NUMBER not in text_of(pv.get(f"/people/{person.id}"))
    assert pv.get(f"/people/{person.id}/summary.pdf").status_code in (403, 404)
    assert pv.get(f"/people/{person.id}/export.json").status_code in (403, 404)


def test_share_includes_only_what_the_owners_rules_allow_the_partners_role(
    login_as, make_person, make_org, make_user, share_case, db
):
    """A share that includes everything still follows the owner's rules for the role: a partner volunteer
    sees no A-number and prints nothing while the owner keeps those from its own volunteers."""
    person, _, partner_org, _ = _shared_case(db, make_person, make_org, make_user)
    partner_volunteer = make_user("volunteer", org=partner_org)
    share_case(
        person, user=partner_volunteer, includes_privileged=True, includes_a_number=True, allows_export=True
    )
    pv = login_as(partner_volunteer)
    page = text_of(pv.get(f"/people/{person.id}"))
    assert SHOWN_A_NUMBER not in page
    assert PRIVILEGED_NOTE not in text_of(pv.get(f"/people/{person.id}"))
    assert pv.get(f"/people/{person.id}/summary.pdf").status_code in (403, 404)


def test_a_partner_neither_finds_by_nor_exports_an_a_number_the_share_leaves_out(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, _, _, partner = _shared_case(db, make_person, make_org, make_user)
    share = share_case(person, user=partner)
    pb = login_as(partner)
    exported = text_of(pb.get("/people/export.csv"))
    assert "Shared Person" in exported and SHOWN_A_NUMBER not in exported and A_NUMBER not in exported
    assert "Shared Person" in text_of(pb.get("/people"))
    pb.post("/people", {"q": SHOWN_A_NUMBER})
    assert "Shared Person" not in text_of(pb.get("/people"))

    db.execute(sa.update(CaseShare).where(CaseShare.id == share.id).values(includes_a_number=True))
    assert "Shared Person" in text_of(pb.get("/people"))
    assert SHOWN_A_NUMBER in text_of(pb.get("/people/export.csv"))


def test_edit_share_partner_chooses_only_among_the_case_contacts(
    login_as, make_person, make_org, make_user, share_case, db, org
):
    from casework.models import CaseContact, Contact, ContactKind

    person, _, _, partner = _shared_case(db, make_person, make_org, make_user)
    db.add(Contact(org_id=org.id, name="ICE Field Office Officer", kind=ContactKind.OTHER, phone="555-0199"))
    on_case = db.add(Contact(org_id=org.id, name="Consulate Caseworker", kind=ContactKind.OTHER))
    db.add(CaseContact(person_id=person.id, contact_id=on_case.id, role="Consular support"))
    share_case(person, user=partner, level="edit")
    choices = text_of(login_as(partner).get(f"/people/{person.id}/contacts/link"))
    assert "Consulate Caseworker" in choices
    assert "ICE Field Office Officer" not in choices and "555-0199" not in choices
    staff_choices = text_of(login_as("staff").get(f"/people/{person.id}/contacts/link"))
    assert "ICE Field Office Officer" in staff_choices


def test_partner_without_privileged_material_gets_no_privileged_box(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, _, _, partner = _shared_case(db, make_person, make_org, make_user)
    share = share_case(person, user=partner, level="edit")
    pb = login_as(partner)
    for page in ("documents/new", "notes/new"):
        assert 'name="privileged"' not in text_of(pb.get(f"/people/{person.id}/{page}")), page
    db.execute(sa.update(CaseShare).where(CaseShare.id == share.id).values(includes_privileged=True))
    for page in ("documents/new", "notes/new"):
        assert 'name="privileged"' in text_of(pb.get(f"/people/{person.id}/{page}")), page


def test_edit_share_partner_creates_a_contact_in_the_cases_scope(
    login_as, make_person, make_org, make_user, share_case, db, org
):
    from casework.models import AuditEvent, CaseContact, Contact

    person, _, partner_org, partner = _shared_case(db, make_person, make_org, make_user)
    other_case = make_person(legal_name="Another Client")
    share_case(person, user=partner, level="edit")
    pb = login_as(partner)
    assert "you reach it through this case only" in text_of(pb.get(f"/people/{person.id}/contacts/new"))
    created = pb.post(
        f"/people/{person.id}/contacts/new",
        {
            "role": "Co-counsel",
            "name": "Partner-Made Contact",
            "kind": "immigration_attorney",
            "phone": "555-0142",
            "version": "0",
        },
    )
    assert created.status_code == 302
    contact = db.scalar(sa.select(Contact).where(Contact.name == "Partner-Made Contact"))
    # owned by the case's organization, never the partner's, and on this case only
    assert contact.org_id == org.id != partner_org.id
    links = db.scalars(sa.select(CaseContact).where(CaseContact.contact_id == contact.id))
    assert [link.person_id for link in links] == [person.id]
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contact.created"))
    assert event.org_id == org.id and event.actor_id == partner.id

    # the partner reaches it through the case, not through any directory
    assert "Partner-Made Contact" in text_of(pb.get(f"/people/{person.id}"))
    assert "Partner-Made Contact" in text_of(pb.get(f"/people/{person.id}/contacts/link"))
    assert "Partner-Made Contact" not in text_of(pb.get("/contacts"))
    assert pb.get(f"/contacts/{contact.id}").status_code == 404
    assert pb.get(f"/contacts/{contact.id}/edit").status_code == 404
    # the owner's directory holds it; the owner's other cases can use it
    staff = login_as("staff")
    assert "Partner-Made Contact" in text_of(staff.get("/contacts"))
    assert "Partner-Made Contact" in text_of(staff.get(f"/people/{other_case.id}/contacts/link"))

    # taken off the case, it is out of the partner's reach again
    staff.post(f"/people/{person.id}/contacts/{links[0].id}/remove")
    assert "Partner-Made Contact" not in text_of(pb.get(f"/people/{person.id}/contacts/link"))
    assert "Partner-Made Contact" not in text_of(pb.get(f"/people/{person.id}"))


def test_view_share_partner_creates_no_contact(login_as, make_person, make_org, make_user, share_case, db):
    from casework.models import Contact

    person, _, _, partner = _shared_case(db, make_person, make_org, make_user)
    share_case(person, user=partner, level="view")
    data = {"role": "Co-counsel", "name": "Not Made", "kind": "immigration_attorney", "version": "0"}
    assert login_as(partner).post(f"/people/{person.id}/contacts/new", data).status_code == 403
    assert db.count(Contact) == 0


def _share_with_partner(staff, person, level: str, includes_a_number: bool = False) -> None:
    """The owner's staff shares the case with the partner (through the form), with or without the A-number."""
    form = {"grantee": "partner@example.net", "level": level}
    if includes_a_number:
        form["includes_a_number"] = "y"
    staff.post(f"/people/{person.id}/shares", form)


def _partner_reaching(level: str, login_as, make_person, make_org, make_user, db):
    """A case shared at `level` without its A-number: (the case, its owner's staff, the partner), signed in."""
    person, _, _, partner = _shared_case(db, make_person, make_org, make_user)
    staff = login_as("staff")
    _share_with_partner(staff, person, level)
    return person, staff, login_as(partner)


def test_people_list_shows_a_shared_case_a_number_only_where_the_share_includes_it(
    login_as, make_person, make_org, make_user, db
):
    person, staff, pb = _partner_reaching("view", login_as, make_person, make_org, make_user, db)

    def list_rows() -> str:
        page = pb.get("/people").get_data(as_text=True)
        return page[page.index("<tbody>") :]  # the rows (the search box's example is an A-number too)

    assert "Shared Person" in list_rows()
    assert SHOWN_A_NUMBER not in list_rows() and "hidden" in list_rows()

    _share_with_partner(staff, person, "view", includes_a_number=True)
    assert "A" + SHOWN_A_NUMBER in list_rows()


def test_edit_share_without_the_a_number_keeps_it_out_of_the_edit_form_and_unchanged(
    login_as, make_person, make_org, make_user, db
):
    person, staff, pb = _partner_reaching("edit", login_as, make_person, make_org, make_user, db)
    page = pb.get(f"/people/{person.id}/edit").get_data(as_text=True)
    assert "Shared Person" in page
    assert A_NUMBER not in page and SHOWN_A_NUMBER not in page and 'name="a_number"' not in page
    saved = pb.post(
        f"/people/{person.id}/edit",
        {"legal_name": "Shared Person Renamed", "case_status": "active", "version": str(person.version)},
    )
    assert saved.status_code == 302
    stored = db.get(type(person), person.id)
    assert (stored.legal_name, stored.a_number) == ("Shared Person Renamed", A_NUMBER)

    _share_with_partner(staff, person, "edit", includes_a_number=True)
    assert 'name="a_number"' in pb.get(f"/people/{person.id}/edit").get_data(as_text=True)

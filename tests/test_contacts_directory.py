"""The contacts directory: create, edit, delete, validation, search, paging and who may see what."""

import re

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, CaseContact, Contact, ContactKind
from tests.conftest import shows, text_of

VALID = {
    "name": "Nguyễn Thị Lan",
    "organization": "Alder & Finch LLP",
    "kind": "post_conviction_attorney",
    "bar_number": "BBO 681204",
    "bar_state": "MA",
    "phone": "(617) 555-0134",
    "email": "lan.nguyen@alderfinch.example",
    "notes": "Prefers e-mail; assistant answers the phone on Fridays.",
}


def _form(**changes):
    data = dict(VALID, version="0")
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


@pytest.fixture
def make_contact(db, org):
    """make_contact(name, org=None, **fields) -> Contact (committed)."""

    def make(name: str, org_=None, **fields) -> Contact:
        fields.setdefault("kind", ContactKind.SUPPORTER)
        return db.add(Contact(org_id=(org_ or org).id, name=name, **fields))

    return make


def names(response) -> list[str]:
    return re.findall(r"<strong>([^<]+)</strong></a>", text_of(response))


def search(browser, **filters):
    browser.get("/contacts")
    response = browser.post("/contacts", {"q": "", "kind": "", **filters})
    assert response.status_code == 302 and response.headers["Location"] == "/contacts"
    return browser.get("/contacts")


# ---------------------------------------------------------------- create, edit, delete


def test_staff_adds_a_contact_with_every_field(login_as, db):
    staff = login_as("staff")
    response = staff.post("/contacts/new", _form())
    assert response.status_code == 302
    contact = db.scalar(sa.select(Contact))
    assert response.headers["Location"] == f"/contacts/{contact.id}"
    assert contact.org_id == staff.user.org_id and contact.kind == ContactKind.POST_CONVICTION_ATTORNEY
    assert (contact.bar_number, contact.bar_state) == ("BBO 681204", "MA")
    assert contact.sort_name == "nguyen thi lan"
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contact.created"))
    assert event.object_id == contact.id and event.org_id == contact.org_id
    assert {"name", "bar_number", "email", "notes"} <= set(event.field_list)
    page = text_of(staff.get(f"/contacts/{contact.id}"))
    assert "Nguyễn Thị Lan" in page and "BBO 681204 · MA" in page and "(617) 555-0134" in page


def test_blank_text_is_stored_as_null(login_as, db):
    staff = login_as("staff")
    staff.post(
        "/contacts/new", _form(organization="  ", bar_number="", bar_state="", phone="", email="", notes="")
    )
    contact = db.scalar(sa.select(Contact))
    assert contact.organization is None and contact.bar_state is None and contact.email is None


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"name": ""}, "Type the contact's name, or the office's name."),
        ({"name": "x" * 201}, "Keep this under 200 characters."),
        ({"kind": ""}, "Choose what kind of contact this is."),
        ({"kind": "astrologer"}, "Choose one of the options in the list."),
        (
            {"kind": "family"},
            (
                "A bar number is only for attorneys: choose an attorney kind above, or leave the bar "
                "number empty."
            ),
        ),
        (
            {"kind": "prosecutor", "bar_number": ""},
            (
                "A bar state is only for attorneys: choose an attorney kind "
                "above, or leave the bar state empty."
            ),
        ),
        ({"bar_state": ""}, "Choose the state whose bar issued this bar number."),
        ({"bar_state": "ZZ"}, "Not a valid choice."),
        ({"bar_number": "1" * 51}, "Keep this under 50 characters."),
        (
            {"phone": "call me maybe"},
            (
                "Type a phone number with digits, spaces and + ( ) - . only, for example "
                "(617) 555-0134 or +1 617 555 0134 x12."
            ),
        ),
        ({"phone": "555-01"}, "Type the whole phone number with its area code (at least 7 digits)."),
        ({"email": "lan at alderfinch"}, "Type a complete e-mail address, such as name@example.org."),
        ({"notes": "n" * 8001}, "Keep the notes under 8,000 characters."),
        (
            {"name": "Jordan\x0bEllery"},
            (
                "Remove the invisible control characters from this text (they often come "
                "with pasted text), then save again."
            ),
        ),
        ({"organization": "Ellery\x1bLaw"}, "Remove the invisible control characters from this text"),
    ],
)
def test_validation_messages_say_what_to_type(login_as, db, changes, message):
    staff = login_as("staff")
    response = staff.post("/contacts/new", _form(**changes))
    assert response.status_code == 200
    assert shows(response, message)
    assert db.count(Contact) == 0


@pytest.mark.parametrize(
    "phone",
    ["617-555-0134", "+1 (617) 555 0134", "617.555.0134 x12", "+855 23 555 012", "617 555 0134 ext. 7"],
)
def test_usual_phone_numbers_are_accepted(login_as, db, phone):
    assert login_as("staff").post("/contacts/new", _form(phone=phone)).status_code == 302
    assert db.scalar(sa.select(Contact.phone)) == phone


def test_a_bar_number_is_fine_for_every_attorney_kind(login_as, db):
    staff = login_as("staff")
    for kind in ("immigration_attorney", "criminal_defense_attorney", "post_conviction_attorney"):
        assert staff.post("/contacts/new", _form(kind=kind)).status_code == 302
    assert db.count(Contact) == 3


def test_edit_saves_and_audits_field_names_only(login_as, make_contact, db):
    contact = make_contact("Jordan Ellery", phone="617-555-0100")
    staff = login_as("staff")
    assert staff.get(f"/contacts/{contact.id}/edit").status_code == 200
    response = staff.post(
        f"/contacts/{contact.id}/edit",
        _form(
            name="Jordan Ellery",
            kind="supporter",
            bar_number="",
            bar_state="",
            phone="617-555-0199",
            notes="SENTINEL-NOTE",
            version=str(contact.version),
        ),
    )
    assert response.status_code == 302
    saved = db.get(Contact, contact.id)
    assert saved.phone == "617-555-0199" and saved.version == contact.version + 1
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contact.updated"))
    assert set(event.field_list) == {"organization", "phone", "email", "notes"}
    columns = [getattr(event, c.key) for c in sa.inspect(AuditEvent).columns]
    assert not any(isinstance(v, str) and ("555" in v or "SENTINEL" in v) for v in columns)


def test_edit_conflict_keeps_what_was_typed(login_as, make_contact, db):
    contact = make_contact("Jordan Ellery", organization="Ellery Law")
    alice, bob = login_as("staff"), login_as("admin")
    base = {
        "name": "Jordan Ellery",
        "kind": "supporter",
        "bar_number": "",
        "bar_state": "",
        "phone": "",
        "email": "",
        "notes": "",
        "version": str(contact.version),
    }
    assert (
        alice.post(f"/contacts/{contact.id}/edit", dict(base, organization="Ellery & Park")).status_code
        == 302
    )
    response = bob.post(
        f"/contacts/{contact.id}/edit", dict(base, organization="Bob's Firm", phone="617-555-0142")
    )
    html = text_of(response)
    assert response.status_code == 200
    assert "Someone else saved this contact while you were editing" in html
    assert 'value="617-555-0142"' in html  # Bob's typing is kept on the page
    assert "Saved by someone else meanwhile: <strong>Ellery &amp; Park</strong>" in html
    saved = db.get(Contact, contact.id)
    assert saved.organization == "Ellery & Park" and saved.phone is None
    assert db.count(AuditEvent, AuditEvent.action == "contact.updated") == 1


def test_delete_needs_confirmation(login_as, make_contact, db):
    contact = make_contact("Jordan Ellery")
    staff = login_as("staff")
    page = staff.get(f"/contacts/{contact.id}/delete")
    assert shows(page, "Delete Jordan Ellery from the directory?")
    assert db.count(Contact) == 1  # GET changes nothing
    response = staff.post(f"/contacts/{contact.id}/delete")
    assert response.status_code == 302 and response.headers["Location"] == "/contacts"
    assert db.count(Contact) == 0
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "contact.deleted"))
    assert event.object_id == contact.id and event.org_id == contact.org_id


def test_delete_is_refused_while_the_contact_has_roles(login_as, make_contact, make_person, db):
    contact = make_contact("Jordan Ellery")
    person = make_person()
    db.add(CaseContact(person_id=person.id, contact_id=contact.id, role="Pro bono counsel for the pardon"))
    staff = login_as("staff")
    message = "This contact cannot be deleted while it has 1 role on cases."
    assert shows(staff.get(f"/contacts/{contact.id}/delete"), message)
    response = staff.post(f"/contacts/{contact.id}/delete")
    assert response.status_code == 302
    assert shows(staff.get(response.headers["Location"]), message)
    assert db.count(Contact) == 1 and db.count(CaseContact) == 1
    assert db.count(AuditEvent, AuditEvent.action == "contact.deleted") == 0


def test_delete_refusal_counts_roles_on_deleted_cases(login_as, make_contact, make_person, db):
    from datetime import UTC, datetime

    contact = make_contact("Jordan Ellery")
    gone = make_person(deleted_at=datetime.now(UTC))
    db.add(CaseContact(person_id=gone.id, contact_id=contact.id, role="Counsel"))
    page = login_as("staff").get(f"/contacts/{contact.id}/delete")
    assert shows(page, "1 role on cases (1 on deleted cases, which an administrator can restore)")


# ---------------------------------------------------------------- who may see and change the directory


def test_volunteers_and_attorneys_read_but_do_not_manage(login_as, make_contact, db):
    contact = make_contact("Jordan Ellery")
    for role in ("volunteer", "attorney"):
        reader = login_as(role)
        assert "Jordan Ellery" in names(reader.get("/contacts"))
        assert reader.get(f"/contacts/{contact.id}").status_code == 200
        assert "Add a contact" not in text_of(reader.get("/contacts"))
        assert reader.get("/contacts/new").status_code == 403
        assert reader.post("/contacts/new", _form()).status_code == 403
        assert reader.get(f"/contacts/{contact.id}/edit").status_code == 403
        assert reader.post(f"/contacts/{contact.id}/edit", _form(version="1")).status_code == 403
        assert reader.post(f"/contacts/{contact.id}/delete").status_code == 403
    assert db.count(Contact) == 1 and db.get(Contact, contact.id).name == "Jordan Ellery"


def test_other_organizations_never_see_the_directory(
    login_as, make_contact, make_org, make_person, db, share_case
):
    contact = make_contact("Jordan Ellery")
    other = make_org("Partner Firm LLP")
    for role in ("admin", "staff"):
        outsider = login_as(role, org=other)
        assert names(outsider.get("/contacts")) == []
        assert names(search(outsider, q="ellery")) == []
        for url in (
            f"/contacts/{contact.id}",
            f"/contacts/{contact.id}/edit",
            f"/contacts/{contact.id}/delete",
        ):
            assert outsider.get(url).status_code == 404
        assert outsider.post(f"/contacts/{contact.id}/delete").status_code == 404
    # a share of a case does not open the owner's directory either
    partner = login_as("staff", org=other)
    person = make_person()
    share_case(person, user=partner.user, level="edit")
    assert partner.get(f"/contacts/{contact.id}").status_code == 404
    assert db.count(Contact) == 1


def test_contact_page_lists_only_cases_the_viewer_may_open(
    login_as, make_user, make_contact, make_person, db
):
    contact = make_contact("Jordan Ellery")
    volunteer = make_user("volunteer")
    mine = make_person(legal_name="Dara Keo", assigned=[volunteer])
    other = make_person(legal_name="Sovann Pich")
    db.add(CaseContact(person_id=mine.id, contact_id=contact.id, role="Deportation officer"))
    db.add(CaseContact(person_id=other.id, contact_id=contact.id, role="Pardon counsel"))
    page = text_of(login_as(volunteer).get(f"/contacts/{contact.id}"))
    assert "Dara Keo" in page and "Deportation officer" in page
    assert "Sovann Pich" not in page and "Pardon counsel" not in page
    staff_page = text_of(login_as("staff").get(f"/contacts/{contact.id}"))
    assert "Dara Keo" in staff_page and "Sovann Pich" in staff_page


# ---------------------------------------------------------------- search and paging


@pytest.fixture
def directory(make_contact):
    return {
        "nguyen": make_contact(
            "Nguyễn Văn Minh", organization="Consulate General of Vietnam", kind=ContactKind.CONSULATE
        ),
        "pena": make_contact(
            "Ana Peña",
            organization="Oficina del Defensor Público",
            kind=ContactKind.CRIMINAL_DEFENSE_ATTORNEY,
        ),
        "ellery": make_contact(
            "Jordan Ellery", organization="Ellery Law", kind=ContactKind.IMMIGRATION_ATTORNEY
        ),
        "sok": make_contact("សុខ ចាន់", kind=ContactKind.FAMILY),
    }


@pytest.mark.parametrize(
    "query, expected",
    [
        ("nguyen", ["Nguyễn Văn Minh"]),  # accents optional
        ("Nguyễn", ["Nguyễn Văn Minh"]),  # ... or typed
        ("NGUYEN van", ["Nguyễn Văn Minh"]),  # any case, several words
        ("pena", ["Ana Peña"]),
        ("Peña", ["Ana Peña"]),
        ("vietnam", ["Nguyễn Văn Minh"]),  # by organization
        ("publico", ["Ana Peña"]),  # organization, accents optional
        ("Público", ["Ana Peña"]),
        ("ellery law", ["Jordan Ellery"]),  # one word in the name, one in the organization
        ("សុខ", ["សុខ ចាន់"]),  # Khmer script
        ("nobody", []),
        ("100%_", []),  # LIKE wildcards are literal
    ],
)
def test_search_by_name_or_organization(login_as, directory, query, expected):
    assert names(search(login_as("staff"), q=query)) == expected


def test_filter_by_kind_and_clear(login_as, directory):
    staff = login_as("staff")
    assert names(search(staff, kind="consulate")) == ["Nguyễn Văn Minh"]
    assert names(search(staff, q="a", kind="criminal_defense_attorney")) == ["Ana Peña"]
    staff.post("/contacts", {"clear": "1"})
    assert len(names(staff.get("/contacts"))) == 4


def test_search_terms_never_reach_the_url(login_as, directory):
    staff = login_as("staff")
    staff.get("/contacts")
    response = staff.post("/contacts", {"q": "Peña", "kind": ""})
    assert response.headers["Location"] == "/contacts"


def test_bad_kind_filter_is_refused_with_a_message(login_as, directory):
    staff = login_as("staff")
    staff.get("/contacts")
    response = staff.post("/contacts", {"q": "", "kind": "astrologer"})
    assert response.status_code == 200 and shows(response, "Choose one of the options in the list.")


def test_keyset_paging(login_as, make_contact, app, monkeypatch):
    for i in range(7):
        make_contact(f"Contact {i:02d}")
    monkeypatch.setitem(app.config, "CONTACTS_PAGE_SIZE", 3)
    staff = login_as("staff")
    first = staff.get("/contacts")
    assert names(first) == ["Contact 00", "Contact 01", "Contact 02"]
    assert "7 contacts" in text_of(first)
    next_url = re.search(r'href="(/contacts\?after=\d+)" rel="next"', text_of(first)).group(1)
    second = staff.get(next_url)
    assert names(second) == ["Contact 03", "Contact 04", "Contact 05"]
    third = staff.get(re.search(r'href="(/contacts\?after=\d+)" rel="next"', text_of(second)).group(1))
    assert names(third) == ["Contact 06"] and 'rel="next"' not in text_of(third)
    back = staff.get(re.search(r'href="(/contacts\?before=\d+)" rel="prev"', text_of(third)).group(1))
    assert names(back) == ["Contact 03", "Contact 04", "Contact 05"]
    assert names(staff.get("/contacts?after=999999")) == ["Contact 00", "Contact 01", "Contact 02"]


def test_paging_anchor_of_another_organization_is_ignored(login_as, make_contact, make_org, app, monkeypatch):
    foreign = make_contact("Zed Outsider", org_=make_org("Elsewhere"))
    for i in range(3):
        make_contact(f"Contact {i}")
    monkeypatch.setitem(app.config, "CONTACTS_PAGE_SIZE", 2)
    assert names(login_as("staff").get(f"/contacts?after={foreign.id}")) == ["Contact 0", "Contact 1"]


def test_delete_is_refused_while_the_contact_is_a_relief_applications_counsel(
    login_as, make_contact, make_person, db
):
    from casework.models import CounselRole, ReliefApplication, ReliefCounsel, ReliefKind

    contact = make_contact("Jordan Ellery", kind=ContactKind.POST_CONVICTION_ATTORNEY)
    application = db.add(
        ReliefApplication(person_id=make_person().id, kind=ReliefKind.GOVERNOR_PARDON, jurisdiction="MA")
    )
    for role in (CounselRole.LEAD, CounselRole.PRO_BONO_FIRM):
        db.add(ReliefCounsel(application_id=application.id, contact_id=contact.id, role=role))
    staff = login_as("staff")
    staff.post(f"/contacts/{contact.id}/delete")
    assert shows(
        staff.get(f"/contacts/{contact.id}/delete"),
        "This contact cannot be deleted while it is counsel on 1 relief application.",
    )
    assert db.count(Contact) == 1

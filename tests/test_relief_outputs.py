"""Counsel, the prosecutor's position and records of support in every output: the PDF by audience (the public see
the number of records and who gave the public ones, only with the person's consent to "relief"), and the case
file, written and read back (contacts by ref, documents by SHA-256 or their title kept in the notes)."""

from __future__ import annotations

import io
import json
from datetime import date

import pytest
import sqlalchemy as sa

from casework.models import (
    CaseAssignment,
    Contact,
    ContactKind,
    Document,
    Person,
    PublicConsent,
    ReliefApplication,
    ReliefCounsel,
    SupportRecord,
)
from tests.conftest import document_without_file, text_of
from tests.test_packets import pdf_text
from tests.test_transfer import strip

SECRET_SUMMARY = "SUMMARYSENTINEL"
SECRET_NOTES = "NOTESSENTINEL"


def flat(text: str) -> str:
    return " ".join(text.split())


@pytest.fixture
def case(db, org, make_person, make_user):
    """A granted pardon with two counsel, the prosecutor's position and three records of support: a
    resolution (its document on file), a mayor's statement, and a private person's letter (a privileged
    document)."""
    attorney = make_user("attorney", name="Rebecca Tran")
    person = make_person(legal_name="Sovann Pich", preferred_name="Sovann", assigned=[attorney])
    firm = db.add(
        Contact(
            org_id=org.id,
            name="Miriam Alder",
            organization="Alder & Finch LLP",
            kind="post_conviction_attorney",
        )
    )
    center = db.add(Contact(org_id=org.id, name="Harbor Immigrant Rights Center", kind=ContactKind.OTHER))
    da = db.add(Contact(org_id=org.id, name="Conviction Integrity Unit", kind=ContactKind.PROSECUTOR))
    board = db.add(Contact(org_id=org.id, name="Clerk of the Board", kind=ContactKind.OFFICIAL))
    application = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="governor_pardon",
            jurisdiction="CA",
            status="granted",
            opened_on=date(2022, 3, 1),
            filed_on=date(2022, 4, 15),
            decided_on=date(2024, 2, 9),
            prosecutor_position="does_not_oppose",
            prosecutor_contact_id=da.id,
            prosecutor_position_on=date(2022, 5, 2),
        )
    )
    db.add(ReliefCounsel(application_id=application.id, contact_id=firm.id, role="pro_bono_firm"))
    db.add(ReliefCounsel(application_id=application.id, contact_id=center.id, role="partner_organization"))
    resolution = db.add(document_without_file(person.id, "Board resolution 2023-88", sha256="a" * 64))
    memo = db.add(document_without_file(person.id, "PRIVILEGED-DOCUMENT-TITLE", privileged=True))
    db.add(
        SupportRecord(
            application_id=application.id,
            kind="resolution",
            author="Board of Supervisors of Alder County",
            author_contact_id=board.id,
            given_on=date(2023, 11, 7),
            summary=SECRET_SUMMARY,
            notes=SECRET_NOTES,
            document_id=resolution.id,
        )
    )
    db.add(SupportRecord(application_id=application.id, kind="statement", author="Mayor J. Okafor"))
    db.add(
        SupportRecord(
            application_id=application.id, kind="letter", author="LETTER-AUTHOR-SENTINEL", document_id=memo.id
        )
    )
    return person, attorney, application


def packet(browser, person, audience) -> str:
    response = browser.post(f"/people/{person.id}/packet", {"audience": audience, "sections": ["relief"]})
    assert response.status_code == 200 and response.mimetype == "application/pdf", text_of(response)
    return flat(pdf_text(response.data))


def test_the_attorney_pdf_shows_counsel_the_position_and_every_record_of_support(login_as, case):
    person, attorney, _ = case
    text = packet(login_as(attorney), person, "attorney")
    assert "Counsel: Miriam Alder, Alder & Finch LLP — Pro bono firm" in text
    assert "Counsel: Harbor Immigrant Rights Center — Partner organization" in text
    assert "Prosecutor's position: Does not oppose (stated 2022-05-02) — Conviction Integrity Unit" in text
    assert "3 records of support" in text
    assert "Resolution (a board, a council): Board of Supervisors of Alder County, 2023-11-07" in text
    assert SECRET_SUMMARY in text and "(document: Board resolution 2023-88)" in text
    assert "Letter of support: LETTER-AUTHOR-SENTINEL" in text and "PRIVILEGED-DOCUMENT-TITLE" in text


def test_the_internal_pdf_leaves_out_a_privileged_documents_title(login_as, case):
    person, _, _ = case
    text = packet(login_as("staff"), person, "internal")
    assert "3 records of support" in text and "Counsel: Miriam Alder" in text
    assert "PRIVILEGED-DOCUMENT-TITLE" not in text and "(document: a privileged document)" in text


def test_the_public_pdf_counts_support_and_names_only_public_acts(login_as, case, db):
    person, _, _ = case
    db.add(PublicConsent(person_id=person.id, given_by="Sovann, in person", scope="preferred_name,relief"))
    text = packet(login_as("staff"), person, "public")
    assert "Governor's pardon" in text and "3 records of support" in text
    assert "Board of Supervisors of Alder County, 2023-11-07" in text and "Mayor J. Okafor" in text
    assert "(1 letter and other records from private persons, not named here)" in text
    for private in (
        "LETTER-AUTHOR-SENTINEL",
        SECRET_SUMMARY,
        SECRET_NOTES,
        "Miriam Alder",
        "Harbor Immigrant Rights Center",
        "Conviction Integrity Unit",
        "Does not oppose",
        "Board resolution 2023-88",
        "PRIVILEGED-DOCUMENT-TITLE",
    ):
        assert private not in text, private


def test_without_consent_to_relief_the_public_pdf_has_no_relief_at_all(login_as, case, db):
    person, _, _ = case
    db.add(PublicConsent(person_id=person.id, given_by="Sovann, in person", scope="preferred_name"))
    response = login_as("staff").post(
        f"/people/{person.id}/packet", {"audience": "public", "sections": ["person", "relief"]}
    )
    text = flat(pdf_text(response.data))
    assert "records of support" not in text and "Board of Supervisors" not in text and "pardon" not in text


# ---------------------------------------------------------------- the case file


def export(browser, person) -> dict:
    response = browser.get(f"/people/{person.id}/export.json")
    assert response.status_code == 200
    return json.loads(text_of(response))


def import_into(browser, data: dict | bytes, name="case.json"):
    raw = data if isinstance(data, bytes) else json.dumps(data).encode()
    return browser.post(
        "/admin/import", {"case_file": (io.BytesIO(raw), name)}, content_type="multipart/form-data"
    )


def test_the_case_file_carries_counsel_the_position_and_support(login_as, case):
    person, _, _ = case
    data = export(login_as("staff"), person)
    (application,) = data["relief_applications"]
    contacts = {c["ref"]: c["name"] for c in data["contacts"]}
    assert [(contacts[c["contact_ref"]], c["role"]) for c in application["counsel"]] == [
        ("Miriam Alder", "pro_bono_firm"),
        ("Harbor Immigrant Rights Center", "partner_organization"),
    ]
    assert contacts[application["prosecutor_ref"]] == "Conviction Integrity Unit"
    assert (application["prosecutor_position"], application["prosecutor_position_on"]) == (
        "does_not_oppose",
        "2022-05-02",
    )
    resolution, statement, letter = application["support_records"]
    assert contacts[resolution["author_contact_ref"]] == "Clerk of the Board"
    assert (resolution["document_sha256"], resolution["document_title"]) == (
        "a" * 64,
        "Board resolution 2023-88",
    )
    assert statement["author_contact_ref"] is None and statement["document_sha256"] is None
    assert letter["document_title"] == "PRIVILEGED-DOCUMENT-TITLE"  # staff may read privileged material
    assert "attorney_ref" not in application


def test_a_reader_who_may_not_see_a_privileged_document_gets_neither_its_hash_nor_its_title(
    app, case, make_user
):
    from casework.extensions import db as real_db
    from casework.models import User
    from casework.transfer.export import export_case

    person, _, _ = case
    volunteer = make_user("volunteer")
    with app.test_request_context():
        data = export_case(real_db.session.get(User, volunteer.id), real_db.session.get(Person, person.id))
    letter = data["relief_applications"][0]["support_records"][2]
    assert letter["document_sha256"] is None and letter["document_title"] is None
    assert "PRIVILEGED-DOCUMENT-TITLE" not in json.dumps(data)


def test_an_import_brings_them_back_and_a_reexport_is_the_same(login_as, case, make_org, db):
    person, _, _ = case
    original = export(login_as("staff"), person)
    admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    response = import_into(admin, original)
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    (imported,) = db.scalars(sa.select(ReliefApplication).where(ReliefApplication.person_id == new_id))
    prosecutor = db.get(Contact, imported.prosecutor_contact_id)
    assert prosecutor.name == "Conviction Integrity Unit" and prosecutor.org_id == admin.user.org_id
    counsel = db.scalars(
        sa.select(ReliefCounsel).where(ReliefCounsel.application_id == imported.id).order_by(ReliefCounsel.id)
    )
    assert [(db.get(Contact, c.contact_id).name, c.role.value) for c in counsel] == [
        ("Miriam Alder", "pro_bono_firm"),
        ("Harbor Immigrant Rights Center", "partner_organization"),
    ]
    records = db.scalars(
        sa.select(SupportRecord).where(SupportRecord.application_id == imported.id).order_by(SupportRecord.id)
    )
    assert [r.author for r in records] == [
        "Board of Supervisors of Alder County",
        "Mayor J. Okafor",
        "LETTER-AUTHOR-SENTINEL",
    ]
    # a plain JSON file brings no document: each record keeps its document's title in its notes
    assert records[0].document_id is None
    assert records[0].notes.endswith(
        "The linked document “Board resolution 2023-88” did not come with the case file."
    )
    assert "PRIVILEGED-DOCUMENT-TITLE" in records[2].notes
    again = export(admin, db.get(Person, new_id))
    for data in (again, original):  # the documents did not come (their files are only in a bundle)
        data.pop("documents"), data.pop("notes")
        for record in data["relief_applications"][0]["support_records"]:
            record.update(notes=None, document_sha256=None, document_title=None)
    assert strip(again) == strip(original)


def test_a_bundle_links_the_document_again(login_as, make_person, make_org, db):
    from tests.test_documents import png_bytes, upload

    person = make_person(legal_name="Tuan Pham")
    staff = login_as("staff")
    assert (
        upload(staff, person.id, png_bytes(), "resolution.png", title="City council resolution").status_code
        == 302
    )
    document = db.scalar(sa.select(Document))
    application = db.add(ReliefApplication(person_id=person.id, kind="governor_pardon", jurisdiction="WA"))
    db.add(
        SupportRecord(
            application_id=application.id, kind="resolution", author="City Council", document_id=document.id
        )
    )
    bundle = staff.get(f"/people/{person.id}/export.zip")
    admin = login_as("admin", org=make_org())
    response = import_into(admin, bundle.data, "case.zip")
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    (imported_document,) = db.scalars(sa.select(Document).where(Document.person_id == new_id))
    record = db.scalar(
        sa.select(SupportRecord).join(ReliefApplication).where(ReliefApplication.person_id == new_id)
    )
    assert record.document_id == imported_document.id and record.notes is None


def test_a_case_file_written_before_counsel_reads_its_attorney_as_lead_counsel(login_as, case, make_org, db):
    person, _, _ = case
    data = export(login_as("staff"), person)
    application = data["relief_applications"][0]
    application["attorney_ref"] = application["counsel"][0]["contact_ref"]
    del application["counsel"]
    response = import_into(login_as("admin", org=make_org()), data)
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    (counsel,) = db.scalars(
        sa.select(ReliefCounsel).join(ReliefApplication).where(ReliefApplication.person_id == new_id)
    )
    assert counsel.role.value == "lead" and db.get(Contact, counsel.contact_id).name == "Miriam Alder"


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda a: a["counsel"][0].update(role="paralegal"),
            "relief_applications[0].counsel[0].role: must be one of:",
        ),
        (
            lambda a: a["counsel"][0].update(contact_ref=99),
            "relief_applications[0].counsel[0].contact_ref: points nowhere",
        ),
        (
            lambda a: a["counsel"].append(dict(a["counsel"][0])),
            "the same counsel in the same role is listed twice",
        ),
        (
            lambda a: a.update(prosecutor_position="maybe"),
            "relief_applications[0].prosecutor_position: must be one of:",
        ),
        (lambda a: a.update(prosecutor_ref=99), "relief_applications[0].prosecutor_ref: points nowhere"),
        (lambda a: a["support_records"][0].update(author=""), "support_records[0].author: is required."),
        (
            lambda a: a["support_records"][0].update(kind="petition"),
            "support_records[0].kind: must be one of:",
        ),
        (
            lambda a: a["support_records"][0].update(given_on="07/11/2023"),
            "support_records[0].given_on: must be a date (YYYY-MM-DD)",
        ),
        (
            lambda a: a["support_records"][0].update(author_contact_ref=99),
            "support_records[0].author_contact_ref: points nowhere",
        ),
        (
            lambda a: a["support_records"][0].update(document_sha256="abc"),
            "support_records[0].document_sha256: must be a SHA-256",
        ),
        (
            lambda a: a.update(support_records="three"),
            "relief_applications[0].support_records: must be a list, not text.",
        ),
    ],
)
def test_a_bad_relief_record_imports_nothing(login_as, case, make_org, db, mutate, message):
    person, _, _ = case
    data = export(login_as("staff"), person)
    mutate(data["relief_applications"][0])
    before = db.count(Person), db.count(ReliefCounsel), db.count(SupportRecord)
    response = import_into(login_as("admin", org=make_org()), data)
    assert response.status_code == 200
    assert message in text_of(response).replace("&#34;", '"')
    assert (db.count(Person), db.count(ReliefCounsel), db.count(SupportRecord)) == before


def test_the_volunteer_sees_the_case_pages_facts_without_privileged_titles(login_as, case, make_user, db):
    person, _, application = case
    volunteer = make_user("volunteer")
    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    page = text_of(login_as(volunteer).get(f"/people/{person.id}/relief/{application.id}"))
    assert "3 records of support" in page and "Board resolution 2023-88" in page
    assert "PRIVILEGED-DOCUMENT-TITLE" not in page and "a privileged document" in page

"""Case export, import into another organization (a transfer), and the people list as CSV."""

import csv
import io
import json
from datetime import UTC, date, datetime, time

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    CaseContact,
    CheckIn,
    Contact,
    Conviction,
    CustodyEvent,
    Note,
    Person,
    ReliefApplication,
    ReliefCounsel,
    ReliefEvent,
    ReliefStep,
    RemovalCase,
    RemovalStage,
    Task,
    TravelDocument,
    relief_conviction,
)
from casework.transfer.schema import USER_KEYS
from tests.conftest import text_of

KEYS = {
    "person",
    "convictions",
    "removal_case",
    "custody_events",
    "check_ins",
    "travel_documents",
    "relief_applications",
    "contacts",
    "notes",
    "tasks",
    "petitions",
}


@pytest.fixture
def full_case(db, org, make_person, make_user):
    """A case with one or more of everything."""
    attorney = make_user("attorney", name="Ana Attorney")
    person = make_person(
        legal_name="Chenda Sok",
        preferred_name="Chenda",
        aliases="Chendar Sok\nC. Sok",
        native_name="សុខ ចិន្តា",
        birth_date=date(1979, 5, 6),
        country_of_birth="Thailand",
        place_of_birth="Khao-I-Dang",
        citizenship="Cambodia",
        community="Cambodian",
        arrival_date=date(1981, 2, 3),
        arrival_class="refugee",
        immigration_status="final_order",
        a_number="012345678",
        languages="Khmer, English",
        interpreter_needed=True,
        city="Lowell",
        state="MA",
        spouse="S",
        children="C",
        us_citizen_relatives="R",
        work="W",
        community_ties="T",
        private_story="Story",
        case_status="active",
        custody_status="released",
        custody_since=date(2010, 1, 5),
        assigned=[attorney],
    )
    c1 = db.add(
        Conviction(
            person_id=person.id,
            state="MA",
            county="Middlesex",
            court="Lowell District Court",
            docket_number="9911CR0001",
            statute="G.L. c. 269 §10(a)",
            offense="Carrying a firearm",
            level="felony",
            offense_date=date(2000, 1, 2),
            conviction_date=date(2001, 3, 4),
            plea="plea_bargain",
            sentence="3 years",
            time_served="3 years",
            removal_grounds="aggravated_felony,firearm",
            consequences_advised="no",
            interpreter_at_plea="unknown",
            notes="N",
        )
    )
    db.add(Conviction(person_id=person.id, offense="Second offense"))
    db.add(
        RemovalCase(
            person_id=person.id,
            stage="final_order",
            court="Boston",
            nta_date=date(2004, 1, 1),
            order_date=date(2005, 1, 1),
            order_type="removal",
            stay_status="none",
            notes="RC",
        )
    )
    arrest = db.add(
        CustodyEvent(
            person_id=person.id,
            kind="ice_arrest",
            occurred_on=date(2008, 1, 5),
            facility="Plymouth",
            field_office="Boston",
        )
    )
    db.add(CustodyEvent(person_id=person.id, kind="released_supervision", occurred_on=date(2010, 1, 5)))
    db.add(
        CustodyEvent(
            person_id=person.id,
            kind="transferred",
            occurred_on=date(2009, 1, 5),
            voided_at=datetime(2011, 1, 1, tzinfo=UTC),
            void_reason="Entered twice",
        )
    )
    db.add(
        CheckIn(
            person_id=person.id,
            scheduled_on=date(2008, 1, 5),
            scheduled_time=time(9, 30),
            office="Burlington",
            outcome="redetained",
            accompanied_by="Pastor",
            custody_event_id=arrest.id,
        )
    )
    db.add(
        TravelDocument(
            person_id=person.id,
            country="Cambodia",
            agreement="Cambodia (2002 memorandum)",
            requested_on=date(2009, 1, 1),
            outcome="refused",
            decided_on=date(2009, 6, 1),
            refusal_reason="Not a citizen",
        )
    )
    lawyer = db.add(
        Contact(
            org_id=org.id,
            name="Iris Vale",
            organization="Vale & Moss LLP",
            kind="immigration_attorney",
            bar_number="123456",
            bar_state="MA",
            email="iv@example.com",
        )
    )
    db.add(CaseContact(person_id=person.id, contact_id=lawyer.id, role="Pro bono counsel"))
    application = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="parole_board_pardon",
            jurisdiction="MA",
            forum="Parole Board",
            status="filed",
            opened_on=date(2026, 1, 5),
            filed_on=date(2026, 2, 1),
            lead_id=attorney.id,
            notes="RA",
        )
    )
    db.add(ReliefCounsel(application_id=application.id, contact_id=lawyer.id, role="lead"))
    db.execute(relief_conviction.insert().values(application_id=application.id, conviction_id=c1.id))
    db.add(
        ReliefStep(
            application_id=application.id,
            position=1,
            title="Gather",
            due_on=date(2026, 1, 26),
            done_on=date(2026, 1, 20),
            assignee_id=attorney.id,
        )
    )
    db.add(ReliefStep(application_id=application.id, position=2, title="File", due_on=date(2026, 2, 19)))
    db.add(
        ReliefEvent(
            application_id=application.id,
            kind="status_changed",
            from_status="preparing",
            to_status="filed",
            summary="Status: preparing → filed",
            actor_id=attorney.id,
            at=datetime(2026, 2, 1, 12, tzinfo=UTC),
        )
    )
    db.add(Note(person_id=person.id, body="Plain note", author_id=attorney.id))
    db.add(Note(person_id=person.id, body="PRIVILEGED-SENTINEL", privileged=True, author_id=attorney.id))
    db.add(Task(person_id=person.id, title="Call", due_on=date(2026, 3, 1), assignee_id=attorney.id))
    return person


def strip(value):
    """The exported data without export metadata and user names (which do not travel)."""
    if isinstance(value, dict):
        return {k: strip(v) for k, v in value.items() if k not in ("exported_at", "case_number", *USER_KEYS)}
    if isinstance(value, list):
        return [strip(v) for v in value]
    return value


def test_export_has_every_section_and_is_audited(login_as, full_case, db):
    staff = login_as("staff")
    response = staff.get(f"/people/{full_case.id}/export.json")
    assert response.status_code == 200
    assert response.headers["Content-Disposition"] == f'attachment; filename="case-{full_case.id}.json"'
    data = json.loads(response.get_data(as_text=True))
    assert data.keys() >= KEYS
    assert data["person"]["a_number"] == "012345678"
    assert len(data["relief_applications"][0]["steps"]) == 2
    assert data["relief_applications"][0]["conviction_refs"] == [0]
    assert data["check_ins"][0]["custody_event_ref"] == 0
    assert "PRIVILEGED-SENTINEL" in json.dumps(data)
    assert db.count(AuditEvent, AuditEvent.action == "person.exported") == 1


def test_volunteers_cannot_export(login_as, make_user, make_person):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    assert login_as(volunteer).get(f"/people/{person.id}/export.json").status_code == 403
    assert login_as(volunteer).get("/people/export.csv").status_code == 403


def test_export_then_import_reproduces_the_case(login_as, full_case, make_org, make_user, db):
    original = json.loads(login_as("staff").get(f"/people/{full_case.id}/export.json").get_data(as_text=True))
    other_admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    response = other_admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(json.dumps(original).encode()), "case.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert new_id != full_case.id
    imported = db.get(Person, new_id)
    assert imported.org_id == other_admin.user.org_id
    again = json.loads(other_admin.get(f"/people/{new_id}/export.json").get_data(as_text=True))
    assert strip(again) == strip(original)
    assert db.count(Contact, Contact.org_id == other_admin.user.org_id) == 1
    assert db.count(AuditEvent, AuditEvent.action == "person.imported") == 1


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(format="something-else"), "not a Casework case file"),
        (lambda d: d.update(version=99), "this Casework reads version 1"),
        (lambda d: d["person"].update(legal_name=""), "person.legal_name: is required."),
        (
            lambda d: d["person"].update(birth_date="05/06/1979"),
            "person.birth_date: must be a date (YYYY-MM-DD)",
        ),
        (lambda d: d["convictions"][0].update(level="capital"), "convictions[0].level: must be one of:"),
        (lambda d: d["custody_events"][1].update(occurred_on="2007-01-01"), "custody_events:"),
        (
            lambda d: d["check_ins"][0].update(custody_event_ref=42),
            "check_ins[0].custody_event_ref: points nowhere: no custody event of the file has ref 42.",
        ),
    ],
)
def test_a_bad_file_imports_nothing(login_as, full_case, make_org, db, mutate, message):
    data = json.loads(login_as("staff").get(f"/people/{full_case.id}/export.json").get_data(as_text=True))
    mutate(data)
    before = db.count(Person)
    admin = login_as("admin", org=make_org())
    response = admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(json.dumps(data).encode()), "c.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 200
    assert message in text_of(response).replace("&#34;", '"')
    assert db.count(Person) == before


def test_import_refuses_non_json(login_as):
    admin = login_as("admin")
    response = admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(b"\xff\xfe not json"), "c.json")},
        content_type="multipart/form-data",
    )
    assert "This file is not JSON" in text_of(response)
    assert "Choose the case file" in text_of(admin.post("/admin/import", {}))


def test_people_csv_follows_filters_and_role(login_as, make_person, db, org):
    make_person(legal_name='=HYPERLINK("http://x")', a_number="012345678", citizenship="Laos")
    make_person(legal_name="Other Person", citizenship="Vietnam")
    staff = login_as("staff")
    rows = list(csv.reader(io.StringIO(staff.get("/people/export.csv").get_data(as_text=True))))
    assert rows[0][:5] == ["Case", "Legal name", "Preferred name", "Name in native script", "A-number"]
    assert len(rows) == 3
    assert rows[1][1].startswith("'=HYPERLINK")  # no formula injection
    staff.get("/people")
    staff.post("/people", {"citizenship": "Vietnam", "sort": "name"})
    rows = list(csv.reader(io.StringIO(staff.get("/people/export.csv").get_data(as_text=True))))
    assert [r[1] for r in rows[1:]] == ["Other Person"]
    assert db.count(AuditEvent, AuditEvent.action == "people.exported") == 2


def test_attorney_csv_hides_a_number_when_role_may_not_see_it(login_as, make_user, make_person):
    attorney = make_user("attorney")
    make_person(a_number="012345678", assigned=[attorney])
    rows = list(csv.reader(io.StringIO(login_as(attorney).get("/people/export.csv").get_data(as_text=True))))
    assert "A-number" in rows[0]  # attorneys may see A-numbers


def test_export_leaves_out_what_the_role_may_not_see(app, full_case, make_user):
    """export_case itself filters: a role without privilege gets no privileged note and no A-number."""
    from casework.extensions import db as real_db
    from casework.models import User
    from casework.transfer.export import export_case

    volunteer = make_user("volunteer")
    real_db_person_id = full_case.id
    with app.test_request_context():
        user = real_db.session.get(User, volunteer.id)
        person = real_db.session.get(Person, real_db_person_id)
        data = export_case(user, person)
    assert "PRIVILEGED-SENTINEL" not in json.dumps(data)
    assert [n["body"] for n in data["notes"]] == ["Plain note"]
    assert data["person"]["a_number"] is None


def test_an_import_keeps_the_final_order_on_the_removal_case(login_as, full_case, make_org, db):
    """A case file whose person says "final order" with no removal case gets one: one fact, one place."""
    data = json.loads(login_as("staff").get(f"/people/{full_case.id}/export.json").get_data(as_text=True))
    data["removal_case"] = None
    data["person"]["immigration_status"] = "final_order"
    admin = login_as("admin", org=make_org())
    response = admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(json.dumps(data).encode()), "c.json")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    removal = db.scalar(sa.select(RemovalCase).where(RemovalCase.person_id == new_id))
    assert removal.stage == RemovalStage.FINAL_ORDER and "type the date of the order" in removal.notes
    assert db.get(Person, new_id).immigration_status == "final_order"


def test_a_bundle_carries_the_documents_files_and_imports_them(login_as, full_case, make_org, db, app):
    """A ZIP export holds the case file and the documents' files; importing it restores the documents; a plain
    JSON file brings their names only, in a note."""
    from casework.models import Document, Note
    from tests.test_documents import png_bytes, upload

    staff = login_as("staff")
    picture = png_bytes()
    assert (
        upload(staff, full_case.id, picture, "letter.png", title="Letter from the temple").status_code == 302
    )
    bundle = staff.get(f"/people/{full_case.id}/export.zip")
    assert bundle.status_code == 200 and bundle.mimetype == "application/zip"
    admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    response = admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(bundle.data), "case.zip")},
        content_type="multipart/form-data",
    )
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    (document,) = db.scalars(sa.select(Document).where(Document.person_id == new_id))
    assert document.title == "Letter from the temple"
    assert admin.get(f"/people/{new_id}/documents/{document.id}").data == picture

    plain = staff.get(f"/people/{full_case.id}/export.json")
    again = login_as("admin", org=make_org())
    response = again.post(
        "/admin/import",
        {"case_file": (io.BytesIO(plain.data), "case.json")},
        content_type="multipart/form-data",
    )
    newer = int(response.headers["Location"].rsplit("/", 1)[1])
    assert db.count(Document, Document.person_id == newer) == 0
    (note,) = [
        n
        for n in db.scalars(sa.select(Note).where(Note.person_id == newer))
        if "without their files" in n.body
    ]
    assert "Letter from the temple" in note.body


def test_outside_petitions_travel_with_their_latest_count(login_as, make_person, make_org, db):
    from casework.models import Petition, PetitionCount

    person = make_person()
    petition = db.add(
        Petition(person_id=person.id, org_id=person.org_id, kind="external", title="Free him", targets="ICE")
    )
    db.add(PetitionCount(petition_id=petition.id, counted_on=date(2026, 5, 1), count=1900))
    db.add(PetitionCount(petition_id=petition.id, counted_on=date(2026, 6, 1), count=2210))
    data = json.loads(login_as("staff").get(f"/people/{person.id}/export.json").get_data(as_text=True))
    (exported,) = data["petitions"]
    assert exported["signature_count"] == 2210 and len(exported["counts"]) == 2
    admin = login_as("admin", org=make_org())
    response = admin.post(
        "/admin/import",
        {"case_file": (io.BytesIO(json.dumps(data).encode()), "c.json")},
        content_type="multipart/form-data",
    )
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    imported = db.scalar(sa.select(Petition).where(Petition.person_id == new_id))
    assert (
        imported.title == "Free him"
        and db.count(PetitionCount, PetitionCount.petition_id == imported.id) == 2
    )

"""The prosecutor's position on an application (an edit of the application: position, prosecutor, date) and its
records of support (letters, resolutions, officials' statements: who, when, the document on file): forms and
their messages, conflicts, deletion after a confirmation, privileged documents, history, audit and access."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from casework.models import (
    AuditEvent,
    CaseAssignment,
    Contact,
    ContactKind,
    Document,
    ProsecutorPosition,
    ReliefApplication,
    ReliefEvent,
    SupportRecord,
)
from tests.conftest import TODAY, document_without_file, shows, text_of

TOMORROW = (TODAY + timedelta(days=1)).isoformat()
NOTE_SENTINEL = "SUPPORT-NOTE-SENTINEL"


@pytest.fixture
def person(make_person):
    return make_person(legal_name="Tuan Pham", state="WA")


@pytest.fixture
def application(db, person):
    return db.add(
        ReliefApplication(
            person_id=person.id, kind="motion_to_vacate", jurisdiction="WA", opened_on=date(2025, 1, 6)
        )
    )


@pytest.fixture
def da_office(db, org):
    return db.add(
        Contact(
            org_id=org.id,
            name="Conviction Integrity Unit",
            organization="County Prosecuting Attorney's Office",
            kind=ContactKind.PROSECUTOR,
        )
    )


def document(db, person, title="Resolution 2025-14", privileged=False) -> Document:
    return db.add(document_without_file(person.id, title, privileged=privileged))


def url(person, application, tail=""):
    return f"/people/{person.id}/relief/{application.id}{tail}"


def history(db) -> list[str]:
    return [e.summary for e in db.scalars(sa.select(ReliefEvent).order_by(ReliefEvent.id))]


# ---------------------------------------------------------------- the prosecutor's position


def position_form(application, **changes) -> dict:
    data = {
        "prosecutor_position": "does_not_oppose",
        "prosecutor_contact_id": "",
        "prosecutor_position_on": "2025-04-02",
        "version": str(application.version),
    }
    data.update(changes)
    return data


def test_record_the_prosecutors_position(login_as, db, person, application, da_office):
    staff = login_as("staff")
    page = text_of(staff.get(url(person, application)))
    assert "Not known yet" in page
    form = text_of(staff.get(url(person, application, "/prosecutor")))
    assert "Conviction Integrity Unit, County Prosecuting Attorney&#39;s Office" in form
    response = staff.post(
        url(person, application, "/prosecutor"),
        position_form(application, prosecutor_contact_id=str(da_office.id)),
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#prosecutor")
    saved = db.get(ReliefApplication, application.id)
    assert saved.prosecutor_position == ProsecutorPosition.DOES_NOT_OPPOSE
    assert saved.prosecutor_contact_id == da_office.id and saved.prosecutor_position_on == date(2025, 4, 2)
    assert saved.version == application.version + 1  # an edit of the application
    assert history(db) == [
        "Prosecutor's position: does not oppose (stated 2025-04-02) — Conviction Integrity Unit, County "
        "Prosecuting Attorney's Office"
    ]
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief.prosecutor_updated"))
    assert set(event.field_list) == {"prosecutor_position", "prosecutor_contact_id", "prosecutor_position_on"}
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "Prosecutor: does not oppose (2025-04-02)" in page
    assert "Motion to vacate: the prosecutor does not oppose" in page  # the case's timeline


@pytest.mark.parametrize(
    "changes, message",
    [
        (
            {"prosecutor_position": "unknown"},
            "A date goes with a position: choose what the prosecutor's office said (supports, does not oppose, "
            "opposes), or clear the date.",
        ),
        ({"prosecutor_position": "neutral"}, "Choose one of the options in the list."),
        ({"prosecutor_position": ""}, "Choose what the prosecutor's office says, or “Not known yet”."),
        (
            {"prosecutor_position_on": TOMORROW},
            "The day the position was stated cannot be in the future; type a date on or before today.",
        ),
        ({"prosecutor_position_on": "April 2"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ({"prosecutor_contact_id": "999999"}, "Choose one of the options in the list."),
    ],
)
def test_prosecutor_form_says_what_to_type(login_as, db, person, application, changes, message):
    staff = login_as("staff")
    response = staff.post(url(person, application, "/prosecutor"), position_form(application, **changes))
    assert response.status_code == 200 and shows(response, message)
    saved = db.get(ReliefApplication, application.id)
    assert saved.prosecutor_position == ProsecutorPosition.UNKNOWN and saved.version == application.version
    assert history(db) == []


def test_the_prosecutor_must_be_a_prosecutor_of_the_directory(login_as, db, person, application, make_org):
    lawyer = db.add(
        Contact(org_id=person.org_id, name="Miriam Alder", kind=ContactKind.POST_CONVICTION_ATTORNEY)
    )
    elsewhere = db.add(Contact(org_id=make_org().id, name="Other DA", kind=ContactKind.PROSECUTOR))
    staff = login_as("staff")
    for contact in (lawyer, elsewhere):
        response = staff.post(
            url(person, application, "/prosecutor"),
            position_form(application, prosecutor_contact_id=str(contact.id)),
        )
        assert response.status_code == 200 and shows(response, "Choose one of the options in the list.")
    assert db.get(ReliefApplication, application.id).prosecutor_contact_id is None


def test_the_position_and_the_application_edit_share_one_version(login_as, db, person, application):
    from tests.test_relief_applications import edit_form

    alice, bob = login_as("staff"), login_as("staff")
    assert alice.get(url(person, application, "/prosecutor")).status_code == 200
    assert (
        bob.post(url(person, application, "/edit"), edit_form(application, notes="Bob's note")).status_code
        == 302
    )
    response = alice.post(url(person, application, "/prosecutor"), position_form(application))
    assert response.status_code == 200 and shows(
        response, "Someone else saved this application while you were"
    )
    assert db.get(ReliefApplication, application.id).prosecutor_position == ProsecutorPosition.UNKNOWN
    current = db.get(ReliefApplication, application.id)
    assert alice.post(url(person, application, "/prosecutor"), position_form(current)).status_code == 302


# ---------------------------------------------------------------- records of support


def support_form(**changes) -> dict:
    data = {
        "kind": "resolution",
        "author": "Board of Supervisors of Alder County",
        "author_contact_id": "",
        "given_on": "2025-03-11",
        "summary": "Unanimous resolution urging the Governor to grant the pardon.",
        "document_id": "",
        "notes": NOTE_SENTINEL,
        "version": "0",
    }
    data.update(changes)
    return data


def test_add_a_resolution_with_its_document(login_as, db, person, application, org):
    council = db.add(Contact(org_id=org.id, name="Councilmember R. Ito", kind=ContactKind.OFFICIAL))
    resolution = document(db, person)
    staff = login_as("staff")
    form = text_of(staff.get(url(person, application, "/support/new")))
    assert "Resolution 2025-14" in form and "Councilmember R. Ito" in form
    response = staff.post(
        url(person, application, "/support/new"),
        support_form(author_contact_id=str(council.id), document_id=str(resolution.id)),
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#support")
    record = db.scalar(sa.select(SupportRecord))
    assert (record.application_id, record.kind, record.author_contact_id, record.document_id) == (
        application.id,
        "resolution",
        council.id,
        resolution.id,
    )
    assert record.given_on == date(2025, 3, 11)
    page = text_of(staff.get(url(person, application)))
    support = page[page.index('id="support"') :]
    assert "1 record of support" in support and "Board of Supervisors of Alder County" in support
    assert f'/people/{person.id}/documents/{resolution.id}"' in support
    assert history(db) == [
        "Record of support added: Resolution (a board, a council) — Board of Supervisors of Alder County"
    ]
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relief.support_added"))
    assert {"kind", "author", "author_contact_id", "given_on", "summary", "document_id", "notes"} == set(
        event.field_list
    )
    columns = [getattr(event, c.key) for c in sa.inspect(AuditEvent).columns]
    assert not any(isinstance(v, str) and (NOTE_SENTINEL in v or "Alder County" in v) for v in columns)
    case_page = text_of(staff.get(f"/people/{person.id}"))
    assert "1 record of support" in case_page
    assert "2025-03-11" in case_page and "resolution (a board, a council) — Board of Supervisors" in case_page


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"kind": ""}, "Choose the kind: a letter, a resolution, a statement by an official."),
        ({"kind": "petition"}, "Choose one of the options in the list."),
        ({"author": "  "}, "Type who gave it, for example “Board of Supervisors of Alder County”."),
        ({"author": "x" * 201}, "Keep this under 200 characters."),
        (
            {"given_on": TOMORROW},
            "The day it was given cannot be in the future; type a date on or before today.",
        ),
        ({"given_on": "11/03/2025"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ({"summary": "x" * 501}, "Keep the summary under 500 characters."),
        ({"notes": "x" * 20001}, "Keep the notes under 20,000 characters."),
        ({"author_contact_id": "999999"}, "Choose one of the options in the list."),
        ({"document_id": "999999"}, "Choose one of the options in the list."),
        ({"author": "Bo\x0bard"}, "Remove the invisible control characters from this text"),
    ],
)
def test_support_form_says_what_to_type(login_as, db, person, application, changes, message):
    staff = login_as("staff")
    response = staff.post(url(person, application, "/support/new"), support_form(**changes))
    assert response.status_code == 200 and shows(response, message)
    assert db.count(SupportRecord) == 0 and history(db) == []


def test_only_the_cases_own_documents_can_be_linked(login_as, db, person, application, make_person):
    theirs = document(db, make_person(), title="Someone else's letter")
    staff = login_as("staff")
    assert "Someone else&#39;s letter" not in text_of(staff.get(url(person, application, "/support/new")))
    response = staff.post(url(person, application, "/support/new"), support_form(document_id=str(theirs.id)))
    assert response.status_code == 200 and shows(response, "Choose one of the options in the list.")
    assert db.count(SupportRecord) == 0


def test_a_privileged_document_is_not_linked_by_a_volunteer_and_stays_when_they_edit(
    login_as, db, person, application, make_user
):
    memo = document(db, person, title="PRIVILEGED-MEMO-TITLE", privileged=True)
    volunteer = make_user("volunteer")
    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    helper = login_as(volunteer)
    assert "PRIVILEGED-MEMO-TITLE" not in text_of(helper.get(url(person, application, "/support/new")))
    refused = helper.post(url(person, application, "/support/new"), support_form(document_id=str(memo.id)))
    assert refused.status_code == 200 and shows(refused, "Choose one of the options in the list.")
    assert db.count(SupportRecord) == 0
    staff = login_as("staff")
    assert (
        staff.post(
            url(person, application, "/support/new"), support_form(document_id=str(memo.id))
        ).status_code
        == 302
    )
    record = db.scalar(sa.select(SupportRecord))
    page = text_of(helper.get(url(person, application)))
    assert "PRIVILEGED-MEMO-TITLE" not in page and "a privileged document" in page
    edit = url(person, application, f"/support/{record.id}/edit")
    form = text_of(helper.get(edit))
    assert "PRIVILEGED-MEMO-TITLE" not in form and "A privileged document (kept as it is)" in form
    response = helper.post(
        edit, support_form(document_id=str(memo.id), author="Pastor Lim", version=record.version)
    )
    assert response.status_code == 302
    saved = db.get(SupportRecord, record.id)
    assert saved.author == "Pastor Lim" and saved.document_id == memo.id


def test_edit_a_record_of_support_and_its_conflict(login_as, db, person, application):
    staff = login_as("staff")
    staff.post(url(person, application, "/support/new"), support_form())
    record = db.scalar(sa.select(SupportRecord))
    edit = url(person, application, f"/support/{record.id}/edit")
    alice, bob = login_as("staff"), login_as("staff")
    assert alice.get(edit).status_code == 200 and bob.get(edit).status_code == 200
    saved = alice.post(edit, support_form(kind="statement", author="Mayor J. Okafor", version=record.version))
    assert saved.status_code == 302
    response = bob.post(edit, support_form(summary="Bob typed this", version=record.version))
    html = text_of(response)
    assert (
        response.status_code == 200
        and "Someone else saved this record of support while you were editing" in html
    )
    assert (
        "Bob typed this" in html
        and "Saved by someone else meanwhile: <strong>Mayor J. Okafor</strong>" in html
    )
    current = db.get(SupportRecord, record.id)
    assert current.author == "Mayor J. Okafor" and current.summary.startswith("Unanimous")
    assert "Record of support from Mayor J. Okafor changed: kind, from" in history(db)
    event = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "relief.support_updated"))
    assert [set(e.field_list) for e in event] == [{"kind", "author"}]


def test_delete_a_record_of_support_after_a_confirmation(login_as, db, person, application, make_person):
    resolution = document(db, person)
    staff = login_as("staff")
    staff.post(url(person, application, "/support/new"), support_form(document_id=str(resolution.id)))
    record = db.scalar(sa.select(SupportRecord))
    delete = url(person, application, f"/support/{record.id}/delete")
    assert shows(staff.get(delete), "Remove this record of support?")
    assert staff.post(delete, {}, csrf=False).status_code == 400
    assert db.count(SupportRecord) == 1
    response = staff.post(delete)
    assert response.status_code == 302 and response.headers["Location"].endswith("#support")
    assert db.count(SupportRecord) == 0 and db.count(Document) == 1  # the document stays on the case
    assert (
        history(db)[-1]
        == "Record of support removed: Resolution (a board, a council) — Board of Supervisors of Alder County"
    )
    assert db.count(AuditEvent, AuditEvent.action == "relief.support_deleted") == 1
    other = db.add(ReliefApplication(person_id=person.id, kind="commutation", jurisdiction="WA"))
    staff.post(url(person, application, "/support/new"), support_form())
    again = db.scalar(sa.select(SupportRecord))
    assert (
        staff.get(url(person, other, f"/support/{again.id}/edit")).status_code == 404
    )  # another application's


def test_who_may_record_support_and_positions(
    login_as, db, person, application, make_user, make_org, share_case
):
    volunteer = make_user("volunteer")
    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    viewer = make_user("staff", org=make_org("Viewing Partner"))
    share_case(person, user=viewer, level="view")
    helper = login_as(volunteer)
    assert helper.post(url(person, application, "/support/new"), support_form()).status_code == 302
    assert helper.post(url(person, application, "/prosecutor"), position_form(application)).status_code == 302
    record = db.scalar(sa.select(SupportRecord))
    viewing = login_as(viewer)
    page = text_of(viewing.get(url(person, application)))
    assert "Board of Supervisors of Alder County" in page and "Add a record of support" not in page
    for tail in ("/support/new", f"/support/{record.id}/edit", f"/support/{record.id}/delete", "/prosecutor"):
        assert viewing.get(url(person, application, tail)).status_code == 403, tail
    assert login_as("volunteer").get(url(person, application, "/support/new")).status_code == 404
    assert login_as("staff", org=make_org()).get(url(person, application, "/prosecutor")).status_code == 404


def test_a_conflict_does_not_name_a_privileged_document_to_a_partner_whose_share_leaves_it_out(
    login_as, db, person, application, make_org, make_user, share_case
):
    memo = document(db, person, title="PRIVILEGED-MEMO-TITLE", privileged=True)
    partner = make_user("staff", org=make_org("Alder & Finch LLP"), email="partner@example.net")
    share_case(person, user=partner, level="edit")
    staff = login_as("staff")
    staff.post(url(person, application, "/support/new"), support_form())
    record = db.scalar(sa.select(SupportRecord))
    edit = url(person, application, f"/support/{record.id}/edit")
    pb = login_as(partner)
    assert pb.get(edit).status_code == 200
    linked = staff.post(edit, support_form(document_id=str(memo.id), version=record.version))
    assert linked.status_code == 302
    response = pb.post(edit, support_form(summary="Partner typed this", version=record.version))
    html = text_of(response)
    assert response.status_code == 200 and "Someone else saved this record of support" in html
    assert "PRIVILEGED-MEMO-TITLE" not in html
    assert "Saved by someone else meanwhile: <strong>a privileged document</strong>" in html
    assert db.get(SupportRecord, record.id).summary.startswith("Unanimous")
    # a colleague of the owner, who may read it, is told its title in the same situation
    colleague = login_as("staff")
    response = colleague.post(edit, support_form(summary="Colleague typed this", version=record.version))
    assert "Saved by someone else meanwhile: <strong>PRIVILEGED-MEMO-TITLE</strong>" in text_of(response)

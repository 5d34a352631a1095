"""What we hold about this person: a page per case with each kind of data, how much, who in the owning
organization sees it and which shares reach it (from the rules access applies), encryption at rest and the
consents on file; for the owning organization's admins and staff, audited as a view of the case."""

import re
from datetime import timedelta

import sqlalchemy as sa

from casework.models import AuditEvent, CaseAssignment, Note, Organization, PublicConsent
from tests.conftest import TODAY, document_without_file, text_of

A_NUMBER = "012345678"
STORY = "PRIVATE-STORY-SENTINEL"
NOTE = "PRIVILEGED-NOTE-SENTINEL"


def _row(html: str, key: str) -> str:
    match = re.search(rf'<tr id="held-{key}">(.*?)</tr>', html, re.S)
    assert match, key
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", match.group(1))).strip()


def _case(db, make_person, make_user):
    person = make_person(legal_name="Held Person", a_number=A_NUMBER, private_story=STORY)
    attorney = make_user("attorney")
    db.add(Note(person_id=person.id, author_id=attorney.id, body=NOTE, privileged=True))
    db.add(Note(person_id=person.id, author_id=attorney.id, body="ordinary one"))
    db.add(Note(person_id=person.id, author_id=attorney.id, body="ordinary two"))
    db.add(document_without_file(person.id, "A privileged draft", privileged=True))
    return person


def test_each_kind_with_its_count_who_sees_it_and_no_values(login_as, make_person, make_user, db):
    person = _case(db, make_person, make_user)
    staff = login_as("staff")
    html = text_of(staff.get(f"/people/{person.id}/held"))
    assert "What we hold about Held Person" in html
    assert _row(html, "a_number").startswith("A-number 1 admins, staff, attorneys on the case team none")
    assert _row(html, "story").startswith("Private story 1 ")
    assert _row(html, "notes").startswith("Notes (not privileged) 2 ")
    assert _row(html, "privileged_notes") == (
        "Privileged notes 1 admins, staff, attorneys on the case team none yes (the text)"
    )
    assert _row(html, "privileged_documents").startswith("Privileged documents 1 ")
    assert "volunteers on the case team" in _row(html, "notes")
    assert _row(html, "audit").startswith("Audit entries (who read or changed the case) ")
    assert "admins none" in _row(html, "audit")
    assert _row(html, "signers").endswith("yes (names, e-mail addresses and comments)")
    assert _row(html, "identity").endswith("not yet")
    assert _row(html, "a_number").endswith("yes (the number; searched through a keyed index)")
    assert _row(html, "privileged_documents").endswith("yes (the files, each under its own key)")
    for secret in (A_NUMBER, "012-345-678", STORY, NOTE, "A privileged draft"):
        assert secret not in html


def test_who_sees_follows_the_organizations_settings(login_as, make_person, make_user, db, org):
    person = _case(db, make_person, make_user)
    staff = login_as("staff")
    assert "volunteers" not in _row(text_of(staff.get(f"/people/{person.id}/held")), "a_number")
    db.execute(sa.update(Organization).where(Organization.id == org.id).values(volunteers_see_a_number=True))
    row = _row(text_of(staff.get(f"/people/{person.id}/held")), "a_number")
    assert "volunteers on the case team" in row


def test_shares_that_reach_each_kind(login_as, make_person, make_user, make_org, share_case, db):
    person = _case(db, make_person, make_user)
    partner_org = make_org("Alder & Finch LLP")
    partner = make_user("staff", org=partner_org, email="partner@example.net", name="Jonah Whitfield")
    helper = make_user("volunteer", org=partner_org, email="helper@example.net", name="Pat Helper")
    share_case(person, user=partner, level="view", includes_a_number=True)
    share_case(person, user=helper, level="view", includes_a_number=True, includes_privileged=True)
    share_case(person, org=make_org("Lapsed Partners"), expires_on=TODAY - timedelta(days=1))
    html = text_of(login_as("staff").get(f"/people/{person.id}/held"))
    a_number = _row(html, "a_number")
    assert "Jonah Whitfield (Alder &amp; Finch LLP) (View)" in a_number
    assert (
        "Pat Helper" not in a_number
    )  # the owner's volunteers do not see A-numbers: neither does a partner's
    assert "Pat Helper" not in _row(html, "privileged_notes")  # volunteers never read privileged material
    assert "none" in _row(html, "privileged_notes")
    notes = _row(html, "notes")
    assert "Jonah Whitfield" in notes and "Pat Helper" in notes and "Lapsed Partners" not in notes
    assert "(expired)" in html
    assert "Jonah Whitfield" not in _row(html, "signers") and "Jonah Whitfield" not in _row(html, "audit")


def test_consents_on_file(login_as, make_person, make_user, db):
    person = _case(db, make_person, make_user)
    staff = login_as("staff")
    assert "No consent to make anything public is on file." in text_of(staff.get(f"/people/{person.id}/held"))
    db.add(PublicConsent(person_id=person.id, scope="legal_name,photo", given_by="Held, in person"))
    db.add(
        PublicConsent(
            person_id=person.id, scope="work", given_by="Held, by phone", withdrawn_at=sa.func.now()
        )
    )
    html = text_of(staff.get(f"/people/{person.id}/held"))
    assert "Given by Held, in person" in html and "Legal name, Photograph" in html
    assert "Given by Held, by phone" in html and "<strong>withdrawn</strong>" in html


def test_who_may_open_it_and_the_audit(login_as, make_person, make_user, make_org, share_case, db):
    person = _case(db, make_person, make_user)
    url = f"/people/{person.id}/held"
    staff = login_as("staff")
    assert f'href="/people/{person.id}/held"' in text_of(staff.get(f"/people/{person.id}"))
    assert staff.get(url).status_code == 200
    assert login_as("admin").get(url).status_code == 200
    event = db.scalars(
        sa.select(AuditEvent).where(AuditEvent.action == "person.viewed", AuditEvent.detail == "what we hold")
    )
    assert len(event) == 2 and all(e.person_id == person.id for e in event)
    for role in ("volunteer", "attorney"):
        member = make_user(role)
        db.add(CaseAssignment(person_id=person.id, user_id=member.id))
        assert login_as(member).get(url).status_code == 403
    partner = make_user("admin", org=make_org("Partner Org"))
    share_case(person, user=partner, level="edit", includes_privileged=True, includes_a_number=True)
    pb = login_as(partner)
    assert pb.get(url).status_code == 404
    assert f"/people/{person.id}/held" not in text_of(pb.get(f"/people/{person.id}"))
    assert login_as("admin", org=make_org("Elsewhere")).get(url).status_code == 404
    assert login_as("staff").get("/people/999999/held").status_code == 404

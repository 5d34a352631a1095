"""Sharing a case with a partner outside its organization, at view or edit level, and un-sharing."""

from datetime import timedelta

import sqlalchemy as sa

from casework.models import AuditEvent, CaseShare
from tests.conftest import TODAY, text_of


def test_partner_gets_404_until_shared_then_view_only(login_as, make_person, make_org, make_user, db):
    person = make_person(legal_name="Shared Person")
    partner_org = make_org("Alder & Finch LLP")
    partner = make_user("staff", org=partner_org, email="partner@example.net")
    pb = login_as(partner)
    assert pb.get(f"/people/{person.id}").status_code == 404

    staff = login_as("staff")
    response = staff.post(f"/people/{person.id}/shares", {"grantee": "Partner@Example.net", "level": "view"})
    assert response.status_code == 302
    assert pb.get(f"/people/{person.id}").status_code == 200
    assert "Shared Person" in text_of(pb.get("/people"))
    assert pb.get(f"/people/{person.id}/edit").status_code == 403
    assert db.count(AuditEvent, AuditEvent.action == "person.shared") == 1

    # raise to edit: the same share changes level
    staff.post(f"/people/{person.id}/shares", {"grantee": "partner@example.net", "level": "edit"})
    assert db.count(CaseShare) == 1
    assert pb.get(f"/people/{person.id}/edit").status_code == 200

    share = db.scalar(sa.select(CaseShare))
    assert staff.post(f"/people/{person.id}/shares/{share.id}/remove").status_code == 302
    assert pb.get(f"/people/{person.id}").status_code == 404
    assert db.count(AuditEvent, AuditEvent.action == "person.unshared") == 1


def test_share_with_whole_organization_reaches_its_staff_not_volunteers(
    login_as, make_person, make_org, make_user
):
    person = make_person()
    firm = make_org("Harbor Legal Aid")
    firm_staff, firm_volunteer = make_user("staff", org=firm), make_user("volunteer", org=firm)
    login_as("staff").post(f"/people/{person.id}/shares", {"grantee": "harbor legal aid", "level": "view"})
    assert login_as(firm_staff).get(f"/people/{person.id}").status_code == 200
    assert login_as(firm_volunteer).get(f"/people/{person.id}").status_code == 404


def test_expired_share_gives_no_access(login_as, make_person, make_org, make_user, share_case):
    person = make_person()
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, expires_on=TODAY - timedelta(days=1))
    assert login_as(partner).get(f"/people/{person.id}").status_code == 404


def test_share_errors_are_explained_and_change_nothing(login_as, make_person, make_user, db):
    person = make_person()
    colleague = make_user("volunteer")
    staff = login_as("staff")
    for data, message in [
        ({"grantee": "nobody@example.org", "level": "view"}, "No active user signs in with that e-mail"),
        ({"grantee": "No Such Org", "level": "view"}, "No organization has exactly that name"),
        ({"grantee": colleague.email, "level": "view"}, "add the person to the team instead"),
        ({"grantee": "", "level": "view"}, "Type an e-mail address or organization name."),
        ({"grantee": colleague.email, "level": "own"}, "Choose one of the options in the list."),
        ({"grantee": colleague.email, "level": "view", "expires_on": "2001-01-01"}, "cannot be in the past"),
    ]:
        staff.post(f"/people/{person.id}/shares", data)
        assert message in text_of(staff.get(f"/people/{person.id}")).replace("&#39;", "'"), message
    assert db.count(CaseShare) == 0


def test_shared_user_cannot_manage_or_reshare(login_as, make_person, make_org, make_user, share_case):
    person = make_person()
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, level="edit")
    pb = login_as(partner)
    page = text_of(pb.get(f"/people/{person.id}"))
    assert "Sharing outside" not in page
    assert (
        pb.post(f"/people/{person.id}/shares", {"grantee": "x@example.org", "level": "view"}).status_code
        == 403
    )

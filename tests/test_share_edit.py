"""Changing what an existing share includes: each share's own form on the case page (versioned, audited, for the
owning organization's admins and staff), and the preview of what the partner will see, which saves nothing."""

import sqlalchemy as sa

from casework.models import AuditEvent, CaseShare, Note
from tests.conftest import text_of

A_NUMBER, SHOWN_A_NUMBER = "012345678", "012-345-678"


def _case_shared_with_partner(db, make_person, make_org, make_user, share_case, **policy):
    person = make_person(legal_name="Shared Person", a_number=A_NUMBER)
    partner = make_user("staff", org=make_org("Alder & Finch LLP"), email="partner@example.net")
    share = share_case(person, user=partner, level="view", **policy)
    return person, partner, share


def _policy_form(share, version=None, **boxes) -> dict:
    prefix = f"share{share.id}-"
    data = {prefix + "version": str(share.version if version is None else version)}
    data.update({prefix + name: "y" for name, ticked in boxes.items() if ticked})
    return data


def _post(browser, url, data):
    prefix = next(k for k in data).split("-")[0] + "-"
    return browser.post(url, {prefix + "csrf_token": browser.token, **data}, csrf=False)


def test_the_owner_turns_the_a_number_on_for_one_share(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, partner, share = _case_shared_with_partner(db, make_person, make_org, make_user, share_case)
    pb = login_as(partner)
    assert SHOWN_A_NUMBER not in text_of(pb.get(f"/people/{person.id}"))
    staff = login_as("staff")
    page = text_of(staff.get(f"/people/{person.id}"))
    assert "Update share with " in page and '(Alder &amp; Finch LLP)">Update</button>' in page
    response = _post(
        staff, f"/people/{person.id}/shares/{share.id}", _policy_form(share, includes_a_number=True)
    )
    assert response.status_code == 302 and response.headers["Location"].endswith("#sharing")
    saved = db.get(CaseShare, share.id)
    assert (saved.includes_a_number, saved.includes_privileged, saved.allows_export) == (True, False, False)
    assert saved.version == share.version + 1
    assert SHOWN_A_NUMBER in text_of(pb.get(f"/people/{person.id}"))
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "person.share_changed"))
    assert event.person_id == person.id and event.field_list == ["includes_a_number"]
    assert A_NUMBER not in (event.detail or "")


def test_two_owners_changing_one_share_at_once_do_not_overwrite_each_other(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, _, share = _case_shared_with_partner(db, make_person, make_org, make_user, share_case)
    alice, bob = login_as("staff"), login_as("admin")
    alice.get(f"/people/{person.id}")
    bob.get(f"/people/{person.id}")
    url = f"/people/{person.id}/shares/{share.id}"
    assert _post(alice, url, _policy_form(share, includes_privileged=True)).status_code == 302
    response = _post(bob, url, _policy_form(share, allows_export=True))
    html = text_of(response)
    assert response.status_code == 200 and "Someone else changed this share meanwhile" in html
    assert "Saved by someone else meanwhile" in html
    saved = db.get(CaseShare, share.id)
    assert (saved.includes_privileged, saved.allows_export) == (True, False)
    # saving again from the page that showed the conflict is the user's informed choice
    again = _post(bob, url, _policy_form(saved, allows_export=True))
    assert again.status_code == 302
    saved = db.get(CaseShare, share.id)
    assert (saved.includes_privileged, saved.allows_export) == (False, True)


def test_preview_shows_what_the_partner_will_see_and_saves_nothing(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, _, share = _case_shared_with_partner(db, make_person, make_org, make_user, share_case)
    staff = login_as("staff")
    staff.get(f"/people/{person.id}")
    data = _policy_form(share, includes_a_number=True)
    data["preview"] = "1"
    response = _post(staff, f"/people/{person.id}/shares/{share.id}", data)
    html = text_of(response)
    assert response.status_code == 200 and "Preview: what the partner will see" in html
    seen = html.split("They will see")[1].split("They will not see")[0]
    hidden = html.split("They will not see")[1].split("</ul>")[0]
    assert "<li>the A-number</li>" in seen and "<li>privileged notes and documents</li>" not in seen
    assert "<li>privileged notes and documents</li>" in hidden and "<li>export and printing</li>" in hidden
    assert "<li>the A-number</li>" not in hidden
    saved = db.get(CaseShare, share.id)
    assert (saved.includes_a_number, saved.version) == (False, share.version)
    assert db.count(AuditEvent, AuditEvent.action == "person.share_changed") == 0


def test_preview_of_a_new_share_creates_none(login_as, make_person, make_org, make_user, db):
    person = make_person(legal_name="Shared Person", a_number=A_NUMBER)
    make_user("staff", org=make_org("Alder & Finch LLP"), email="partner@example.net")
    staff = login_as("staff")
    staff.get(f"/people/{person.id}")
    form = {"grantee": "partner@example.net", "level": "edit", "allows_export": "y", "preview": "1"}
    response = staff.post(f"/people/{person.id}/shares", form)
    html = text_of(response)
    assert response.status_code == 200 and db.count(CaseShare) == 0
    assert "they may also change the case record" in html
    assert "export and printing" in html.split("They will see")[1].split("They will not see")[0]
    # the same page shares for real
    form.pop("preview")
    assert staff.post(f"/people/{person.id}/shares", form).status_code == 302
    assert db.scalar(sa.select(CaseShare)).allows_export is True
    # an invalid preview says what to correct, and still saves nothing
    bad = staff.post(f"/people/{person.id}/shares", {"grantee": "", "level": "bogus", "preview": "1"})
    assert bad.status_code == 200 and "Type an e-mail address or organization name." in text_of(bad)
    assert db.count(CaseShare) == 1


def test_only_the_owners_admins_and_staff_change_a_share(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, partner, share = _case_shared_with_partner(db, make_person, make_org, make_user, share_case)
    url = f"/people/{person.id}/shares/{share.id}"
    pb = login_as(partner)
    pb.get(f"/people/{person.id}")
    assert _post(pb, url, _policy_form(share, includes_privileged=True)).status_code == 403
    vb = login_as("volunteer")
    vb.get("/people")
    assert _post(vb, url, _policy_form(share, includes_privileged=True)).status_code == 404
    outsider = login_as("admin", org=make_org("Elsewhere"))
    outsider.get("/people")
    assert _post(outsider, url, _policy_form(share, includes_privileged=True)).status_code == 404
    other_case = make_person(legal_name="Other")
    staff = login_as("staff")
    staff.get("/people")
    assert _post(staff, f"/people/{other_case.id}/shares/{share.id}", _policy_form(share)).status_code == 404
    assert db.get(CaseShare, share.id).includes_privileged is False


def test_bad_input_changes_nothing(login_as, make_person, make_org, make_user, share_case, db):
    person, _, share = _case_shared_with_partner(db, make_person, make_org, make_user, share_case)
    staff = login_as("staff")
    staff.get(f"/people/{person.id}")
    url = f"/people/{person.id}/shares/{share.id}"
    prefix = f"share{share.id}-"
    for version in ("", "abc", "99999999999999999999", "-1"):
        data = {prefix + "version": version, prefix + "includes_privileged": "y"}
        response = _post(staff, url, data)
        assert response.status_code in (200, 302), version
    missing = staff.post(url, {prefix + "includes_privileged": "y"}, csrf=False)
    assert missing.status_code in (200, 400)
    assert db.get(CaseShare, share.id).includes_privileged is False


def test_a_share_updated_keeps_the_privileged_note_out_until_included(
    login_as, make_person, make_org, make_user, share_case, db
):
    person, partner, share = _case_shared_with_partner(db, make_person, make_org, make_user, share_case)
    attorney = make_user("attorney")
    db.add(Note(person_id=person.id, author_id=attorney.id, body="PRIVILEGED-NOTE-BODY", privileged=True))
    staff = login_as("staff")
    staff.get(f"/people/{person.id}")
    _post(staff, f"/people/{person.id}/shares/{share.id}", _policy_form(share, includes_a_number=True))
    pb = login_as(partner)
    assert "PRIVILEGED-NOTE-BODY" not in text_of(pb.get(f"/people/{person.id}"))
    share = db.get(CaseShare, share.id)
    _post(staff, f"/people/{person.id}/shares/{share.id}", _policy_form(share, includes_privileged=True))
    assert "PRIVILEGED-NOTE-BODY" in text_of(pb.get(f"/people/{person.id}"))

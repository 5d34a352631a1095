"""Related people: two cases of one organization linked (shown on both, the kind read from each side), one link
per pair (also when two are posted at once), a relative who is not a case by name; another organization's case
is never offered nor linkable; who may see and change a link."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from casework.background import operations, queries
from casework.models import AuditEvent, ImmigrationStatus, Relation, RelationKind
from tests.conftest import shows, text_of

ALREADY = "These two cases are already linked."


def link(browser, person, other, kind="sibling", notes=""):
    """Post the link form of `person`'s case: `other` is `person`'s `kind`."""
    return browser.post(
        f"/people/{person.id}/relations/link",
        {"related_person_id": str(other.id), "kind": kind, "notes": notes, "version": "0"},
    )


def relations(db) -> list[Relation]:
    return db.scalars(sa.select(Relation).order_by(Relation.id))


def section(browser, person) -> str:
    """The related-people section of a case page."""
    page = text_of(browser.get(f"/people/{person.id}"))
    start = page.index('id="related-people"')
    return page[start : page.index("</section>", start)]


def test_a_link_shows_on_both_cases_with_the_kind_read_from_each_side(login_as, make_person, db):
    staff = login_as("staff")
    dara, mother = make_person(legal_name="Dara Keo"), make_person(legal_name="Bopha Keo")
    response = link(staff, dara, mother, kind="parent", notes="Lives with Dara in Lowell.")
    assert response.status_code == 302
    assert response.headers["Location"] == f"/people/{dara.id}#related-people"
    [row] = relations(db)
    assert {row.person_id, row.related_person_id} == {dara.id, mother.id}
    on_dara, on_mother = section(staff, dara), section(staff, mother)
    assert "Bopha Keo" in on_dara and ">Parent<" in on_dara and "Lives with Dara in Lowell." in on_dara
    assert "Dara Keo" in on_mother and ">Child<" in on_mother and "Lives with Dara in Lowell." in on_mother
    assert f'href="/people/{mother.id}#related-people"' in on_dara
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "relation.linked"))
    assert {e.person_id for e in events} == {dara.id, mother.id}
    assert all(set(e.field_list) == {"kind", "related_person_id", "notes"} for e in events)


def test_linking_from_the_case_with_the_larger_id_stores_the_pair_once_read_the_same(
    login_as, make_person, db
):
    staff = login_as("staff")
    parent, child = make_person(legal_name="First Case"), make_person(legal_name="Second Case")
    assert child.id > parent.id
    assert (
        link(staff, child, parent, kind="parent").status_code == 302
    )  # the first case is the second's parent
    [row] = relations(db)
    assert (row.person_id, row.related_person_id, row.kind) == (parent.id, child.id, RelationKind.CHILD)
    assert ">Parent<" in section(staff, child) and ">Child<" in section(staff, parent)


def test_one_link_per_pair_whichever_side_links_again(login_as, make_person, db):
    staff = login_as("staff")
    a, b = make_person(legal_name="Case A"), make_person(legal_name="Case B")
    assert link(staff, a, b).status_code == 302
    for again in (link(staff, a, b, kind="spouse"), link(staff, b, a)):
        assert again.status_code == 200
        assert shows(again, ALREADY) and shows(again, "Nothing was saved: correct the fields marked below.")
    assert len(relations(db)) == 1
    form = text_of(staff.get(f"/people/{a.id}/relations/link"))
    assert f'value="{b.id}"' not in form  # a linked case is not offered again


def test_the_constraint_holds_the_pair_when_the_check_does_not_see_the_other_link(
    login_as, make_person, db, monkeypatch
):
    """Two links of one pair at the same moment both pass the check: the unique constraint keeps one, and the
    second is a form error, not a 500."""
    staff = login_as("staff")
    a, b = make_person(), make_person()
    assert link(staff, a, b).status_code == 302
    monkeypatch.setattr(queries, "existing_link", lambda first, second: None)
    again = link(staff, b, a, kind="co_defendant")
    assert again.status_code == 200 and shows(again, ALREADY)
    assert len(relations(db)) == 1


def test_two_links_of_one_pair_posted_at_once_make_one(app, login_as, make_person, make_user, db):
    a, b = make_person(legal_name="Case A"), make_person(legal_name="Case B")
    first, second = login_as("staff"), login_as("staff")
    first.get(f"/people/{a.id}/relations/link")
    second.get(f"/people/{b.id}/relations/link")
    barrier = threading.Barrier(2)

    def post(args):
        browser, person, other = args
        barrier.wait()
        return link(browser, person, other).status_code

    with ThreadPoolExecutor(max_workers=2) as pool:
        codes = sorted(pool.map(post, [(first, a, b), (second, b, a)]))
    assert codes == [200, 302]
    assert len(relations(db)) == 1


def test_a_relative_who_is_not_a_case_is_recorded_by_name(login_as, make_person, db):
    staff = login_as("staff")
    dara = make_person(legal_name="Dara Keo")
    response = staff.post(
        f"/people/{dara.id}/relations/new",
        {"related_name": "Sokha Keo", "kind": "sibling", "faces_removal": "y", "notes": "", "version": "0"},
    )
    assert response.status_code == 302
    [row] = relations(db)
    assert (row.related_person_id, row.related_name, row.faces_removal) == (None, "Sokha Keo", True)
    shown = section(staff, dara)
    assert "Sokha Keo" in shown and "not a case" in shown and "Also faces removal" in shown
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "relation.created"))
    assert set(event.field_list) == {"related_name", "kind", "faces_removal"}


@pytest.mark.parametrize(
    "url, data, message",
    [
        ("relations/new", {"related_name": "", "kind": "sibling"}, "Type the relative’s name"),
        ("relations/new", {"related_name": "Sokha", "kind": ""}, "Choose how they are related"),
        (
            "relations/new",
            {"related_name": "Sokha", "kind": "cousin"},
            "Choose one of the options in the list.",
        ),
        (
            "relations/link",
            {"related_person_id": "", "kind": "sibling"},
            "Choose the other case from the list.",
        ),
        (
            "relations/link",
            {"related_person_id": "abc", "kind": "sibling"},
            "Choose the other case from the list.",
        ),
    ],
)
def test_the_relation_forms_say_what_to_type(login_as, make_person, db, url, data, message):
    staff = login_as("staff")
    person = make_person()
    response = staff.post(f"/people/{person.id}/{url}", {**data, "version": "0"})
    assert response.status_code == 200 and shows(response, message), text_of(response)
    assert relations(db) == []


def test_a_case_cannot_be_linked_to_itself(login_as, make_person, db):
    staff = login_as("staff")
    person = make_person()
    response = link(staff, person, person)
    assert response.status_code == 200 and shows(response, "A case cannot be linked to itself")
    assert relations(db) == []


def test_a_linked_case_that_faces_removal_says_so_from_its_own_record(login_as, make_person):
    staff = login_as("staff")
    van = make_person(legal_name="Sovann Pich", immigration_status=ImmigrationStatus.STATUS_RESTORED)
    dara = make_person(legal_name="Dara Keo", immigration_status=ImmigrationStatus.ORDER_OF_SUPERVISION)
    link(staff, van, dara)
    assert "Also faces removal" in section(staff, van)  # Dara's case says so
    assert "Also faces removal" not in section(staff, dara)  # Van's status was restored


# ---------------------------------------------------------------- organizations and access


def test_another_organizations_case_is_never_offered_nor_linkable(
    login_as, make_person, make_org, make_user, db
):
    other_org = make_org()
    theirs = make_person(org=other_org, legal_name="Their Case")
    ours = make_person(legal_name="Our Case")
    staff = login_as("staff")
    assert "Their Case" not in text_of(staff.get(f"/people/{ours.id}/relations/link"))
    assert link(staff, ours, theirs).status_code == 404
    # A partner who may edit a case of each organization still cannot link them.
    partner = make_user("staff", org=other_org)
    from casework.models import CaseShare

    db.add(CaseShare(person_id=ours.id, user_id=partner.id, level="edit"))
    browser = login_as(partner)
    form = text_of(browser.get(f"/people/{ours.id}/relations/link"))
    assert "Their Case" not in form
    assert link(browser, ours, theirs).status_code == 404
    assert link(browser, theirs, ours).status_code == 404
    assert relations(db) == []


def test_a_volunteer_links_only_cases_assigned_to_them(login_as, make_person, make_user, db):
    volunteer = make_user("volunteer")
    mine, also_mine = (
        make_person(assigned=[volunteer]),
        make_person(assigned=[volunteer], legal_name="Also Mine"),
    )
    not_mine = make_person(legal_name="Not Mine")
    browser = login_as(volunteer)
    form = text_of(browser.get(f"/people/{mine.id}/relations/link"))
    assert "Also Mine" in form and "Not Mine" not in form
    assert link(browser, mine, not_mine).status_code == 404
    assert link(browser, not_mine, mine).status_code == 404
    assert link(browser, mine, also_mine).status_code == 302
    assert len(relations(db)) == 1


def test_a_case_shared_at_view_level_is_not_linkable(
    login_as, make_person, make_org, make_user, share_case, db
):
    partner = make_user("staff", org=make_org())
    editable, viewable = make_person(legal_name="Editable"), make_person(legal_name="Viewable")
    share_case(editable, user=partner, level="edit")
    share_case(viewable, user=partner, level="view")
    browser = login_as(partner)
    assert "Viewable" not in text_of(browser.get(f"/people/{editable.id}/relations/link"))
    assert link(browser, editable, viewable).status_code == 403
    assert link(browser, viewable, editable).status_code == 403
    assert relations(db) == []


def test_a_link_to_a_case_the_viewer_may_not_open_shows_without_its_name(
    login_as, make_person, make_user, db
):
    volunteer = make_user("volunteer")
    mine = make_person(assigned=[volunteer], legal_name="Assigned Case")
    sibling = make_person(legal_name="Unassigned Sibling")
    staff = login_as("staff")
    link(staff, mine, sibling)
    [row] = relations(db)
    browser = login_as(volunteer)
    shown = section(browser, mine)
    assert "Unassigned Sibling" not in shown and "Another case of your organization, not open to you" in shown
    assert "/edit" not in shown and "/delete" not in shown  # no edit nor remove
    assert browser.get(f"/people/{mine.id}/relations/{row.id}/edit").status_code == 403
    assert browser.get(f"/people/{mine.id}/relations/{row.id}/delete").status_code == 403
    assert browser.get(f"/people/{sibling.id}/relations/{row.id}/edit").status_code == 404


def test_a_partner_does_not_see_links_to_cases_not_shared_with_them(
    login_as, make_person, make_org, make_user, share_case
):
    partner = make_user("staff", org=make_org())
    shared, sibling = make_person(legal_name="Shared Case"), make_person(legal_name="Private Sibling")
    share_case(shared, user=partner, level="view")
    link(login_as("staff"), shared, sibling)
    shown = section(login_as(partner), shared)
    assert "Private Sibling" not in shown and "not open to you" not in shown
    assert "No related people recorded." in shown


def test_a_link_to_a_deleted_case_is_not_shown(login_as, make_person, db):
    staff = login_as("staff")
    a, b = make_person(), make_person(legal_name="Deleted Case")
    link(staff, a, b)
    from casework.models import Person

    db.execute(sa.update(Person).where(Person.id == b.id).values(deleted_at=datetime.now(UTC)))
    shown = section(staff, a)
    assert "Deleted Case" not in shown and "not open to you" not in shown


def test_a_relation_of_another_case_is_not_found(login_as, make_person, db):
    staff = login_as("staff")
    a, b, c = make_person(), make_person(), make_person()
    link(staff, a, b)
    [row] = relations(db)
    assert staff.get(f"/people/{c.id}/relations/{row.id}/edit").status_code == 404
    assert staff.get(f"/people/{a.id}/relations/{row.id}/edit").status_code == 200
    assert staff.get(f"/people/{b.id}/relations/{row.id}/edit").status_code == 200


# ---------------------------------------------------------------- edit and remove


def test_a_link_edited_from_the_other_side_reads_right_on_both(login_as, make_person, db):
    staff = login_as("staff")
    a, b = make_person(legal_name="Case A"), make_person(legal_name="Case B")
    link(staff, a, b, kind="parent")  # B is A's parent
    [row] = relations(db)
    form = text_of(staff.get(f"/people/{b.id}/relations/{row.id}/edit"))
    assert '<option selected value="child">' in form  # read from B: A is B's child
    response = staff.post(
        f"/people/{b.id}/relations/{row.id}/edit",
        {"kind": "parent", "notes": "Corrected", "version": str(row.version)},  # A is B's parent after all
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/people/{b.id}#related-people"
    assert ">Parent<" in section(staff, b) and ">Child<" in section(staff, a)
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "relation.updated"))
    assert {e.person_id for e in events} == {a.id, b.id}
    assert all(set(e.field_list) == {"kind", "notes"} for e in events)


def test_an_edit_from_an_older_version_is_refused_and_shows_what_was_saved(login_as, make_person, db):
    staff, colleague = login_as("staff"), login_as("staff")
    a, b = make_person(), make_person()
    link(staff, a, b, kind="sibling")
    [row] = relations(db)
    colleague.post(f"/people/{a.id}/relations/{row.id}/edit", {"kind": "spouse", "notes": "", "version": "1"})
    response = staff.post(f"/people/{b.id}/relations/{row.id}/edit", {"kind": "co_defendant", "version": "1"})
    assert response.status_code == 200 and shows(response, "Your changes were NOT saved")
    assert "Saved by someone else meanwhile: <strong>Spouse</strong>" in text_of(response)
    assert db.get(Relation, row.id).kind == RelationKind.SPOUSE


def test_removing_a_link_asks_first_then_removes_it_from_both(login_as, make_person, db):
    staff = login_as("staff")
    a, b = make_person(legal_name="Case A"), make_person(legal_name="Case B")
    link(staff, a, b)
    [row] = relations(db)
    page = staff.get(f"/people/{b.id}/relations/{row.id}/delete")
    assert page.status_code == 200 and shows(page, "The link disappears from both cases")
    assert shows(page, "Case A (sibling)")
    assert relations(db) != []
    response = staff.post(f"/people/{b.id}/relations/{row.id}/delete")
    assert response.status_code == 302 and relations(db) == []
    assert "No related people recorded." in section(staff, a)
    events = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "relation.deleted"))
    assert {e.person_id for e in events} == {a.id, b.id}


def test_a_post_without_the_confirmation_token_removes_nothing(login_as, make_person, db):
    staff = login_as("staff")
    a, b = make_person(), make_person()
    link(staff, a, b)
    [row] = relations(db)
    staff.post(f"/people/{a.id}/relations/{row.id}/delete", csrf=False)
    assert len(relations(db)) == 1


def test_the_operation_refuses_cases_of_two_organizations(app, make_person, make_org, make_user):
    from casework.errors import OperationError
    from casework.extensions import db as real_db
    from casework.models import Person

    a, b = make_person(), make_person(org=make_org())
    user = make_user("admin")
    with app.test_request_context(), pytest.raises(OperationError, match="same organization"):
        operations.link_cases(
            real_db.session.get(type(user), user.id),
            real_db.session.get(Person, a.id),
            real_db.session.get(Person, b.id),
            RelationKind.SIBLING,
            None,
        )

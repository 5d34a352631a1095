"""The advocacy log's events: record, edit and delete through the forms; figures, contacts and linked cases;
validation messages that say what to type; edits that crossed someone else's; the audit trail."""

from datetime import date

import pytest
import sqlalchemy as sa

from casework.models import (
    AdvocacyEvent,
    AdvocacyFigure,
    AdvocacyKind,
    AuditEvent,
    Contact,
    ContactKind,
    advocacy_event_contact,
    advocacy_event_person,
)
from tests.conftest import shows, text_of

STATEMENT = "State Senator Alvarez's statement on detentions"


def _form(**changes):
    data = {
        "title": STATEMENT,
        "kind": "statement",
        "occurred_on": "2025-03-14",
        "source_url": "https://senate.example.gov/news/alvarez-detentions",
        "description": "About 100 Cambodian and 95 Vietnamese residents detained under the repatriation agreements.",
        "figures-0-label": "Cambodians detained",
        "figures-0-value": "100",
        "figures-1-label": "Vietnamese detained",
        "figures-1-value": "95",
        "figures-2-label": "",
        "figures-2-value": "",
        "version": "0",
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def _rows(db, table):
    with db.app.app_context():
        from casework.extensions import db as real

        return [tuple(r) for r in real.session.execute(sa.select(table)).all()]


def _case_ids(db, event_id):
    return {p for e, p in _rows(db, advocacy_event_person) if e == event_id}


def _contact_ids(db, event_id):
    return {c for e, c in _rows(db, advocacy_event_contact) if e == event_id}


def _figures(db, event_id):
    rows = db.scalars(
        sa.select(AdvocacyFigure).where(AdvocacyFigure.event_id == event_id).order_by(AdvocacyFigure.position)
    )
    return [(f.label, f.value) for f in rows]


@pytest.fixture
def official(db, org):
    return db.add(
        Contact(
            org_id=org.id, name="Sen. Maria Alvarez", organization="State Senate", kind=ContactKind.OFFICIAL
        )
    )


def test_record_a_statement_with_figures_contacts_and_three_cases(login_as, make_person, official, db):
    people = [make_person(legal_name=name) for name in ("Dara Keo", "Sovann Pich", "Tuan Minh Pham")]
    staff = login_as("staff")
    page = text_of(staff.get("/advocacy/new"))
    assert "Figure 1: what is counted" in page and "Sen. Maria Alvarez, State Senate" in page
    response = staff.post(
        "/advocacy/new",
        _form(contacts=[str(official.id)], cases=[str(p.id) for p in people]),
    )
    event = db.scalar(sa.select(AdvocacyEvent))
    assert response.status_code == 302 and response.headers["Location"] == f"/advocacy/{event.id}"
    assert (event.kind, event.occurred_on, event.created_by_id, event.org_id) == (
        AdvocacyKind.STATEMENT,
        date(2025, 3, 14),
        staff.user.id,
        staff.user.org_id,
    )
    assert _figures(db, event.id) == [("Cambodians detained", 100), ("Vietnamese detained", 95)]
    assert _case_ids(db, event.id) == {p.id for p in people}
    assert _contact_ids(db, event.id) == {official.id}
    shown = text_of(staff.get(f"/advocacy/{event.id}"))
    for text in ("Cambodians detained", "100", "Vietnamese detained", "95", "Dara Keo", "Tuan Minh Pham"):
        assert text in shown
    assert "Sen. Maria Alvarez" in shown and 'rel="noopener noreferrer nofollow"' in shown

    created = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "advocacy.created"))
    assert set(created.field_list) == {
        "title",
        "kind",
        "occurred_on",
        "source_url",
        "description",
        "figures",
        "contacts",
        "linked_cases",
    }
    linked = db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "advocacy.case_linked"))
    assert {a.person_id for a in linked} == {p.id for p in people}
    for audit in db.scalars(sa.select(AuditEvent)):
        values = [getattr(audit, c.key) for c in sa.inspect(AuditEvent).columns]
        assert not any(isinstance(v, str) and ("Alvarez" in v or "Cambodian" in v) for v in values)


def test_figures_accept_thousands_separators_and_skip_blank_rows(login_as, db):
    staff = login_as("staff")
    data = _form(**{"figures-0-value": "1,250", "figures-1-label": "", "figures-1-value": ""})
    data.update({"figures-3-label": "People on the flight", "figures-3-value": "38"})
    assert staff.post("/advocacy/new", data).status_code == 302
    event = db.scalar(sa.select(AdvocacyEvent))
    assert _figures(db, event.id) == [("Cambodians detained", 1250), ("People on the flight", 38)]


@pytest.mark.parametrize(
    "changes, message",
    [
        ({"title": ""}, "Type a short title, for example “State Senator’s statement on detentions”."),
        ({"title": "t" * 301}, "Keep this under 300 characters."),
        ({"kind": ""}, "Choose what kind of event this was."),
        ({"kind": "rumour"}, "Choose one of the options in the list."),
        ({"occurred_on": ""}, "Type the day it happened as YYYY-MM-DD, for example 2025-03-14."),
        ({"occurred_on": "14/03/2025"}, "Type the date as YYYY-MM-DD, for example 2009-04-30."),
        ({"occurred_on": "1202-03-14"}, "Check the year: type a date between 1950-01-01 and 2099-12-31."),
        (
            {"source_url": "javascript:alert(1)"},
            "Type the whole web address, starting with https:// or http://",
        ),
        ({"source_url": "senate.example.gov/news"}, "Type the whole web address, starting with https://"),
        ({"source_url": "https://localhost"}, "Type the whole web address, starting with https://"),
        ({"source_url": "https://senate.example.gov/a b"}, "Remove the spaces from the web address."),
        ({"source_url": "https://x.example/" + "a" * 500}, "Keep this under 500 characters."),
        ({"figures-0-value": "about 100"}, "Type a whole number without decimals, for example 100 or 1,250."),
        ({"figures-0-value": "-3"}, "Type a whole number without decimals, for example 100 or 1,250."),
        ({"figures-0-value": "12.5"}, "Type a whole number without decimals, for example 100 or 1,250."),
        ({"figures-0-value": "9" * 17}, "Type a number no larger than 1,000,000,000,000,000."),
        ({"figures-0-value": ""}, "Type the number for this figure, for example 100."),
        ({"figures-0-label": ""}, "Type what the number counts, for example “Cambodians detained”."),
        ({"title": "A\x0bstatement"}, "Remove the invisible control characters from this text"),
        ({"figures-0-label": "Cambodians\x07"}, "Remove the invisible control characters from this text"),
        ({"cases": "999999"}, "Tick only cases listed here; find others by name first."),
        ({"contacts": "abc"}, "Tick only contacts listed here (from your organization’s directory)."),
    ],
)
def test_validation_says_what_to_type(login_as, db, changes, message):
    response = login_as("staff").post("/advocacy/new", _form(**changes))
    assert response.status_code == 200
    assert shows(response, message), message
    assert shows(response, "Please correct the")
    assert db.count(AdvocacyEvent) == 0


def test_a_case_or_contact_of_another_organization_cannot_be_linked(
    login_as, make_org, make_person, share_case, db, org
):
    def make_org_of(browser):
        return org

    other = make_org("Elsewhere")
    theirs = make_person(org=other, legal_name="Not Yours")
    contact = db.add(Contact(org_id=other.id, name="Their Contact", kind=ContactKind.PRESS))
    staff = login_as("staff")
    response = staff.post("/advocacy/new", _form(cases=[str(theirs.id)], contacts=[str(contact.id)]))
    assert response.status_code == 200 and db.count(AdvocacyEvent) == 0
    assert "Not Yours" not in text_of(response) and "Their Contact" not in text_of(response)
    assert shows(response, "Tick only cases listed here; find others by name first.")
    # even a case shared with the user's organization belongs to another organization's record
    share_case(theirs, org=make_org_of(staff))
    found = text_of(staff.post("/advocacy/new", _form(find="Not Yours", find_cases="Find cases")))
    assert "No other case of yours matches “Not Yours”." in found and 'name="cases"' not in found


def test_find_cases_keeps_what_was_typed_and_offers_matches(login_as, make_person, make_user, db):
    keo = make_person(legal_name="Dara Keo", aliases="Darah Keo")
    make_person(legal_name="Sovann Pich")
    volunteer_case = make_person(legal_name="Dara Sok")
    staff = login_as("staff")
    response = staff.post("/advocacy/new", _form(find="dara", find_cases="Find cases"))
    page = text_of(response)
    assert response.status_code == 200 and db.count(AdvocacyEvent) == 0
    assert "2 cases found for “dara”" in page
    assert "Dara Keo" in page and "Dara Sok" in page and "Sovann Pich" not in page
    assert f'value="{STATEMENT}"'.replace("'", "&#39;") in page and 'value="100"' in page
    assert "Please correct" not in page  # finding is not a failed save
    # ticked cases stay ticked, and are not offered again
    response = staff.post("/advocacy/new", _form(cases=[str(keo.id)], find="keo", find_cases="Find cases"))
    assert "No other case of yours matches “keo”" in text_of(response)
    assert f'checked id="cases-0" name="cases" type="checkbox" value="{keo.id}"' in text_of(response)
    assert staff.post("/advocacy/new", _form(cases=[str(keo.id), str(volunteer_case.id)])).status_code == 302
    event = db.scalar(sa.select(AdvocacyEvent))
    assert _case_ids(db, event.id) == {keo.id, volunteer_case.id}


def test_record_an_event_from_a_case_page_ticks_that_case(login_as, make_person):
    person = make_person(legal_name="Khamla Phommachanh")
    staff = login_as("staff")
    case_page = text_of(staff.get(f"/people/{person.id}"))
    assert f"/advocacy/new?person={person.id}" in case_page
    form = text_of(staff.get(f"/advocacy/new?person={person.id}"))
    assert "Khamla Phommachanh" in form and "checked" in form


def _recorded(db, org, people=(), contacts=(), **fields):
    values = dict(org_id=org.id, kind=AdvocacyKind.STATEMENT, occurred_on=date(2025, 3, 14), title=STATEMENT)
    values.update(fields)
    event = db.add(AdvocacyEvent(**values))
    db.add(AdvocacyFigure(event_id=event.id, position=0, label="Cambodians detained", value=100))
    for person in people:
        db.execute(advocacy_event_person.insert().values(event_id=event.id, person_id=person.id))
    for contact in contacts:
        db.execute(advocacy_event_contact.insert().values(event_id=event.id, contact_id=contact.id))
    return db.get(AdvocacyEvent, event.id)


def test_edit_figures_and_links(login_as, make_person, official, db, org):
    keo, pich, pham = (make_person(legal_name=n) for n in ("Dara Keo", "Sovann Pich", "Tuan Minh Pham"))
    event = _recorded(db, org, people=[keo, pich], contacts=[official])
    staff = login_as("staff")
    page = text_of(staff.get(f"/advocacy/{event.id}/edit"))
    assert 'value="Cambodians detained"' in page and "Dara Keo" in page
    response = staff.post(
        f"/advocacy/{event.id}/edit",
        _form(
            version=str(event.version),
            cases=[str(pich.id), str(pham.id)],
            **{"figures-0-value": "110", "figures-1-label": "", "figures-1-value": ""},
        ),
    )
    assert response.status_code == 302 and response.headers["Location"] == f"/advocacy/{event.id}"
    assert _figures(db, event.id) == [("Cambodians detained", 110)]
    assert _case_ids(db, event.id) == {pich.id, pham.id}
    assert _contact_ids(db, event.id) == set()
    updated = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "advocacy.updated"))
    assert set(updated.field_list) == {"source_url", "description", "figures", "contacts", "linked_cases"}
    assert {
        a.person_id
        for a in db.scalars(sa.select(AuditEvent).where(AuditEvent.action == "advocacy.case_unlinked"))
    } == {keo.id}
    assert db.get(AdvocacyEvent, event.id).version == event.version + 1


def test_an_edit_of_links_only_moves_the_version(login_as, make_person, db, org):
    keo = make_person(legal_name="Dara Keo")
    event = _recorded(db, org, source_url=None, description=None)
    staff = login_as("staff")
    data = _form(version=str(event.version), source_url="", description="", cases=[str(keo.id)])
    data.update({"figures-1-label": "", "figures-1-value": ""})
    assert staff.post(f"/advocacy/{event.id}/edit", data).status_code == 302
    assert db.get(AdvocacyEvent, event.id).version == event.version + 1
    # the same form again, from the old version: refused, nothing changed
    data["cases"] = []
    response = staff.post(f"/advocacy/{event.id}/edit", data)
    assert response.status_code == 200 and shows(response, "Someone else saved this event")
    assert "Saved by someone else meanwhile: <strong>Dara Keo</strong>" in text_of(response)
    assert _case_ids(db, event.id) == {keo.id}


def test_an_edit_from_an_older_version_is_refused_and_shows_what_was_saved(login_as, db, org, new_browser):
    event = _recorded(db, org)
    first, second = login_as("staff"), login_as("admin")
    for b in (first, second):
        b.get(f"/advocacy/{event.id}/edit")
    assert (
        first.post(f"/advocacy/{event.id}/edit", _form(version="1", title="Corrected title")).status_code
        == 302
    )
    response = second.post(
        f"/advocacy/{event.id}/edit", _form(version="1", title="Another title", **{"figures-0-value": "101"})
    )
    page = text_of(response)
    assert response.status_code == 200 and "Someone else saved this event" in page
    assert "Corrected title" in page and 'value="Another title"' in page
    assert db.get(AdvocacyEvent, event.id).title == "Corrected title"
    # saving again, after review, is the user's informed choice
    data = _form(version=str(db.get(AdvocacyEvent, event.id).version), title="Another title")
    assert second.post(f"/advocacy/{event.id}/edit", data).status_code == 302
    assert db.get(AdvocacyEvent, event.id).title == "Another title"


def test_nothing_changed_writes_nothing(login_as, db, org):
    event = _recorded(db, org, source_url=None, description=None)
    data = {
        "title": STATEMENT,
        "kind": "statement",
        "occurred_on": "2025-03-14",
        "figures-0-label": "Cambodians detained",
        "figures-0-value": "100",
        "version": str(event.version),
    }
    response = login_as("staff").post(f"/advocacy/{event.id}/edit", data, follow_redirects=True)
    assert shows(response, "Nothing was changed.")
    assert db.get(AdvocacyEvent, event.id).version == event.version
    assert db.count(AuditEvent, AuditEvent.action == "advocacy.updated") == 0


def test_an_edit_keeps_links_to_cases_the_editor_cannot_open(login_as, make_person, db, org):
    from datetime import UTC, datetime

    keo = make_person(legal_name="Dara Keo")
    gone = make_person(legal_name="Deleted Case", deleted_at=datetime.now(UTC))
    event = _recorded(db, org, people=[keo, gone])
    staff = login_as("staff")
    page = text_of(staff.get(f"/advocacy/{event.id}/edit"))
    assert "Deleted Case" not in page
    assert staff.post(f"/advocacy/{event.id}/edit", _form(version="1", cases=[])).status_code == 302
    assert _case_ids(db, event.id) == {gone.id}


def test_delete_with_confirmation(login_as, make_person, official, db, org):
    keo = make_person(legal_name="Dara Keo")
    event = _recorded(db, org, people=[keo], contacts=[official])
    staff = login_as("staff")
    page = text_of(staff.get(f"/advocacy/{event.id}/delete"))
    assert "leaves the timeline of\n    1 case: Dara Keo" in page or "1 case: Dara Keo" in page
    assert db.count(AdvocacyEvent) == 1
    response = staff.post(f"/advocacy/{event.id}/delete", {})
    assert response.status_code == 302 and response.headers["Location"] == "/advocacy"
    assert db.count(AdvocacyEvent) == 0 and db.count(AdvocacyFigure) == 0
    assert _rows(db, advocacy_event_person) == [] and _rows(db, advocacy_event_contact) == []
    assert db.count(Contact) == 1
    assert db.count(AuditEvent, AuditEvent.action == "advocacy.deleted") == 1
    assert (
        "Dara Keo"
        not in text_of(staff.get(f"/people/{keo.id}")).split('id="advocacy"')[1].split("</section>")[0]
    )


def test_delete_without_the_token_deletes_nothing(login_as, db, org):
    event = _recorded(db, org)
    response = login_as("staff").post(f"/advocacy/{event.id}/delete", {}, csrf=False)
    assert response.status_code in (200, 400)
    assert db.count(AdvocacyEvent) == 1

"""The advocacy log in every output: the case page's section and merged timeline of each linked case, the list's
filters and keyset paging, the CSV (headers, formulas made harmless, audited), the PDF part, the case file's
written reason; a fixed number of queries however many events."""

import csv
import io
from datetime import date

import pytest
import sqlalchemy as sa

from casework import case_page
from casework.extensions import db as real_db
from casework.models import (
    AdvocacyEvent,
    AdvocacyFigure,
    AdvocacyKind,
    AuditEvent,
    Person,
    User,
    advocacy_event_person,
)
from tests.conftest import text_of
from tests.test_query_counts import count_selects


def _event(db, org, title, people=(), kind=AdvocacyKind.STATEMENT, day=date(2025, 3, 14), figures=(), **kw):
    event = db.add(AdvocacyEvent(org_id=org.id, kind=kind, occurred_on=day, title=title, **kw))
    for position, (label, value) in enumerate(figures):
        db.add(AdvocacyFigure(event_id=event.id, position=position, label=label, value=value))
    for person in people:
        db.execute(advocacy_event_person.insert().values(event_id=event.id, person_id=person.id))
    return event


def _timeline_of(page: str) -> str:
    return page.split('id="timeline"', 1)[1].split("</section>", 1)[0]


def test_each_linked_case_shows_the_event_on_its_timeline(db, org, make_person, login_as):
    linked = [make_person(legal_name=n) for n in ("Dara Keo", "Sovann Pich", "Tuan Minh Pham")]
    other = make_person(legal_name="Khamla Phommachanh")
    event = _event(
        db,
        org,
        "Senator's statement on detentions",
        linked,
        figures=[("Cambodians detained", 100), ("Vietnamese detained", 95)],
    )
    staff = login_as("staff")
    for person in linked:
        page = text_of(staff.get(f"/people/{person.id}"))
        timeline = _timeline_of(page)
        assert "2025-03-14" in timeline
        assert "Statement by an official: Senator&#39;s statement on detentions" in timeline
        assert f'href="#advocacy-event-{event.id}"' in timeline
        section = page.split('id="advocacy"', 1)[1].split("</section>", 1)[0]
        assert "Cambodians detained" in section and "100" in section and "95" in section
        assert f"/advocacy/{event.id}" in section
    page = text_of(staff.get(f"/people/{other.id}"))
    assert "Senator&#39;s statement" not in page
    assert "No event of the advocacy log is linked to this case." in page


def test_the_timeline_entry_and_the_pdf_part(app, db, org, make_person, make_user):
    person = make_person(legal_name="Dara Keo")
    user = make_user("staff")
    _event(db, org, "Flight to Phnom Penh", [person], kind=AdvocacyKind.FLIGHT, day=date(2024, 12, 3))
    _event(
        db,
        org,
        "Senator's statement",
        [person],
        figures=[("Cambodians detained", 100)],
        source_url="https://senate.example.gov/s",
        description="About 100 Cambodians.",
    )
    with app.test_request_context():
        person_ = real_db.session.get(Person, person.id)
        user_ = real_db.session.get(User, user.id)
        section = next(s for s in case_page.registered_sections() if s.key == "advocacy")
        entries = section.timeline(section.load_alone(person_, user_))
        assert [(e.day, e.kind, e.text) for e in entries] == [
            (date(2025, 3, 14), "Advocacy", "Statement by an official: Senator's statement"),
            (date(2024, 12, 3), "Advocacy", "Deportation flight: Flight to Phnom Penh"),
        ]
        assert "export" in section.omitted and section.case_file is None
        (part,) = section.pdf
        assert part.public_fact is None and not getattr(part, "public", False)
        for audience in ("attorney", "internal"):
            request = case_page.PdfRequest(person=person_, user=user_, audience=audience)
            ((_, loaded),) = case_page.load_pdf_parts(request, [part])
            assert [e.title for e in loaded["events"]] == ["Senator's statement", "Flight to Phnom Penh"]
            html = app.jinja_env.get_template(part.template).render(part=loaded)
            assert "Cambodians detained" in html and "100" in html and "https://senate.example.gov/s" in html
        public_request = case_page.PdfRequest(
            person=person_, user=user_, audience="public", consented=frozenset({"legal_name"})
        )
        ((_, public),) = case_page.load_pdf_parts(public_request, [part])
        assert public == {"events": []}


def test_the_list_filters_by_kind_dates_case_and_words(db, org, make_person, login_as):
    keo, pich = make_person(legal_name="Dara Keo"), make_person(legal_name="Sovann Pich")
    _event(db, org, "Senator's statement on detentions", [keo], day=date(2025, 3, 14))
    _event(db, org, "Flight to Phnom Penh", [pich], kind=AdvocacyKind.FLIGHT, day=date(2024, 12, 3))
    _event(
        db,
        org,
        "Repatriation MOU",
        kind=AdvocacyKind.AGREEMENT,
        day=date(2020, 1, 1),
        description="Vietnam 2020",
    )
    staff = login_as("staff")

    def listed(**filters) -> str:
        staff.post("/advocacy", {"clear": "1"})
        staff.get("/advocacy")
        if filters:
            assert staff.post("/advocacy", filters).status_code == 302
        return text_of(staff.get("/advocacy"))

    everything = listed()
    assert "3 events." in everything
    assert everything.index("Senator") < everything.index("Flight") < everything.index("Repatriation")
    assert "1 event match" in listed(kind="flight") and "Flight to Phnom Penh" in listed(kind="flight")
    page = listed(date_from="2024-01-01", date_to="2024-12-31")
    assert "1 event match" in page and "Flight to Phnom Penh" in page
    page = listed(person=str(keo.id))
    assert "1 event match" in page and "Senator" in page
    page = listed(q="vietnam")  # in the description, any case
    assert "1 event match" in page and "Repatriation MOU" in page
    response = staff.post("/advocacy", {"date_from": "2025-01-01", "date_to": "2024-01-01"})
    assert "Type an end date on or after the start date." in text_of(response)
    # from a case page: the log narrowed to that case
    assert staff.get(f"/advocacy?person={pich.id}").status_code == 302
    page = text_of(staff.get("/advocacy"))
    assert "1 event match" in page and "Flight to Phnom Penh" in page


def test_keyset_paging(app, db, org, login_as):
    for day in range(1, 8):
        _event(db, org, f"Community action {day}", kind=AdvocacyKind.ACTION, day=date(2025, 5, day))
    staff = login_as("staff")
    app.config["ADVOCACY_PAGE_SIZE"] = 3
    try:
        first = text_of(staff.get("/advocacy"))
        assert (
            "Community action 7" in first
            and "Community action 5" in first
            and "Community action 4" not in first
        )
        next_url = (
            first.split('rel="next"', 1)[0].rsplit('href="', 1)[1].split('"', 1)[0].replace("&amp;", "&")
        )
        second = text_of(staff.get(next_url))
        assert "Community action 4" in second and "Community action 2" in second
        assert "Community action 5" not in second and "7 events." in second
    finally:
        app.config.pop("ADVOCACY_PAGE_SIZE")


def test_csv_headers_formulas_and_audit(db, org, make_person, login_as):
    keo = make_person(legal_name="Dara Keo")
    _event(
        db,
        org,
        '=HYPERLINK("https://evil.example","click")',
        [keo],
        figures=[("Cambodians detained", 100), ("-Vietnamese detained", 95)],
        description="@SUM(A1:A2)",
        source_url="https://senate.example.gov/s",
    )
    _event(db, org, "Flight to Phnom Penh", kind=AdvocacyKind.FLIGHT, day=date(2024, 12, 3))
    staff = login_as("staff")
    staff.get("/advocacy")
    staff.post("/advocacy", {"kind": "statement"})
    response = staff.get("/advocacy/export.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    assert 'filename="advocacy-log.csv"' in response.headers["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text_of(response))))
    assert rows[0] == [
        "Date",
        "Kind",
        "Title",
        "Source address",
        "Description",
        "Figures",
        "Contacts",
        "Linked cases",
    ]
    assert len(rows) == 2  # the filter applies: statements only
    assert rows[1] == [
        "2025-03-14",
        "Statement by an official",
        '\'=HYPERLINK("https://evil.example","click")',
        "https://senate.example.gov/s",
        "'@SUM(A1:A2)",
        "Cambodians detained: 100; -Vietnamese detained: 95",
        "",
        "Dara Keo",
    ]
    audit = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "advocacy.exported"))
    assert audit.actor_id == staff.user.id and audit.org_id == org.id
    assert audit.field_list == ["kind"] and "statement" not in (audit.detail or "")


def test_the_case_file_leaves_the_log_out_with_a_reason(app):
    with app.app_context():
        section = next(s for s in case_page.registered_sections() if s.key == "advocacy")
    assert section.case_file is None
    assert len(section.omitted["export"].split()) >= 5 and "pdf" not in section.omitted


@pytest.mark.parametrize("url", ["/people/{person}", "/advocacy", "/advocacy/{event}"])
def test_a_fixed_number_of_queries_however_many_events(app, db, org, make_person, login_as, url):
    people = [make_person(legal_name=f"Person {i}") for i in range(6)]
    staff = login_as("staff")
    first = _event(db, org, "Event 0", people[:1], figures=[("Detained", 1)])
    ids = {"person": people[0].id, "event": first.id}
    few = count_selects(app, lambda: staff.get(url.format(**ids)))
    for i in range(1, 6):
        _event(db, org, f"Event {i}", people, figures=[("Detained", i), ("Released", i)])
    db.execute(advocacy_event_person.insert().values(event_id=first.id, person_id=people[1].id))
    many = count_selects(app, lambda: staff.get(url.format(**ids)))
    assert many == few, f"{url}: {few} queries with one event, {many} with six"


def test_the_summary_and_packets_carry_the_events_except_for_the_public(db, org, make_person, login_as):
    from casework.models import PublicConsent
    from tests.test_packets import pdf_text

    person = make_person(legal_name="Dara Keo")
    _event(
        db,
        org,
        "Senator's statement on detentions",
        [person],
        figures=[("Cambodians detained", 100), ("Vietnamese detained", 95)],
        source_url="https://senate.example.gov/s",
    )
    staff = login_as("staff")
    summary = pdf_text(staff.get(f"/people/{person.id}/summary.pdf").data)
    assert "Advocacy log: events linked to the case" in summary
    assert "Senator's statement on detentions" in summary and "Cambodians detained" in summary
    internal = staff.post(f"/people/{person.id}/packet", {"audience": "internal", "sections": ["advocacy"]})
    assert internal.mimetype == "application/pdf"
    text = pdf_text(internal.data)
    assert "Vietnamese detained" in text and "95" in text
    db.add(PublicConsent(person_id=person.id, given_by="Dara, in person", scope="legal_name,preferred_name"))
    public = staff.post(
        f"/people/{person.id}/packet", {"audience": "public", "sections": ["person", "advocacy"]}
    )
    assert public.mimetype == "application/pdf"
    assert "Senator" not in pdf_text(public.data) and "Cambodians detained" not in pdf_text(public.data)

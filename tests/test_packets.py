"""PDF summaries and packets: content by audience, exhibits, fonts, safety, audit."""

import hashlib
import io
import re
import threading
from datetime import UTC, date, datetime
from http.server import BaseHTTPRequestHandler, HTTPServer

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.models import (
    AuditEvent,
    CaseContact,
    Contact,
    Conviction,
    CustodyEvent,
    Document,
    Note,
    PublicConsent,
    ReliefApplication,
    ReliefStep,
    RemovalCase,
)
from tests.conftest import text_of
from tests.test_documents import pdf_bytes, png_bytes, upload


def pdf_text(data: bytes) -> str:
    reader = PdfReader(io.BytesIO(data))
    return "\n".join(page.extract_text() for page in reader.pages)


def fonts(data: bytes) -> set[str]:
    reader = PdfReader(io.BytesIO(data))
    found = set()
    for page in reader.pages:
        for font in page["/Resources"].get("/Font", {}).values():
            found.add(str(font.get_object()["/BaseFont"]).split("+", 1)[-1])
    return found


SENTINELS = {
    "a_number": "A987-654-321",
    "alias": "ALIASSENTINEL",
    "story": "STORYSENTINEL",
    "city": "CITYSENTINEL",
    "docket": "DOCKETSENTINEL",
    "facility": "FACILITYSENTINEL",
    "privileged_note": "PRIVNOTESENTINEL",
    "note": "NOTESENTINEL",
    "contact": "CONTACTSENTINEL",
    "court": "COURTSENTINEL",
    "family": "FAMILYSENTINEL",
    "work": "WORKSENTINEL",
    "legal_name": "LEGALNAMESENTINEL",
}


@pytest.fixture
def sentinel_case(db, org, make_person, make_user):
    """A case with a sentinel string in every field some audience must not see."""
    attorney = make_user("attorney", name="Avery Counsel")
    person = make_person(
        legal_name="Rithy LEGALNAMESENTINEL",
        preferred_name="Rithy",
        aliases="ALIASSENTINEL",
        native_name="រិទ្ធី",
        birth_date=date(1980, 1, 1),
        a_number="987654321",
        city="CITYSENTINEL",
        state="MA",
        spouse="FAMILYSENTINEL",
        work="WORKSENTINEL",
        community_ties="TIESVISIBLE",
        private_story="STORYSENTINEL",
        custody_status="detained",
        custody_since=date(2026, 1, 2),
        custody_facility="FACILITYSENTINEL",
        assigned=[attorney],
    )
    db.add(
        CustodyEvent(
            person_id=person.id, kind="ice_arrest", occurred_on=date(2026, 1, 2), facility="FACILITYSENTINEL"
        )
    )
    db.add(
        RemovalCase(
            person_id=person.id, stage="final_order", court="COURTSENTINEL", order_date=date(2005, 1, 1)
        )
    )
    db.add(
        Conviction(
            person_id=person.id,
            offense="Receiving stolen property",
            docket_number="DOCKETSENTINEL",
            state="MA",
            conviction_date=date(2001, 5, 1),
        )
    )
    application = db.add(
        ReliefApplication(
            person_id=person.id,
            kind="governor_pardon",
            jurisdiction="MA",
            status="filed",
            filed_on=date(2026, 3, 1),
            opened_on=date(2026, 2, 1),
        )
    )
    db.add(
        ReliefStep(
            application_id=application.id,
            position=1,
            title="Gather the court records",
            due_on=date(2026, 2, 20),
        )
    )
    contact = db.add(Contact(org_id=org.id, name="CONTACTSENTINEL", kind="prosecutor"))
    db.add(CaseContact(person_id=person.id, contact_id=contact.id, role="District Attorney"))
    db.add(Note(person_id=person.id, body="PRIVNOTESENTINEL", privileged=True, author_id=attorney.id))
    db.add(Note(person_id=person.id, body="NOTESENTINEL", author_id=attorney.id))
    return person, attorney


def absent(text: str, *keys) -> list[str]:
    return [k for k in keys if SENTINELS[k] in text]


def test_summary_has_every_section_and_is_audited(login_as, sentinel_case, db):
    person, attorney = sentinel_case
    response = login_as(attorney).get(f"/people/{person.id}/summary.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    for fact in (
        "The person",
        "Custody",
        "Removal case",
        "Convictions",
        "Relief applications",
        "Contacts",
        "Community ties",
        "Notes",
        "Receiving stolen property",
        "Gather the court records",
        "District Attorney",
        "TIESVISIBLE",
        *SENTINELS.values(),
    ):
        assert fact in text, fact
    assert re.search(r"Page 1 of \d+", text) and "PRIVILEGED AND CONFIDENTIAL" in text
    assert "Generated" in text and "Avery Counsel" in text
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "summary.generated"))
    assert event.person_id == person.id and "notes" in event.field_list
    assert f"sha256={hashlib.sha256(response.data).hexdigest()}" in event.detail
    assert "audience=attorney" in event.detail


def test_internal_packet_leaves_out_privileged_notes(login_as, sentinel_case):
    person, _ = sentinel_case
    staff = login_as("staff")
    response = staff.post(
        f"/people/{person.id}/packet",
        {
            "audience": "internal",
            "sections": [
                "person",
                "custody",
                "removal",
                "convictions",
                "relief",
                "contacts",
                "community",
                "notes",
            ],
        },
    )
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert absent(text, "privileged_note") == []
    assert SENTINELS["note"] in text and SENTINELS["docket"] in text
    assert "CONFIDENTIAL — for the people working on this case only" in text


def test_public_packet_holds_only_consented_facts(login_as, sentinel_case, db):
    person, _ = sentinel_case
    staff = login_as("staff")
    refused = staff.post(f"/people/{person.id}/packet", {"audience": "public", "sections": ["person"]})
    assert refused.status_code == 200 and "no recorded consent" in text_of(refused)
    db.add(
        PublicConsent(
            person_id=person.id,
            given_by="Rithy, in person",
            scope="preferred_name,age,community_ties,conviction_summary,relief,custody",
        )
    )
    response = staff.post(
        f"/people/{person.id}/packet",
        {
            "audience": "public",
            "sections": [
                "person",
                "custody",
                "removal",
                "convictions",
                "relief",
                "contacts",
                "community",
                "notes",
            ],
        },
    )
    assert response.mimetype == "application/pdf"
    text = pdf_text(response.data)
    assert absent(text, *SENTINELS) == []  # not one excluded fact, in any section or header
    assert "Rithy" in text and "TIESVISIBLE" in text and "Receiving stolen property" in text
    assert "Detained" in text and "Governor" in text
    assert "Prepared for public distribution" in text


def test_attorney_audience_needs_privilege(login_as, make_user, sentinel_case, org, db):
    from casework.models import Organization

    person, _ = sentinel_case
    volunteer = make_user("volunteer")
    db.add(CaseContact(person_id=person.id, contact_id=db.scalar(sa.select(Contact.id)), role="x"))
    from casework.models import CaseAssignment

    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    vb = login_as(volunteer)
    assert vb.get(f"/people/{person.id}/summary.pdf").status_code == 403  # volunteers cannot print...
    db.execute(sa.update(Organization).where(Organization.id == org.id).values(volunteers_build_packets=True))
    response = vb.get(f"/people/{person.id}/summary.pdf")  # ...unless their organization allows it
    assert response.status_code == 200
    assert SENTINELS["privileged_note"] not in pdf_text(response.data)
    refused = vb.post(f"/people/{person.id}/packet", {"audience": "attorney", "sections": ["notes"]})
    assert "cannot see privileged material" in text_of(refused)


def test_packet_with_two_exhibits_in_the_chosen_order(login_as, make_person, db):
    person = make_person(legal_name="Exhibit Person")
    staff = login_as("staff")
    upload(staff, person.id, pdf_bytes("EXHIBITPDFMARKER", pages=2), title="Court order")
    upload(staff, person.id, png_bytes(), "photo.png", title="Family photograph")
    court, photo = db.scalars(sa.select(Document).order_by(Document.id))
    response = staff.post(
        f"/people/{person.id}/packet",
        {
            "audience": "internal",
            "sections": ["person"],
            "purpose": "For the Parole Board",
            "exhibits": [str(court.id), str(photo.id)],
            f"order-{court.id}": "2",
            f"order-{photo.id}": "1",
        },
    )
    assert response.mimetype == "application/pdf", text_of(response)[-500:]
    reader = PdfReader(io.BytesIO(response.data))
    pages = [p.extract_text() for p in reader.pages]
    total = len(pages)
    text = "\n".join(pages)
    separators = [
        i for i, page in enumerate(pages) if re.search(r"Exhibit [AB]", page) and "Title Kind" not in page
    ]
    assert len(separators) == 2
    assert "Exhibit A" in pages[separators[0]] and "Family photograph" in pages[separators[0]]  # place 1
    assert "Exhibit B" in pages[separators[1]] and "Court order" in pages[separators[1]]  # place 2
    assert "EXHIBITPDFMARKER page 1" in pages[separators[1] + 1] and "EXHIBITPDFMARKER page 2" in text
    # main pages + 2 separators + 1 image page + 2 exhibit pages, numbered as one document
    for number, page in enumerate(pages, start=1):
        assert f"Page {number} of {total}" in page
    assert "EXHIBITPDFMARKER page 2" in pages[-1]
    assert reader.attachments == {}
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "packet.generated"))
    assert f"exhibit:{court.id}" in event.field_list and "audience=internal" in event.detail


def test_packet_form_messages(login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    upload(staff, person.id, png_bytes())
    document = db.scalar(sa.select(Document))
    response = staff.post(f"/people/{person.id}/packet", {"audience": "", "sections": []})
    assert "Choose who the packet is for." in text_of(response) and "Tick at least one section." in text_of(
        response
    )
    response = staff.post(
        f"/people/{person.id}/packet",
        {
            "audience": "internal",
            "sections": ["person"],
            "exhibits": [str(document.id)],
            f"order-{document.id}": "first",
        },
    )
    assert "Type a whole number from 1 to 99" in text_of(response)


def test_khmer_lao_and_vietnamese_names_use_real_fonts(login_as, make_person):
    staff = login_as("staff")
    for native, expected in (("សុខ ដារ៉ា", "Khmer"), ("ສົມພອນ ວົງສາ", "Lao"), ("Phạm Minh Tuấn", "Noto-Sans")):
        person = make_person(legal_name="Font Check", native_name=native)
        data = staff.get(f"/people/{person.id}/summary.pdf").data
        used = fonts(data)
        assert any(expected in f for f in used), (native, used)
        assert native.split()[0] in pdf_text(data).replace("\n", " ") or expected != "Noto-Sans"


class _Recorder(BaseHTTPRequestHandler):
    hits: list[str] = []

    def do_GET(self):  # noqa: N802
        _Recorder.hits.append(self.path)
        self.send_response(302)
        self.send_header("Location", "file:///etc/passwd")
        self.end_headers()

    def log_message(self, *args):
        pass


ATTACKS = [
    '<a href="file:///etc/passwd">x</a>',
    '<img src="file:///etc/passwd">',
    '<img src="http://127.0.0.1:{port}/i.png">',
    '<link rel="attachment" href="file:///etc/passwd">',
    '<style>@import url("http://127.0.0.1:{port}/a.css");</style>',
    '<svg xmlns="http://www.w3.org/2000/svg"><image href="file:///etc/passwd"/></svg>',
    '<object data="http://127.0.0.1:{port}/o"></object>',
    "url(http://127.0.0.1:{port}/redirect)",
    '<iframe src="file:///etc/shadow"></iframe>',
    "{{ 7*7 }}",
    "</p><h1>injected</h1>",
]


def test_attack_corpus_fetches_nothing(app, login_as, org, make_person, db):
    server = HTTPServer(("127.0.0.1", 0), _Recorder)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    port = server.server_port
    attack = " ".join(a.format(port=port) if "{port}" in a else a for a in ATTACKS)
    try:
        person = make_person(
            legal_name="Attack " + attack[:150],
            preferred_name=attack[:200],
            aliases=attack,
            native_name=attack[:200],
            private_story=attack,
            community_ties=attack,
            work=attack,
            spouse=attack,
            children=attack,
            city=attack[:100],
        )
        db.add(
            Conviction(
                person_id=person.id, offense=attack[:300], court=attack[:200], sentence=attack, notes=attack
            )
        )
        db.add(Note(person_id=person.id, body=attack))
        db.add(
            CustodyEvent(
                person_id=person.id,
                kind="ice_arrest",
                occurred_on=date(2020, 1, 1),
                facility=attack[:200],
                notes=attack,
            )
        )
        contact = db.add(Contact(org_id=org.id, name=attack[:200], kind="press", notes=attack))
        db.add(CaseContact(person_id=person.id, contact_id=contact.id, role=attack[:200]))
        db.add(
            PublicConsent(
                person_id=person.id,
                given_by="x",
                scope=",".join(
                    [
                        "preferred_name",
                        "age",
                        "city",
                        "family",
                        "work",
                        "community_ties",
                        "conviction_summary",
                    ]
                ),
            )
        )
        staff = login_as("staff")
        outputs = [staff.get(f"/people/{person.id}/summary.pdf").data]
        for audience in ("internal", "public"):
            outputs.append(
                staff.post(
                    f"/people/{person.id}/packet",
                    {
                        "audience": audience,
                        "sections": ["person", "custody", "convictions", "contacts", "community", "notes"],
                    },
                ).data
            )
    finally:
        server.shutdown()
        server.server_close()
    assert _Recorder.hits == []
    for data in outputs:
        assert data.startswith(b"%PDF-")
        reader = PdfReader(io.BytesIO(data))
        assert reader.attachments == {}
        root = reader.trailer["/Root"]
        assert "/Names" not in root or "/EmbeddedFiles" not in root["/Names"]
        assert "/OpenAction" not in root and b"/JavaScript" not in data and b"/Launch" not in data
        for page in reader.pages:
            for annotation in page.get("/Annots") or []:
                action = annotation.get_object().get("/A")
                assert action is None or "file:" not in str(action.get("/URI", ""))
        assert "<img" in pdf_text(data) or "img src" in pdf_text(data)  # the markup was printed as text


def test_renderer_refuses_everything_but_data_and_own_static(app):
    from casework.pdf import render_html

    with app.app_context():
        rendered = render_html(
            '<link rel="stylesheet" href="casework-static:/pdf.css">'
            '<link rel="stylesheet" href="casework-static:/../__init__.py">'
            '<img src="file:///etc/passwd"><img src="http://127.0.0.1:9/x.png"><img src="data:image/png;base64,'
            'iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==">'
            '<link rel="attachment" href="file:///etc/passwd">'
        )
    reader = PdfReader(io.BytesIO(rendered.data))
    assert reader.attachments == {}
    assert b"root:x:0:0" not in rendered.data


def test_a_pathological_document_fails_cleanly_and_the_app_keeps_serving(app, login_as, make_person):
    person = make_person(private_story="word " * 20000)
    staff = login_as("staff")
    app.config["PDF_TIMEOUT_SECONDS"] = 0.5
    try:
        response = staff.get(f"/people/{person.id}/summary.pdf")
    finally:
        app.config["PDF_TIMEOUT_SECONDS"] = 60
    assert response.status_code == 503 and "could not be made" in text_of(response)
    assert staff.get(f"/people/{person.id}").status_code == 200
    assert staff.get(f"/people/{person.id}/summary.pdf").status_code == 200


def test_memory_bound(app):
    """An image that needs ~250 MB decoded, under a 150 MB limit: a message, not a crash."""
    import base64

    from PIL import Image

    from casework.pdf import RenderFailed, render_html

    data = io.BytesIO()
    Image.new("RGB", (9000, 9000), (200, 10, 10)).save(data, "PNG")
    uri = "data:image/png;base64," + base64.b64encode(data.getvalue()).decode()
    with (
        app.app_context(),
        pytest.raises(RenderFailed, match="more memory than allowed|could not be printed"),
    ):
        render_html(f'<img src="{uri}">', memory_mb=150)


def test_every_demo_person_produces_a_complete_summary(app, login_as, monkeypatch, db):
    from casework.models import Person

    monkeypatch.setenv("CASEWORK_PASSWORD", "lantern orchid quarry")
    assert app.test_cli_runner().invoke(args=["demo"]).exit_code == 0
    staff = login_as("staff")
    for person in db.scalars(sa.select(Person)):
        response = staff.get(f"/people/{person.id}/summary.pdf")
        assert response.status_code == 200, person.legal_name
        text = pdf_text(response.data)
        assert person.legal_name in text and "Convictions" in text and "Relief applications" in text
        assert datetime.now(UTC).strftime("%Y-%m-%d") in text

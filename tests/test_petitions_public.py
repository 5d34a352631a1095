"""The public pages: signing, e-mail confirmation, the same answer for every submission, anti-abuse, the
public page's headers (no cookie, no third party), and the two walls proved with sentinel strings."""

from __future__ import annotations

import ast
import json
import re
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework.models import Contact, OutboxEmail, Petition, Signature
from tests.conftest import shows, text_of
from tests.test_petitions_hosted import create_hosted, make_published, publish, record_consent


@pytest.fixture
def published(login_as, make_person, db):
    """A case with a consent and a published petition (see tests/test_petitions_hosted.py)."""
    return make_published(login_as, make_person, db)


SLUG = "let-sokha-stay"


def sign(client, slug=SLUG, ip="198.51.100.7", **fields):
    """Post the public form from a client address; returns the response."""
    data = {
        "name": "Maya Thornbury",
        "email": "maya.thornbury@example.org",
        "zip_code": "01852",
        "comment": "",
    }
    data.update(fields)
    return client.post(f"/p/{slug}/sign", data=data, environ_base={"REMOTE_ADDR": ip})


def confirmation_links(app, db) -> list[str]:
    """The confirmation links in the outbox, oldest first (as the admin's outbox page shows them)."""
    bodies = db.scalars(sa.select(OutboxEmail.body).order_by(OutboxEmail.id))
    return [re.search(r"http://localhost:5000(/p/\S+/confirm/\S+)", b).group(1) for b in bodies]


def test_sign_confirm_and_the_count_moves(published, browser, app, db):
    _staff, _person, petition = published
    page = browser.get(f"/p/{SLUG}")
    assert page.status_code == 200 and "<strong>0</strong> have signed. Let’s get to 15,000!" in text_of(page)
    response = sign(browser, show_name="y")
    assert response.status_code == 303 and response.headers["Location"] == f"/p/{SLUG}/thanks"
    assert shows(browser.get(f"/p/{SLUG}/thanks"), "Check your e-mail")
    signature = db.scalar(sa.select(Signature))
    assert signature.state == "pending" and signature.ip_network == "198.51.100.0"
    assert b"Maya" not in signature.name_ct and b"example.org" not in signature.email_ct  # encrypted at rest
    [link] = confirmation_links(app, db)
    assert db.get(Petition, petition.id).signature_count == 0
    landing = browser.get(link)  # mail scanners fetch links: a GET confirms nothing
    assert shows(landing, "Confirm your signature") and db.get(Petition, petition.id).signature_count == 0
    done = browser.post(link)
    assert done.status_code == 200 and shows(done, "Thank you: your signature counts")
    assert "<strong>1</strong> has signed" in text_of(done)
    assert db.get(Petition, petition.id).signature_count == 1
    assert db.scalar(sa.select(Signature)).state == "validated"
    again = browser.post(link)  # single use
    assert shows(again, "This link has already been used, or has expired")
    assert db.get(Petition, petition.id).signature_count == 1
    assert json.loads(text_of(browser.get(f"/p/{SLUG}/count.json"))) == {"count": 1, "goal": 15000}
    assert shows(browser.get(f"/p/{SLUG}"), "Recently signed: Maya T.")
    assert db.count(Contact) == 0  # signers never become case contacts


def test_every_submission_gets_the_same_answer(published, browser, app, db):
    first = sign(browser)
    duplicate = sign(browser, name="MAYA  thornbury", email="Maya.Thornbury@Example.org")
    honeypot = sign(browser, email="robot@example.com", website="http://spam.example")
    for response in (first, duplicate, honeypot):
        assert response.status_code == 303 and response.headers["Location"] == f"/p/{SLUG}/thanks"
        assert "Set-Cookie" not in response.headers
    assert db.count(Signature) == 1 and db.count(OutboxEmail) == 1  # the duplicate and the robot: nothing


def test_canonical_email_catches_gmail_dots_and_plus_tags(published, browser, db):
    sign(browser, name="Osei Larkspur", email="osei.larkspur@gmail.com")
    sign(browser, name="Osei Larkspur", email="OseiLarkspur+petitions@googlemail.com")
    sign(browser, name="Osei Larkspur", email="o.s.e.i.larkspur+x@gmail.com")
    assert db.count(Signature) == 1
    sign(browser, name="Osei Larkspur", email="osei+tag@fastmail.com")
    sign(browser, name="Osei Larkspur", email="osei@fastmail.com")
    assert db.count(Signature) == 2
    sign(browser, name="Osei Larkspur", email="o.sei@example.org")  # dots count elsewhere
    sign(browser, name="Osei Larkspur", email="osei@example.org")
    assert db.count(Signature) == 4
    sign(browser, name="Ama Larkspur", email="osei@example.org")  # one mailbox, another name: a household
    assert db.count(Signature) == 5


def test_over_the_rate_limit_signatures_are_kept_never_counted(published, browser, app, db):
    app.config["PETITION_SIGN_RATE_LIMIT"] = "2 per hour"
    try:
        for i in range(4):
            assert sign(browser, name=f"Signer {i}", email=f"signer{i}@example.org").status_code == 303
        assert (
            sign(browser, name="Other Network", email="other@example.org", ip="203.0.113.9").status_code
            == 303
        )
    finally:
        app.config["PETITION_SIGN_RATE_LIMIT"] = "20 per hour; 100 per day"
    states = sorted(db.scalars(sa.select(Signature.state)))
    assert states == ["over_limit", "over_limit", "pending", "pending", "pending"]
    assert db.count(OutboxEmail) == 3  # no e-mail for signatures over the limit
    over = db.scalar(sa.select(Signature).where(Signature.state == "over_limit"))
    assert over.token_hash is None  # nothing to confirm: never counted


def test_a_mailbox_signing_under_many_names_goes_over_the_limit(published, browser, app, db):
    app.config["PETITION_SIGNATURES_PER_EMAIL"] = 2
    try:
        for name in ("Ana One", "Ana Two", "Ana Three"):
            sign(browser, name=name, email="ana@example.org")
    finally:
        app.config["PETITION_SIGNATURES_PER_EMAIL"] = 5
    assert sorted(db.scalars(sa.select(Signature.state))) == ["over_limit", "pending", "pending"]


def test_a_mailbox_holds_its_places_signatures_over_the_rate_limit_take_none(published, browser, app, db):
    """Each counted signature of a mailbox holds one of its places (1..cap); one over the rate limit holds none,
    so it never uses up the household's places; an anonymized signature gives its place back."""
    app.config["PETITION_SIGNATURES_PER_EMAIL"] = 2
    app.config["PETITION_SIGN_RATE_LIMIT"] = "1 per hour"
    try:
        sign(browser, name="Ana One", email="ana@example.org", ip="203.0.113.1")
        sign(browser, name="Ana Two", email="ana@example.org", ip="203.0.113.1")  # over the rate limit
        sign(browser, name="Ana Three", email="ana@example.org", ip="203.0.113.2")
        sign(browser, name="Ana Four", email="ana@example.org", ip="203.0.113.3")  # no place left
    finally:
        app.config["PETITION_SIGNATURES_PER_EMAIL"] = 5
        app.config["PETITION_SIGN_RATE_LIMIT"] = "20 per hour; 100 per day"
    in_order = sa.select(Signature).order_by(Signature.id)
    rows = [(row.state, row.mailbox_slot) for row in db.scalars(in_order)]
    assert rows == [("pending", 1), ("over_limit", None), ("pending", 2), ("over_limit", None)]
    # the first one anonymized (casework.petitions.retention): no mailbox left, no place held
    db.execute(
        sa.update(Signature).where(Signature.mailbox_slot == 1).values(email_hmac=None, mailbox_slot=None)
    )
    sign(browser, name="Ana Five", email="ana@example.org", ip="203.0.113.4")  # the freed place, the lowest
    assert db.scalar(sa.select(Signature.mailbox_slot).order_by(Signature.id.desc()).limit(1)) == 1


def test_a_mailbox_place_is_unique(published, browser, db):
    """The cap is held by the database, not by the code that counts: a second row in a taken place is refused."""
    sign(browser, name="Ana One", email="ana@example.org")
    first = db.scalar(sa.select(Signature))
    assert first.mailbox_slot == 1
    again = {"petition_id": first.petition_id, "state": "pending", "email_hmac": first.email_hmac}
    with pytest.raises(sa.exc.IntegrityError):
        db.add(Signature(**again, dedupe_hmac="d" * 64, mailbox_slot=1))
    db.add(Signature(**again, dedupe_hmac="e" * 64, mailbox_slot=2))  # the next place is free


def test_a_flood_from_one_address_gets_429(published, browser, app):
    app.config["PETITION_SIGN_FLOOD_LIMIT"] = "3 per minute"
    try:
        codes = [sign(browser, name=f"Flood {i}", email=f"f{i}@example.org").status_code for i in range(5)]
    finally:
        app.config["PETITION_SIGN_FLOOD_LIMIT"] = "300 per minute"
    assert codes[:3] == [303] * 3 and codes[-1] == 429


@pytest.mark.parametrize(
    "fields, message",
    [
        ({"name": ""}, "Type your name."),
        ({"email": ""}, "Type your e-mail address: we send you a link to confirm your signature."),
        ({"email": "maya at example"}, "Type your e-mail address, for example name@example.org."),
        ({"zip_code": "ABCDE"}, "Type a 5-digit ZIP code, for example 98104, or leave it empty."),
        ({"comment": "x" * 1001}, "Keep your comment under 1,000 characters."),
        ({"name": "Maya\x07"}, "Remove the invisible control characters"),
    ],
)
def test_sign_validation_says_what_to_type(published, browser, db, fields, message):
    response = sign(browser, **fields)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Signature) == 0 and "Set-Cookie" not in response.headers


def test_expired_link_does_not_count_and_retention_deletes_it(published, browser, app, db):
    _staff, _person, petition = published
    sign(browser)
    [link] = confirmation_links(app, db)
    db.execute(sa.update(Signature).values(token_expires_at=datetime.now(UTC) - timedelta(minutes=1)))
    assert shows(browser.post(link), "This link has already been used, or has expired")
    assert db.get(Petition, petition.id).signature_count == 0
    from casework import unit_of_work
    from casework.petitions import retention

    with app.app_context(), unit_of_work.transaction():
        report = retention.apply_retention()
    assert report.expired_deleted == 1 and db.count(Signature) == 0


def test_public_pages_set_no_cookie_keep_the_headers_and_load_nothing_third_party(published, browser):
    for url in (f"/p/{SLUG}", f"/p/{SLUG}/thanks", f"/p/{SLUG}/count.json", "/p/nothing-here"):
        response = browser.get(url)
        assert "Set-Cookie" not in response.headers, url
        assert "script-src 'self'" in response.headers["Content-Security-Policy"], url
        assert (
            response.headers["X-Frame-Options"] == "DENY"
            and response.headers["Referrer-Policy"] == "same-origin"
        )
    page = text_of(browser.get(f"/p/{SLUG}"))
    assert "<script" not in page and "style=" not in page and "csrf_token" not in page
    external = [
        u
        for u in re.findall(r'(?:src|href)="([^"]+)"', page)
        if not u.startswith(("/", "#", "mailto:", "sms:", "http://localhost:5000/p/"))
    ]
    assert external == []
    assert browser.get(f"/p/{SLUG}/count.json").headers["Access-Control-Allow-Origin"] == "*"
    assert browser.get("/p/nothing-here").status_code == 404
    assert browser.get("/p/nothing-here/count.json").status_code == 404


def test_a_staff_members_session_is_neither_read_nor_refreshed_on_the_public_pages(published, app):
    """A signed-in member of staff opening the public page sends their session cookie along: the public pages
    never read its row (nor load the user, nor touch its idle timer), and set no cookie."""
    from casework.extensions import db as sqlalchemy_db

    staff, _person, _petition = published
    statements: list[str] = []

    def seen(conn, cursor, statement, parameters, context, executemany):
        statements.append(statement)

    with app.app_context():
        engine = sqlalchemy_db.engine
    sa.event.listen(engine, "before_cursor_execute", seen)
    try:
        for url in (f"/p/{SLUG}", f"/p/{SLUG}/thanks", f"/p/{SLUG}/count.json"):
            response = staff.get(url)
            assert response.status_code == 200 and "Set-Cookie" not in response.headers, url
    finally:
        sa.event.remove(engine, "before_cursor_execute", seen)
    assert statements and not [s for s in statements if "web_session" in s or "user_account" in s]
    assert shows(staff.get("/people"), "People")  # still signed in: the staff pages read the session


# ---------------------------------------------------------------- the two walls


PRIVATE = {
    "legal_name": "SENTINEL-LEGAL Chhim",
    "aliases": "SENTINEL-ALIAS",
    "native_name": "SENTINEL-NATIVE",
    "country_of_birth": "SENTINEL-COUNTRY",
    "place_of_birth": "SENTINEL-PLACE",
    "citizenship": "SENTINEL-CITIZEN",
    "community": "SENTINEL-COMMUNITY",
    "a_number": "987654321",
    "languages": "SENTINEL-LANG",
    "spouse": "SENTINEL-SPOUSE",
    "children": "SENTINEL-CHILDREN",
    "us_citizen_relatives": "SENTINEL-RELATIVES",
    "work": "SENTINEL-WORK",
    "community_ties": "SENTINEL-TIES",
    "private_story": "SENTINEL-STORY",
    "custody_facility": "SENTINEL-FACILITY",
    "birth_date": date(1970, 1, 2),
    "arrival_date": date(1981, 3, 4),
}


def test_nothing_private_reaches_the_public_pages(login_as, make_person, browser, app, db):
    staff = login_as("staff")
    person = make_person(preferred_name="Bora", city="Revere", state="MA", **PRIVATE)
    # everything is consented: only the two facts ticked on the petition may go public
    record_consent(
        staff,
        person,
        scope=[
            "preferred_name",
            "city",
            "legal_name",
            "family",
            "work",
            "community_ties",
            "country_of_birth",
            "arrival",
            "age",
        ],
    )
    petition_id = create_hosted(staff, person, slug="bora", public_fields=["preferred_name", "city"])
    publish(staff, person, petition_id)
    sign(browser, slug="bora")
    responses = [
        browser.get("/p/bora"),
        browser.get("/p/bora/count.json"),
        browser.get("/p/bora/thanks"),
        sign(browser, slug="bora", email="bad"),
        browser.get(f"{confirmation_links(app, db)[0]}"),
    ]
    for response in responses:
        body = text_of(response)
        assert (
            "SENTINEL" not in body and "987654321" not in body and "1970" not in body and "1981" not in body
        )
        assert "Chhim" not in body
    page = text_of(responses[0])
    meta = " ".join(re.findall(r"<meta[^>]+>", page))
    assert 'property="og:title" content="Let Sokha stay home"' in meta  # the title and the public story only
    assert "Revere, Massachusetts" in page and "Bora" in page
    email = db.scalar(sa.select(OutboxEmail.body))
    assert "SENTINEL" not in email


SIGNER = {
    "name": "SIGNER-NAME Quill",
    "email": "signer.sentinel@example.org",
    "zip_code": "02150",
    "comment": "SIGNER-COMMENT",
}


def test_nothing_from_signers_reaches_case_pages_or_the_case_export(published, browser, app, db):
    staff, person, petition = published
    sign(browser, **SIGNER)
    browser.post(confirmation_links(app, db)[0])
    pages = [
        staff.get(f"/people/{person.id}"),
        staff.get(f"/people/{person.id}/petitions/{petition.id}"),
        staff.get(f"/people/{person.id}/petitions/{petition.id}/edit"),
        staff.get(f"/people/{person.id}/export.json"),
    ]
    for response in pages:
        body = text_of(response)
        assert response.status_code == 200
        assert "SIGNER" not in body and "signer.sentinel" not in body and "02150" not in body
        assert "Quill" not in body
    exported = json.loads(text_of(pages[-1]))
    assert exported["petitions"][0]["signature_count"] == 1 and "signatures" not in exported["petitions"][0]
    # the delivery files are the one place names appear (staff, audited)
    csv_text = text_of(staff.get(f"/people/{person.id}/petitions/{petition.id}/signatures.csv"))
    assert "SIGNER-NAME Quill" in csv_text and "signer.sentinel" not in csv_text


def test_the_public_modules_never_read_a_person_or_case_model():
    from casework import models

    case_models = {name for name in models.__all__} - {
        "Petition",
        "PetitionKind",
        "PetitionStatus",
        "PetitionTranslation",
        "Signature",
        "SignatureState",
        "OutboxEmail",
        "OutboxStatus",
        "Base",
    }
    root = Path(__file__).resolve().parent.parent / "casework" / "petitions"
    for module in ("public.py", "signing.py", "confirming.py", "mail.py", "crypto.py"):
        tree = ast.parse((root / module).read_text())
        imported = {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
        }
        assert not imported & case_models, (module, imported & case_models)
        assert "operations" not in {
            alias.name for node in ast.walk(tree) if isinstance(node, ast.ImportFrom) for alias in node.names
        }, module

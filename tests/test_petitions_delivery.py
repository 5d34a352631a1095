"""Delivery (CSV safe from formulas, PDF with the text's SHA-256), the delivery log, bulk invalidation,
retention of signer data, the outbox and its sender, and the reconcile command."""

from __future__ import annotations

import csv
import hashlib
import io
import smtplib
import typing
from datetime import UTC, datetime, timedelta

import pytest
import sqlalchemy as sa
from pypdf import PdfReader

from casework.models import AuditEvent, OutboxEmail, Petition, PetitionDelivery, Signature
from tests.conftest import shows, text_of
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import confirmation_links, sign


@pytest.fixture
def published(login_as, make_person, db):
    """A case with a consent and a published petition (see tests/test_petitions_hosted.py)."""
    return make_published(login_as, make_person, db)


def sign_and_confirm(browser, app, db, **fields):
    """A confirmed signature through the public pages."""
    before = len(confirmation_links(app, db))
    sign(browser, **fields)
    links = confirmation_links(app, db)
    assert len(links) == before + 1
    browser.post(links[-1])


def test_csv_cells_are_safe_from_formulas_and_hold_no_email(published, browser, app, db):
    staff, person, petition = published
    sign_and_confirm(
        browser,
        app,
        db,
        name='=HYPERLINK("http://evil.example") Smith',
        comment="+SUM(A1)",
        email="formula@example.org",
    )
    sign_and_confirm(browser, app, db, name="Lina Okafor", email="lina@example.org", zip_code="02150")
    response = staff.get(f"/people/{person.id}/petitions/{petition.id}/signatures.csv")
    assert response.status_code == 200 and response.mimetype == "text/csv"
    rows = list(csv.reader(io.StringIO(text_of(response))))
    assert rows[0] == ["Number", "Name", "ZIP code", "Confirmed on", "Comment"]
    assert rows[1][1].startswith("'=HYPERLINK") and rows[1][4] == "'+SUM(A1)"
    assert rows[2][1:3] == ["Lina Okafor", "02150"]
    assert "@" not in text_of(response)
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.exported"))
    assert event.detail == "signatures CSV" and event.person_id == person.id


def test_delivery_pdf_has_the_text_its_hash_the_count_and_the_names(published, browser, app, db):
    staff, person, petition = published
    sign_and_confirm(browser, app, db, name="Lina Okafor", email="lina@example.org", comment="Let him stay.")
    response = staff.get(f"/people/{person.id}/petitions/{petition.id}/delivery.pdf")
    assert response.status_code == 200 and response.mimetype == "application/pdf"
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(response.get_data())).pages)
    signed_text = f"{petition.title}\n\nTo: DHS/ICE Boston Field Office Director\n\n{petition.story}"
    expected = hashlib.sha256(signed_text.encode()).hexdigest()
    assert expected in text.replace("\n", "") and "Let Sokha stay home" in text and "Lina Okafor" in text
    assert "lina@example.org" not in text and "15,000" in text


def test_volunteers_and_partners_cannot_take_signer_data(
    published, login_as, make_user, make_org, share_case, db
):
    from casework.models import CaseAssignment

    _staff, person, petition = published
    volunteer = make_user("volunteer")
    db.add(CaseAssignment(person_id=person.id, user_id=volunteer.id))
    partner = make_user("staff", org=make_org())
    share_case(person, user=partner, level="edit")
    base = f"/people/{person.id}/petitions/{petition.id}"
    for user in (volunteer, partner):
        client = login_as(user)
        assert client.get(base).status_code == 200
        for suffix in ("/signatures.csv", "/delivery.pdf", "/invalidate", "/publish", "/edit"):
            assert client.get(base + suffix).status_code == 403, suffix
    assert login_as("volunteer").get(base + "/signatures.csv").status_code == 404  # not assigned


def test_delivery_log_with_response_and_conflict(published, db):
    staff, person, petition = published
    url = f"/people/{person.id}/petitions/{petition.id}/deliveries/new"
    assert shows(staff.get(url), "DHS/ICE Boston Field Office Director")  # prefilled from the targets
    bad = staff.post(url, {"delivered_on": "", "delivered_to": "", "outcome": "awaiting", "version": "0"})
    assert shows(bad, "Type the day of the delivery, as YYYY-MM-DD.")
    assert shows(bad, "Type to whom it was delivered, for example")
    form = {
        "delivered_on": "2025-03-04",
        "delivered_to": "Field Office Director",
        "method": "In person",
        "outcome": "awaiting",
        "response": "",
        "version": "0",
    }
    assert staff.post(url, form).status_code == 302
    delivery = db.scalar(sa.select(PetitionDelivery))
    assert delivery.signature_count == 0 and len(delivery.text_sha256) == 64
    assert db.get(Petition, petition.id).delivered_at.date().isoformat() == "2025-03-04"
    edit = f"/people/{person.id}/petitions/{petition.id}/deliveries/{delivery.id}/edit"
    assert (
        staff.post(
            edit, dict(form, outcome="meeting", response="They will meet us.", version="1")
        ).status_code
        == 302
    )
    stale = staff.post(edit, dict(form, outcome="refused", version="1"))
    assert shows(stale, "Someone else saved this delivery while you were editing")
    saved = db.get(PetitionDelivery, delivery.id)
    assert saved.outcome == "meeting" and saved.response == "They will meet us."
    page = text_of(staff.get(f"/people/{person.id}/petitions/{petition.id}"))
    assert "Meeting granted" in page and "They will meet us." in page


def test_bulk_invalidation_by_domain_network_and_window(published, browser, app, db):
    staff, person, petition = published
    sign_and_confirm(browser, app, db, name="Bot One", email="bot1@spam.example", ip="203.0.113.5")
    sign_and_confirm(browser, app, db, name="Bot Two", email="bot2@spam.example", ip="203.0.113.77")
    sign_and_confirm(browser, app, db, name="Real Person", email="real@example.org", ip="198.51.100.20")
    sign(browser, name="Pending Bot", email="bot3@spam.example", ip="192.0.2.1")
    assert db.get(Petition, petition.id).signature_count == 3
    url = f"/people/{person.id}/petitions/{petition.id}/invalidate"
    empty = staff.post(url, {})
    assert shows(empty, "Give at least one criterion: a client network, an e-mail domain, or a time window.")
    for fields, message in [
        ({"ip_range": "203.0.113"}, "Type an address range such as 203.0.113.0/24"),
        ({"email_domain": "bots@spam"}, "Type a domain such as example.org"),
        ({"created_from": "tuesday"}, "Type the time as YYYY-MM-DD HH:MM in UTC"),
        (
            {"created_from": "2030-01-02", "created_to": "2030-01-01"},
            "The end of the window cannot be before its start",
        ),
    ]:
        assert shows(staff.post(url, fields), message)
    preview = staff.post(url, {"email_domain": "SPAM.example"})
    assert shows(preview, "3 signature(s)") and db.get(Petition, petition.id).signature_count == 3
    done = staff.post(url, {"email_domain": "spam.example", "confirmed": "yes"})
    assert done.status_code == 302
    assert db.get(Petition, petition.id).signature_count == 1
    assert db.count(Signature, Signature.state == "invalidated") == 3
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.signatures_invalidated"))
    assert event.field_list == ["email_domain"] and "spam" not in (event.detail or "")
    assert shows(staff.post(url, {"ip_range": "198.51.100.0/24"}), "1 signature(s)")
    assert shows(staff.post(url, {"ip_range": "10.0.0.0/8"}), "No signature that is still counted")
    window = {
        "created_from": (datetime.now(UTC) - timedelta(hours=1)).strftime("%Y-%m-%d %H:%M"),
        "confirmed": "yes",
    }
    assert staff.post(url, window).status_code == 302
    assert db.get(Petition, petition.id).signature_count == 0


def test_retention_drops_networks_and_anonymizes_after_delivery(published, browser, app, db):
    _staff, _person, petition = published
    sign_and_confirm(browser, app, db, name="Old Signer", email="old@example.org")
    db.execute(sa.update(Signature).values(created_at=datetime.now(UTC) - timedelta(days=31)))
    result = app.test_cli_runner().invoke(args=["petitions", "prune"])
    assert result.exit_code == 0 and "Client networks dropped: 1" in result.output
    signature = db.scalar(sa.select(Signature))
    assert signature.ip_network is None and signature.name_ct is not None
    db.execute(sa.update(Petition).values(delivered_at=datetime.now(UTC) - timedelta(days=91)))
    result = app.test_cli_runner().invoke(args=["petitions", "prune"])
    assert "signatures anonymized: 1" in result.output
    signature = db.scalar(sa.select(Signature))
    assert (signature.name_ct, signature.email_ct, signature.dedupe_hmac, signature.zip_code) == (None,) * 4
    assert (
        signature.state == "validated" and db.get(Petition, petition.id).signature_count == 1
    )  # still counted


class FakeSMTP:
    """Stands in for smtplib.SMTP: records what is sent, or fails."""

    sent: typing.ClassVar[list] = []
    fail = False

    def __init__(self, host, port, timeout=None):
        if FakeSMTP.fail:
            raise OSError("connection refused")

    def starttls(self, context=None):
        pass

    def login(self, user, password):
        pass

    def send_message(self, message):
        FakeSMTP.sent.append(message)

    def quit(self):
        pass


def test_send_outbox_sends_retries_and_purges(published, browser, app, db, monkeypatch):
    from casework.petitions import mail

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    FakeSMTP.sent = []
    sign(browser)
    runner = app.test_cli_runner()
    assert "SMTP_HOST is not set" in runner.invoke(args=["send-outbox"]).output
    app.config["SMTP_HOST"] = "127.0.0.1"
    try:
        FakeSMTP.fail = True
        assert "to retry 1" in runner.invoke(args=["send-outbox"]).output
        row = db.scalar(sa.select(OutboxEmail))
        assert (row.status, row.attempts) == ("pending", 1) and row.next_attempt_at > datetime.now(UTC)
        assert "connection refused" in row.last_error
        FakeSMTP.fail = False
        db.execute(sa.update(OutboxEmail).values(next_attempt_at=datetime.now(UTC)))
        assert "Sent 1" in runner.invoke(args=["send-outbox"]).output
        [message] = FakeSMTP.sent
        assert message["To"] == "maya.thornbury@example.org" and "/confirm/" in message.get_content()
        assert db.scalar(sa.select(OutboxEmail)).status == "sent"
        db.execute(sa.update(OutboxEmail).values(created_at=datetime.now(UTC) - timedelta(days=8)))
        assert "purged 1" in runner.invoke(args=["send-outbox"]).output
        assert db.count(OutboxEmail) == 0
    finally:
        app.config["SMTP_HOST"] = None
        FakeSMTP.fail = False


def test_sending_gives_up_after_the_last_attempt(published, browser, app, db, monkeypatch):
    from casework.petitions import mail

    monkeypatch.setattr(mail.smtplib, "SMTP", FakeSMTP)
    sign(browser)
    app.config["SMTP_HOST"] = "127.0.0.1"
    FakeSMTP.fail = True
    try:
        for _ in range(app.config["OUTBOX_MAX_ATTEMPTS"]):
            db.execute(sa.update(OutboxEmail).values(next_attempt_at=datetime.now(UTC)))
            app.test_cli_runner().invoke(args=["send-outbox"])
    finally:
        app.config["SMTP_HOST"] = None
        FakeSMTP.fail = False
    assert db.scalar(sa.select(OutboxEmail)).status == "failed"
    assert smtplib.SMTPException  # the sender catches SMTP errors as well as network ones


def test_outbox_page_for_admins_of_the_organization_in_development(
    published, browser, app, login_as, make_org, make_user
):
    sign(browser)
    admin = login_as("admin")
    page = admin.get("/admin/outbox")
    assert (
        page.status_code == 200 and shows(page, "maya.thornbury@example.org") and "/confirm/" in text_of(page)
    )
    other = login_as(make_user("admin", org=make_org()))
    assert "maya.thornbury" not in text_of(other.get("/admin/outbox"))
    assert login_as("staff").get("/admin/outbox").status_code == 403
    environment = app.config["ENV"]
    app.config.update(TESTING=False, ENV="production")
    try:
        assert admin.get("/admin/outbox").status_code == 404  # production, without OUTBOX_VISIBLE
    finally:
        app.config.update(TESTING=True, ENV=environment)


def test_reconcile_reports_and_corrects_counts(published, browser, app, db):
    _staff, _person, petition = published
    sign_and_confirm(browser, app, db)
    db.execute(sa.update(Petition).values(signature_count=7))
    runner = app.test_cli_runner()
    dry = runner.invoke(args=["petitions", "reconcile", "--dry-run"])
    assert f"petition {petition.id}: stored 7, confirmed signatures 1" in dry.output
    assert db.get(Petition, petition.id).signature_count == 7
    fixed = runner.invoke(args=["petitions", "reconcile"])
    assert "(corrected)" in fixed.output and db.get(Petition, petition.id).signature_count == 1
    assert "Every count matches" in runner.invoke(args=["petitions", "reconcile"]).output


@pytest.mark.parametrize(
    "address, canonical",
    [
        ("John.Smith+news@Gmail.com", "johnsmith@gmail.com"),
        ("j.s@googlemail.com", "js@gmail.com"),
        ("a.b+c@outlook.com", "a.b@outlook.com"),
        ("x+y@icloud.com", "x@icloud.com"),
        ("x+y@proton.me", "x@proton.me"),
        ("First.Last+tag@example.org", "first.last+tag@example.org"),
    ],
)
def test_canonical_email(address, canonical):
    from casework.petitions.crypto import canonical_email

    assert canonical_email(address) == canonical


@pytest.mark.parametrize(
    "address, network",
    [
        ("203.0.113.77", "203.0.113.0"),
        ("2001:db8:1234:5678::1", "2001:db8:1234::"),
        ("::ffff:198.51.100.9", "198.51.100.0"),
        ("not an address", None),
        (None, None),
    ],
)
def test_client_addresses_are_truncated(address, network):
    from casework.petitions.crypto import truncate_ip

    assert truncate_ip(address) == network


def test_encryption_round_trip_and_separate_keys(app):
    from casework.petitions import crypto

    with app.app_context():
        sealed = crypto.encrypt("Lina Okafor")
        assert crypto.decrypt(sealed) == "Lina Okafor" and sealed != crypto.encrypt("Lina Okafor")
        keys = crypto.keys()
        assert keys.mac_key not in sealed and len(crypto.mac("a", "b")) == 64
        assert crypto.mac("ab", "c") != crypto.mac("a", "bc")
    assert (
        app.instance_path
        and __import__("os").stat(__import__("pathlib").Path(app.instance_path) / "signature_key").st_mode
        & 0o777
    ) == 0o600

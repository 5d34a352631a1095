"""Updates to the signers who asked for them."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from casework.models import AuditEvent, OutboxEmail
from casework.petitions import crypto
from tests.conftest import shows, text_of
from tests.test_petitions_delivery import sign_and_confirm
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import sign


@pytest.fixture
def published(login_as, make_person, db):
    return make_published(login_as, make_person, db)


def test_update_goes_only_to_confirmed_signers_who_asked(published, browser, app, db):
    staff, person, petition = published
    sign_and_confirm(browser, app, db, name="Ada Wants", email="ada@example.org", send_updates="y")
    sign_and_confirm(browser, app, db, name="Ben Quiet", email="ben@example.org", ip="198.51.100.8")
    sign(
        browser, name="Cy Pending", email="cy@example.org", send_updates="y", ip="198.51.100.9"
    )  # unconfirmed
    before = db.count(OutboxEmail)
    url = f"/people/{person.id}/petitions/{petition.id}/updates/new"
    preview = staff.post(url, {"subject": "Hearing on March 3", "body": "Please come to the hearing."})
    assert (
        "Send to 1 signer(s)" in text_of(preview) and db.count(OutboxEmail) == before
    )  # a preview sends nothing
    response = staff.post(
        url, {"subject": "Hearing on March 3", "body": "Please come to the hearing.", "confirmed": "yes"}
    )
    assert response.status_code == 302
    sent = db.scalars(sa.select(OutboxEmail).where(OutboxEmail.purpose == "petition_update"))
    with app.app_context():
        assert [crypto.decrypt(m.to_ct) for m in sent] == ["ada@example.org"]
    assert "Please come to the hearing." in sent[0].body and "asked for updates" in sent[0].body
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "petition.update_sent"))
    assert event.detail == "1 recipients" and "Please come" not in (event.fields or "")


def test_update_form_messages_and_access(published, login_as, make_user, db):
    staff, person, petition = published
    url = f"/people/{person.id}/petitions/{petition.id}/updates/new"
    response = staff.post(url, {"subject": "", "body": ""})
    assert shows(response, "Type a subject, for example") and shows(response, "Type the message to send.")
    volunteer = make_user("volunteer")
    assert login_as(volunteer).get(url).status_code == 404

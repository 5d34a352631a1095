"""Logs without personal data: SQL parameters hidden, database-quoted values, tokens, query values and A-numbers
masked, client addresses cut to their network."""

from __future__ import annotations

import logging

import pytest

from casework import logs
from casework.extensions import db as _db
from casework.models import Person
from tests.test_people import _form

A_NUMBER = "A 087-654-321"
STORY = "Crossed at Nogales with her aunt"


def test_a_failed_person_save_logs_no_a_number_and_no_story(login_as, app, caplog, monkeypatch):
    staff = login_as("staff")

    def orphan_person(**fields):
        """A person without an organization: the INSERT fails in the database, with every value bound."""
        return Person(**{**fields, "org_id": None})

    monkeypatch.setattr("casework.people.operations.Person", orphan_person)
    caplog.set_level(logging.INFO, logger="sqlalchemy.engine")
    caplog.set_level(logging.INFO)
    response = staff.post(
        "/people/new", _form(a_number=A_NUMBER, private_story=STORY, legal_name="Vanna Keo")
    )
    assert response.status_code == 500
    assert "unhandled error on POST" in caplog.text and "INSERT INTO person" in caplog.text
    assert "parameters hidden" in caplog.text  # the engine's own log lines, too
    for secret in ("087654321", "087-654-321", STORY, "Vanna Keo"):
        assert secret not in caplog.text


def test_the_engines_hide_parameters(app):
    with app.app_context():
        assert _db.engine.hide_parameters


@pytest.mark.parametrize(
    ("line", "kept", "gone"),
    [
        (
            '198.51.100.77 - - "POST /p/let-sokha-stay/confirm/Zx81_kLq-93jd0Qw2Lm HTTP/1.1" 200 -',
            ["198.51.100.0/24", "/p/let-sokha-stay/confirm/[redacted]"],
            ["198.51.100.77", "Zx81_kLq-93jd0Qw2Lm"],
        ),
        (
            '2001:db8:1234:5678::17 - - "GET /calendar/abcDEF123_-xyz.ics HTTP/1.1" 200 -',
            ["2001:db8:1234::/48", "/calendar/[redacted].ics"],
            ["5678::17", "abcDEF123_-xyz"],
        ),
        (
            '"GET /account/reset/Qk3_vT0-pW9sLx HTTP/1.1" 200',
            ["/account/reset/[redacted]"],
            ["Qk3_vT0-pW9sLx"],
        ),
        ('"GET /people?q=Vanna+Keo&status=active HTTP/1.1" 200', ["/people?q=[redacted]&status="], ["Vanna"]),
        (
            "duplicate key value\nDETAIL:  Key (a_number)=(087654321) already exists.\n[SQL: INSERT ...]",
            ["DETAIL: [redacted]", "[SQL: INSERT ...]"],
            ["087654321"],
        ),
        ("Failing row contains (7, Vanna Keo, A 087-654-321)", ["Failing row contains"], ["087-654-321"]),
        ("started at 04:13:59 in 0.25 s, version 1.2.3", ["04:13:59", "1.2.3"], ["/24", "/48"]),
        # the server's own addresses are nobody's: the development server's banner stays usable
        (
            " * Running on http://127.0.0.1:5000 and [::1]:5000",
            ["http://127.0.0.1:5000", "[::1]:5000"],
            ["/24"],
        ),
    ],
)
def test_redact(line, kept, gone):
    redacted = logs.redact(line)
    for text in kept:
        assert text in redacted
    for text in gone:
        assert text not in redacted


def test_every_logger_is_redacted_with_tracebacks(app, caplog):
    caplog.set_level(logging.INFO)
    logging.getLogger("werkzeug").info(
        '%s - - "%s" %s', "203.0.113.9", "GET /p/x/confirm/SecretToken123456 HTTP/1.1", 200
    )
    try:
        raise ValueError("A-number A087654321 rejected from 203.0.113.9")
    except ValueError:
        logging.getLogger("casework.anything").exception("while importing")
    assert "SecretToken123456" not in caplog.text and "/confirm/[redacted]" in caplog.text
    assert "203.0.113.9" not in caplog.text and "203.0.113.0/24" in caplog.text
    assert "087654321" not in caplog.text and "ValueError" in caplog.text


def test_cut_address():
    assert logs.cut_address("198.51.100.77") == "198.51.100.0/24"
    assert logs.cut_address("2001:db8:1:2:3:4:5:6") == "2001:db8:1::/48"
    assert logs.cut_address("not an address") == "-" and logs.cut_address(None) == "-"

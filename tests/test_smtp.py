"""E-mail through a real SMTP conversation: `flask send-outbox` delivers a petition confirmation to a local SMTP
server (aiosmtpd) with the configured From, the signer's To, the subject and the outbox's Message-ID; over
STARTTLS with a login, over TLS from the first byte ("ssl"), and in plain text ("none"). The server's
certificate is verified: one from an authority the sender was not told about is refused and the message
waits for a retry. A TLS mode that does not exist is refused without using up an attempt."""

from __future__ import annotations

import datetime
import ipaddress
import socket
import ssl
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
import sqlalchemy as sa

aiosmtpd_controller = pytest.importorskip("aiosmtpd.controller")
from aiosmtpd.smtp import AuthResult  # noqa: E402
from cryptography import x509  # noqa: E402
from cryptography.hazmat.primitives import hashes, serialization  # noqa: E402
from cryptography.hazmat.primitives.asymmetric import ec  # noqa: E402
from cryptography.x509.oid import NameOID  # noqa: E402

from casework.models import OutboxEmail, OutboxStatus  # noqa: E402
from casework.petitions import mail  # noqa: E402
from tests.test_petitions_hosted import make_published  # noqa: E402
from tests.test_petitions_public import sign  # noqa: E402

SIGNER = "lan.pham@example.org"
SENDER = "Riverbend Petitions <petitions@riverbend.example.org>"
USER, SECRET = "casework-mailer", "smtp password for tests"


class Inbox:
    """aiosmtpd handler: keeps each message it accepts, and who logged in."""

    def __init__(self):
        self.messages: list[EmailMessage] = []
        self.envelopes: list[tuple[str, list[str]]] = []
        self.logins: list[str] = []

    async def handle_DATA(self, server, session, envelope):
        self.envelopes.append((envelope.mail_from, list(envelope.rcpt_tos)))
        self.messages.append(message_from_bytes(envelope.content, policy=policy.default))
        return "250 OK"

    def authenticate(self, server, session, envelope, mechanism, auth_data):
        ok = auth_data.login == USER.encode() and auth_data.password == SECRET.encode()
        if ok:
            self.logins.append(auth_data.login.decode())
        return AuthResult(success=ok)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def certificates(tmp_path_factory):
    """(certificate file, key file) of a self-signed certificate for 127.0.0.1, and another authority's."""
    folder = tmp_path_factory.mktemp("tls")

    def make(name: str):
        key = ec.generate_private_key(ec.SECP256R1())
        subject = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, name)])
        now = datetime.datetime.now(datetime.UTC)
        certificate = (
            x509.CertificateBuilder()
            .subject_name(subject)
            .issuer_name(subject)
            .public_key(key.public_key())
            .serial_number(x509.random_serial_number())
            .not_valid_before(now - datetime.timedelta(minutes=5))
            .not_valid_after(now + datetime.timedelta(days=1))
            .add_extension(
                x509.SubjectAlternativeName(
                    [x509.IPAddress(ipaddress.ip_address("127.0.0.1")), x509.DNSName("localhost")]
                ),
                critical=False,
            )
            .add_extension(x509.BasicConstraints(ca=True, path_length=None), critical=True)
            .sign(key, hashes.SHA256())
        )
        cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
        cert_file.write_bytes(certificate.public_bytes(serialization.Encoding.PEM))
        key_file.write_bytes(
            key.private_bytes(
                serialization.Encoding.PEM,
                serialization.PrivateFormat.PKCS8,
                serialization.NoEncryption(),
            )
        )
        return str(cert_file), str(key_file)

    return make("smtp-sink"), make("another-authority")


@pytest.fixture
def smtp_sink(certificates):
    """start(mode) -> (Inbox, port): an SMTP server on a free port; "starttls" requires STARTTLS and a login."""
    started = []

    def start(mode: str):
        (cert, key), _other = certificates
        context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
        context.load_cert_chain(cert, key)
        inbox, port = Inbox(), free_port()
        options: dict = {}
        if mode == "starttls":
            options = {
                "tls_context": context,
                "require_starttls": True,
                "authenticator": inbox.authenticate,
                "auth_require_tls": True,
            }
        elif mode == "ssl":
            options = {"ssl_context": context}
        controller = aiosmtpd_controller.Controller(inbox, hostname="127.0.0.1", port=port, **options)
        controller.start()
        started.append(controller)
        return inbox, port

    yield start
    for controller in started:
        controller.stop()


@pytest.fixture
def smtp_settings(app):
    """settings(**values): set SMTP settings on the app for one test."""
    keys = (
        "SMTP_HOST",
        "SMTP_PORT",
        "SMTP_TLS",
        "SMTP_CA_FILE",
        "SMTP_USERNAME",
        "SMTP_PASSWORD",
        "MAIL_FROM",
    )
    saved = {key: app.config.get(key) for key in keys}

    def settings(**values):
        app.config.update(values)

    yield settings
    app.config.update(saved)


def confirmation_waiting(login_as, make_person, db, browser) -> OutboxEmail:
    make_published(login_as, make_person, db)
    assert sign(browser, email=SIGNER).status_code == 303
    return db.scalar(sa.select(OutboxEmail))


def send_outbox(app) -> str:
    result = app.test_cli_runner().invoke(args=["send-outbox"])
    assert result.exit_code == 0, result.output
    return result.output


@pytest.mark.parametrize("mode", ["starttls", "ssl", "none"])
def test_a_petition_confirmation_goes_out_through_smtp(
    mode, app, db, login_as, make_person, browser, smtp_sink, smtp_settings, certificates
):
    row = confirmation_waiting(login_as, make_person, db, browser)
    inbox, port = smtp_sink(mode)
    login = {"SMTP_USERNAME": USER, "SMTP_PASSWORD": SECRET} if mode == "starttls" else {}
    smtp_settings(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_TLS=mode,
        SMTP_CA_FILE=certificates[0][0],
        MAIL_FROM=SENDER,
        **login,
    )
    assert "Sent 1, to retry 0, given up 0" in send_outbox(app)
    [message] = inbox.messages
    assert message["From"] == SENDER and message["To"] == SIGNER
    assert message["Subject"] == row.subject and "confirm" in row.subject.lower()
    with app.app_context():
        assert message["Message-ID"] == mail.message_id(row)
    assert message["Message-ID"].endswith("@riverbend.example.org>")
    assert "/p/let-sokha-stay/confirm/" in message.get_content()
    assert inbox.envelopes == [("petitions@riverbend.example.org", [SIGNER])]
    assert inbox.logins == ([USER] if mode == "starttls" else [])
    sent = db.get(OutboxEmail, row.id)
    assert sent.status == OutboxStatus.SENT and sent.attempts == 1


def test_an_unknown_certificate_authority_is_refused_and_the_message_waits(
    app, db, login_as, make_person, browser, smtp_sink, smtp_settings, certificates
):
    row = confirmation_waiting(login_as, make_person, db, browser)
    inbox, port = smtp_sink("starttls")
    smtp_settings(
        SMTP_HOST="127.0.0.1",
        SMTP_PORT=port,
        SMTP_TLS="starttls",
        SMTP_CA_FILE=certificates[1][0],  # not the authority that signed the server's certificate
        SMTP_USERNAME=USER,
        SMTP_PASSWORD=SECRET,
    )
    assert "Sent 0, to retry 1" in send_outbox(app)
    assert inbox.messages == [] and inbox.logins == []  # the password never went over an unverified line
    waiting = db.get(OutboxEmail, row.id)
    assert waiting.status == OutboxStatus.PENDING and "SSLCertVerificationError" in waiting.last_error


def test_an_unknown_tls_mode_is_said_and_uses_no_attempt(
    app, db, login_as, make_person, browser, smtp_settings
):
    row = confirmation_waiting(login_as, make_person, db, browser)
    smtp_settings(SMTP_HOST="127.0.0.1", SMTP_PORT=free_port(), SMTP_TLS="tls1.3")
    output = send_outbox(app)
    assert "SMTP_TLS must be one of starttls, ssl, none, not 'tls1.3'" in output
    waiting = db.get(OutboxEmail, row.id)
    assert waiting.status == OutboxStatus.PENDING and waiting.attempts == 0


@pytest.mark.parametrize(
    ("settings", "expected"),
    [
        ({}, "starttls"),
        ({"SMTP_STARTTLS": False}, "none"),
        ({"SMTP_TLS": "SSL", "SMTP_STARTTLS": False}, "ssl"),
        ({"SMTP_TLS": " none "}, "none"),
    ],
)
def test_the_tls_mode_and_the_older_starttls_setting(settings, expected):
    assert mail.smtp_tls_mode(settings) == expected

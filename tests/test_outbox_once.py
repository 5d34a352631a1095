"""The outbox sends each message once: overlapping `send-outbox` runs claim messages before sending them; a
claimed message whose sender crashed is sent again after the lease, with the same Message-ID; `--loop` runs
as a worker and stops cleanly on SIGTERM."""

from __future__ import annotations

import collections
import os
import re
import signal
import socketserver
import subprocess
import sys
import threading
import time
from datetime import UTC, datetime, timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
import sqlalchemy as sa

from casework import unit_of_work
from casework.models import OutboxEmail, OutboxStatus

ROOT = Path(__file__).resolve().parent.parent


class RecordingSMTP(socketserver.ThreadingTCPServer):
    """A local SMTP server that records every message it accepts, taking `delay` seconds over each."""

    daemon_threads = True
    allow_reuse_address = True

    def __init__(self, delay: float = 0.0):
        super().__init__(("127.0.0.1", 0), _SMTPSession)
        self.delay = delay
        self.messages: list = []
        self.receiving = threading.Event()  # set while a message's data is being taken
        self.lock = threading.Lock()

    @property
    def port(self) -> int:
        return self.server_address[1]


class _SMTPSession(socketserver.StreamRequestHandler):
    def handle(self):
        server: RecordingSMTP = self.server  # type: ignore[assignment]
        self.wfile.write(b"220 recorder ESMTP\r\n")
        while line := self.rfile.readline():
            verb = line.split(b" ", 1)[0].strip().upper()
            if verb in (b"EHLO", b"HELO"):
                self.wfile.write(b"250 recorder\r\n")
            elif verb == b"DATA":
                self.wfile.write(b"354 go ahead\r\n")
                data = b"".join(iter(lambda: self.rfile.readline(), b".\r\n"))
                server.receiving.set()
                time.sleep(server.delay)
                with server.lock:
                    server.messages.append(message_from_bytes(data))
                server.receiving.clear()
                self.wfile.write(b"250 queued\r\n")
            elif verb == b"QUIT":
                self.wfile.write(b"221 bye\r\n")
                return
            else:  # MAIL, RCPT, RSET, NOOP
                self.wfile.write(b"250 ok\r\n")


@pytest.fixture
def smtp_server():
    """start(delay) -> a RecordingSMTP serving in a thread (shut down after the test)."""
    servers = []

    def start(delay: float = 0.0) -> RecordingSMTP:
        server = RecordingSMTP(delay)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return server

    yield start
    for server in servers:
        server.shutdown()
        server.server_close()


def queue_messages(app, count: int) -> None:
    from casework.petitions import mail

    with app.app_context(), unit_of_work.transaction():
        for i in range(count):
            mail.queue(f"signer{i}@example.org", f"Message {i}", f"Body {i}", purpose="test", org_id=None)


def sender_env(app, server: RecordingSMTP) -> dict:
    """A `flask send-outbox` process on the test database, the test instance (its signature key) and the
    recording server."""
    return {
        **os.environ,
        "CASEWORK_SQLALCHEMY_DATABASE_URI": app.config["SQLALCHEMY_DATABASE_URI"],
        "CASEWORK_SECRET_KEY": "x" * 32,
        "CASEWORK_SMTP_HOST": "127.0.0.1",
        "CASEWORK_SMTP_PORT": str(server.port),
        "CASEWORK_SMTP_STARTTLS": "false",
    }


def start_sender(app, server, *args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "casework", "send-outbox", *args],
        env=sender_env(app, server),
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def recipients(server: RecordingSMTP) -> collections.Counter:
    return collections.Counter(m["To"] for m in server.messages)


def test_two_overlapping_runs_send_each_message_once(app, db, smtp_server):
    server = smtp_server(delay=0.02)
    queue_messages(app, 80)
    runs = [start_sender(app, server), start_sender(app, server)]
    outputs = [run.communicate(timeout=180) for run in runs]
    assert [run.returncode for run in runs] == [0, 0], outputs
    assert len(server.messages) == 80
    assert set(recipients(server).values()) == {1}, "a message was sent twice"
    assert len({m["Message-ID"] for m in server.messages}) == 80
    assert db.count(OutboxEmail, OutboxEmail.status == OutboxStatus.SENT) == 80
    sent_by_run = [int(out.split("Sent ")[1].split(",")[0]) for out, _err in outputs]
    assert sum(sent_by_run) == 80


def test_parallel_senders_in_one_process_never_send_twice(app, db, monkeypatch):
    """Eight threads sending at once, through a patched smtplib.SMTP that takes its time."""
    from casework.petitions import mail

    sent: list = []

    class SlowSMTP:
        def __init__(self, host, port, timeout=None):
            pass

        def starttls(self, context=None):
            pass

        def send_message(self, message):
            time.sleep(0.005)
            sent.append(message["Message-ID"])

        def quit(self):
            pass

    monkeypatch.setattr(mail.smtplib, "SMTP", SlowSMTP)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    queue_messages(app, 60)

    def run():
        with app.app_context():
            return mail.send_pending().sent

    threads_sent = []
    workers = [threading.Thread(target=lambda: threads_sent.append(run())) for _ in range(8)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(120)
    assert sum(threads_sent) == 60 and len(sent) == 60 and len(set(sent)) == 60
    assert db.count(OutboxEmail, OutboxEmail.status == OutboxStatus.SENT) == 60


def test_a_claim_is_a_lease_and_the_copy_has_the_same_message_id(app, db, monkeypatch):
    """A sender that claimed a message and died before recording it: nobody sends it while the lease runs;
    afterwards it is sent, with the Message-ID the first attempt had."""
    from casework.petitions import mail

    sent: list = []

    class RecordingSMTPClient:
        def __init__(self, host, port, timeout=None):
            pass

        def starttls(self, context=None):
            pass

        def send_message(self, message):
            sent.append(message)

        def quit(self):
            pass

    monkeypatch.setattr(mail.smtplib, "SMTP", RecordingSMTPClient)
    monkeypatch.setitem(app.config, "SMTP_HOST", "127.0.0.1")
    queue_messages(app, 1)
    with app.app_context():
        claimed = mail.claim_next()  # ... and the sender is killed here
        first_id = mail.message_id(db.get(OutboxEmail, claimed))
        assert mail.claim_next() is None  # claimed: not due for anyone else
        assert mail.send_pending().sent == 0
    row = db.get(OutboxEmail, claimed)
    lease = row.next_attempt_at - datetime.now(UTC)
    assert timedelta(seconds=590) < lease <= timedelta(seconds=600)
    db.execute(sa.update(OutboxEmail).values(next_attempt_at=datetime.now(UTC) - timedelta(seconds=1)))
    with app.app_context():
        assert mail.send_pending().sent == 1
    [message] = sent
    assert message["Message-ID"] == first_id and first_id.startswith("<casework.")
    assert re.fullmatch(r"<casework\.[0-9a-f]{32}@localhost>", first_id)  # keyed: tells nothing of the row


def test_the_loop_worker_sends_and_stops_on_sigterm_after_the_current_message(app, db, smtp_server):
    server = smtp_server(delay=1.5)
    queue_messages(app, 3)
    worker = start_sender(app, server, "--loop", "--interval", "1")
    try:
        assert server.receiving.wait(60), "the worker never sent anything"
        worker.send_signal(signal.SIGTERM)  # in the middle of the first message
        out, err = worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0, err
    assert out.splitlines()[-1] == "Stopped."
    assert len(server.messages) == 1  # the message being sent was finished, and nothing more was started
    rows = db.scalars(sa.select(OutboxEmail).order_by(OutboxEmail.id))
    assert [r.status for r in rows] == [OutboxStatus.SENT, OutboxStatus.PENDING, OutboxStatus.PENDING]
    assert rows[1].next_attempt_at <= datetime.now(UTC)  # never claimed: due for the next run


def test_the_loop_worker_picks_up_new_mail(app, db, smtp_server):
    server = smtp_server()
    worker = start_sender(app, server, "--loop", "--interval", "1")
    try:
        time.sleep(3)
        queue_messages(app, 2)
        deadline = time.monotonic() + 60
        while len(server.messages) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        worker.send_signal(signal.SIGINT)
        worker.communicate(timeout=60)
    finally:
        if worker.poll() is None:
            worker.kill()
    assert worker.returncode == 0
    assert sorted(recipients(server)) == ["signer0@example.org", "signer1@example.org"]


def test_the_loop_worker_outlives_a_database_outage(tmp_path, smtp_server):
    """A worker whose database is unreachable says so in one line per look and keeps going until stopped."""
    server = smtp_server()
    worker = subprocess.Popen(
        [sys.executable, "-m", "flask", "--app", "casework", "send-outbox", "--loop", "--interval", "1"],
        env={
            **os.environ,
            "CASEWORK_INSTANCE_PATH": str(tmp_path),
            "CASEWORK_SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp_path}/missing/casework.sqlite",
            "CASEWORK_SECRET_KEY": "x" * 32,
            "CASEWORK_SMTP_HOST": "127.0.0.1",
            "CASEWORK_SMTP_PORT": str(server.port),
        },
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    looks: list[str] = []
    reader = threading.Thread(target=lambda: looks.extend(iter(worker.stderr.readline, "")), daemon=True)
    reader.start()
    try:
        deadline = time.monotonic() + 60  # a loaded machine may take a while to start the command
        while len(looks) < 2 and time.monotonic() < deadline:
            time.sleep(0.2)
        worker.send_signal(signal.SIGTERM)
        worker.wait(timeout=60)
        out = worker.stdout.read()
    finally:
        if worker.poll() is None:
            worker.kill()
            worker.wait()
        reader.join(timeout=10)
        worker.stdout.close()
        worker.stderr.close()
    assert worker.returncode == 0 and out.splitlines()[-1] == "Stopped."
    errors = [line.rstrip("\n") for line in looks]
    assert len(errors) >= 2 and all(
        line.startswith("Error: the database is unreachable (") for line in errors
    ), looks

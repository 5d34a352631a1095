"""`./scripts/dev` serves on the port it is given (PORT or --port) and prints that address, the one it serves:
run in a subprocess with a temporary instance folder, waited for, asked for /login, then stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.parse
import urllib.request
from collections.abc import Callable
from http.cookiejar import CookieJar
from pathlib import Path

import pytest

from tests.conftest import csrf_token_from

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_SECONDS = 90  # usually well under a minute; the machine may be busy


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def dev_env(instance: Path, **extra: str) -> dict:
    """The environment of a developer's shell: this Python first on PATH (no install), a fresh instance."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CASEWORK_") and k != "PORT"}
    env.update(
        PATH=str(Path(sys.executable).parent) + os.pathsep + env.get("PATH", ""),
        CASEWORK_DEV_SKIP_INSTALL="1",
        CASEWORK_INSTANCE_PATH=str(instance),
        CASEWORK_PASSWORD="a demo password for tests",
        CASEWORK_ARGON2_TIME_COST="1",  # cheap hashes for the demo's users, as in the other tests
        CASEWORK_ARGON2_MEMORY_COST="1024",
        # Pages kept for the server's workers in the instance, not in /dev/shm, where they would outlive the test.
        CASEWORK_KEPT_PAGES_SHARED_DIR=str(instance / "kept-pages"),
        **extra,
    )
    return env


def run_dev(env: dict, *args: str, visit: Callable[[str], None] = lambda address: None) -> tuple[int, str]:
    """Start scripts/dev, wait until /login answers on the port it printed, `visit(address)`, stop it;
    (status of /login, output)."""
    out = env["CASEWORK_INSTANCE_PATH"] + ".log"
    with open(out, "w") as log:
        process = subprocess.Popen(
            ["bash", str(ROOT / "scripts" / "dev"), *args],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )
    try:
        deadline = time.monotonic() + DEADLINE_SECONDS
        while time.monotonic() < deadline:
            if process.poll() is not None:
                pytest.fail(f"scripts/dev exited with {process.returncode}:\n{Path(out).read_text()}")
            text = Path(out).read_text()
            if "serves http://127.0.0.1:" in text:
                address = text.split("serves ", 1)[1].split()[0]
                try:
                    with urllib.request.urlopen(address + "/login", timeout=5) as response:  # noqa: S310
                        status = response.status
                except OSError:
                    pass
                else:
                    visit(address)
                    return status, Path(out).read_text()
            time.sleep(0.3)
        pytest.fail(f"scripts/dev did not answer within {DEADLINE_SECONDS}s:\n{Path(out).read_text()}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def admin_reads_the_outbox(address: str) -> None:
    """Sign in as the demo's admin on the running server; Admin → Outbox is linked and holds a confirmation
    link under the address served."""
    opener = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(CookieJar()))
    with opener.open(address + "/login", timeout=10) as response:
        token = csrf_token_from(response.read().decode())
    form = {"csrf_token": token, "email": "admin@example.org", "password": "a demo password for tests"}
    with opener.open(address + "/login", urllib.parse.urlencode(form).encode(), timeout=30) as response:
        assert response.status == 200 and "/logout" in response.read().decode()
    with opener.open(address + "/admin/users", timeout=10) as response:
        assert '<a href="/admin/outbox"' in response.read().decode()
    with opener.open(address + "/admin/outbox", timeout=10) as response:
        page = response.read().decode()
    assert response.status == 200 and f'href="{address}/p/keep-dara-home/confirm/' in page


def test_port_from_the_environment_is_served_and_printed(tmp_path):
    port = free_port()
    status, output = run_dev(dev_env(tmp_path / "instance", PORT=str(port)), visit=admin_reads_the_outbox)
    assert status == 200
    assert f"Casework (development) serves http://127.0.0.1:{port}" in output
    assert f"Sign in at http://127.0.0.1:{port}/login" in output  # the demo's instructions match
    assert f"http://127.0.0.1:{port}/p/keep-dara-home" in output and "Admin → Outbox" in output
    assert ":5000" not in output


def test_port_option_wins_over_the_environment(tmp_path):
    port = free_port()
    status, output = run_dev(dev_env(tmp_path / "instance", PORT="1"), "--port", str(port))
    assert status == 200 and f"serves http://127.0.0.1:{port}" in output


def test_a_taken_port_or_a_bad_one_is_refused_before_anything_is_printed_about_it(tmp_path):
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]
        result = subprocess.run(
            ["bash", str(ROOT / "scripts" / "dev"), "--port", str(port)],
            env=dev_env(tmp_path / "instance"),
            capture_output=True,
            text=True,
            timeout=DEADLINE_SECONDS,
        )
    assert result.returncode == 1 and f"Port {port} is in use" in result.stderr
    assert "serves" not in result.stdout
    bad = subprocess.run(
        ["bash", str(ROOT / "scripts" / "dev")],
        env=dev_env(tmp_path / "instance", PORT="http"),
        capture_output=True,
        text=True,
        timeout=DEADLINE_SECONDS,
    )
    assert bad.returncode == 2 and "must be a number" in bad.stderr

"""`./scripts/dev` serves on the port it is given (PORT or --port) and prints that address, the one it serves:
run in a subprocess with a temporary instance folder, waited for, asked for /login, then stopped."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
DEADLINE_SECONDS = 50


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
        **extra,
    )
    return env


def run_dev(env: dict, *args: str) -> tuple[int, str]:
    """Start scripts/dev, wait until /login answers on the port it printed, stop it; (status of /login, output)."""
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
                        return response.status, Path(out).read_text()
                except OSError:
                    pass
            time.sleep(0.3)
        pytest.fail(f"scripts/dev did not answer within {DEADLINE_SECONDS}s:\n{Path(out).read_text()}")
    finally:
        os.killpg(process.pid, signal.SIGTERM)
        process.wait(timeout=10)


def test_port_from_the_environment_is_served_and_printed(tmp_path):
    port = free_port()
    status, output = run_dev(dev_env(tmp_path / "instance", PORT=str(port)))
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

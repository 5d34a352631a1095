"""`pip install .` gives a working application: the wheel carries the templates, static files, migrations and
data, while the repository keeps templates/ and migrations/ at the top level; the production pieces are extras."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from email.parser import Parser
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory) -> zipfile.ZipFile:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "-q",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    (built,) = out.glob("casework-*.whl")
    with zipfile.ZipFile(built) as archive:
        yield archive


def test_the_wheel_carries_templates_static_files_migrations_and_data(wheel):
    names = set(wheel.namelist())
    for folder, package_folder in (
        ("templates", "casework/templates"),
        ("migrations", "casework/migrations"),
    ):
        for path in (ROOT / folder).rglob("*"):
            if path.is_file() and "__pycache__" not in path.parts:
                assert f"{package_folder}/{path.relative_to(ROOT / folder).as_posix()}" in names
    for path in (ROOT / "casework" / "static").rglob("*"):
        if path.is_file():
            assert f"casework/{path.relative_to(ROOT / 'casework').as_posix()}" in names
    for locale in ("km", "vi", "lo"):  # the compiled catalogs: an installed application speaks them too
        assert f"casework/translations/{locale}/LC_MESSAGES/messages.mo" in names
    assert "casework/data/common-passwords.txt.gz" in names
    assert not any("__pycache__" in n for n in names)


def test_the_embedded_default_installs_no_server_database_driver_or_cache_client(wheel):
    (metadata_name,) = [n for n in wheel.namelist() if n.endswith(".dist-info/METADATA")]
    metadata = Parser().parsestr(wheel.read(metadata_name).decode())
    required = metadata.get_all("Requires-Dist") or []
    unconditional = [r.split(";")[0].strip().lower() for r in required if "extra ==" not in r]
    for production_piece in ("psycopg", "redis", "gunicorn"):
        assert not any(r.startswith(production_piece) for r in unconditional), production_piece
    assert {"postgresql", "redis", "server"} <= set(metadata.get_all("Provides-Extra") or [])
    for undeclared_before in ("pillow", "limits"):
        assert any(r.startswith(undeclared_before) for r in unconditional), undeclared_before

"""benchmarks/run.py on a tiny data set: every piece runs (build, gunicorn with gunicorn.conf.py beside the
hello-world app, the pages over HTTP, statements, PDFs, and petition signing on PostgreSQL) and the last line
is the JSON object with exactly the keys benchmarks/README.md lists, in its order."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

from tests.conftest import POSTGRES_URL, TEST_DB

ROOT = Path(__file__).resolve().parent.parent


def documented_keys() -> list[str]:
    """The keys of the JSON line, in order, as the table of benchmarks/README.md lists them."""
    readme = (ROOT / "benchmarks" / "README.md").read_text()
    table = readme.split("| Key | What |", 1)[1].split("\n\n", 1)[0]
    rows = table.strip().splitlines()[1:]  # under the header's separator
    return [key for row in rows for key in re.findall(r"`([^`]+)`", row.split("|")[1])]


def test_the_benchmark_ends_with_its_json_line(tmp_path):
    command = [sys.executable, "benchmarks/run.py", "--people", "60", "--flat-base", "60", "--rounds", "1"]
    command += [
        "--seconds",
        "0.3",
        "--samples",
        "1",
        "--signers",
        "30",
        "--data-dir",
        str(tmp_path),
        "--drop",
    ]
    if TEST_DB == "postgresql":
        command += ["--database", POSTGRES_URL]
    done = subprocess.run(command, cwd=ROOT, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr[-3000:] + done.stdout[-2000:]
    lines = done.stdout.strip().splitlines()
    result = json.loads(lines[-1])
    assert list(result) == documented_keys()
    assert result["people"] == 60
    assert result["database"] == ("postgresql" if TEST_DB == "postgresql" else "sqlite")
    assert result["flat_ratio"] == 1.0  # the same data set on both sides
    assert result["list_vs_hello"] > 0 and result["cold_start_s"] > 0
    assert isinstance(result["max_statements"], int) and result["max_statements"] > 0
    for key in ("search_p95_ms", "due_ms", "dashboard_ms", "csv_first_byte_ms", "pdf_summary_ms"):
        assert result[key] > 0, key
    assert result["pdf_summary_vs_weasyprint"] > 0 and result["packet_vs_weasyprint"] > 0
    if TEST_DB == "postgresql":
        assert result["sign_confirmed_per_s"] > 0
        assert re.search(r"petition signing: \d+ confirmed/s \(median of rounds: \d+\), lost 0", done.stdout)
    else:
        assert result["sign_confirmed_per_s"] is None
    table = "\n".join(lines)
    rows = ("hello-world (requests/s)", "people list (requests/s)", "search by A-number", "PDF summary")
    # How fast the machine was: timed before the cold start, the round and (PostgreSQL) the signing run.
    machine = re.search(r"^machine: a fixed Python loop .* ms +(\d+) ", done.stdout, re.MULTILINE)
    assert machine and int(machine.group(1)) == (3 if TEST_DB == "postgresql" else 2), done.stdout
    for row in (*rows, "search by alias in-process, made afresh"):
        assert row in table
    assert not list(tmp_path.iterdir())  # --drop removed the data set

"""The case import against a few hundred damaged copies of a real demo case file: never a 5xx, never a part.

Each copy is the demo's richest case file with a few seeded random mutations (a value of another type, a key or
item deleted, a huge value, a NUL, an item doubled, an extreme date or number). The import either takes the whole
case (302) or refuses the file with a message on the form (200; 413 over the upload limit) and leaves every table
as it was, and the documents folder too for a bundle. The seed is printed with any failure: CASEWORK_FUZZ_SEED
replays a run, CASEWORK_FUZZ_FILES sets how many files.
"""

from __future__ import annotations

import copy
import io
import json
import os
import random
import zipfile

import sqlalchemy as sa

from casework.models import Person
from tests.test_import_validation import as_bytes, rows, send
from tests.test_relief_templates import builtin_templates  # noqa: F401  (autouse: the demo needs them)

DEMO_PASSWORD = "lantern orchid quarry"
SEED = int(os.environ.get("CASEWORK_FUZZ_SEED", "11"))
FILES = int(os.environ.get("CASEWORK_FUZZ_FILES", "300"))
ODD_VALUES = [
    None,
    True,
    False,
    0,
    -1,
    1.5,
    1e30,
    float("1e308"),
    2**31,
    -(2**31) - 1,
    2**63,
    10**40,
    "",
    "   ",
    "²",
    "٣",
    "9999-12-31",
    "0001-01-01",
    "2026-02-30",
    "2026-02-01T25:00:00",
    "25:61",
    "x" * 201,
    "y" * 20_001,
    "a\x00b",
    "\x1b[31m",
    [],
    [0],
    [[0]],
    {},
    {"ref": 0},
]


def places(value, out: list) -> list:
    """Every (container, key or index) of a JSON value, depth first."""
    if isinstance(value, dict):
        for key in list(value):
            out.append((value, key))
            places(value[key], out)
    elif isinstance(value, list):
        for index in range(len(value)):
            out.append((value, index))
            places(value[index], out)
    return out


def mutate(data: dict, rng: random.Random) -> list[str]:
    """Damage `data` in place with one to three mutations; what was done, in words."""
    done = []
    for _ in range(rng.randint(1, 3)):
        container, key = rng.choice(places(data, []))
        old = container[key]
        kind = rng.choice(["swap", "swap", "delete", "nul", "double", "huge"])
        if kind == "swap":
            container[key] = copy.deepcopy(rng.choice(ODD_VALUES))
        elif kind == "delete":
            del container[key]
        elif kind == "nul" and isinstance(old, str):
            cut = rng.randint(0, len(old))
            container[key] = old[:cut] + "\x00" + old[cut:]
        elif kind == "nul" and isinstance(container, dict):
            container[f"{key}\x00"] = container.pop(key)
        elif kind == "double" and isinstance(container, list):
            container.insert(key, copy.deepcopy(old))
        elif kind == "huge":
            container[key] = rng.choice(["z" * 100_000, 10**300, -(10**300), [old] * 2_000])
        else:
            container[key] = None
        done.append(f"{kind} at {key!r}")
    return done


def richest_demo_case(app, db, new_browser, monkeypatch) -> dict:
    """The demo's case file with the most in it, as the demo's staff member exports it (`case_number` is the
    case's id)."""
    monkeypatch.setenv("CASEWORK_PASSWORD", DEMO_PASSWORD)
    result = app.test_cli_runner().invoke(args=["demo"])
    assert result.exit_code == 0 and "Loaded the demo data" in result.output, result.output
    staff = new_browser()
    staff.login("staff@example.org", DEMO_PASSWORD)
    files = []
    for person_id in db.scalars(sa.select(Person.id)):
        response = staff.get(f"/people/{person_id}/export.json")
        if response.status_code == 200:
            files.append(json.loads(response.get_data(as_text=True)))
    assert files
    return max(files, key=lambda data: len(json.dumps(data)))


def test_damaged_case_files_are_imported_whole_or_refused_whole(app, db, new_browser, monkeypatch, request):
    original = richest_demo_case(app, db, new_browser, monkeypatch)
    for key in ("relief_applications", "contacts", "convictions", "custody_events", "notes"):
        assert original[key], f"the demo case has no {key}"
    # Another organization imports; its fixtures come after the demo, which loads into an empty database only.
    make_org, login_as = request.getfixturevalue("make_org"), request.getfixturevalue("login_as")
    admin = login_as("admin", org=make_org("Harbor Legal Aid"))
    assert send(admin, as_bytes(original)).status_code == 302  # the file itself imports

    rng = random.Random(SEED)
    outcomes = {"imported": 0, "refused": 0}
    for number in range(FILES):
        data = copy.deepcopy(original)
        done = mutate(data, rng)
        raw = as_bytes(data) if rng.random() < 0.9 else as_bytes(data)[: rng.randint(0, 2000)]
        before = rows(db)
        response = send(admin, raw)
        where = f"file {number} (CASEWORK_FUZZ_SEED={SEED}): {'; '.join(done)}"
        assert response.status_code in (200, 302, 413), f"{where}: {response.status_code}"
        if response.status_code == 302:
            outcomes["imported"] += 1
            case_page = response.headers["Location"]
            for page in (case_page, f"{case_page}/export.json"):  # what was taken shows and travels on
                assert admin.get(page).status_code == 200, f"{where}: {page} fails after the import"
            continue
        outcomes["refused"] += 1
        page = response.get_data(as_text=True)
        assert "Nothing was imported" in page or "This file is not JSON" in page, where
        assert rows(db) == before, f"{where}: a refused file left rows behind"
    print(f"fuzz: {FILES} files, {outcomes['imported']} imported whole, {outcomes['refused']} refused")
    assert outcomes["refused"] > FILES // 2


def stored_files(app) -> set[str]:
    """Every file in the documents folder."""
    from casework.documents import storage

    with app.app_context():
        root = storage.folder()
    return {str(path.relative_to(root)) for path in root.rglob("*") if path.is_file()}


def bundle(case: dict, files: dict[str, bytes]) -> bytes:
    """A ZIP bundle of a case file and documents' files."""
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("case.json", as_bytes(case))
        for name, content in files.items():
            archive.writestr(name, content)
    return out.getvalue()


def test_damaged_bundles_leave_no_row_and_no_file(app, db, new_browser, monkeypatch, request):
    """Bundles whose case file or documents' files are damaged: a refusal keeps no row and no stored file."""
    from tests.test_documents import png_bytes, upload

    original = richest_demo_case(app, db, new_browser, monkeypatch)
    staff = new_browser()
    staff.login("staff@example.org", DEMO_PASSWORD)
    for shade in (10, 200):
        assert upload(staff, original["case_number"], png_bytes((shade, 90, 120)), "p.png").status_code == 302
    with zipfile.ZipFile(
        io.BytesIO(staff.get(f"/people/{original['case_number']}/export.zip").data)
    ) as archive:
        case = json.loads(archive.read("case.json"))
        files = {name: archive.read(name) for name in archive.namelist() if name.startswith("documents/")}
    assert len(files) == 2
    make_org, login_as = request.getfixturevalue("make_org"), request.getfixturevalue("login_as")
    admin = login_as("admin", org=make_org("Harbor Legal Aid"))

    rng = random.Random(SEED)
    for number in range(FILES // 5):
        data, damaged = copy.deepcopy(case), dict(files)
        done = mutate(data, rng) if rng.random() < 0.7 else []
        name = rng.choice(sorted(damaged))
        damage = rng.choice(["none", "drop", "flip", "truncate"])
        if damage == "drop":
            del damaged[name]
        elif damage == "flip":
            damaged[name] = damaged[name][:-1] + bytes([damaged[name][-1] ^ 1])
        raw = bundle(data, damaged)
        if damage == "truncate":
            raw = raw[: rng.randint(0, len(raw))]
        before, kept = rows(db), stored_files(app)
        response = send(admin, raw, "case.zip")
        where = f"bundle {number} (CASEWORK_FUZZ_SEED={SEED}): {'; '.join(done)}; {damage} {name}"
        assert response.status_code in (200, 302, 413), f"{where}: {response.status_code}"
        if response.status_code != 302:
            assert rows(db) == before, f"{where}: a refused bundle left rows behind"
            assert stored_files(app) == kept, f"{where}: a refused bundle left files behind"

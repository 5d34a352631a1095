"""A malformed case file is refused with a message that names the field, and nothing of it is imported.

Every case here once ended in a bare 500 or in wrong data (issue: dependable under bad input). Each runs on
SQLite and on PostgreSQL (CASEWORK_TEST_DB).
"""

from __future__ import annotations

import io
import json
import zipfile

import pytest
import sqlalchemy as sa
from markupsafe import escape
from werkzeug.datastructures import FileStorage
from werkzeug.test import encode_multipart

from casework.models import Base, CaseContact, Contact, Person, ReliefApplication, ReliefStep
from tests.conftest import text_of
from tests.test_transfer import full_case  # noqa: F401  (the fixture: a case with one or more of everything)


def rows(db) -> dict[str, int]:
    """How many rows every table holds (sessions aside: each request touches its own)."""
    return {
        table.name: db.count(table)
        for table in Base.metadata.sorted_tables
        if table.name not in ("web_session",)
    }


@pytest.fixture
def exported(login_as, full_case):  # noqa: F811
    """The full case's file as exported, as a dict."""
    staff = login_as("staff")
    return json.loads(text_of(staff.get(f"/people/{full_case.id}/export.json")))


@pytest.fixture
def importer(login_as, make_org):
    """An admin of another organization, signed in."""
    return login_as("admin", org=make_org("Harbor Legal Aid"))


def send(admin, raw: bytes, name: str = "case.json"):
    """Post bytes to the import form. The body is encoded here, in memory: the test client would spool a large
    one to a temporary file that stays open when the server refuses to read it."""
    if admin.token is None:
        admin.get("/admin/import")
    boundary, body = encode_multipart(
        {"case_file": FileStorage(io.BytesIO(raw), name), "csrf_token": admin.token}
    )
    return admin.client.post(
        "/admin/import", data=body, content_type=f"multipart/form-data; boundary={boundary}"
    )


def as_bytes(data) -> bytes:
    return json.dumps(data, ensure_ascii=False).encode()


def assert_refused(db, admin, raw: bytes, message: str, name: str = "case.json", status: int = 200):
    """The import is refused with `message` on the form and leaves every table as it was."""
    before = rows(db)
    response = send(admin, raw, name)
    assert response.status_code == status, text_of(response)[:2000]
    page = text_of(response)
    assert str(escape(message)) in page, page[page.find("Nothing was") - 200 :][:1500]
    assert rows(db) == before
    return response


# ---------------------------------------------------------------- the cases of the issue


def test_a_position_of_1e30_is_refused(db, importer, exported):
    exported["relief_applications"][0]["steps"][1]["position"] = 1e30
    assert_refused(
        db,
        importer,
        as_bytes(exported),
        "relief_applications[0].steps[1].position: must be a whole number between 1 and 10,000.",
    )


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["check_ins"][0].update(custody_event_ref=[0]),
            "check_ins[0].custody_event_ref: must be a ref (a whole number), not a list.",
        ),
        (
            lambda d: d["relief_applications"][0].update(conviction_refs=[[0]]),
            "relief_applications[0].conviction_refs[0]: must be a ref (a whole number), not a list.",
        ),
        (
            lambda d: d["relief_applications"][0].update(prosecutor_ref=[1]),
            "relief_applications[0].prosecutor_ref: must be a ref (a whole number), not a list.",
        ),
        (
            lambda d: d["contacts"][0].update(ref=[0]),
            "contacts[0].ref: must be a ref (a whole number), not a list.",
        ),
    ],
)
def test_a_list_where_a_ref_is_expected_is_refused(db, importer, exported, mutate, message):
    mutate(exported)
    assert_refused(db, importer, as_bytes(exported), message)


def test_an_object_as_counsel_ref_is_refused(db, importer, exported):
    """`attorney_ref` became the counsel list; both take a contact's ref, never an object."""
    exported["relief_applications"][0]["counsel"][0]["contact_ref"] = {"ref": 0}
    assert_refused(
        db,
        importer,
        as_bytes(exported),
        "relief_applications[0].counsel[0].contact_ref: must be a ref (a whole number), not an object.",
    )
    exported["relief_applications"][0]["counsel"] = []
    exported["relief_applications"][0]["attorney_ref"] = {"ref": 0}
    assert_refused(
        db,
        importer,
        as_bytes(exported),
        "relief_applications[0].attorney_ref: must be a ref (a whole number), not an object.",
    )


@pytest.mark.parametrize("value", [20260201, ["2026-02-01"], "yesterday", "2026-02-01T25:00:00", True])
def test_exported_at_that_is_not_a_date_and_time_is_refused(db, importer, exported, value):
    exported["exported_at"] = value
    assert_refused(db, importer, as_bytes(exported), "exported_at: must be a date and time")


def test_an_overlong_string_is_refused_on_every_database(db, importer, exported):
    exported["contacts"][0]["roles"] = ["r" * 201]
    assert_refused(
        db, importer, as_bytes(exported), "contacts[0].roles[0]: must be at most 200 characters (it has 201)."
    )
    exported["contacts"][0]["roles"] = []
    exported["travel_documents"][0]["refusal_reason"] = "x" * 301
    assert_refused(
        db,
        importer,
        as_bytes(exported),
        "travel_documents[0].refusal_reason: must be at most 300 characters (it has 301).",
    )


@pytest.mark.parametrize(
    "mutate, place",
    [
        (lambda d: d["person"].update(legal_name="Chenda\x00Sok"), "person.legal_name"),
        (lambda d: d["notes"][0].update(body="a\x00b"), "notes[0].body"),
        (lambda d: d["contacts"][0].update(roles=["Counsel\x00"]), "contacts[0].roles[0]"),
        (lambda d: d["person"].update(birth_date="1979-05-06\x00"), "person.birth_date"),
        (lambda d: d["person"].update(case_status="active\x00"), "person.case_status"),
        (lambda d: d["convictions"][0].update(ref="0\x00"), "convictions[0].ref"),
        (
            lambda d: d["relief_applications"][0]["support_records"].append(
                {"kind": "letter", "author": "A", "document_sha256": "0" * 63 + "\x00"}
            ),
            "relief_applications[0].support_records[0].document_sha256",
        ),
        (lambda d: d.update({"unknown\x00key": 1}), "a key"),
        (lambda d: d.update(extra=["ok", "not\x00ok"]), "extra[1]"),
    ],
)
def test_a_nul_byte_in_any_string_is_refused(db, importer, exported, mutate, place):
    mutate(exported)
    response = assert_refused(db, importer, as_bytes(exported), "must not contain control characters")
    assert str(escape(place)) in text_of(response)


@pytest.mark.parametrize("depth", [60, 100_000])
def test_deeply_nested_json_is_refused_before_it_is_parsed(db, importer, depth):
    assert_refused(db, importer, b"[" * depth + b"]" * depth, "nested too deeply")
    assert_refused(db, importer, b'{"a":' * depth + b"1" + b"}" * depth, "nested too deeply")


def test_brackets_inside_strings_do_not_count_as_nesting(db, importer, exported):
    exported["notes"][0]["body"] = "[[[{{{" * 100 + '\\"[' * 100
    response = send(importer, as_bytes(exported))
    assert response.status_code == 302, text_of(response)


def test_roles_given_as_a_string_are_refused(db, importer, exported):
    exported["contacts"][0]["roles"] = "abc"
    assert_refused(db, importer, as_bytes(exported), "contacts[0].roles: must be a list of text, not text.")
    assert db.count(CaseContact, CaseContact.role.in_(["a", "b", "c"])) == 0


def test_a_20000_character_name_is_refused(db, importer, exported):
    exported["person"]["legal_name"] = "N" * 20_000
    assert_refused(
        db, importer, as_bytes(exported), "person.legal_name: must be at most 200 characters (it has 20,000)."
    )


def test_every_string_column_is_held_to_its_length(app):
    """The reader takes every String(n) limit from the model itself, on every database."""
    from casework.case_file import CaseFileRejected, read

    checked = 0
    for mapper in Base.registry.mappers:
        for column in mapper.columns:
            length = getattr(column.type, "length", None)
            if not isinstance(column.type, sa.String) or length is None or isinstance(column.type, sa.Enum):
                continue
            with pytest.raises(CaseFileRejected, match=rf"must be at most {length:,} characters"):
                read(mapper.class_, {column.key: "x" * (length + 1)}, [column.key], "record")
            assert read(mapper.class_, {column.key: "x" * length}, [column.key], "record")
            checked += 1
    assert checked > 50


# ---------------------------------------------------------------- the rest of what a file can get wrong


@pytest.mark.parametrize(
    "raw, message",
    [
        (b"[]", "The case file must be a JSON object"),
        (b'"casework-case"', "The case file must be a JSON object"),
        (b"42", "The case file must be a JSON object"),
        (b"null", "The case file must be a JSON object"),
    ],
)
def test_a_top_level_value_that_is_not_an_object_is_refused(db, importer, raw, message):
    assert_refused(db, importer, raw, message)


@pytest.mark.parametrize(
    "raw", ['{"format": "casework-case", "person": "Sok"}'.encode("utf-16"), b'{"a": "\xe9t\xe9"}']
)
def test_a_file_that_is_not_utf8_is_refused(db, importer, raw):
    assert_refused(db, importer, raw, "This file is not JSON in UTF-8")


@pytest.mark.parametrize("raw", [b'{"format": "casework-case", "version": NaN}', b"[" + b"9" * 5000 + b"]"])
def test_numbers_json_does_not_have_are_refused(db, importer, raw):
    """NaN is not JSON; an integer of 5,000 digits is more than Python converts (a ValueError, not a 500)."""
    assert_refused(db, importer, raw, "This file is not JSON in UTF-8")


def test_a_huge_file_is_refused_with_a_message(app, db, importer, exported):
    limit = app.config["MAX_CONTENT_LENGTH"]
    exported["notes"][0]["body"] = "x" * (limit + 10)
    assert_refused(db, importer, as_bytes(exported), "The case file is larger than 16 MB", status=413)


def test_a_file_of_more_records_than_a_case_has_is_refused(db, importer, exported, monkeypatch):
    from casework.transfer import importer as module

    monkeypatch.setattr(module, "MAX_CONTAINERS", 100)
    exported["tasks"] = [{"title": f"Task {i}"} for i in range(100)]
    assert_refused(db, importer, as_bytes(exported), "This file holds more than 100 lists and records")


def test_a_huge_case_file_inside_a_bundle_is_refused(db, importer, exported):
    from casework.transfer.importer import MAX_CASE_FILE_BYTES

    exported["notes"] = [{"body": "x" * 10_000, "privileged": False}] * (MAX_CASE_FILE_BYTES // 10_000 + 1)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("case.json", as_bytes(exported))
    assert_refused(db, importer, out.getvalue(), "The case file is larger than", name="case.zip")


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["petitions"][0]["counts"][0].update(count=2**31),
            "petitions[0].counts[0].count: must be a whole number between 0 and 1,000,000,000.",
        ),
        (
            lambda d: d["petitions"][0]["counts"][0].update(count=2**64 + 1),
            "petitions[0].counts[0].count: must be a whole number between 0 and 1,000,000,000.",
        ),
        (
            lambda d: d["petitions"][0].update(goal=-(2**70)),
            "petitions[0].goal: must be a whole number between 1 and 10,000,000.",
        ),
        (
            lambda d: d["relief_applications"][0]["steps"][0].update(offset_days=2**31 - 1),
            "relief_applications[0].steps[0].offset_days: must be a whole number between -3,650 and 3,650.",
        ),
        (
            lambda d: d["relief_applications"][0]["steps"][0].update(position=1.5),
            "relief_applications[0].steps[0].position: must be a whole number between 1 and 10,000.",
        ),
        (
            lambda d: d["relief_applications"][0]["steps"][0].update(position="1"),
            "relief_applications[0].steps[0].position: must be a whole number between 1 and 10,000.",
        ),
        (
            lambda d: d.update(case_number=2**80),
            "case_number: must be a whole number between 1 and 9,223,372,036,854,775,807.",
        ),
    ],
)
def test_integers_beyond_their_range_are_refused(db, importer, exported, mutate, message):
    exported["petitions"] = [
        {
            "kind": "external",
            "title": "Free him",
            "targets": "ICE",
            "goal": 100,
            "counts": [{"counted_on": "2026-05-01", "count": 10}],
        }
    ]
    mutate(exported)
    assert_refused(db, importer, as_bytes(exported), message)


def test_the_same_step_position_twice_is_refused(db, importer, exported):
    exported["relief_applications"][0]["steps"][1]["position"] = 1
    assert_refused(
        db,
        importer,
        as_bytes(exported),
        "relief_applications[0].steps[1].position: another step already has position 1.",
    )


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["person"].update(birth_date="9999-12-31"),
            "person.birth_date: must be a date (YYYY-MM-DD) between 1800-01-01 and 2199-12-31.",
        ),
        (
            lambda d: d["person"].update(birth_date="0001-01-01"),
            "person.birth_date: must be a date (YYYY-MM-DD) between 1800-01-01 and 2199-12-31.",
        ),
        (
            lambda d: d["person"].update(birth_date="1979-02-30"),
            "person.birth_date: must be a date (YYYY-MM-DD) between 1800-01-01 and 2199-12-31.",
        ),
        (
            lambda d: d["relief_applications"][0]["history"][0].update(at="9999-12-31T23:59:59-12:00"),
            "relief_applications[0].history[0].at: must be a date and time (ISO 8601) between 1800 and 2199.",
        ),
        (
            lambda d: d["check_ins"][0].update(scheduled_time="25:00"),
            "check_ins[0].scheduled_time: must be a time of day (HH:MM).",
        ),
    ],
)
def test_dates_out_of_range_are_refused(db, importer, exported, mutate, message):
    mutate(exported)
    assert_refused(db, importer, as_bytes(exported), message)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["person"].update(interpreter_needed="false"),
            "person.interpreter_needed: must be true or false, not text.",
        ),
        (
            lambda d: d["notes"][0].update(privileged=1),
            "notes[0].privileged: must be true or false, not a number.",
        ),
    ],
)
def test_booleans_given_as_strings_or_numbers_are_refused(db, importer, exported, mutate, message):
    mutate(exported)
    assert_refused(db, importer, as_bytes(exported), message)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (
            lambda d: d["person"].update(case_status="on_hold"),
            "person.case_status: must be one of: active,",
        ),
        (
            lambda d: d["convictions"][0].update(level=["felony"]),
            "convictions[0].level: must be one of:",
        ),
        (
            lambda d: d["relief_applications"][0]["steps"][0].update(anchor="sometime"),
            "relief_applications[0].steps[0].anchor: must be one of: decided, filed, hearing, opened, step.",
        ),
    ],
)
def test_unknown_enum_values_are_refused(db, importer, exported, mutate, message):
    mutate(exported)
    assert_refused(db, importer, as_bytes(exported), message)


@pytest.mark.parametrize(
    "mutate, message",
    [
        (lambda d: d.update(person=["Sok"]), "person: must be an object, not a list."),
        (lambda d: d.update(notes={"body": "x"}), "notes: must be a list, not an object."),
        (lambda d: d["notes"].append("just text"), "notes[2]: must be an object, not text."),
        (lambda d: d["person"].update(legal_name=42), "person.legal_name: must be text, not a number."),
        (lambda d: d["person"].update(legal_name="   "), "person.legal_name: is required."),
        (
            lambda d: d["relief_applications"][0].update(steps=[{"title": "No position"}]),
            "relief_applications[0].steps[0].position: is required.",
        ),
        (
            lambda d: d["person"].update(a_number="٠١٢٣٤٥٦٧٨"),
            "person.a_number: must be an A-number: 8 or 9 digits.",
        ),
        (
            lambda d: d["relief_applications"][0].update(conviction_refs=[0, 0]),
            "relief_applications[0].conviction_refs[1]: conviction 0 is listed twice.",
        ),
        (
            lambda d: d["contacts"].append({**d["contacts"][0], "name": "Another"}),
            "contacts[1].ref: another contact already has ref 0.",
        ),
        (
            lambda d: d["relief_applications"][0]["steps"][0].update(
                schedule="quarterly", schedule_months="3;6"
            ),
            "relief_applications[0].steps[0].schedule_months: must be months from 1 to 12",
        ),
        (lambda d: d.update(version="1"), "This case file has version text; this Casework reads version 1."),
        (
            lambda d: d.update(
                petitions=[
                    {
                        "kind": "external",
                        "title": "t",
                        "targets": "ICE",
                        "external_url": "javascript:alert(1)",
                    }
                ]
            ),
            "petitions[0].external_url: must be a web address starting with https:// or http://.",
        ),
    ],
)
def test_shapes_and_types_are_named_by_their_path(db, importer, exported, mutate, message):
    mutate(exported)
    assert_refused(db, importer, as_bytes(exported), message)


def test_a_role_listed_twice_is_imported_once(db, importer, exported):
    exported["contacts"][0]["roles"] = ["Pro bono counsel", "Pro bono counsel ", "Interpreter"]
    response = send(importer, as_bytes(exported))
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    roles = db.scalars(sa.select(CaseContact.role).where(CaseContact.person_id == new_id))
    assert sorted(roles) == ["Interpreter", "Pro bono counsel"]


def test_a_valid_file_still_imports_whole(db, importer, exported):
    response = send(importer, as_bytes(exported))
    assert response.status_code == 302, text_of(response)
    new_id = int(response.headers["Location"].rsplit("/", 1)[1])
    assert db.get(Person, new_id).legal_name == "Chenda Sok"
    application = db.scalar(sa.select(ReliefApplication).where(ReliefApplication.person_id == new_id))
    positions = db.scalars(sa.select(ReliefStep.position).where(ReliefStep.application_id == application.id))
    assert sorted(positions) == [1, 2]
    assert db.count(Contact, Contact.org_id == importer.user.org_id) == 1


def test_an_upload_over_the_limit_from_someone_who_may_not_import_gets_the_plain_page(app, login_as):
    staff = login_as("staff")
    staff.get("/people")
    response = send(staff, b"x" * (app.config["MAX_CONTENT_LENGTH"] + 1))
    assert response.status_code == 413
    page = text_of(response)
    assert "The case file is larger than" in page and 'name="case_file"' not in page


@pytest.mark.parametrize(
    "damage, message",
    [
        (lambda raw: raw[: len(raw) // 2], "neither a case file nor a bundle"),
        (lambda raw: raw.replace(b"case.json", b"data.json"), "This ZIP file has no case.json"),
    ],
)
def test_a_damaged_bundle_is_refused(db, importer, exported, damage, message):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("case.json", as_bytes(exported))
        archive.writestr("documents/" + "0" * 64, b"%PDF-1.4 not really")
    assert_refused(db, importer, damage(out.getvalue()), message, name="case.zip")


def test_a_bundle_holding_too_many_files_is_refused(db, importer, exported, monkeypatch):
    from casework.transfer import importer as module

    monkeypatch.setattr(module, "MAX_BUNDLE_FILES", 3)
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w") as archive:
        archive.writestr("case.json", as_bytes(exported))
        for i in range(3):
            archive.writestr(f"documents/{i}", b"x")
    assert_refused(db, importer, out.getvalue(), "more than a case's files", name="case.zip")

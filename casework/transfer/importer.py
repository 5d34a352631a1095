"""Import of a case file as a new case of the importing organization (a case transfer): every section reads its
part back (casework.case_page.CaseFilePart), all or nothing.

A plain JSON case file, or a bundle (a ZIP holding `case.json` and the documents' files). The upload's size is
bounded by MAX_CONTENT_LENGTH; a bundle's unpacked size and number of files are bounded here too, and so are
the case file's own size and nesting, before it is parsed. Every string of the file is checked for control
characters before any section reads it; the sections check the rest (casework.case_file).
"""

from __future__ import annotations

import io
import json
import re
import zipfile
import zlib
from itertools import accumulate

from casework import audit, case_page
from casework.case_file import (
    BIG_INTEGER_LIMIT,
    FORMAT,
    VERSION,
    CaseFileRejected,
    Reading,
    check_strings,
    kind_of,
    moment,
    whole_number,
)
from casework.extensions import db
from casework.models import Person, User
from casework.transfer.export import BUNDLE_CASE_FILE

ImportRejected = CaseFileRejected  # the name this module's callers know
MAX_BUNDLE_BYTES = 200 * 1024 * 1024  # unpacked
MAX_BUNDLE_FILES = 2000
MAX_CASE_FILE_BYTES = 32 * 1024 * 1024  # the JSON text, alone or in a bundle
MAX_NESTING = 50  # JSON deeper than this is not a case file
# Lists and objects in one file: more is not one case (20,000 rows take some 8 s to import on PostgreSQL).
MAX_CONTAINERS = 40_000
NOT_JSON = "This file is not JSON in UTF-8: choose a file made with “Export case”."
NOT_A_BUNDLE = "This file is neither a case file nor a bundle made with “Export case”."
_STRINGS = re.compile(rb'"[^"]*"')
_NOT_BRACKETS = bytes(c for c in range(256) if c not in b"[]{}")
_SIGNS = bytes.maketrans(b"[{]}", b"\x01\x01\xff\xff")  # +1 and -1 as signed bytes
# A control character in a JSON string is escaped (\u0000-\u001f, \b, \f) or DEL; \n, \r and \t are text.
_MAYBE_CONTROL = re.compile(rb"\\u00[01][0-9a-fA-F]|\\u007[fF]|\\[bf]|\x7f")


class NotJson(CaseFileRejected):
    """The file is neither JSON nor a bundle of a case file."""


def too_large(limit: int) -> CaseFileRejected:
    """The refusal of a case file over `limit` bytes."""
    return CaseFileRejected(
        f"The case file is larger than {limit // (1024 * 1024)} MB, the most an import reads: it cannot be "
        "imported."
    )


def import_file(actor: User, raw: bytes) -> Person:
    """Create a new case from the bytes of a case file or bundle. The documents' files it stores follow the
    transaction (casework.documents.storage): named when it commits, deleted when it does not."""
    files: dict[str, bytes] = {}
    if raw[:4] == b"PK\x03\x04":
        raw, files = _unbundle(raw)
    return import_case(actor, parse(raw), files).person


def parse(raw: bytes) -> object:
    """The JSON value of a case file's bytes: its size, nesting and number of lists and objects bounded before
    it is parsed (the parser recurses, and builds what it reads), UTF-8 only, no NaN or Infinity, no control
    character in any string."""
    if len(raw) > MAX_CASE_FILE_BYTES:
        raise too_large(MAX_CASE_FILE_BYTES)
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise NotJson(NOT_JSON) from None
    depth, containers = shape(raw)
    if depth > MAX_NESTING:
        raise CaseFileRejected(
            f"This file is nested too deeply to be a case file (more than {MAX_NESTING} levels)."
        )
    if containers > MAX_CONTAINERS:
        raise CaseFileRejected(
            f"This file holds more than {MAX_CONTAINERS:,} lists and records, more than one case: it cannot be "
            "imported."
        )
    try:
        data = json.loads(text, parse_constant=_no_constant)
    except (ValueError, RecursionError):  # not JSON; an integer of more than 4,300 digits
        raise NotJson(NOT_JSON) from None
    if _MAYBE_CONTROL.search(raw):  # JSON writes a control character escaped; without one, no string has any
        check_strings(data)
    return data


def _no_constant(name: str) -> None:
    raise ValueError(f"{name} is not JSON")


def shape(raw: bytes) -> tuple[int, int]:
    """How deep JSON bytes nest lists and objects, and how many they hold, found without parsing them: escaped
    backslashes and quotes go, then strings, then everything but brackets; the depth is the highest running
    count of opened brackets. UTF-8 never uses these ASCII bytes inside a multi-byte character."""
    unescaped = raw.replace(b"\\\\", b"").replace(b'\\"', b"")
    brackets = _STRINGS.sub(b"", unescaped).translate(None, _NOT_BRACKETS)
    opened = brackets.count(b"[") + brackets.count(b"{")
    return max(accumulate(memoryview(brackets.translate(_SIGNS)).cast("b")), default=0), opened


def _unbundle(raw: bytes) -> tuple[bytes, dict[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, ValueError, OSError, EOFError):
        raise NotJson(NOT_A_BUNDLE) from None
    if len(members) > MAX_BUNDLE_FILES or sum(m.file_size for m in members) > MAX_BUNDLE_BYTES:
        raise CaseFileRejected("This bundle holds more than a case's files: it cannot be imported.")
    case_file = next((m for m in members if m.filename == BUNDLE_CASE_FILE), None)
    if case_file is None:
        raise NotJson("This ZIP file has no case.json: choose a bundle made with “Export case”.")
    if case_file.file_size > MAX_CASE_FILE_BYTES:
        raise too_large(MAX_CASE_FILE_BYTES)
    try:
        files = {m.filename: archive.read(m) for m in members if m.filename.startswith("documents/")}
        return archive.read(case_file), files
    except (zipfile.BadZipFile, ValueError, OSError, EOFError, NotImplementedError, RuntimeError, zlib.error):
        # damaged, encrypted, or packed in a way this Casework does not unpack
        raise NotJson(NOT_A_BUNDLE) from None


def check_header(data: object) -> dict:
    """The case file's own fields: an object of this format and version, with an export time and a case
    number when it gives them."""
    if not isinstance(data, dict):
        raise CaseFileRejected(f"The case file must be a JSON object ({{…}}), not {kind_of(data)}.")
    if data.get("format") != FORMAT:
        raise CaseFileRejected("This is not a Casework case file (its “format” is not casework-case).")
    version = data.get("version")
    if version != VERSION or isinstance(version, bool):
        shown = version if isinstance(version, int) and abs(version) < 10**6 else kind_of(version)
        raise CaseFileRejected(f"This case file has version {shown}; this Casework reads version {VERSION}.")
    if data.get("exported_at") is not None:
        moment(data["exported_at"], "exported_at")
    if data.get("case_number") is not None:
        whole_number(data["case_number"], "case_number", 1, BIG_INTEGER_LIMIT)
    return data


def import_case(actor: User, data: object, files: dict[str, bytes] | None = None) -> Reading:
    """Create a new case of the actor's organization from a case file; all or nothing."""
    data = check_header(data)
    person = Person(org_id=actor.org_id, created_by_id=actor.id)
    reading = Reading(person=person, user=actor, data=data, files=files or {})
    for part in case_page.case_file_parts():
        part.read(reading)
    db.session.flush()
    exported = data.get("exported_at")
    day = exported[:10] if isinstance(exported, str) else "?"
    audit.record(actor, "person.imported", person, detail=f"case file of {day}")
    return reading

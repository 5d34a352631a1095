"""Import of a case file as a new case of the importing organization (a case transfer): every section reads its
part back (casework.case_page.CaseFilePart), all or nothing.

A plain JSON case file, or a bundle (a ZIP holding `case.json` and the documents' files). The upload's size is
bounded by MAX_CONTENT_LENGTH; a bundle's unpacked size and number of files are bounded here too.
"""

from __future__ import annotations

import io
import json
import zipfile

from casework import audit, case_page
from casework.case_file import FORMAT, VERSION, CaseFileRejected, Reading
from casework.extensions import db
from casework.models import Person, User
from casework.transfer.export import BUNDLE_CASE_FILE

ImportRejected = CaseFileRejected  # the name this module's callers know
MAX_BUNDLE_BYTES = 200 * 1024 * 1024  # unpacked
MAX_BUNDLE_FILES = 2000
MAX_NESTING = 50  # JSON deeper than this is not a case file


class NotJson(CaseFileRejected):
    """The file is neither JSON nor a bundle of a case file."""


def import_file(actor: User, raw: bytes, saved_files: list[str] | None = None) -> Person:
    """Create a new case from the bytes of a case file or bundle. The documents' files it stores are added to
    `saved_files`, for the caller to remove if the import or its transaction fails."""
    files: dict[str, bytes] = {}
    if raw[:4] == b"PK\x03\x04":
        raw, files = _unbundle(raw)
    try:
        data = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, json.JSONDecodeError, RecursionError):
        raise NotJson("This file is not JSON: choose a file made with “Export case”.") from None
    if _depth(data) > MAX_NESTING:
        raise CaseFileRejected("This file is nested too deeply to be a case file.")
    return import_case(actor, data, files, saved_files).person


def _unbundle(raw: bytes) -> tuple[bytes, dict[str, bytes]]:
    try:
        archive = zipfile.ZipFile(io.BytesIO(raw))
        members = archive.infolist()
        if len(members) > MAX_BUNDLE_FILES or sum(m.file_size for m in members) > MAX_BUNDLE_BYTES:
            raise CaseFileRejected("This bundle holds more than a case's files: it cannot be imported.")
        names = {m.filename for m in members}
        if BUNDLE_CASE_FILE not in names:
            raise NotJson("This ZIP file has no case.json: choose a bundle made with “Export case”.")
        files = {m.filename: archive.read(m) for m in members if m.filename.startswith("documents/")}
        return archive.read(BUNDLE_CASE_FILE), files
    except (zipfile.BadZipFile, ValueError, OSError):
        raise NotJson("This file is neither a case file nor a bundle made with “Export case”.") from None


def _depth(value, level: int = 0) -> int:
    if level > MAX_NESTING:
        return level
    if isinstance(value, dict):
        return max((_depth(v, level + 1) for v in value.values()), default=level)
    if isinstance(value, list):
        return max((_depth(v, level + 1) for v in value), default=level)
    return level


def import_case(
    actor: User, data: object, files: dict[str, bytes] | None = None, saved_files: list[str] | None = None
) -> Reading:
    """Create a new case of the actor's organization from a case file; all or nothing."""
    if not isinstance(data, dict) or data.get("format") != FORMAT:
        raise CaseFileRejected("This is not a Casework case file (its “format” is not casework-case).")
    if data.get("version") != VERSION:
        raise CaseFileRejected(
            f"This case file has version {data.get('version')!r}; this Casework reads version {VERSION}."
        )
    person = Person(org_id=actor.org_id, created_by_id=actor.id)
    reading = Reading(person=person, user=actor, data=data, files=files or {})
    if saved_files is not None:
        reading.saved_files = saved_files  # the caller's list: it removes the files if anything fails
    for part in case_page.case_file_parts():
        part.read(reading)
    db.session.flush()
    exported = data.get("exported_at")
    day = exported[:10] if isinstance(exported, str) else "?"
    audit.record(actor, "person.imported", person, detail=f"case file of {day}")
    return reading

"""Export of one case: every section writes its part of the case file (casework.case_page.CaseFilePart), limited
to what the exporting user may see; a bundle adds the documents' files beside the JSON, in a ZIP."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import UTC, datetime

from casework import audit, case_page
from casework.case_file import FORMAT, VERSION, Writing
from casework.models import Person, User

BUNDLE_CASE_FILE = "case.json"


def export_case(user: User, person: Person, *, bundle: bool = False) -> dict:
    """The whole case as the case-file dict; with `bundle`, `files` holds the documents' bytes by name."""
    writing = Writing(person=person, user=user, bundle=bundle)
    data: dict = {
        "format": FORMAT,
        "version": VERSION,
        "exported_at": datetime.now(UTC).isoformat(timespec="seconds"),
        "case_number": person.id,
    }
    for part in case_page.case_file_parts(writing=True):
        data.update(part.dump(writing))
    if bundle:
        data["files"] = writing.files
    return data


def case_file(user: User, person: Person) -> str:
    """The case file as JSON text; the export is audited."""
    data = export_case(user, person)
    audit.record(user, "person.exported", person, detail="json")
    return json.dumps(data, ensure_ascii=False, indent=2)


def case_bundle(user: User, person: Person) -> bytes:
    """The case file and the documents' files as a ZIP; the export is audited."""
    data = export_case(user, person, bundle=True)
    files = data.pop("files")
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr(BUNDLE_CASE_FILE, json.dumps(data, ensure_ascii=False, indent=2))
        for name, content in sorted(files.items()):
            archive.writestr(name, content)
    audit.record(user, "person.exported", person, detail=f"bundle, {len(files)} files")
    return out.getvalue()

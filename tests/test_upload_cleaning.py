"""Uploads are cleaned: PDFs lose scripts, actions and embedded files; photos lose location and camera data."""

import hashlib
import io

import sqlalchemy as sa
from PIL import Image
from pypdf import PdfReader, PdfWriter
from pypdf.generic import (
    ArrayObject,
    DictionaryObject,
    FloatObject,
    NameObject,
    TextStringObject,
)

from casework.extensions import db as _db
from casework.models import AuditEvent, Document
from tests.conftest import shows
from tests.test_documents import pdf_bytes, upload

ACTIVE = [b"/JavaScript", b"/JS", b"/OpenAction", b"/Launch", b"/EmbeddedFile", b"/FileAttachment", b"/AA"]


def _action(kind: str, **entries) -> DictionaryObject:
    action = DictionaryObject({NameObject("/S"): NameObject(kind)})
    action.update({NameObject("/" + k): TextStringObject(v) for k, v in entries.items()})
    return action


def active_pdf() -> bytes:
    """A one-page PDF that runs JavaScript on opening, has a JavaScript name tree entry, an embedded file,
    a file attachment annotation, a script run when its page opens and a link that launches a program."""
    writer = PdfWriter(clone_from=PdfReader(io.BytesIO(pdf_bytes())))
    writer.add_attachment("payload.txt", b"EMBEDDED-PAYLOAD-MARKER")
    script = writer._add_object(_action("/JavaScript", JS="app.alert('SCRIPT-IN-NAME-TREE');"))
    writer.root_object["/Names"].get_object()[NameObject("/JavaScript")] = DictionaryObject(
        {NameObject("/Names"): ArrayObject([TextStringObject("hello"), script])}
    )
    writer.root_object[NameObject("/OpenAction")] = writer._add_object(
        _action("/JavaScript", JS="app.alert('OPEN-ACTION-SCRIPT');")
    )
    rect = ArrayObject([FloatObject(10), FloatObject(10), FloatObject(60), FloatObject(60)])
    launch = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/Link"),
            NameObject("/Rect"): rect,
            NameObject("/A"): _action("/Launch", F="calc.exe"),
        }
    )
    attachment = DictionaryObject(
        {
            NameObject("/Type"): NameObject("/Annot"),
            NameObject("/Subtype"): NameObject("/FileAttachment"),
            NameObject("/Rect"): rect,
        }
    )
    writer.pages[0][NameObject("/Annots")] = ArrayObject(
        [writer._add_object(launch), writer._add_object(attachment)]
    )
    writer.pages[0][NameObject("/AA")] = DictionaryObject(
        {NameObject("/O"): _action("/JavaScript", JS="app.alert('PAGE-OPEN-SCRIPT');")}
    )
    out = io.BytesIO()
    writer.write(out)
    return out.getvalue()


def gps_jpeg() -> bytes:
    """A JPEG taken by a named camera at a place, rotated by its orientation tag."""
    exif = Image.Exif()
    exif[0x010F] = "PhoneMaker"
    exif[0x0110] = "PhoneModel-X"
    exif[0x0112] = 6  # rotated 90°: the stored picture is wider than it is tall
    exif[0x8825] = {1: "N", 2: (40.0, 42.0, 46.0), 3: "W", 4: (74.0, 0.0, 21.0)}
    out = io.BytesIO()
    Image.new("RGB", (120, 80), (200, 30, 30)).save(out, "JPEG", exif=exif)
    return out.getvalue()


def stored_file(app, document: Document) -> bytes:
    from casework.documents import storage

    with app.app_context():
        return storage.read_document(_db.session.get(Document, document.id))


def test_pdf_loses_scripts_actions_and_embedded_files(app, login_as, make_person, db):
    original = active_pdf()
    assert all(marker in original for marker in ACTIVE)  # the test file really has them all
    person = make_person()
    assert upload(login_as("staff"), person.id, original, "evil.pdf").status_code == 302

    document = db.scalar(sa.select(Document))
    data = stored_file(app, document)
    reader = PdfReader(io.BytesIO(data))
    assert len(reader.pages) == 1 and "EXHIBIT-CONTENT-MARKER" in reader.pages[0].extract_text()
    assert not reader.attachments
    assert "/OpenAction" not in reader.trailer["/Root"]
    annotations = [a.get_object() for a in reader.pages[0]["/Annots"]]
    assert [(a["/Subtype"], "/A" in a) for a in annotations] == [("/Link", False)]  # the link does nothing
    for marker in ACTIVE + [b"calc.exe", b"SCRIPT-IN-NAME-TREE", b"OPEN-ACTION-SCRIPT", b"PAGE-OPEN"]:
        assert marker not in data, marker
    assert document.size == len(data) and document.sha256 == hashlib.sha256(data).hexdigest()

    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
    assert (
        event.detail == "removed: additional actions, embedded files, javascript, launch action, open action"
    )


def test_photo_loses_location_and_camera_but_keeps_its_orientation(app, login_as, make_person, db):
    person = make_person()
    assert upload(login_as("staff"), person.id, gps_jpeg(), "photo.jpg").status_code == 302

    document = db.scalar(sa.select(Document))
    data = stored_file(app, document)
    assert b"PhoneModel-X" not in data and b"PhoneMaker" not in data
    with Image.open(io.BytesIO(data)) as image:
        assert not image.getexif() and "exif" not in image.info
        assert image.size == (80, 120)  # turned upright before the orientation tag went
    assert document.size == len(data) and document.sha256 == hashlib.sha256(data).hexdigest()
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
    assert event.detail == "removed: camera metadata, image location"


def test_plain_pdf_is_stored_as_it_came(app, login_as, make_person, db):
    original = pdf_bytes()
    person = make_person()
    assert upload(login_as("staff"), person.id, original, "letter.pdf").status_code == 302
    document = db.scalar(sa.select(Document))
    assert stored_file(app, document) == original
    event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "document.uploaded"))
    assert event.detail is None


def test_pdf_that_cannot_be_parsed_is_refused(login_as, make_person, db):
    person = make_person()
    response = upload(login_as("staff"), person.id, b"%PDF-1.7\n1 0 obj <<", "broken.pdf")
    assert response.status_code == 200 and shows(response, "The file looks damaged")
    assert db.count(Document) == 0

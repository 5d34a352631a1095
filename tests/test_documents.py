"""Documents on a case: upload checked by content, privileged ones hidden, downloads audited."""

import io
import os

import pytest
import sqlalchemy as sa
from PIL import Image

from casework.models import AuditEvent, Document
from tests.conftest import shows, text_of


def png_bytes(color=(30, 90, 120), size=(120, 80)) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "PNG")
    return out.getvalue()


def pdf_bytes(text="EXHIBIT-CONTENT-MARKER", pages=1) -> bytes:
    from weasyprint import HTML

    body = "".join(f'<p style="break-after: page">{text} page {i + 1}</p>' for i in range(pages))
    return HTML(string=f"<html><body>{body}</body></html>").write_pdf()


def upload(browser, person_id, data, filename="file.pdf", title="A letter", **extra):
    return browser.post(
        f"/people/{person_id}/documents/new",
        {"file": (io.BytesIO(data), filename), "title": title, "kind": "support_letter", **extra},
        content_type="multipart/form-data",
    )


def test_upload_pdf_and_png_and_download_audited(app, login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    assert upload(staff, person.id, pdf_bytes(), "letter.pdf").status_code == 302
    assert (
        upload(staff, person.id, png_bytes(), "scan.pdf", title="Photo named like a PDF").status_code == 302
    )
    docs = db.scalars(sa.select(Document).order_by(Document.id))
    assert [d.content_type for d in docs] == ["application/pdf", "image/png"]  # by content, not by name
    stored = os.path.join(app.instance_path, "documents", docs[0].storage_name)
    assert os.path.exists(stored) and oct(os.stat(stored).st_mode & 0o777) == "0o600"
    assert "letter" not in docs[0].storage_name and len(docs[0].storage_name) == 32
    response = staff.get(f"/people/{person.id}/documents/{docs[0].id}")
    assert response.status_code == 200 and response.data.startswith(b"%PDF-")
    assert (
        response.headers["Content-Disposition"]
        == f'attachment; filename="case-{person.id}-document-{docs[0].id}.pdf"'
    )
    assert db.count(AuditEvent, AuditEvent.action == "document.downloaded") == 1
    assert db.count(AuditEvent, AuditEvent.action == "document.uploaded") == 2


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (
            b"just some text, not a document",
            "notes.pdf",
            "Upload a PDF, JPEG or PNG file; this file is none of them",
        ),
        (b"%PDF-1.7\nthis is not really a pdf", "broken.pdf", "The file looks damaged"),
        (b"", "empty.pdf", "The file is empty"),
        (b"<svg xmlns='http://www.w3.org/2000/svg'></svg>", "drawing.png", "none of them"),
    ],
)
def test_uploads_are_checked_by_content(login_as, make_person, db, data, filename, message):
    person = make_person()
    response = upload(login_as("staff"), person.id, data, filename)
    assert response.status_code == 200 and shows(response, message)
    assert db.count(Document) == 0


def test_size_limit(app, login_as, make_person, db):
    person = make_person()
    app.config["DOCUMENT_MAX_BYTES"] = 1000
    try:
        response = upload(login_as("staff"), person.id, png_bytes(size=(400, 400)) + b"\0" * 2000)
    finally:
        app.config["DOCUMENT_MAX_BYTES"] = 10 * 1024 * 1024
    assert shows(response, "The file is larger than")
    assert db.count(Document) == 0


def test_privileged_documents_are_invisible_to_volunteers(login_as, make_user, make_person, db):
    volunteer = make_user("volunteer")
    person = make_person(assigned=[volunteer])
    staff = login_as("staff")
    upload(staff, person.id, pdf_bytes(), title="PRIVILEGED-MEMO-TITLE", privileged="y")
    upload(staff, person.id, png_bytes(), title="Support letter")
    secret = db.scalar(sa.select(Document).where(Document.privileged.is_(True)))
    vb = login_as(volunteer)
    page = text_of(vb.get(f"/people/{person.id}"))
    assert "Support letter" in page and "PRIVILEGED-MEMO-TITLE" not in page
    for url in (
        f"/people/{person.id}/documents/{secret.id}",
        f"/people/{person.id}/documents/{secret.id}/edit",
        f"/people/{person.id}/documents/{secret.id}/delete",
    ):
        assert vb.get(url).status_code == 404
    assert 'name="privileged"' not in text_of(vb.get(f"/people/{person.id}/documents/new"))


def test_edit_conflict_and_delete_removes_the_file(app, login_as, make_person, db):
    person = make_person()
    staff = login_as("staff")
    upload(staff, person.id, png_bytes())
    document = db.scalar(sa.select(Document))
    url = f"/people/{person.id}/documents/{document.id}"
    assert (
        staff.post(
            url + "/edit", {"title": "First", "kind": "other", "version": document.version}
        ).status_code
        == 302
    )
    response = staff.post(url + "/edit", {"title": "Second", "kind": "other", "version": document.version})
    assert shows(response, "Someone else changed this document")
    assert db.get(Document, document.id).title == "First"
    assert "Delete" in text_of(staff.get(url + "/delete"))
    assert staff.post(url + "/delete").status_code == 302
    assert db.count(Document) == 0
    assert not os.path.exists(os.path.join(app.instance_path, "documents", document.storage_name))


def test_a_stored_file_follows_the_fate_of_its_row(app, login_as, make_person, db, monkeypatch):
    """The request commits after the view: a failed commit removes the file just uploaded and keeps the
    file of a document whose deletion was not committed."""
    from casework import unit_of_work

    person = make_person()
    staff = login_as("staff")
    assert upload(staff, person.id, png_bytes(), title="Kept").status_code == 302
    kept = db.scalar(sa.select(Document))
    folder = os.path.join(app.instance_path, "documents")
    before = set(os.listdir(folder))

    def failing_commit():
        raise RuntimeError("the database went away")

    monkeypatch.setattr(unit_of_work, "_commit", failing_commit)
    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)  # answer 500, as in production
    assert upload(staff, person.id, png_bytes(), title="Lost").status_code == 500
    assert staff.post(f"/people/{person.id}/documents/{kept.id}/delete").status_code == 500
    assert set(os.listdir(folder)) == before and kept.storage_name in before
    assert [d.title for d in db.scalars(sa.select(Document))] == ["Kept"]

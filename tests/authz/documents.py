"""Routes of documents/ and packets/."""

from tests.authz.common import CASE_EDIT, CASE_VIEW
from tests.conftest import document_without_file

# Printing: the case's viewers, but volunteers only when their organization allows it (it does not here).
CASE_PRINT = dict(CASE_VIEW, volunteer_assigned=403)


def setup(db, users, ids):
    """A non-privileged document on the scenario's case (its file is missing: downloads answer 410)."""
    document = db.add(document_without_file(ids["person"], "Letter"))
    ids["document"] = document.id


ROUTES = {
    "documents.upload": ("GET", "/people/{person}/documents/new", CASE_EDIT),
    "documents.download": (
        "GET",
        "/people/{person}/documents/{document}",
        dict(CASE_VIEW, **{a: 410 for a, v in CASE_VIEW.items() if v == "ok"}),
    ),
    "documents.edit": ("GET", "/people/{person}/documents/{document}/edit", CASE_EDIT),
    "documents.delete": ("GET", "/people/{person}/documents/{document}/delete", CASE_EDIT),
    "packets.summary": ("GET", "/people/{person}/summary.pdf", CASE_PRINT),
    "packets.build": ("GET", "/people/{person}/packet", CASE_PRINT),
}

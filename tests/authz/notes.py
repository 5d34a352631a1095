"""Routes of case notes. Privileged notes do not exist (404) for volunteers; only authors edit a note;
authors, and the case's admins and staff, delete one."""

from casework.models import Note
from tests.authz.common import CASE_EDIT, OK, row

ROUTES = {
    "notes.create": ("GET", "/people/{person}/notes/new", CASE_EDIT),
    # a privileged note written by attorney_assigned
    "notes.edit": (
        "GET",
        "/people/{person}/notes/{privileged_note}/edit",
        row(
            admin=403,
            staff=403,
            volunteer=404,
            volunteer_assigned=404,
            attorney_assigned=OK,
            partner_shared=403,
            other_staff=404,
            other_admin=404,
        ),
    ),
    # an ordinary note written by staff
    "notes.delete": (
        "GET",
        "/people/{person}/notes/{note}/delete",
        row(
            admin=OK,
            staff=OK,
            volunteer=404,
            volunteer_assigned=403,
            attorney_assigned=403,
            partner_shared=403,
            other_staff=404,
            other_admin=404,
        ),
    ),
}


def setup(db, users, ids):
    """An ordinary note by staff and a privileged note by the assigned attorney."""
    note = db.add(Note(person_id=ids["person"], author_id=users["staff"].id, body="Called the family."))
    privileged = db.add(
        Note(
            person_id=ids["person"],
            author_id=users["attorney_assigned"].id,
            body="Strategy memo.",
            privileged=True,
        )
    )
    ids.update(note=note.id, privileged_note=privileged.id)

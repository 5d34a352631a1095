"""Routes of the contacts directory and of contacts on a case."""

from casework.models import CaseContact, Contact, ContactKind
from tests.authz.common import CASE_EDIT, row

# the directory of organization A: its admins and staff manage it, its volunteers and attorneys read it,
# and for organization B (partner_shared included) its entries do not exist
DIRECTORY_READ = row(partner_shared=404, other_staff=404, other_admin=404)
DIRECTORY_MANAGE = row(
    volunteer=403,
    volunteer_assigned=403,
    attorney_assigned=403,
    partner_shared=404,
    other_staff=404,
    other_admin=404,
)

ROUTES = {
    "contacts.index": ("GET", "/contacts", row()),  # everyone sees their own organization's directory
    # admins and staff of any organization add to their own directory (partner_shared is staff of B)
    "contacts.create": (
        "GET",
        "/contacts/new",
        row(volunteer=403, volunteer_assigned=403, attorney_assigned=403),
    ),
    "contacts.show": ("GET", "/contacts/{contact}", DIRECTORY_READ),
    "contacts.edit": ("GET", "/contacts/{contact}/edit", DIRECTORY_MANAGE),
    "contacts.delete": ("GET", "/contacts/{contact}/delete", DIRECTORY_MANAGE),
    "contacts.link": ("GET", "/people/{person}/contacts/link", CASE_EDIT),
    "contacts.create_for_case": ("GET", "/people/{person}/contacts/new", CASE_EDIT),
    "contacts.unlink": ("GET", "/people/{person}/contacts/{case_contact}/remove", CASE_EDIT),
}


def setup(db, users, ids):
    """A contact of organization A with a role on the scenario's case."""
    contact = db.add(
        Contact(
            org_id=ids["org"],
            name="Jordan Ellery",
            organization="Ellery Law",
            kind=ContactKind.IMMIGRATION_ATTORNEY,
        )
    )
    link = db.add(CaseContact(person_id=ids["person"], contact_id=contact.id, role="Immigration counsel"))
    ids.update(contact=contact.id, case_contact=link.id)

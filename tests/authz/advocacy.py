"""Routes of the advocacy log: organization A's admins and staff write it; volunteers and attorneys see the events
linked to their cases; a partner sees the events linked to the case shared with them; for everyone else an event
of A does not exist."""

from datetime import date

from casework.models import AdvocacyEvent, AdvocacyKind, advocacy_event_person
from tests.authz.common import row

# an event of organization A linked to the scenario's case
EVENT_VIEW = row(volunteer=404, other_staff=404, other_admin=404)
EVENT_WRITE = row(
    volunteer=404,
    volunteer_assigned=403,
    attorney_assigned=403,
    partner_shared=403,
    other_staff=404,
    other_admin=404,
)

ROUTES = {
    "advocacy.index": ("GET", "/advocacy", row()),  # everyone sees the log as far as their cases reach
    # admins and staff of any organization record events in their own organization's log
    "advocacy.create": (
        "GET",
        "/advocacy/new",
        row(volunteer=403, volunteer_assigned=403, attorney_assigned=403),
    ),
    "advocacy.show": ("GET", "/advocacy/{advocacy_event}", EVENT_VIEW),
    "advocacy.edit": ("GET", "/advocacy/{advocacy_event}/edit", EVENT_WRITE),
    "advocacy.delete": ("GET", "/advocacy/{advocacy_event}/delete", EVENT_WRITE),
    "advocacy.export_csv": ("GET", "/advocacy/export.csv", row(volunteer=403, volunteer_assigned=403)),
}


def setup(db, users, ids):
    """A statement in organization A's log, linked to the scenario's case."""
    event = db.add(
        AdvocacyEvent(
            org_id=ids["org"],
            kind=AdvocacyKind.STATEMENT,
            occurred_on=date(2025, 3, 14),
            title="State Senator's statement on detentions",
        )
    )
    db.execute(advocacy_event_person.insert().values(event_id=event.id, person_id=ids["person"]))
    ids.update(advocacy_event=event.id)

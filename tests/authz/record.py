"""Routes of the legal record: every page that changes something needs "edit" on the case."""

from datetime import date

from casework.models import CheckIn, Conviction, CustodyEvent, CustodyKind, TravelDocument
from tests.authz.common import CASE_EDIT

ROUTES = {
    "record.add_conviction": ("GET", "/people/{person}/convictions/new", CASE_EDIT),
    "record.edit_conviction": ("GET", "/people/{person}/convictions/{conviction}/edit", CASE_EDIT),
    "record.delete_conviction": ("GET", "/people/{person}/convictions/{conviction}/delete", CASE_EDIT),
    "record.edit_removal": ("GET", "/people/{person}/removal", CASE_EDIT),
    "record.add_custody_event": ("GET", "/people/{person}/custody/new", CASE_EDIT),
    "record.add_custody_period": ("GET", "/people/{person}/custody/period", CASE_EDIT),
    "record.void_custody_event": ("GET", "/people/{person}/custody/{custody_event}/void", CASE_EDIT),
    "record.add_check_in": ("GET", "/people/{person}/checkins/new", CASE_EDIT),
    "record.edit_check_in": ("GET", "/people/{person}/checkins/{check_in}/edit", CASE_EDIT),
    "record.delete_check_in": ("GET", "/people/{person}/checkins/{check_in}/delete", CASE_EDIT),
    "record.add_travel_document": ("GET", "/people/{person}/travel-documents/new", CASE_EDIT),
    "record.edit_travel_document": (
        "GET",
        "/people/{person}/travel-documents/{travel_document}/edit",
        CASE_EDIT,
    ),
    "record.delete_travel_document": (
        "GET",
        "/people/{person}/travel-documents/{travel_document}/delete",
        CASE_EDIT,
    ),
}


def setup(db, users, ids):
    """One row of each kind in the scenario's case."""
    person = ids["person"]
    ids["conviction"] = db.add(Conviction(person_id=person, offense="Unlawful possession of a firearm")).id
    ids["custody_event"] = db.add(
        CustodyEvent(person_id=person, kind=CustodyKind.ICE_ARREST, occurred_on=date(2024, 3, 2))
    ).id
    ids["check_in"] = db.add(CheckIn(person_id=person, scheduled_on=date(2030, 1, 15))).id
    ids["travel_document"] = db.add(TravelDocument(person_id=person, country="Cambodia")).id

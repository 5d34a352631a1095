"""Routes of the person's background: everyone who may edit the case may add, edit and delete its related
people, places lived, incarceration and rehabilitation (a link between two cases needs both: see
tests/test_background_relations.py)."""

from datetime import date

from casework.models import (
    Incarceration,
    PlaceKind,
    Rehabilitation,
    RehabilitationKind,
    Relation,
    RelationKind,
    Residence,
)
from casework.models.base import DatePrecision
from tests.authz.common import CASE_EDIT

ROUTES = {
    "background.link": ("GET", "/people/{person}/relations/link", CASE_EDIT),
    "background.add_relative": ("GET", "/people/{person}/relations/new", CASE_EDIT),
    "background.edit_relation": ("GET", "/people/{person}/relations/{relative}/edit", CASE_EDIT),
    "background.delete_relation": ("GET", "/people/{person}/relations/{relative}/delete", CASE_EDIT),
    "background.add_place": ("GET", "/people/{person}/places/new", CASE_EDIT),
    "background.edit_place": ("GET", "/people/{person}/places/{residence}/edit", CASE_EDIT),
    "background.delete_place": ("GET", "/people/{person}/places/{residence}/delete", CASE_EDIT),
    "background.add_incarceration": ("GET", "/people/{person}/incarceration/new", CASE_EDIT),
    "background.edit_incarceration": (
        "GET",
        "/people/{person}/incarceration/{incarceration}/edit",
        CASE_EDIT,
    ),
    "background.delete_incarceration": (
        "GET",
        "/people/{person}/incarceration/{incarceration}/delete",
        CASE_EDIT,
    ),
    "background.add_rehabilitation": ("GET", "/people/{person}/rehabilitation/new", CASE_EDIT),
    "background.edit_rehabilitation": (
        "GET",
        "/people/{person}/rehabilitation/{rehabilitation}/edit",
        CASE_EDIT,
    ),
    "background.delete_rehabilitation": (
        "GET",
        "/people/{person}/rehabilitation/{rehabilitation}/delete",
        CASE_EDIT,
    ),
}


def setup(db, users, ids):
    """A relative who is not a case, a refugee camp, a pretrial detention and a GED on the scenario's case."""
    person = ids["person"]
    relative = db.add(
        Relation(person_id=person, kind=RelationKind.SIBLING, related_name="Sokha Keo", faces_removal=True)
    )
    residence = db.add(
        Residence(
            person_id=person,
            kind=PlaceKind.REFUGEE_CAMP,
            place="Khao-I-Dang",
            country="Thailand",
            from_on=date(1981, 1, 1),
            from_precision=DatePrecision.YEAR,
        )
    )
    incarceration = db.add(Incarceration(person_id=person, facility="King County Jail", pretrial=True))
    rehabilitation = db.add(
        Rehabilitation(
            person_id=person, kind=RehabilitationKind.DIPLOMA, title="GED", during_incarceration=True
        )
    )
    ids.update(
        relative=relative.id,
        residence=residence.id,
        incarceration=incarceration.id,
        rehabilitation=rehabilitation.id,
    )

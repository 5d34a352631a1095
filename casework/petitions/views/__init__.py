"""Petitions on the case page, for signed-in staff: the person's public consent, hosted petitions (publish,
unpublish, close, deliver) and petitions tracked on outside platforms (counts over time).

Signers' data never appears on these pages: only counts. Names are decrypted for the delivery files
(CSV and PDF), which need "manage" and "export", and are audited. The request's unit of work commits once
when a view returns (casework.unit_of_work).

One blueprint, a module per subject: consent, page (a petition's page, and the life of any petition), hosted,
external (outside platforms and their counts), signatures, delivery, updates, outbox, translations (the
public title and story in other languages).
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Generic, TypeVar

from flask import Blueprint, abort, redirect, url_for
from flask_login import login_required
from werkzeug.wrappers import Response

from casework.models import Person, Petition, PetitionKind

bp = Blueprint("petitions", __name__)

T = TypeVar("T")

CASE = "/people/<int:person_id>/petitions"
PETITION = CASE + "/<int:petition_id>"


@bp.before_request
@login_required
def _signed_in():
    """Every page of this blueprint needs a signed-in user."""


def case_url(person: Person) -> str:
    """The petitions section of the case page."""
    return url_for("people.show", person_id=person.id) + "#petitions"


def petition_url(person: Person, petition: Petition, anchor: str = "") -> str:
    """The petition's page (at `anchor`)."""
    return url_for("petitions.show", person_id=person.id, petition_id=petition.id) + anchor


def to_case(person: Person) -> Response:
    """Back to the petitions section of the case page."""
    return redirect(case_url(person))


def to_petition(person: Person, petition: Petition, anchor: str = "") -> Response:
    """Back to the petition's page (at `anchor`)."""
    return redirect(petition_url(person, petition, anchor))


def require_kind(petition: Petition, kind: PetitionKind) -> None:
    """404 for a page that exists only for the other kind of petition."""
    if petition.kind != kind:
        abort(404)


class Loader(Generic[T]):
    """`load` for editing.edit_view: loads (case, petition[, item]) through access and returns the last one, the
    object whose version the edit tracks, keeping the case and the petition of the latest load for the page."""

    person: Person
    petition: Petition

    def __init__(self, load: Callable[[], tuple]) -> None:
        self._load = load

    def __call__(self) -> T:
        """Load again (edit_view reloads after a rollback): the edited object."""
        loaded = self._load()
        self.person, self.petition = loaded[0], loaded[1]
        return loaded[-1]


from casework.petitions.views import (  # noqa: E402,F401
    consent,
    delivery,
    external,
    hosted,
    outbox,
    page,
    signatures,
    translations,
    updates,
)

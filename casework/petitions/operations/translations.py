"""A hosted petition's title and story in other languages, written by staff for the public page.

A translation is public exactly when the petition's own story is (the petition is published), and shows
nothing of the person: the consented facts stay the petition's snapshot. Saves are versioned like the
petition's own (a save made from an older version is refused), and audited by field name.
"""

from __future__ import annotations

from casework import audit
from casework.editing import check_version, flush_versioned, versioned_update
from casework.errors import OperationError
from casework.extensions import db
from casework.i18n import gettext
from casework.models import Person, Petition, PetitionKind, PetitionTranslation, User
from casework.petitions.queries import translation_for

TRANSLATION_FIELDS = ("title", "story")


def save_translation(
    actor: User,
    person: Person,
    petition: Petition,
    translation: PetitionTranslation,
    data: dict,
    expected_version: int | None,
) -> list[str]:
    """Write a new translation or change one edited from `expected_version`; returns the changed fields."""
    if petition.kind != PetitionKind.HOSTED:
        raise OperationError(gettext("Only petitions hosted here have a public page to translate."))
    values = {name: data.get(name) for name in TRANSLATION_FIELDS}
    if translation.id is not None:
        translation.updated_by_id = actor.id
        return versioned_update(
            actor, translation, values, expected_version, action="petition.translation_updated", person=person
        )
    check_version(translation, expected_version, values)  # a form from before someone else wrote it first
    for name, value in values.items():
        setattr(translation, name, value)
    translation.version = 1
    translation.updated_by_id = actor.id
    db.session.add(translation)
    flush_versioned(values)  # two first saves at once: the unique (petition, language) refuses the second
    audit.record(actor, "petition.translation_created", translation, person=person, fields=list(values))
    return list(values)


def delete_translation(actor: User, person: Person, petition: Petition, locale: str) -> None:
    """Remove the petition's text in `locale`: the public page falls back to the petition's own."""
    translation = translation_for(petition, locale)
    if translation.id is None:
        raise OperationError(gettext("There is no translation in this language to remove."))
    audit.record(actor, "petition.translation_deleted", translation, person=person, detail=locale)
    db.session.delete(translation)
    db.session.flush()

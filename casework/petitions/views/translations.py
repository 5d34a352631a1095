"""A hosted petition's title and story in other languages: which exist, and writing each (staff only)."""

from __future__ import annotations

from flask import abort, flash, redirect, render_template, url_for
from flask_login import current_user

from casework import access, editing
from casework.forms import ConfirmForm
from casework.i18n import ENGLISH_NAMES, PUBLIC_LANGUAGES, gettext, language_name
from casework.models import PetitionKind, PetitionTranslation
from casework.petitions import operations, queries
from casework.petitions.forms import TranslationForm
from casework.petitions.views import PETITION, Loader, bp, require_kind

# The languages a petition's text can be written in besides its own (English).
TRANSLATABLE = tuple(code for code in PUBLIC_LANGUAGES if code != "en")


def _load(person_id: int, petition_id: int, locale: str | None = None):
    """The case and hosted petition (the petition's stewards only), and the translation into `locale`."""
    if locale is not None and locale not in TRANSLATABLE:
        abort(404)
    person, petition = access.get_petition_or_404(petition_id, person_id, need="steward")
    require_kind(petition, PetitionKind.HOSTED)
    if locale is None:
        return person, petition
    return person, petition, queries.translation_for(petition, locale)


def _names(locale: str) -> dict:
    return {"locale": locale, "english_name": ENGLISH_NAMES[locale], "own_name": language_name(locale)}


@bp.get(PETITION + "/translations")
def translations(person_id: int, petition_id: int):
    """Each language of the public page: whether the title and story are written in it, and links to write."""
    person, petition = _load(person_id, petition_id)
    written = queries.translations_of(petition)
    languages = [{**_names(code), "translation": written.get(code)} for code in TRANSLATABLE]
    return render_template(
        "petitions/translations.html",
        person=person,
        petition=petition,
        languages=languages,
        confirm_form=ConfirmForm(),
    )


@bp.route(PETITION + "/translations/<locale>", methods=["GET", "POST"])
def translation(person_id: int, petition_id: int, locale: str):
    """Write or change the title and story in one language; a save from an outdated version is refused."""
    load: Loader[PetitionTranslation] = Loader(lambda: _load(person_id, petition_id, locale))
    return editing.edit_view(
        load=load,
        make_form=lambda found: TranslationForm(obj=found),
        save=lambda found, form: operations.save_translation(
            current_user, load.person, load.petition, found, form.data, form.version.data
        ),
        render=lambda found, form, conflict: render_template(
            "petitions/translation_form.html",
            person=load.person,
            petition=load.petition,
            form=form,
            conflict=conflict,
            **_names(locale),
        ),
        saved_url=lambda found: url_for(
            "petitions.translations", person_id=person_id, petition_id=petition_id
        ),
        what="translation",
    )


@bp.post(PETITION + "/translations/<locale>/delete")
def delete_translation(person_id: int, petition_id: int, locale: str):
    """Remove one language's text: the public page falls back to the petition's own, and says so."""
    person, petition, _found = _load(person_id, petition_id, locale)
    editing.require_confirmation()
    if editing.attempt(lambda: operations.delete_translation(current_user, person, petition, locale)):
        flash(gettext("The %(language)s version was removed.", language=ENGLISH_NAMES[locale]), "success")
    return redirect(url_for("petitions.translations", person_id=person.id, petition_id=petition.id))

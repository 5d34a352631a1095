"""Languages: Flask-Babel, the locale of each request, and the language links of the public pages.

The public pages (blueprint `public`) speak English, Khmer, Vietnamese and Lao. A visitor's explicit choice
is a plain link, `?lang=km`, and every link and form of the public pages carries it on (the public pages set
no cookie and keep no session, so the choice travels in the address, never in a cookie); without a choice,
the browser's `Accept-Language` picks the best match, else English. The staff pages ship English: their
strings are marked for translation and the selector reads a signed-in user's `locale` from the session once
STAFF_LANGUAGES lists more than English.

Catalogs live in casework/translations/<locale>/LC_MESSAGES/messages.po with the compiled .mo committed
beside them (a clean checkout runs without a build step); README "Languages" gives the commands that extract
the .pot, update the catalogs and compile them.
"""

from __future__ import annotations

import functools
from pathlib import Path
from typing import Any

from babel import support
from flask import Flask, Request, current_app, has_request_context, request, session
from flask.globals import _cv_app, _cv_request
from flask_babel import Babel, Domain, force_locale, get_locale, gettext, ngettext
from flask_babel.speaklater import LazyString
from markupsafe import escape
from werkzeug.datastructures import LanguageAccept
from werkzeug.exceptions import HTTPException
from werkzeug.http import parse_accept_header

__all__ = [
    "N_",
    "_l",
    "LANGUAGES",
    "PUBLIC_LANGUAGES",
    "force_locale",
    "gettext",
    "lazy_gettext",
    "ngettext",
    "current_locale",
    "language_name",
]


class _LazyText(LazyString):
    """A message translated when it is used, escaped like any other text in a template (Flask-Babel's own
    lazy string passes itself to Jinja as markup, unescaped)."""

    def __html__(self) -> str:
        return str(escape(str(self)))


def lazy_gettext(string: str, **variables: Any) -> Any:
    """gettext, deferred until the text is shown (form labels and messages defined at import time)."""
    return _LazyText(gettext, string, **variables)


_l = lazy_gettext  # the short name forms use for labels and messages defined at import time


# Every language the application has a catalog for: code -> the language's own name (what a link shows).
LANGUAGES: dict[str, str] = {"en": "English", "km": "ខ្មែរ", "vi": "Tiếng Việt", "lo": "ລາວ"}
# English names, for the staff's translation form and for the public page's fallback note (translated there).
ENGLISH_NAMES = {
    "en": lazy_gettext("English"),
    "km": lazy_gettext("Khmer"),
    "vi": lazy_gettext("Vietnamese"),
    "lo": lazy_gettext("Lao"),
}
PUBLIC_LANGUAGES: tuple[str, ...] = ("en", "km", "vi", "lo")
DEFAULT_LOCALE = "en"
PUBLIC_BLUEPRINT = "public"

babel = Babel()


def N_(message: str) -> str:
    """Mark a message for extraction where it is defined; it is translated (gettext) where it is used."""
    return message


def language_name(code: str) -> str:
    """The language's own name ("ខ្មែរ" for km); the code itself for an unknown one."""
    return LANGUAGES.get(code, code)


def requested_endpoint(app: Flask, request: Request) -> str | None:
    """The endpoint of the request's address, matched before Flask matches it (the session opens first);
    None for no such page (404, 405) or a redirect to add a slash."""
    context = _cv_request.get(None)
    if context is not None and context.request is request and context.url_adapter is not None:
        # The request's own match, which Flask then keeps (casework.unit_of_work.MatchedOnceRequestContext).
        context.match_request()
        return request.url_rule.endpoint if request.url_rule is not None else None
    try:
        rule, _ = app.create_url_adapter(request).match(return_rule=True)  # type: ignore[union-attr]
    except HTTPException:
        return None
    return rule.endpoint


def is_public_endpoint(endpoint: str | None) -> bool:
    """Whether an endpoint is a public page's (blueprint `public`: the petition pages, open to anyone, which
    keep no session): a staff member's session cookie sent to one is neither read nor refreshed
    (casework.sessions)."""
    return endpoint is not None and endpoint.partition(".")[0] == PUBLIC_BLUEPRINT


def chosen_public_locale() -> str | None:
    """The language picked by a link on the public pages (`?lang=`), when it is one they speak."""
    choice = request.args.get("lang", "")
    return choice if choice in PUBLIC_LANGUAGES else None


def lang_args() -> dict[str, Any]:
    """`lang=` for a public link when the visitor picked a language by a link (else nothing: their browser's
    Accept-Language keeps choosing)."""
    chosen = chosen_public_locale() if has_request_context() else None
    return {"lang": chosen} if chosen else {}


@functools.lru_cache(maxsize=256)
def _best_public_match(accept_language: str) -> str:
    """The public language an Accept-Language header prefers, else English. Kept by the header's text: browsers
    send few distinct ones, and the public pages answered each request by parsing it again (a header no longer
    kept is simply parsed again)."""
    accepted = parse_accept_header(accept_language, LanguageAccept)
    return accepted.best_match(PUBLIC_LANGUAGES) or DEFAULT_LOCALE


def staff_languages() -> tuple[str, ...]:
    """STAFF_LANGUAGES as a tuple of known codes (a comma-separated string is accepted); English at least."""
    configured = current_app.config.get("STAFF_LANGUAGES") or ()
    if isinstance(configured, str):
        configured = configured.split(",")
    codes = tuple(code.strip() for code in configured if code.strip() in LANGUAGES)
    return codes or (DEFAULT_LOCALE,)


def select_locale() -> str:
    """The locale of this request: public pages by choice then Accept-Language; staff pages English unless
    more staff languages are configured (then the signed-in user's choice kept in the session)."""
    if not has_request_context():
        return DEFAULT_LOCALE
    if request.blueprint == PUBLIC_BLUEPRINT:
        return chosen_public_locale() or _best_public_match(request.headers.get("Accept-Language", ""))
    staff = staff_languages()
    if len(staff) > 1:
        chosen = session.get("locale")
        if chosen in staff:
            return str(chosen)
        return request.accept_languages.best_match(staff) or staff[0]
    return staff[0]


TRANSLATIONS_DIR = Path(__file__).resolve().parent / "translations"


@functools.lru_cache(maxsize=8)
def catalog_for(locale: str) -> support.NullTranslations:
    """The compiled catalog of `locale` (English: none, the messages as written), for renderings outside a
    request such as the PDF child process."""
    return support.Translations.load(str(TRANSLATIONS_DIR), [locale])


class RequestDomain(Domain):
    """Flask-Babel's message domain, keeping the catalog in Flask-Babel's own state of the application context
    while the locale stays the same object. Flask-Babel finds the catalog again for every message (its state
    read through `g` six times, the locale's name built), which made each translated word on a page cost as
    much as rendering a whole table cell. `force_locale` sets another locale object (and puts the first
    back), so a message inside it gets that locale's catalog."""

    def get_translations(self):
        """The catalog of the context's locale."""
        context = _cv_app.get(None)
        state = getattr(context.g, "_flask_babel", None) if context is not None else None
        kept = getattr(state, "casework_catalog", None)
        if kept is not None and kept[0] is getattr(state, "babel_locale", None):
            return kept[1]
        catalog = super().get_translations()
        state = getattr(context.g, "_flask_babel", None) if context is not None else None
        locale = getattr(state, "babel_locale", None)
        if locale is not None:  # Flask-Babel chose the locale and keeps it there: keep the catalog with it
            state.casework_catalog = (locale, catalog)
        return catalog


def _catalog() -> support.NullTranslations:
    return babel.domain_instance.get_translations()


def current_locale() -> str:
    """The language code of the request ("km"), as `<html lang>` and stored choices want it."""
    return str(get_locale() or DEFAULT_LOCALE)


def init_app(app: Flask) -> None:
    """Flask-Babel with the package's catalogs, and `current_locale` for every template."""
    app.config.setdefault("BABEL_DEFAULT_LOCALE", DEFAULT_LOCALE)
    app.config.setdefault("BABEL_TRANSLATION_DIRECTORIES", "translations")
    babel.init_app(app, locale_selector=select_locale)
    babel.domain_instance = RequestDomain()  # in place of Flask-Babel's own (a cached property)
    # Templates ask the kept catalog directly, and `_` is `gettext` itself rather than an alias looked up again.
    app.jinja_env.install_gettext_callables(  # type: ignore[attr-defined]
        gettext=lambda s: _catalog().ugettext(s),
        ngettext=lambda s, p, n: _catalog().ungettext(s, p, n),
        newstyle=True,
        pgettext=lambda c, s: _catalog().upgettext(c, s),
        npgettext=lambda c, s, p, n: _catalog().unpgettext(c, s, p, n),
    )
    app.jinja_env.globals["_"] = app.jinja_env.globals["gettext"]
    app.jinja_env.globals["current_locale"] = current_locale
    app.jinja_env.globals["language_name"] = language_name
    app.jinja_env.globals["public_languages"] = PUBLIC_LANGUAGES
    app.jinja_env.globals["lang_args"] = lang_args

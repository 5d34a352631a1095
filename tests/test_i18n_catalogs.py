"""The message catalogs: the .pot is what the code and templates say now, every message the public side shows
is translated in Khmer, Vietnamese and Lao (with the placeholders kept), the compiled .mo files match their
.po, and each catalog says it awaits a native speaker's review."""

from __future__ import annotations

import ast
import re
import subprocess
import sys
from pathlib import Path

import pytest
from babel.messages.extract import extract_from_file
from babel.messages.mofile import read_mo
from babel.messages.pofile import read_po

ROOT = Path(__file__).resolve().parent.parent
TRANSLATIONS = ROOT / "casework" / "translations"
LOCALES = ("km", "vi", "lo")
KEYWORDS = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None, "N_": None}
# Everything a visitor or a signer reads: the public templates, and the Python behind them.
PUBLIC_TEMPLATES = sorted((ROOT / "templates" / "public").glob("*.html"))
# module -> the top-level names whose messages reach the public (None: the whole module)
PUBLIC_PYTHON = {
    "casework/petitions/public.py": None,
    "casework/petitions/signing.py": None,
    "casework/i18n.py": None,
    "casework/petitions/signature_forms.py": ("SIGNER_NAME_LENGTH", "SignForm"),
    "casework/petitions/operations/signatures.py": ("UPDATE_FOOTER",),
}
PLACEHOLDER = re.compile(r"%\([a-z_]+\)[sd]|<[^>]+>")


def catalog(locale: str):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po", "rb") as f:
        return read_po(f, locale=locale)


def public_msgids() -> set:
    found = set()
    for path in PUBLIC_TEMPLATES:
        found.update(_extract(path, "jinja2"))
    for name, parts in PUBLIC_PYTHON.items():
        path = ROOT / name
        found.update(_extract(path, "python", _lines_of(path, parts) if parts else None))
    return found


def _lines_of(path: Path, names) -> set[int]:
    """The lines of the module's top-level classes, functions and assignments named `names`."""
    lines: set[int] = set()
    for node in ast.parse(path.read_text()).body:
        targets = [t.id for t in getattr(node, "targets", []) if isinstance(t, ast.Name)]
        if getattr(node, "name", None) in names or set(targets) & set(names):
            lines.update(range(node.lineno, node.end_lineno + 1))
    assert lines, f"{names} not found in {path}"
    return lines


def _extract(path: Path, method: str, lines: set[int] | None = None):
    options = {"extensions": "jinja2.ext.do"} if method == "jinja2" else {}
    for line, message, _comments, _context in extract_from_file(method, str(path), KEYWORDS, options=options):
        if message and (lines is None or line in lines):
            yield message if isinstance(message, str) else tuple(message[:2])


def test_the_public_side_uses_enough_messages_to_mean_something():
    ids = public_msgids()
    assert len(ids) > 60
    assert ("<strong>%(num)s</strong> has signed.", "<strong>%(num)s</strong> have signed.") in ids
    assert "Your name" in ids and "Sign" in ids and "Confirm your signature: %(title)s" in ids


@pytest.mark.parametrize("locale", LOCALES)
def test_every_public_message_is_translated_with_its_placeholders(locale):
    messages = {m.id: m for m in catalog(locale) if m.id}
    for msgid in public_msgids():
        message = messages.get(msgid)
        assert message is not None, f"{locale}: {msgid!r} is not in the catalog (run scripts/translations)"
        strings = message.string if isinstance(message.string, tuple) else (message.string,)
        assert all(s and s.strip() for s in strings), f"{locale}: {msgid!r} has no translation"
        assert "fuzzy" not in message.flags, f"{locale}: {msgid!r} is marked fuzzy"
        source = msgid[-1] if isinstance(msgid, tuple) else msgid
        for translated in strings:
            assert sorted(PLACEHOLDER.findall(translated)) == sorted(PLACEHOLDER.findall(source)), (
                locale,
                msgid,
            )


@pytest.mark.parametrize("locale", LOCALES)
def test_each_catalog_awaits_a_native_speakers_review(locale):
    text = (TRANSLATIONS / locale / "LC_MESSAGES" / "messages.po").read_text(encoding="utf-8")
    assert text.splitlines()[0].endswith(
        "Machine-assisted first translation — needs review by a native speaker."
    )
    assert '"X-Review-Status: needs native-speaker review\\n"' in text
    assert f'"Language: {locale}\\n"' in text and '"Plural-Forms: nplurals=1; plural=0;\\n"' in text


@pytest.mark.parametrize("locale", LOCALES)
def test_every_plural_message_is_translated(locale):
    """Babel compiles an untranslated plural as the English singular alone: "2 page" in a one-form language."""
    for message in catalog(locale):
        if isinstance(message.id, tuple):
            assert all(message.string), f"{locale}: {message.id!r} needs a translation"


@pytest.mark.parametrize("locale", LOCALES)
def test_the_compiled_catalog_matches_its_source(locale):
    with open(TRANSLATIONS / locale / "LC_MESSAGES" / "messages.mo", "rb") as f:
        compiled = {_key(m.id): _key(m.string) for m in read_mo(f) if m.id}
    source = {_key(m.id): _key(m.string) for m in catalog(locale) if m.id and m.string and any(m.string)}
    assert compiled == source, f"{locale}: run scripts/translations compile"


def _key(value):
    return tuple(value) if isinstance(value, list | tuple) else value


def test_the_pot_is_up_to_date_with_the_code(tmp_path):
    fresh = tmp_path / "messages.pot"
    subprocess.run(
        [sys.executable, "-m", "babel.messages.frontend", "-q", "extract", "-F", "babel.cfg", "-k", "_l",
         "-k", "lazy_gettext", "--no-location", "--omit-header", "-o", str(fresh), "."],
        cwd=ROOT,
        check=True,
    )  # fmt: skip
    with open(fresh, "rb") as f:
        now = {_key(m.id) for m in read_po(f) if m.id}
    with open(TRANSLATIONS / "messages.pot", "rb") as f:
        committed = {_key(m.id) for m in read_po(f) if m.id}
    assert now - committed == set(), "messages missing from the .pot: run scripts/translations"
    assert committed - now == set(), (
        "the .pot holds messages the code no longer has: run scripts/translations"
    )
    for locale in LOCALES:
        assert {_key(m.id) for m in catalog(locale) if m.id} == now, f"{locale}: run scripts/translations"


@pytest.mark.parametrize(
    "locale, expected", [("km", "ចុះហត្ថលេខា · 2 ទំព័រ"), ("lo", "ລົງລາຍເຊັນ · 2 ໜ້າ"), ("en", "Sign · 2 pages")]
)
def test_pdf_templates_render_in_the_requests_language(tmp_path, locale, expected):
    from casework import pdf

    (tmp_path / "pdf").mkdir()
    (tmp_path / "pdf" / "probe.html").write_text(
        "<html lang=\"{{ locale }}\">{{ _('Sign') }} · {{ ngettext('%(num)d page', '%(num)d pages', 2) }}</html>"
    )
    job = pdf._Job(template="pdf/probe.html", search_path=[str(tmp_path)], locale=locale)
    assert pdf._template_html(job) == f'<html lang="{locale}">{expected}</html>'

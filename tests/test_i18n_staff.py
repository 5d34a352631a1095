"""The staff side is ready for a second language: every visible text of the staff templates (text nodes and the
aria-label, title, placeholder, alt and data-label attributes) is marked for translation, every enum label of
the models reaches the catalog, and the labels and staff e-mails follow the catalog of the request."""

from __future__ import annotations

import importlib
import pkgutil
import re
from pathlib import Path

import pytest
from babel.messages.pofile import read_po
from babel.support import Translations
from flask_babel import Domain

import casework.models
from casework.models.base import LabelledEnum
from casework.models.enum_labels import LABELS

ROOT = Path(__file__).resolve().parent.parent
TEMPLATES = ROOT / "templates"
# Every template: staff pages, the public pages and the PDFs (their sections' inline words included).
STAFF_TEMPLATES = sorted(TEMPLATES.rglob("*.html"))
SEGMENT = re.compile(r"(\{\{.*?\}\}|\{%.*?%\}|\{#.*?#\})", re.S)
VISIBLE_ATTRIBUTES = {"aria-label", "title", "placeholder", "alt", "data-label", "aria-description"}
ENTITY = re.compile(r"&#?\w+;")
LETTER = re.compile(r"[^\W\d_]")
ATTRIBUTE_OPEN = re.compile(r"([\w:-]+)\s*=\s*([\"'])")


def unmarked_texts(source: str) -> list[str]:
    """The visible texts of a template left outside `_()` and `{% trans %}`: text between tags and the values of
    the visible attributes, with letters in them (entities and punctuation are fine)."""
    found: list[str] = []
    state, quote, attribute, raw_tag, in_trans = "text", "", "", "", 0

    def keep(text: str) -> None:
        # text right inside <code> is a value or a command, kept as it is (a CSV column, a CLI line)
        visible = (state == "text" and raw_tag != "code") or attribute in VISIBLE_ATTRIBUTES
        if visible and not in_trans and LETTER.search(ENTITY.sub("", text)):
            found.append(text.strip())

    for index, segment in enumerate(SEGMENT.split(source)):
        if index % 2:
            words = segment[2:-2].strip("-+ \n").split(None, 1)
            if segment.startswith("{%") and words:
                in_trans += {"trans": 1, "endtrans": -1}.get(words[0], 0)
            continue
        i, buffer = 0, ""
        while i < len(segment):
            char = segment[i]
            if state == "text":
                if char == "<":
                    keep(buffer)
                    buffer = ""
                    if segment.startswith("<!--", i):
                        state, i = "comment", i + 4
                        continue
                    name = re.match(r"<([A-Za-z0-9-]*)", segment[i:])
                    raw_tag = (name.group(1) if name else "").lower()
                    state = "tag"
                else:
                    buffer += char
                i += 1
            elif state == "comment":
                end = segment.find("-->", i)
                state, i = ("text", end + 3) if end >= 0 else ("comment", len(segment))
            elif state == "raw":
                end = segment.lower().find("</" + raw_tag, i)
                state, i = ("text", end) if end >= 0 else ("raw", len(segment))
            elif state == "tag":
                opened = ATTRIBUTE_OPEN.match(segment, i)
                if opened:
                    attribute, quote, state, i = (
                        opened.group(1).lower(),
                        opened.group(2),
                        "attribute",
                        opened.end(),
                    )
                    continue
                if char == ">":
                    state = "raw" if raw_tag in ("script", "style") else "text"
                i += 1
            else:  # inside a quoted attribute value
                if char == quote:
                    keep(buffer)
                    buffer, state = "", "tag"
                else:
                    buffer += char
                i += 1
        if state in ("text", "attribute"):
            keep(buffer)
    return found


def test_the_check_finds_unmarked_text_and_accepts_marked_text():
    assert unmarked_texts('<p class="muted">Hello {{ name }}</p>') == ["Hello"]
    assert unmarked_texts('<a aria-label="Remove {{ x }}" href="/y">{{ _("Remove") }}</a>') == ["Remove"]
    assert unmarked_texts('<td data-label="Name">x</td>') == ["Name", "x"]
    assert unmarked_texts("<p>{{ _('Run') }} <code>flask run</code> {{ _('now') }}</p>") == []
    marked = (
        '<p class="big">{{ _("Hello") }} &middot; {% trans n=name %}Hi {{ n }}{% endtrans %}</p>'
        '<a title="{{ _(\'Open\') }}" href="/a">→</a><script>let a = "b";</script><!-- note -->'
    )
    assert unmarked_texts(marked) == []


@pytest.mark.parametrize("path", STAFF_TEMPLATES, ids=lambda p: str(p.relative_to(TEMPLATES)))
def test_every_visible_text_of_the_staff_templates_is_marked(path):
    assert unmarked_texts(path.read_text(encoding="utf-8")) == []


def enum_classes() -> list[type[LabelledEnum]]:
    for module in pkgutil.iter_modules(casework.models.__path__):
        importlib.import_module(f"casework.models.{module.name}")

    def below(cls: type) -> list[type]:
        return [c for sub in cls.__subclasses__() for c in (sub, *below(sub))]

    return [c for c in below(LabelledEnum) if c.__module__.startswith("casework.models")]


def test_every_enum_label_is_listed_for_the_catalog():
    labels = {member.english_label for cls in enum_classes() for member in cls}
    assert len(labels) > 100
    assert labels == set(LABELS), "update casework/models/enum_labels.py"


def test_the_pot_holds_the_enum_labels_and_the_staff_emails():
    with open(ROOT / "casework" / "translations" / "messages.pot", "rb") as f:
        ids = {m.id if isinstance(m.id, str) else m.id[0] for m in read_po(f) if m.id}
    assert set(LABELS) <= ids
    assert "Choose a new Casework password" in ids
    assert "Casework: %(subject)s" in ids
    assert "Name" in ids and "Sections of the case" in ids


class Marked(Translations):
    """A fake catalog: every message comes back in brackets."""

    def ugettext(self, message):
        return f"[{message}]"

    def ungettext(self, singular, plural, n):
        return f"[{singular if n == 1 else plural}]"

    gettext, ngettext = ugettext, ungettext


@pytest.fixture
def marked(monkeypatch):
    monkeypatch.setattr(Domain, "get_translations", lambda self: Marked())


def test_enum_labels_follow_the_catalog(app, marked):
    from casework.models import CaseStatus

    with app.test_request_context("/"):
        member = next(iter(CaseStatus))
        assert member.label == f"[{member.english_label}]"
        assert dict(CaseStatus.choices())[member.value] == member.label


def test_a_staff_page_shows_the_catalogs_text(app, login_as, marked):
    client = login_as("staff")
    page = client.get("/people").get_data(as_text=True)
    assert "[People]" in page or "[Name]" in page
    text = re.sub(r"<[^>]+>", "\n", re.sub(r"<(script|style)\b.*?</\1>", "", page, flags=re.S))
    lines = [ENTITY.sub("", line).strip() for line in text.splitlines()]
    bare = [line for line in lines if LETTER.search(line) and "[" not in line]
    # what is left unbracketed is data (the signed-in user's name), never interface text
    assert all(len(line.split()) <= 3 for line in bare), bare


def test_the_security_notice_follows_the_catalog(app, marked, make_user, monkeypatch):
    from casework.accounts import notices
    from casework.petitions import mail

    sent = []
    monkeypatch.setattr(mail, "queue", lambda to, subject, body, **kw: sent.append((subject, body)))
    with app.test_request_context("/"):
        notices.password_changed(make_user("staff"))
    subject, body = sent[0]
    assert subject == "[Casework: [password changed]]"
    assert body.startswith("[Hello ") and "[Your password was changed for your account." in body

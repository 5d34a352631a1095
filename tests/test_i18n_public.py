"""The public petition pages in English, Khmer, Vietnamese and Lao: the language chosen by the browser or by a
link, the page's `lang`, the signer's e-mails in the signer's language, the petition's own translations with
the fallback note, and the fonts served from the application's own files."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from casework.models import OutboxEmail, PetitionTranslation, Signature
from tests.conftest import text_of
from tests.test_petitions_delivery import sign_and_confirm
from tests.test_petitions_hosted import make_published
from tests.test_petitions_public import SLUG, confirmation_links, sign

KHMER = re.compile(r"[\u1780-\u17FF]")
LAO = re.compile(r"[\u0E80-\u0EFF]")
# Letters only Vietnamese uses among the four languages (ă, ơ, ư, đ and the stacked tone marks).
VIETNAMESE = re.compile(r"[ăâđêôơưĂÂĐÊÔƠƯạảấầẩẫậắằẳẵặẹẻẽếềểễệỉịọỏốồổỗộớờởỡợụủứừửữựỳỵỷỹ]")
SCRIPTS = {"km": KHMER, "lo": LAO, "vi": VIETNAMESE}


@pytest.fixture
def published(login_as, make_person, db):
    return make_published(login_as, make_person, db)


def parts(html: str) -> dict[str, str]:
    """The interface text a visitor reads first: the count line, the form's labels and the button."""
    count = re.search(r'<p id="count" class="public-count">(.*?)</p>', html, re.S)
    labels = re.findall(
        r'<label for="(?:name|email|zip_code|comment|show_name|send_updates)">(.*?)</label>', html
    )
    button = re.search(r'<button type="submit" class="button primary public-submit">(.*?)</button>', html)
    assert count and button and len(labels) == 6, html[:500]
    return {"count": count.group(1), "labels": " ".join(labels), "button": button.group(1)}


def lang_of(html: str) -> str:
    return re.search(r'<html lang="([^"]+)">', html).group(1)


@pytest.mark.parametrize("locale", ["km", "vi", "lo"])
def test_accept_language_chooses_the_language_of_the_page(published, browser, locale):
    html = text_of(browser.get(f"/p/{SLUG}", headers={"Accept-Language": f"{locale},en;q=0.5"}))
    assert lang_of(html) == locale
    script = SCRIPTS[locale]
    for name, text in parts(html).items():
        assert script.search(re.sub(r"<[^>]+>", "", text)), (locale, name, text)
    assert "have signed" not in html and ">Sign<" not in html
    assert "15" in parts(html)["count"]  # the goal, formatted for the language


def test_english_without_a_known_language_and_the_count_line_has_plural_forms(published, browser, app, db):
    html = text_of(browser.get(f"/p/{SLUG}", headers={"Accept-Language": "fr-FR,fr;q=0.9"}))
    assert lang_of(html) == "en"
    assert parts(html)["count"] == "<strong>0</strong> have signed. Let’s get to 15,000!"
    assert "Your name" in parts(html)["labels"] and parts(html)["button"] == "Sign"
    sign_and_confirm(browser, app, db)
    assert parts(text_of(browser.get(f"/p/{SLUG}")))["count"].startswith("<strong>1</strong> has signed.")


def test_the_language_links_switch_the_page_and_travel_with_it(published, browser):
    html = text_of(browser.get(f"/p/{SLUG}?lang=vi", headers={"Accept-Language": "km"}))
    assert lang_of(html) == "vi" and VIETNAMESE.search(parts(html)["button"])
    links = dict(re.findall(r'<a href="/p/let-sokha-stay\?lang=(\w+)" hreflang="(\w+)" lang="\2"', html))
    assert set(links) == {"en", "km", "vi", "lo"} and all(k == v for k, v in links.items())
    assert 'hreflang="vi" lang="vi" aria-current="true"' in html
    assert 'action="/p/let-sokha-stay/sign?lang=vi"' in html  # the choice carries on to the next page
    lao = text_of(browser.get(f"/p/{SLUG}?lang=lo", headers={"Accept-Language": "vi"}))
    assert lang_of(lao) == "lo" and LAO.search(parts(lao)["labels"])
    english = text_of(browser.get(f"/p/{SLUG}?lang=en", headers={"Accept-Language": "km"}))
    assert lang_of(english) == "en" and parts(english)["button"] == "Sign"
    unknown = browser.get(f"/p/{SLUG}?lang=xx", headers={"Accept-Language": "lo"})
    assert unknown.status_code == 200 and lang_of(text_of(unknown)) == "lo"
    response = sign(browser, f"{SLUG}")
    assert response.status_code == 303 and "Set-Cookie" not in response.headers  # still no cookie


def test_errors_thanks_and_gone_pages_follow_the_language(published, browser, db):
    bad = browser.post(
        f"/p/{SLUG}/sign?lang=km",
        data={"name": "", "email": "nope"},
        environ_base={"REMOTE_ADDR": "198.51.100.3"},
    )
    html = text_of(bad)
    assert bad.status_code == 200 and lang_of(html) == "km"
    errors = re.findall(r'<ul class="errors" id="\w+-error">\s*<li>(.*?)</li>', html)
    assert len(errors) == 2 and all(KHMER.search(e) for e in errors), errors
    done = browser.post(
        f"/p/{SLUG}/sign?lang=lo",
        data={"name": "Noy Phommachanh", "email": "noy@example.org"},
        environ_base={"REMOTE_ADDR": "198.51.100.4"},
    )
    assert done.headers["Location"] == f"/p/{SLUG}/thanks?lang=lo"
    thanks = text_of(browser.get(done.headers["Location"]))
    assert lang_of(thanks) == "lo" and LAO.search(re.search(r"<h1>(.*?)</h1>", thanks).group(1))
    missing = browser.get("/p/no-such-petition", headers={"Accept-Language": "vi"})
    assert missing.status_code == 404 and VIETNAMESE.search(
        re.search(r"<h1>(.*?)</h1>", text_of(missing)).group(1)
    )


@pytest.mark.parametrize("locale", ["km", "vi", "lo"])
def test_the_confirmation_email_is_in_the_signers_language(published, browser, app, db, locale):
    response = browser.post(
        f"/p/{SLUG}/sign",
        data={"name": "Dara Keo", "email": "dara@example.org"},
        headers={"Accept-Language": locale},
        environ_base={"REMOTE_ADDR": "198.51.100.5"},
    )
    assert response.status_code == 303
    assert db.scalar(sa.select(Signature.locale)) == locale
    message = db.scalar(sa.select(OutboxEmail).where(OutboxEmail.purpose == "signature_confirmation"))
    script = SCRIPTS[locale]
    assert script.search(message.subject) and "Let Sokha stay home" in message.subject
    assert script.search(message.body) and "Thank you for signing" not in message.body
    [link] = confirmation_links(app, db)
    assert link.endswith(f"?lang={locale}")
    landing = text_of(browser.get(link))  # the link opens the page in the same language, whatever the browser
    assert lang_of(landing) == locale and script.search(
        re.search(r"<button[^>]*>(.*?)</button>", landing).group(1)
    )
    confirmed = text_of(browser.post(link))
    assert lang_of(confirmed) == locale and script.search(re.search(r"<h1>(.*?)</h1>", confirmed).group(1))


def test_an_english_signer_gets_english_mail_and_an_unchanged_link(published, browser, app, db):
    sign(browser)
    message = db.scalar(sa.select(OutboxEmail))
    assert message.subject == "Confirm your signature: Let Sokha stay home"
    assert f"Open this link within {app.config['PETITION_CONFIRM_HOURS']} hours:" in message.body
    assert "?lang=" not in confirmation_links(app, db)[0]
    assert db.scalar(sa.select(Signature.locale)) == "en"


def test_updates_end_with_the_footer_in_each_signers_language(published, browser, app, db):
    staff, person, petition = published
    sign_and_confirm(browser, app, db, name="Ada Wants", email="ada@example.org", send_updates="y")
    browser.post(
        f"/p/{SLUG}/sign",
        data={"name": "Sokunthea Chan", "email": "thea@example.org", "send_updates": "y"},
        headers={"Accept-Language": "km"},
        environ_base={"REMOTE_ADDR": "198.51.100.11"},
    )
    link = confirmation_links(app, db)[-1]
    browser.post(link)
    url = f"/people/{person.id}/petitions/{petition.id}/updates/new"
    response = staff.post(url, {"subject": "Hearing", "body": "Please come.", "confirmed": "yes"})
    assert response.status_code == 302
    bodies = sorted(db.scalars(sa.select(OutboxEmail.body).where(OutboxEmail.purpose == "petition_update")))
    assert len(bodies) == 2
    english, khmer = sorted(bodies, key=lambda b: bool(KHMER.search(b)))
    assert "asked for updates" in english and not KHMER.search(english)
    assert KHMER.search(khmer) and "asked for updates" not in khmer and "STOP" in khmer


# ---------------------------------------------------------------- the petition's own text in other languages


def add_translation(db, petition, locale, title, story):
    db.add(PetitionTranslation(petition_id=petition.id, locale=locale, title=title, story=story))


def test_the_page_shows_the_visitors_language_or_says_which_it_falls_back_to(published, browser, db):
    _staff, _person, petition = published
    add_translation(db, petition, "km", "សូមឲ្យសុខាស្នាក់នៅផ្ទះ", "សុខារស់នៅក្នុងទីក្រុងរីវៀរអស់សាមសិបឆ្នាំហើយ។")
    khmer = text_of(browser.get(f"/p/{SLUG}", headers={"Accept-Language": "km"}))
    assert "<h1>សូមឲ្យសុខាស្នាក់នៅផ្ទះ</h1>" in khmer and "<title>សូមឲ្យសុខាស្នាក់នៅផ្ទះ</title>" in khmer
    assert '<div class="prose public-text" lang="km">សុខារស់នៅ' in khmer
    assert "public-fallback" not in khmer and "Let Sokha stay home" not in khmer
    vietnamese = text_of(browser.get(f"/p/{SLUG}", headers={"Accept-Language": "vi"}))
    note = re.search(r'<p class="public-fallback muted">(.*?)</p>', vietnamese).group(1)
    assert note == "Kiến nghị này được hiển thị bằng tiếng Anh; chưa có bản tiếng Việt."
    assert '<div class="prose public-text" lang="en">Sokha has lived' in vietnamese
    assert "<h1>Let Sokha stay home</h1>" in vietnamese
    english = text_of(browser.get(f"/p/{SLUG}"))
    assert "public-fallback" not in english and '<div class="prose public-text" lang="en">' in english


def test_the_fallback_note_in_english_words(published, app):
    from casework.petitions.public import fallback_note

    with app.test_request_context("/p/x"):
        assert fallback_note("km", "en") == "This petition is shown in English; no Khmer version yet."
        assert fallback_note("en", "en") is None


def test_a_translation_is_public_only_while_the_petition_is(published, browser, db):
    staff, person, petition = published
    add_translation(db, petition, "lo", "ໃຫ້ໂສຄາຢູ່ບ້ານ", "SENTINEL-LAO-STORY")
    assert "SENTINEL-LAO-STORY" in text_of(browser.get(f"/p/{SLUG}?lang=lo"))
    staff.post(f"/people/{person.id}/petitions/{petition.id}/unpublish", {})
    gone = browser.get(f"/p/{SLUG}?lang=lo")
    assert (
        gone.status_code == 410
        and "SENTINEL-LAO-STORY" not in text_of(gone)
        and "ໃຫ້ໂສຄາ" not in text_of(gone)
    )
    assert lang_of(text_of(gone)) == "lo"


def test_the_confirmation_email_carries_the_translated_title(published, browser, db):
    _staff, _person, petition = published
    add_translation(db, petition, "vi", "Hãy để Sokha ở nhà", "Câu chuyện.")
    browser.post(
        f"/p/{SLUG}/sign",
        data={"name": "Lan Tran", "email": "lan@example.org"},
        headers={"Accept-Language": "vi"},
        environ_base={"REMOTE_ADDR": "198.51.100.6"},
    )
    message = db.scalar(sa.select(OutboxEmail))
    assert message.subject == "Xác nhận chữ ký của bạn: Hãy để Sokha ở nhà"


# ---------------------------------------------------------------- fonts


def test_khmer_and_lao_fonts_are_served_from_the_application(browser):
    css = text_of(browser.get("/static/petitions.css"))
    for name in ("KhmerOScontent.ttf", "Phetsarath_OT.ttf"):
        assert f'url("fonts/{name}")' in css
        response = browser.get(f"/static/fonts/{name}")
        assert response.status_code == 200 and len(response.get_data()) > 50_000
        assert response.get_data()[:4] in (b"\x00\x01\x00\x00", b"OTTO", b"true")
    assert "U+1780-17FF" in css and "U+0E80-0EFF" in css
    for licence in ("KhmerOS-COPYRIGHT.txt", "Phetsarath-COPYRIGHT.txt", "LGPL-2.1.txt"):
        assert browser.get(f"/static/fonts/{licence}").status_code == 200
    assert "fonts.googleapis" not in css and "@import" not in css


# ---------------------------------------------------------------- the staff side


def test_staff_pages_are_english_and_the_selector_is_ready_for_more(app, login_as):
    from casework import i18n

    staff = login_as("staff")
    page = text_of(staff.get("/people", headers={"Accept-Language": "km"}))
    assert lang_of(page) == "en"
    with app.test_request_context("/people", headers={"Accept-Language": "vi,en;q=0.5"}):
        assert i18n.select_locale() == "en"
        app.config["STAFF_LANGUAGES"] = "en, vi, xx"
        try:
            assert i18n.staff_languages() == ("en", "vi")
            assert i18n.select_locale() == "vi"
        finally:
            app.config["STAFF_LANGUAGES"] = ("en",)
    with app.test_request_context("/p/x?lang=lo"):
        assert i18n.chosen_public_locale() == "lo" and i18n.lang_args() == {"lang": "lo"}
    with app.test_request_context("/p/x?lang=de"):
        assert i18n.chosen_public_locale() is None and i18n.lang_args() == {}

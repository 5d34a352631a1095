"""The public petition pages: no sign-in, no session, no cookie, nothing third-party.

This blueprint reads petition models only (through casework.petitions.signing and confirming, which read
Petition and Signature and never a person or any case model): the facts it shows are the petition's own
columns, a snapshot of what the person consented to, copied at publish time and wiped when consent is
withdrawn.

CSRF: the sign and confirm forms are exempt. A signer has no account and no session to ride, so a
cross-site submission can do no more than the attacker could do by posting the form directly; what guards
signing is the e-mailed confirmation link (only confirmed signatures count), a per-address rate limit,
a cap per mailbox, and a honeypot. Keeping a CSRF token would need a server-side session (a database row and
a cookie) for every visitor, which the privacy of signers and the load target both argue against.

The request's unit of work commits a signature (and its confirmation e-mail) once the view returns.
"""

from __future__ import annotations

from urllib.parse import quote

from flask import Blueprint, abort, jsonify, redirect, render_template, request, url_for
from flask_limiter.util import get_remote_address

from casework import unit_of_work
from casework.extensions import csrf, limiter
from casework.i18n import DEFAULT_LOCALE, ENGLISH_NAMES, current_locale, gettext, lang_args
from casework.models import PetitionStatus
from casework.petitions import chart, confirming, sign_limits, signing
from casework.petitions.signature_forms import SignForm
from casework.urls import absolute_url

# The public pages count their limits themselves (sign_limits: one Redis round trip for a signature), and
# only for a post to the signing form: Flask-Limiter's own check of every request is skipped on them. They
# load no ORM object: their statements run on a plain connection of the request (unit_of_work).
bp = unit_of_work.without_orm_session(limiter.counts_its_own_limits(Blueprint("public", __name__)))


def _gone_or_missing(petition: signing.PublicPetition | None, json: bool = False):
    """The answer for a petition that is not open: 404 (never published) or 410 (taken down, closed)."""
    if petition is None or petition.status == PetitionStatus.DRAFT:
        code, reason = 404, "missing"
    else:
        code = 410
        reason = (
            "closed" if petition.status in (PetitionStatus.CLOSED, PetitionStatus.ARCHIVED) else "withdrawn"
        )
    if json:
        return jsonify(error="gone" if code == 410 else "not found"), code
    return render_template("public/gone.html", code=code, reason=reason), code


def _lang(locale: str) -> dict[str, str]:
    """`lang=` for the e-mailed link when the signer read the page in another language than English."""
    return {} if locale == DEFAULT_LOCALE else {"lang": locale}


def fallback_note(locale: str, text_locale: str) -> str | None:
    """Said when the visitor's language has no version of the petition's text: which language it falls back to."""
    if locale == text_locale:
        return None
    return gettext(
        "This petition is shown in %(shown)s; no %(wanted)s version yet.",
        shown=ENGLISH_NAMES[text_locale],
        wanted=ENGLISH_NAMES[locale],
    )


def _page(petition: signing.PublicPetition, form: SignForm, status: int = 200):
    locale = current_locale()
    petition, text_locale = signing.localized(petition, locale)
    url = absolute_url("public.petition", slug=petition.slug)
    share_text = f"{petition.title} {url}"
    summary = " ".join((petition.story or "").split())
    if len(summary) > 200:
        summary = summary[:197].rsplit(" ", 1)[0] + "…"
    context = {
        "petition": petition,
        "text_locale": text_locale,
        "fallback_note": fallback_note(locale, text_locale),
        "form": form,
        "url": url,
        "summary": summary,
        "percent": chart.percent(petition.signature_count, petition.goal),
        "recent": signing.recent_signers(petition.id),
        "mailto": "mailto:?subject=" + quote(petition.title) + "&body=" + quote(share_text),
        "sms": "sms:?&body=" + quote(share_text),
    }
    return render_template("public/petition.html", **context), status


@bp.get("/p/<slug>")
def petition(slug: str):
    """The public petition: story, consented facts, count and progress, the signing form, share links."""
    found = signing.find_public(slug)
    if found is None or not found.is_open:
        return _gone_or_missing(found)
    return _page(found, SignForm(formdata=None))


def _sign_data(form: SignForm, locale: str | None) -> signing.SignData:
    return signing.SignData(
        name=form.name.data,
        email=form.email.data,
        zip_code=form.zip_code.data,
        comment=form.comment.data,
        show_name=form.show_name.data,
        send_updates=form.send_updates.data,
        locale=locale,
    )


@bp.post("/p/<slug>/sign")
@csrf.exempt
def sign(slug: str):
    """Take a signature. New, duplicate, over the limit or caught by the honeypot: the same answer. Every post
    counts against the flood limit (429 beyond it); a signature counts in the same call against the rate limit."""
    # The one write, the signature with its e-mail, is one statement that commits as it runs (PostgreSQL):
    # the request's connection is asked for first, in that mode (signing.sign).
    unit_of_work.plain_connection(autocommit=True)
    form = SignForm()
    valid = form.validate()
    person = valid and not form.website.data  # the honeypot is empty: a person
    found = signing.find_public(slug)
    is_open = found is not None and found.is_open
    if not (is_open and person) and sign_limits.count_limits(None, None)[0]:
        abort(429)
    if found is None or not is_open:
        return _gone_or_missing(found)
    if not valid:
        return _page(found, form, 200)
    if person:
        locale = current_locale()
        answer = signing.sign(
            signing.localized(found, locale)[0],
            _sign_data(form, locale),
            get_remote_address(),
            confirm_url=lambda token: absolute_url("public.confirm", slug=slug, token=token, **_lang(locale)),
        )
        if answer == "flood":
            abort(429)
    return redirect(url_for("public.thanks", slug=slug, **lang_args()), 303)


@bp.get("/p/<slug>/thanks")
def thanks(slug: str):
    """The one answer every submission gets: check your e-mail."""
    found = signing.find_public(slug)
    if found is None or not found.is_open:
        return _gone_or_missing(found)
    return render_template("public/thanks.html", petition=signing.localized(found, current_locale())[0])


@bp.route("/p/<slug>/confirm/<token>", methods=["GET", "POST"])
@csrf.exempt
def confirm(slug: str, token: str):
    """The e-mailed link: a page with one button (so that mail scanners fetching links confirm nothing); the
    button confirms, once."""
    if request.method == "GET":
        found, done = signing.find_public(slug), None
    else:
        found, done = confirming.confirm_at(slug, token)
    if found is None or not found.is_open:
        return _gone_or_missing(found)
    found = signing.localized(found, current_locale())[0]
    count = found.signature_count  # with this confirmation's +1 when done
    percent = chart.percent(count, found.goal)
    return render_template("public/confirm.html", petition=found, done=done, count=count, percent=percent)


@bp.get("/p/<slug>/count.json")
def count_json(slug: str):
    """The count, for embedding on other sites (readable from any origin; nothing but numbers)."""
    found = signing.find_public(slug)
    if found is None or not found.is_open:
        return _gone_or_missing(found, json=True)
    response = jsonify(count=found.signature_count, goal=found.goal)
    response.headers["Access-Control-Allow-Origin"] = "*"
    return response

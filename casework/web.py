"""Request plumbing shared by every feature: sign-in loading, security headers, errors, health."""

from __future__ import annotations

import re
from datetime import date, datetime
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import (
    Blueprint,
    Flask,
    abort,
    flash,
    jsonify,
    redirect,
    render_template,
    request,
    session,
    url_for,
)
from flask_login import current_user, login_required
from flask_wtf.csrf import CSRFError
from werkzeug.exceptions import HTTPException, SecurityError

from casework import access, clock
from casework.extensions import db, login_manager
from casework.forms import parse_id
from casework.i18n import gettext
from casework.models import User
from casework.models.people import a_number_display

bp = Blueprint("core", __name__)

CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; font-src 'self'; "
    "connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'; object-src 'none'"
)


@bp.get("/")
@login_required
def home():
    """Signed-in start page: the dashboard."""
    return redirect(url_for("deadlines.dashboard"))


@bp.get("/healthz")
def healthz():
    """Liveness and database check for load balancers and monitoring (no personal data)."""
    try:
        db.session.execute(sa.text("SELECT 1"))
        ok = True
    except sa.exc.SQLAlchemyError:
        db.session.rollback()
        ok = False
    return jsonify(status="ok" if ok else "degraded", database=ok), 200 if ok else 503


def is_safe_next(target: str | None) -> bool:
    """Only same-site absolute paths are acceptable redirect targets."""
    if not target or not target.startswith("/") or target.startswith("//") or "\\" in target:
        return False
    parts = urlsplit(target)
    return not parts.scheme and not parts.netloc


# No address, query or form field name has a use for a control character, and no value a use for NUL, which
# PostgreSQL cannot even compare. Other control characters in form values are left to BaseForm, which names
# the field and keeps what was typed (text pasted from a word processor brings vertical tabs; a multi-line
# text legitimately holds tabs and line breaks).
CONTROL_IN_ADDRESS = re.compile(r"[\x00-\x1f\x7f]")
FORM_TYPES = ("application/x-www-form-urlencoded", "multipart/form-data")
CONTROL_REFUSED = (
    "The address or the form holds invisible control characters. Go back, retype the address or "
    "reload the page, and try again."
)


def refuse_control_characters() -> None:
    """400 for a control character in the path or the query (names and values), in a form field's or
    uploaded file's name, and for NUL in any form value."""
    names = [request.path, *(text for pair in request.args.items(multi=True) for text in pair)]
    values: list[str] = []
    if request.method == "POST" and request.mimetype in FORM_TYPES:
        names += [*request.form.keys(), *request.files.keys()]
        names += [upload.filename or "" for _, upload in request.files.items(multi=True)]
        values = [value for _, value in request.form.items(multi=True)]
    if any(CONTROL_IN_ADDRESS.search(text) for text in names) or any("\x00" in value for value in values):
        abort(400, description=CONTROL_REFUSED)


def init_app(app: Flask) -> None:
    """Wire loaders, headers, error pages and template helpers into the app."""
    app.register_blueprint(bp)

    login_manager.login_view = "accounts.login"
    login_manager.login_message = "Please sign in to continue."
    login_manager.login_message_category = "info"
    login_manager.session_protection = "basic"

    app.before_request(refuse_control_characters)

    @login_manager.user_loader
    def load_user(user_id: str) -> User | None:
        number = parse_id(user_id)
        # The user read with the session's row (held for the ORM session, or in it already): no statement.
        user = getattr(session, "user_read_with_row", None)
        if user is None or user.id != number:
            user = db.session.get(User, number) if number is not None else None
        return user if user is not None and user.active else None

    @app.after_request
    def security_headers(response):
        h = response.headers
        h.setdefault("Content-Security-Policy", CSP)
        h["X-Content-Type-Options"] = "nosniff"
        h["X-Frame-Options"] = "DENY"
        h["Referrer-Policy"] = "same-origin"
        h["Cross-Origin-Opener-Policy"] = "same-origin"
        h["Permissions-Policy"] = "camera=(), microphone=(), geolocation=(), interest-cohort=()"
        if request.is_secure:
            h["Strict-Transport-Security"] = "max-age=31536000; includeSubDomains"
        if request.endpoint != "static":
            h["Cache-Control"] = "no-store"
            h["Pragma"] = "no-cache"
        return response

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        db.session.rollback()
        if getattr(session, "ended", False):  # the form's session was ended meanwhile: sign in again
            flash(gettext("Your session has ended. Sign in again, then submit the form once more."), "info")
            return redirect(url_for("accounts.login"))
        return render_template(
            "errors/error.html",
            code=400,
            title="Form expired",
            message="The form was missing its security token or it had expired. "
            "Go back, reload the page and submit again.",
        ), 400

    @app.errorhandler(HTTPException)
    def http_error(error: HTTPException):
        db.session.rollback()
        if isinstance(error, SecurityError):  # a Host outside TRUSTED_HOSTS: no URL can be built for a page
            return "Bad Request: this address is not served here.", 400, {"Content-Type": "text/plain"}
        if request.path.endswith(".json") or request.accept_mimetypes.best == "application/json":
            return jsonify(error=error.name), error.code
        return render_template(
            "errors/error.html",
            code=error.code,
            title=error.name,
            message=_ERROR_MESSAGES.get(error.code or 500, error.description or ""),
        ), error.code

    @app.errorhandler(Exception)
    def server_error(error: Exception):
        if isinstance(error, HTTPException):
            return http_error(error)
        db.session.rollback()
        app.logger.exception("unhandled error on %s %s", request.method, request.url_rule)
        return render_template(
            "errors/error.html",
            code=500,
            title="Something went wrong",
            message="Nothing was saved. Try again; if it keeps happening, tell your "
            "administrator the time it happened.",
        ), 500

    app.jinja_env.add_extension("jinja2.ext.do")
    app.jinja_env.filters["display_value"] = display_value
    app.jinja_env.filters["a_number_display"] = a_number_display
    app.jinja_env.filters["field_label"] = lambda name, form: form[name].label.text

    @app.context_processor
    def template_helpers():
        return {
            "current_user": current_user,  # the proxy: the user is loaded where a template first asks
            "can": lambda action, obj=None: access.can(current_user, action, obj),
            "today": clock.today(),
            "has_endpoint": lambda endpoint: endpoint in app.view_functions,
        }


def display_value(value) -> str:
    """How a stored value reads on a page: labels for choices, ISO dates, Yes/No, a dash for nothing."""
    if value is None or value == "":
        return "—"
    if hasattr(value, "label"):
        return value.label
    if isinstance(value, bool):
        return "Yes" if value else "No"
    if isinstance(value, datetime):
        return value.strftime("%Y-%m-%d %H:%M UTC")
    if isinstance(value, date):
        return value.isoformat()
    return str(value)


_ERROR_MESSAGES = {
    403: "Your role does not allow this. Ask an administrator of your organization if you need it.",
    404: "There is nothing here, or it is not shared with you.",
    405: "That action is not available this way.",
    410: "This page has been withdrawn.",
    413: "The upload is too large.",
    429: "Too many attempts. Wait a minute and try again.",
}

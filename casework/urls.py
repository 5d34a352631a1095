"""Absolute links (e-mails, share links, canonical addresses, calendar feeds) from PUBLIC_BASE_URL only.

A link built from the request's Host header would let anyone who can send a request with `Host: evil.example`
put their own site into a confirmation or password-reset e-mail. So every absolute address comes from here:
PUBLIC_BASE_URL, or in development and tests a fixed local address, never the request.
"""

from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, current_app, has_request_context, request, url_for

DEVELOPMENT_BASE_URL = "http://localhost:5000"
# Where the app may run without PUBLIC_BASE_URL (CASEWORK_ENV, or Flask's debug and TESTING flags).
_DEVELOPMENT_ENVS = frozenset({"development", "test", "testing"})


class MissingPublicBaseUrl(RuntimeError):
    """Production without PUBLIC_BASE_URL: links in e-mails would have no trustworthy address."""


def is_development(app: Flask) -> bool:
    """Development or tests: CASEWORK_ENV=development|test, `flask run --debug`, or TESTING."""
    env = str(app.config.get("ENV") or "production").lower()
    return env in _DEVELOPMENT_ENVS or app.debug or bool(app.config.get("TESTING"))


def check_public_base_url(app: Flask) -> None:
    """Refuse to start outside development and tests without a valid PUBLIC_BASE_URL."""
    base = app.config.get("PUBLIC_BASE_URL")
    if base:
        parts = urlsplit(str(base))
        if parts.scheme not in ("http", "https") or not parts.netloc or parts.query or parts.fragment:
            raise MissingPublicBaseUrl(
                f"PUBLIC_BASE_URL must be an address like https://casework.example.org, not {base!r}"
            )
        return
    if not is_development(app):
        raise MissingPublicBaseUrl(
            "PUBLIC_BASE_URL is not set: set CASEWORK_PUBLIC_BASE_URL to the public address of this site "
            "(e.g. https://casework.example.org), used for every link in e-mails; for development set "
            "CASEWORK_ENV=development."
        )


def public_base_url() -> str:
    """The configured public address without a trailing slash (the local default in development)."""
    return str(current_app.config.get("PUBLIC_BASE_URL") or DEVELOPMENT_BASE_URL).rstrip("/")


def public_host() -> str:
    """The host name of the public address (for calendar event ids and the like)."""
    return urlsplit(public_base_url()).hostname or "localhost"


def absolute_url(endpoint: str, **values) -> str:
    """An absolute link to `endpoint` under the public address (never the request's Host header)."""
    return public_base_url() + url_for(endpoint, **values)


# Kept per (application root, file): the address of a static file is the same for every request under one root,
# and url_for spent as much on each of a page's stylesheets as a translated sentence costs ten times over.
_static_urls: dict[tuple[str, str], str] = {}
_MOST_STATIC_URLS = 1024


def static_url(filename: str) -> str:
    """`url_for("static", filename=...)`, made once per application root (the request's SCRIPT_NAME)."""
    if not has_request_context():
        return url_for("static", filename=filename)
    key = (request.environ.get("SCRIPT_NAME", ""), filename)
    found = _static_urls.get(key)
    if found is None:
        if len(_static_urls) >= _MOST_STATIC_URLS:
            _static_urls.clear()
        found = _static_urls[key] = url_for("static", filename=filename)
    return found


def init_app(app: Flask) -> None:
    """`static_url` for every template."""
    app.jinja_env.globals["static_url"] = static_url

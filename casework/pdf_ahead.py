"""A worker's PDF renderers, started ahead of its first PDF.

A worker's first PDF would otherwise wait for a first renderer, and, in a process with no fork server yet,
seconds for that server (which loads WeasyPrint and warms its caches). Under gunicorn the master started the
server the workers share (casework.pdf_server); elsewhere the process starts its own here. They are started on
the worker's first request from a signed-in user: staff pages are where documents are printed, and a process
serving only the public petition pages never loads WeasyPrint. Not as the worker starts: a starting or
recycled worker serves its first pages without that load. `PDF_START_AHEAD` turns it off.
"""

from __future__ import annotations

import os
import threading

from flask import Flask, request
from flask_login import current_user

from casework import pdf
from casework.extensions import db
from casework.i18n import PUBLIC_BLUEPRINT

_started_in: int | None = None  # the process whose renderers were started (a forked worker starts its own)
_lock = threading.Lock()


def start_ahead(app: Flask) -> None:
    """This process's PDF fork server and first renderer for the application's database, started in the
    background, once per process."""
    global _started_in
    with _lock:
        if _started_in == os.getpid():
            return
        _started_in = os.getpid()
    with app.app_context():
        url = db.engine.url.render_as_string(hide_password=False)
    key = pdf.renderer_key(app.config, app.config.get("PDF_MEMORY_MB", 1536), url)
    threading.Thread(target=pdf.refill, args=(key,), name=pdf.BACKGROUND + "refill", daemon=True).start()


def init_app(app: Flask) -> None:
    """Start the renderers on the first request of a signed-in user (when PDF_START_AHEAD)."""

    @app.before_request
    def _start_renderers_for_staff() -> None:
        if _started_in == os.getpid() or not app.config.get("PDF_START_AHEAD", True):
            return
        if request.blueprint != PUBLIC_BLUEPRINT and current_user.is_authenticated:
            start_ahead(app)

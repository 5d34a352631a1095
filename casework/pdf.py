"""Safe PDF rendering with WeasyPrint, shared by every feature that prints.

- Templates under templates/pdf/ are rendered by Jinja with autoescape, so user text is text, never markup.
- WeasyPrint gets a URL fetcher that serves `data:` URLs and the application's own static files
  (`casework-static:` URLs, resolved inside casework/static/) and refuses everything else: no file:,
  no network, no redirects. Every URL asked for is recorded (tests read the record).
- The whole rendering, the template included, runs in a child process with a memory limit and a time limit
  (the request only loads the data), so that a pathological or very large document fails with a message and
  the server keeps serving; a user makes at most PDF_PER_USER PDFs at once, the server PDF_MAX_IN_PROGRESS.
"""

from __future__ import annotations

import contextlib
import fcntl
import gc
import hashlib
import io
import os
import pickle
import resource
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from flask import current_app
from werkzeug.local import LocalProxy

from casework import pdf_server
from casework.extensions import db
from casework.i18n import catalog_for, current_locale

STATIC_ROOT = Path(__file__).resolve().parent / "static"
STATIC_SCHEME = "casework-static"
BASE_URL = f"{STATIC_SCHEME}:/"


class RenderFailed(Exception):
    """The PDF could not be made; the message says why in words a user understands."""

    status = 503  # what the page saying so answers: the service could not do it now


@dataclass
class Rendered:
    """A rendered PDF and what it took."""

    data: bytes
    sha256: str
    requested_urls: list[str] = field(default_factory=list)
    peak_memory_kb: int = 0  # of the rendering process


class PdfBusy(RenderFailed):
    """Too many PDFs are being made (by this user, or on the server): a message and 429 or 503."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


USER_BUSY = "Another PDF of yours is still being made; try again when it is done."
SERVER_BUSY = "The server is making as many PDFs as it can at once; try again in a minute."
TOO_LARGE = "The document is too large to print (it needs more memory than allowed)."


@dataclass
class _Job:
    """What the bounded child needs: a template and its context (or ready HTML), the exhibits, and how to reach
    the database should the template read an attribute that was not loaded in the request."""

    html: str | None = None
    template: str | None = None
    context: dict = field(default_factory=dict)
    loaded: list = field(default_factory=list)  # the request's ORM objects, re-attached in the child
    search_path: list[str] = field(default_factory=list)
    filters: dict = field(default_factory=dict)
    database_url: str | None = None
    exhibits: dict[str, bytes] | None = None
    locale: str = "en"  # the request's language: the template's _() and <html lang> follow it


_environments: dict[tuple[str, ...], jinja2.Environment] = {}


def pdf_environment(search_path: list[str]) -> jinja2.Environment:
    """The Jinja environment of the PDF templates under `search_path` (one per process, templates cached)."""
    key = tuple(search_path)
    if key not in _environments:
        _environments[key] = jinja2.Environment(
            loader=jinja2.FileSystemLoader(search_path),
            autoescape=jinja2.select_autoescape(default=True),
            extensions=["jinja2.ext.do", "jinja2.ext.i18n"],
        )
        _environments[key].install_null_translations(newstyle=True)  # type: ignore[attr-defined]
    return _environments[key]


def warm_templates(search_path: list[str]) -> None:
    """Compile every pdf/ template once (the fork server does, so that its children start with them)."""
    env = pdf_environment(search_path)
    for name in env.list_templates(filter_func=lambda name: name.startswith("pdf/")):
        env.get_template(name)


def _child_session(database_url: str | None):
    """The renderer's own session (NullPool: a fresh connection, never the request's), made while the renderer
    waits for its job, so that building the engine is not part of any request; None without a database."""
    if not database_url:
        return None
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    engine = sa.create_engine(database_url, poolclass=sa.pool.NullPool, hide_parameters=True)
    return Session(bind=engine, autoflush=False)


def _template_html(job: _Job, session=None) -> str:
    """Render the job's template in the child: autoescaped like the application's own environment; the
    objects loaded in the request are attached to the child's session, so an attribute the request did not
    load is read rather than failing."""
    try:
        if session is not None:
            for obj in job.loaded:
                session.add(obj)
        env = pdf_environment(job.search_path)
        env.filters.update(job.filters)
        env.install_gettext_translations(catalog_for(job.locale), newstyle=True)  # type: ignore[attr-defined]
        return env.get_template(job.template or "").render({"locale": job.locale, **job.context})
    finally:
        if session is not None:
            session.rollback()
            session.close()
            session.get_bind().dispose()


def _child(conn, memory_bytes: int, niceness: int, database_url: str | None) -> None:
    """A renderer: limits first, then its database session, then wait for one job, render it, answer, and exit
    (one document per process: nothing of one document stays in a process that makes another)."""
    try:
        # Below the web workers (pages and /healthz get the processor first): set, not added to the parent's.
        os.setpriority(os.PRIO_PROCESS, 0, max(niceness, os.getpriority(os.PRIO_PROCESS, 0)))
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        session = _child_session(database_url)
        # No cyclic collections (40 a summary, 8-10 ms; a packet 22 ms): one document, then exit; reference
        # counting frees nearly all it makes (the same peak memory) and the memory limit bounds the rest.
        gc.disable()
        try:
            job_data = conn.recv_bytes()
        except (EOFError, OSError):
            return  # the web worker went away before it needed this renderer
        try:
            # Inside the limits: the context can be as large as the case. The bytes come from our own parent.
            job: _Job = pickle.loads(job_data)  # noqa: S301
            html = job.html if job.html is not None else _template_html(job, session)
            from casework.pdf_engine import html_to_pdf

            pdf, requested = html_to_pdf(html, job.exhibits)
            conn.send(("ok", len(pdf), (requested, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
            conn.send_bytes(pdf)  # the document as it is: no pickling of a large object
        except MemoryError:
            conn.send(("error", TOO_LARGE, None))
        except BaseException as exc:  # noqa: BLE001 - anything at all must come back as a message
            conn.send(("error", f"The document could not be printed ({exc.__class__.__name__}).", None))
    finally:
        conn.close()
        os._exit(0)  # no interpreter teardown: nothing of this process is needed after its answer


def _same(obj):
    return obj  # unpickling a proxy gives the object it stood for


class _JobPickler(pickle.Pickler):
    """Pickles a proxy (`current_user`) as the object behind it."""

    def reducer_override(self, obj):
        """A werkzeug LocalProxy becomes its current object; everything else is pickled as usual."""
        if type(obj) is LocalProxy:
            return _same, (obj._get_current_object(),)
        return NotImplemented


def _dumps(job: _Job) -> bytes:
    out = io.BytesIO()
    _JobPickler(out, protocol=pickle.HIGHEST_PROTOCOL).dump(job)
    return out.getvalue()


# The names of this module's background threads begin with it (a test forks only once none is running).
BACKGROUND = "casework-pdf-"

# (process id, memory, niceness, database URL) -> (process, connection)
_spares: dict[tuple[int, int, int, str | None], tuple] = {}
_spares_lock = threading.Lock()


def _start_renderer(memory_bytes: int, niceness: int, database_url: str | None):
    ctx = pdf_server.context()
    parent, child = ctx.Pipe(duplex=True)
    process = ctx.Process(target=_child, args=(child, memory_bytes, niceness, database_url), daemon=True)
    process.start()
    child.close()
    return process, parent


def renderer_key(config, memory_mb: int, database_url: str | None) -> tuple[int, int, int, str | None]:
    """Which waiting renderer a document may take: a forked web worker never takes its parent's, and a
    renderer serves one memory limit, niceness and database only."""
    return (os.getpid(), memory_mb * 1024 * 1024, config.get("PDF_NICENESS", 10), database_url)


def refill(key: tuple[int, int, int, str | None]) -> None:
    """Start the renderer the next document of this process will use (in the background)."""
    _lower_this_thread(key[2])
    try:
        spare = _start_renderer(key[1], key[2], key[3])
    except (OSError, ValueError):
        return
    with _spares_lock:
        old = _spares.pop(key, None)
        _spares[key] = spare
    if old is not None:
        old[1].close()


def _lower_this_thread(niceness: int) -> None:
    """Run this background thread at `niceness` (on Linux a thread's own), so that a fork server it starts
    loads below the web workers from its first import (elsewhere, or refused: casework.pdf_warm's own)."""
    if sys.platform.startswith("linux"):
        with contextlib.suppress(OSError):
            thread = threading.get_native_id()
            os.setpriority(os.PRIO_PROCESS, thread, max(niceness, os.getpriority(os.PRIO_PROCESS, thread)))


def _renderer(key: tuple[int, int, int, str | None]):
    """The renderer started ahead for `key` (forked from the fork server, limits set, its database session made,
    waiting for its one job), or a new one (none is ready: the first document, or another one is in progress)."""
    with _spares_lock:
        spare = _spares.pop(key, None)
    if spare is None or not spare[0].is_alive():
        if spare is not None:
            spare[1].close()
        spare = _start_renderer(key[1], key[2], key[3])
    return spare


def _after_job(key: tuple[int, int, int, str | None], process, timeout: float) -> None:
    """In the background: reap the renderer when it ends, then fork the next document's. Neither the job nor
    its answer waits for either. Forking only once the document is made keeps the fork and the new
    renderer's start off the processors while WeasyPrint works: on a machine busy with other work that
    second processor is not free, and the summary took 4% longer against WeasyPrint alone (median of four
    pairs in turn with one processor kept busy; the least of each, 4 of 4 pairs)."""
    process.join(timeout + 10)  # _run kills it when its time is up
    refill(key)


def _run(job: _Job, timeout: float | None = None, memory_mb: int | None = None) -> Rendered:
    """Run a job in a renderer process bounded in time and memory; RenderFailed on failure."""
    config = current_app.config
    timeout = timeout or config.get("PDF_TIMEOUT_SECONDS", 60)
    memory_mb = memory_mb if memory_mb is not None else config.get("PDF_MEMORY_MB", 1536)
    try:
        job_data = _dumps(job)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise RenderFailed(f"The document could not be printed ({exc.__class__.__name__}).") from None
    key = renderer_key(config, memory_mb, job.database_url)
    process, parent = _renderer(key)
    started = time.monotonic()
    try:
        try:
            parent.send_bytes(job_data)
        except OSError:
            raise RenderFailed("The document could not be printed (the printing process stopped).") from None
        finally:
            threading.Thread(
                target=_after_job, args=(key, process, timeout), name=BACKGROUND + "after-job", daemon=True
            ).start()
        if not parent.poll(timeout):
            raise RenderFailed(
                f"This PDF took too long to make (more than {int(timeout)} seconds) and was stopped. "
                "Choose fewer sections or exhibits and try again."
            )
        try:
            status, payload, stats = parent.recv()
            if status == "ok" and not parent.poll(max(1.0, timeout - (time.monotonic() - started))):
                raise RenderFailed("The document could not be printed (the printing process stopped).")
            data = parent.recv_bytes() if status == "ok" else b""
        except (EOFError, OSError):
            raise RenderFailed("The document could not be printed (the printing process stopped).") from None
    finally:
        if process.is_alive():
            process.kill()  # its answer is in (or it overran): nothing of it is needed any more
        parent.close()
    if status != "ok":
        raise RenderFailed(payload)
    requested, peak = stats
    return Rendered(data, hashlib.sha256(data).hexdigest(), requested, peak)


def render_html(
    html: str,
    *,
    exhibits: dict[str, bytes] | None = None,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> Rendered:
    """Render HTML to PDF in a child process bounded in time and memory; RenderFailed on failure."""
    return _run(_Job(html=html, exhibits=exhibits), timeout, memory_mb)


def _slot(folder: Path, name: str, count: int) -> int | None:
    """Take one of `count` lock files "<name>-<n>.lock" (non-blocking): its descriptor, or None if all are
    held. A lock held by a process that dies is released by the kernel."""
    for n in range(max(count, 1)):
        fd = os.open(folder / f"{name}-{n}.lock", os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except BlockingIOError:
            os.close(fd)
            continue
        return fd
    return None


def _release(fd: int) -> None:
    fcntl.flock(fd, fcntl.LOCK_UN)
    os.close(fd)


@contextmanager
def printing_slot(owner: str) -> Iterator[None]:
    """Hold a slot among the PDFs being made by `owner` (PDF_PER_USER, 2) and on the server (PDF_MAX_IN_PROGRESS,
    4): lock files under the instance folder, shared by every worker process and thread (a lock file, not a
    table: a crashed worker's slot is freed by the kernel). PdfBusy (429 for the owner's limit, 503 for the
    server's) when none is free; never waits."""
    config = current_app.config
    folder = Path(current_app.instance_path) / "pdf-slots"
    folder.mkdir(parents=True, exist_ok=True)
    safe_owner = "".join(ch if ch.isalnum() or ch in "-_" else "_" for ch in owner)[:64]
    mine = _slot(folder, f"owner-{safe_owner}", config.get("PDF_PER_USER", 2))
    if mine is None:
        raise PdfBusy(USER_BUSY, 429)
    server = _slot(folder, "server", config.get("PDF_MAX_IN_PROGRESS", 4))
    if server is None:
        _release(mine)
        raise PdfBusy(SERVER_BUSY, 503)
    try:
        yield
    finally:
        _release(server)
        _release(mine)


def _app_filters() -> dict:
    """The application's template filters that the child can import by name (no lambdas, no closures)."""
    return {
        name: fn
        for name, fn in current_app.jinja_env.filters.items()
        if getattr(fn, "__module__", "").startswith("casework")
        and "<" not in getattr(fn, "__qualname__", "<")
    }


def render_template_pdf(
    template: str, *, owner: str, exhibits: dict[str, bytes] | None = None, **context
) -> Rendered:
    """Render a templates/pdf/ template (autoescaped) to a PDF, template and all in the bounded child.

    The request has loaded the data; the child renders the template and the PDF, in a slot of `owner`'s
    (the user asking). RenderFailed (PdfBusy) when it cannot be made."""
    loader = current_app.jinja_loader
    job = _Job(
        template=template,
        context=context,
        loaded=list(db.session.identity_map.values()),
        search_path=list(getattr(loader, "searchpath", [])),
        filters=_app_filters(),
        database_url=db.engine.url.render_as_string(hide_password=False),
        exhibits=exhibits,
        locale=current_locale(),
    )
    with printing_slot(owner):
        return _run(job)


def __getattr__(name: str):
    """`html_to_pdf` and `SafeURLFetcher` live in casework.pdf_engine (imported on first use: WeasyPrint)."""
    if name in ("html_to_pdf", "SafeURLFetcher", "OVERLAY_MARGINS_MM", "MM"):
        from casework import pdf_engine

        return getattr(pdf_engine, name)
    raise AttributeError(name)

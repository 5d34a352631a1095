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

import fcntl
import hashlib
import io
import mimetypes
import multiprocessing
import os
import pickle
import resource
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

import jinja2
from flask import current_app
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse
from werkzeug.local import LocalProxy

from casework.extensions import db
from casework.i18n import catalog_for, current_locale

STATIC_ROOT = Path(__file__).resolve().parent / "static"
STATIC_SCHEME = "casework-static"
BASE_URL = f"{STATIC_SCHEME}:/"


class RenderFailed(Exception):
    """The PDF could not be made; the message says why in words a user understands."""

    status = 503  # what the page saying so answers: the service could not do it now


class SafeURLFetcher(URLFetcher):
    """Serves data: URLs and the app's static files; refuses every other URL (and records it)."""

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data",), allow_redirects=False, timeout=1)
        self.requested: list[str] = []

    def fetch(self, url, headers=None):
        """A data: URL or one of the app's static files; anything else is refused (and recorded)."""
        self.requested.append(url)
        scheme = url.split(":", 1)[0].lower()
        if scheme == "data":
            return super().fetch(url, headers)
        if scheme == STATIC_SCHEME:
            relative = url.split(":", 1)[1].lstrip("/").split("?")[0].split("#")[0]
            path = (STATIC_ROOT / relative).resolve()
            if STATIC_ROOT not in path.parents or not path.is_file():
                raise ValueError(f"no such static file: {relative}")
            mime = mimetypes.guess_type(path.name)[0] or "application/octet-stream"
            return URLFetcherResponse(url, path.read_bytes(), {"Content-Type": mime})
        raise ValueError(
            f"blocked URL (only data: and the application's static files are allowed): {url[:80]}"
        )


@dataclass
class Rendered:
    """A rendered PDF and what it took."""

    data: bytes
    sha256: str
    requested_urls: list[str] = field(default_factory=list)
    peak_memory_kb: int = 0  # of the rendering process


MM = 72 / 25.4  # PDF points per millimetre
OVERLAY_MARGINS_MM = (24, 18, 24, 18)  # top, right, bottom, left: inside the running header and footer


def html_to_pdf(html: str, exhibits: dict[str, bytes] | None = None) -> tuple[bytes, list[str]]:
    """Render HTML to PDF in this process with the safe fetcher (the child process calls this).

    `exhibits` maps an element id prefix to a PDF: every element with id "<prefix>-p<n>" marks a page of the
    rendered document on which page n of that PDF is drawn, scaled to fit inside the margins, so that the
    running headers, footers and page numbers of the packet continue over the exhibits.
    """
    fetcher = SafeURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render()
    placements: dict[int, tuple[str, int]] = {}
    if exhibits:
        for index, page in enumerate(document.pages):
            for anchor in page.anchors:
                prefix, _, number = anchor.rpartition("-p")
                if prefix in exhibits and number.isdigit():
                    placements[index] = (prefix, int(number))
    pdf = document.write_pdf(uncompressed_pdf=False, pdf_identifier=False)
    if exhibits and placements:
        pdf = _overlay(pdf, exhibits, placements)
    return pdf, fetcher.requested


def _overlay(pdf: bytes, exhibits: dict[str, bytes], placements: dict[int, tuple[str, int]]) -> bytes:
    """Draw exhibit pages onto their placeholder pages, scaled to fit inside the margins.

    Each exhibit page becomes a form XObject of the packet (qpdf, through pikepdf, copies it without
    parsing its content): only the page's drawing comes along, never its annotations, links, scripts,
    or the exhibit's attached files and document actions.
    """

    import pikepdf

    packet = pikepdf.open(io.BytesIO(pdf))
    sources = {prefix: pikepdf.open(io.BytesIO(data)) for prefix, data in exhibits.items()}
    try:
        top, right, bottom, left = (m * MM for m in OVERLAY_MARGINS_MM)
        for index, (prefix, number) in placements.items():
            page = sources[prefix].pages[number - 1]
            if "/Annots" in page.obj:
                del page.obj["/Annots"]
            target = packet.pages[index]
            box = target.mediabox
            area = pikepdf.Rectangle(
                float(box[0]) + left, float(box[1]) + bottom, float(box[2]) - right, float(box[3]) - top
            )
            target.add_overlay(page, area)
        out = io.BytesIO()
        packet.save(out, compress_streams=True)
        return out.getvalue()
    finally:
        packet.close()
        for source in sources.values():
            source.close()


class PdfBusy(RenderFailed):
    """Too many PDFs are being made (by this user, or on the server): a message and 429 or 503."""

    def __init__(self, message: str, status: int) -> None:
        super().__init__(message)
        self.status = status


USER_BUSY = "Another PDF of yours is still being made; try again when it is done."
SERVER_BUSY = "The server is making as many PDFs as it can at once; try again in a minute."


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


def _template_html(job: _Job) -> str:
    """Render the job's template in the child: autoescaped like the application's own environment; the
    objects loaded in the request are attached to a session of the child's own (a fresh connection, never
    the request's), so an attribute the request did not load is read rather than failing."""
    import sqlalchemy as sa
    from sqlalchemy.orm import Session

    engine = (
        sa.create_engine(job.database_url, poolclass=sa.pool.NullPool, hide_parameters=True)
        if job.database_url
        else None
    )
    session = Session(bind=engine, autoflush=False) if engine is not None else None
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
        if engine is not None:
            engine.dispose()


def _child(conn, job_data: bytes, memory_bytes: int, niceness: int) -> None:
    try:
        os.nice(niceness)  # below the web workers: pages and /healthz get the processor first
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        # Inside the limits: the context can be as large as the case. The bytes come from our own parent.
        job: _Job = pickle.loads(job_data)  # noqa: S301
        html = job.html if job.html is not None else _template_html(job)
        pdf, requested = html_to_pdf(html, job.exhibits)
        conn.send(("ok", pdf, (requested, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss)))
    except MemoryError:
        conn.send(("error", "The document is too large to print (it needs more memory than allowed).", None))
    except BaseException as exc:  # noqa: BLE001 - anything at all must come back as a message
        conn.send(("error", f"The document could not be printed ({exc.__class__.__name__}).", None))
    finally:
        conn.close()


def _context():
    """Children come from a fork server started once with WeasyPrint loaded: fast, and never a fork of a
    process whose other threads may hold locks (the threaded development server, gunicorn's gthread)."""
    ctx = multiprocessing.get_context("forkserver")
    ctx.set_forkserver_preload(["casework.pdf_warm"])
    return ctx


def _same(obj):
    """Unpickling a proxy gives the object it stood for."""
    return obj


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


def _run(job: _Job, timeout: float | None = None, memory_mb: int | None = None) -> Rendered:
    """Run a job in a child process bounded in time and memory; RenderFailed on failure."""
    config = current_app.config
    timeout = timeout or config.get("PDF_TIMEOUT_SECONDS", 60)
    memory_mb = memory_mb if memory_mb is not None else config.get("PDF_MEMORY_MB", 1536)
    try:
        job_data = _dumps(job)
    except (pickle.PicklingError, TypeError, AttributeError) as exc:
        raise RenderFailed(f"The document could not be printed ({exc.__class__.__name__}).") from None
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    niceness = config.get("PDF_NICENESS", 10)
    process = ctx.Process(
        target=_child, args=(child, job_data, memory_mb * 1024 * 1024, niceness), daemon=True
    )
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise RenderFailed(
                f"This PDF took too long to make (more than {int(timeout)} seconds) and was stopped. "
                "Choose fewer sections or exhibits and try again."
            )
        try:
            status, payload, stats = parent.recv()
        except EOFError:
            raise RenderFailed("The document could not be printed (the printing process stopped).") from None
    finally:
        if process.is_alive():
            process.kill()
        process.join(5)
        parent.close()
    if status != "ok":
        raise RenderFailed(payload)
    requested, peak = stats
    return Rendered(payload, hashlib.sha256(payload).hexdigest(), requested, peak)


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

"""Safe PDF rendering with WeasyPrint, shared by every feature that prints.

- Templates under templates/pdf/ are rendered by Jinja with autoescape, so user text is text, never markup.
- WeasyPrint gets a URL fetcher that serves `data:` URLs and the application's own static files
  (`casework-static:` URLs, resolved inside casework/static/) and refuses everything else: no file:,
  no network, no redirects. Every URL asked for is recorded (tests read the record).
- Rendering runs in a child process with a memory limit and a time limit, so that a pathological
  document fails with a message and the server keeps serving.
"""

from __future__ import annotations

import hashlib
import mimetypes
import multiprocessing
import resource
from dataclasses import dataclass, field
from pathlib import Path

from flask import current_app, render_template
from weasyprint import HTML
from weasyprint.urls import URLFetcher, URLFetcherResponse

STATIC_ROOT = Path(__file__).resolve().parent / "static"
STATIC_SCHEME = "casework-static"
BASE_URL = f"{STATIC_SCHEME}:/"


class RenderFailed(Exception):
    """The PDF could not be made; the message says why in words a user understands."""


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
    import io

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


def _child(conn, html: str, memory_bytes: int, exhibits: dict[str, bytes] | None = None) -> None:
    try:
        if memory_bytes:
            resource.setrlimit(resource.RLIMIT_AS, (memory_bytes, memory_bytes))
        pdf, requested = html_to_pdf(html, exhibits)
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


def render_html(
    html: str,
    *,
    exhibits: dict[str, bytes] | None = None,
    timeout: float | None = None,
    memory_mb: int | None = None,
) -> Rendered:
    """Render HTML to PDF in a child process bounded in time and memory; RenderFailed on failure."""
    config = current_app.config
    timeout = timeout or config.get("PDF_TIMEOUT_SECONDS", 60)
    memory_mb = memory_mb if memory_mb is not None else config.get("PDF_MEMORY_MB", 1536)
    ctx = _context()
    parent, child = ctx.Pipe(duplex=False)
    process = ctx.Process(target=_child, args=(child, html, memory_mb * 1024 * 1024, exhibits), daemon=True)
    process.start()
    child.close()
    try:
        if not parent.poll(timeout):
            raise RenderFailed(
                f"Printing took longer than {int(timeout)} seconds and was stopped. "
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


def render_template_pdf(template: str, *, exhibits: dict[str, bytes] | None = None, **context) -> Rendered:
    """Render a templates/pdf/ template (autoescaped) to a PDF."""
    html = render_template(template, **context)
    return render_html(html, exhibits=exhibits)

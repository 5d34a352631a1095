"""What runs in the PDF renderer processes only: WeasyPrint with the safe URL fetcher, and the exhibits drawn
onto the packet's pages. Kept apart from casework.pdf so that the web application never imports WeasyPrint
(a large import): only the fork server and its children do (casework.pdf_warm)."""

from __future__ import annotations

import io
import mimetypes
import re

import weasyprint.pdf.fonts
from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from casework.pdf import BASE_URL, STATIC_ROOT, STATIC_SCHEME

_SIZED_ARRAY = re.compile(r"(\w+)\[(\d+)\]")


class _OpenArrays:
    """A cffi handle whose `new("T[N]", init)` allocates `new("T[]", ...)`: the same N items, the same values.

    WeasyPrint writes the length into the type when it subsets fonts (`hb_codepoint_t[296]`), and cffi parses
    every type it has not seen (2-4 ms each, with pycparser): each document meets a handful of new lengths.
    The open array type is parsed once, in the fork server's warm-up, and every renderer finds it parsed."""

    def __init__(self, ffi) -> None:
        self._ffi = ffi

    def new(self, cdecl, init=None):
        """cffi's `new`, with a sized array type allocated as the open array of the same length."""
        sized = _SIZED_ARRAY.fullmatch(cdecl) if isinstance(cdecl, str) else None
        if sized is not None:
            length = int(sized.group(2))
            if init is None:
                return self._ffi.new(f"{sized.group(1)}[]", length)
            if isinstance(init, list | tuple) and len(init) == length:
                return self._ffi.new(f"{sized.group(1)}[]", init)
        return self._ffi.new(cdecl, init)

    def __getattr__(self, name):
        return getattr(self._ffi, name)


if not isinstance(weasyprint.pdf.fonts.ffi, _OpenArrays):
    weasyprint.pdf.fonts.ffi = _OpenArrays(weasyprint.pdf.fonts.ffi)


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


# One font configuration for every document of the process. Made in the fork server (which imports this module)
# and filled by its warm-up, it reaches every renderer with pdf.css's @font-face fonts already registered: a
# configuration made per document (WeasyPrint's default) registers them again in each renderer, writing them to a
# temporary folder of its own that a renderer, ending with os._exit, never removed (290 KB left in /tmp by every
# PDF). The faces come from our own stylesheet, and the same fonts give the same bytes.
_FONTS = FontConfiguration()


def _font_config() -> FontConfiguration:
    """The process's kept font configuration, or a new one should the folder its @font-face files were written
    to have gone (a temporary folder: a cleaner of old files may remove it under a long-running server)."""
    folder = _FONTS._folder  # noqa: SLF001 - where WeasyPrint wrote the fonts (None: none written yet)
    return _FONTS if folder is None or folder.is_dir() else FontConfiguration()


MM = 72 / 25.4  # PDF points per millimetre
OVERLAY_MARGINS_MM = (24, 18, 24, 18)  # top, right, bottom, left: inside the running header and footer


def html_to_pdf(html: str, exhibits: dict[str, bytes] | None = None) -> tuple[bytes, list[str]]:
    """Render HTML to PDF in this process with the safe fetcher (the child process calls this).

    `exhibits` maps an element id prefix to a PDF: every element with id "<prefix>-p<n>" marks a page of the
    rendered document on which page n of that PDF is drawn, scaled to fit inside the margins, so that the
    running headers, footers and page numbers of the packet continue over the exhibits.
    """
    fetcher = SafeURLFetcher()
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=fetcher).render(font_config=_font_config())
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

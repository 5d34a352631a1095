"""Print a gathered case summary or packet: exhibits read from storage, the PDF rendered safely, the printing
audited (sections, audience, SHA-256 of the file). Flushes nothing but the audit row; never commits."""

from __future__ import annotations

import base64
import io
from datetime import UTC, datetime

from casework import access, audit
from casework.documents import storage
from casework.errors import OperationError
from casework.models import Document, User
from casework.packets.content import Audience, PacketContent
from casework.pdf import Rendered, RenderFailed, render_template_pdf

SUMMARY_TITLE = "Case summary"


class PrintFailed(OperationError):
    """The PDF could not be made (a missing exhibit file, a render that failed, too many PDFs at once); the
    message says why and `status` what the page answers (429: the user's own limit; 503: try again later)."""

    def __init__(self, message: str, status: int = 503) -> None:
        super().__init__(message)
        self.status = status


def _letters(n: int) -> str:
    """Exhibit letters: A … Z, AA, AB …"""
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
        if n == 0:
            return out
        n -= 1


def exhibit_specs(documents: list[Document]) -> tuple[list[dict], dict[str, bytes]]:
    """Exhibit index rows, and the PDF exhibits to draw onto placeholder pages (by anchor)."""
    specs: list[dict] = []
    pdfs: dict[str, bytes] = {}
    for i, document in enumerate(documents):
        data = storage.read_document(document)
        anchor = f"exhibit-{i}"
        spec: dict = {
            "letter": _letters(i),
            "title": document.title,
            "kind": document.kind.label,
            "anchor": anchor,
            "image": None,
            "pages": 1,
        }
        if document.content_type == "application/pdf":
            import pikepdf  # here, not above: a summary, or a packet without PDF exhibits, never loads it

            with pikepdf.open(io.BytesIO(data)) as pdf:
                spec["pages"] = len(pdf.pages)
            pdfs[anchor] = data
        else:
            spec["image"] = f"data:{document.content_type};base64,{base64.b64encode(data).decode()}"
        specs.append(spec)
    return specs, pdfs


def print_case(user: User, content: PacketContent, title: str, purpose: str | None) -> Rendered:
    """Render the PDF of gathered content and audit it; PrintFailed when it cannot be made."""
    person = content.person
    try:
        exhibits, pdfs = exhibit_specs(content.exhibits)
    except FileNotFoundError:
        raise PrintFailed(
            "A chosen exhibit's file is missing from storage: untick it, or upload it again.",
            410,  # as a download of that document answers: the file is gone, trying again will not help
        ) from None
    try:
        rendered = render_template_pdf(
            "pdf/case.html",
            owner=f"user-{user.id}",
            exhibits=pdfs or None,
            c=content,
            title=title,
            purpose=purpose,
            exhibit_specs=exhibits,
            generated_by=user.display_name,
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            can_see_a_number=content.audience != Audience.PUBLIC and access.can(user, "see_a_number", person),
        )
    except RenderFailed as exc:
        raise PrintFailed(str(exc), exc.status) from None
    audit.record(
        user,
        "packet.generated" if content.exhibits or title != SUMMARY_TITLE else "summary.generated",
        person,
        person=person,
        fields=content.sections + [f"exhibit:{d.id}" for d in content.exhibits],
        detail=f"audience={content.audience.value} sha256={rendered.sha256}",
    )
    return rendered

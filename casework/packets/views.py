"""PDF case summaries and packets with exhibits (rendered safely; every PDF is audited)."""

from __future__ import annotations

import base64
import io
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import Blueprint, Response, abort, flash, render_template, request
from flask_login import current_user, login_required

from casework import access, audit
from casework.documents import storage
from casework.extensions import db
from casework.forms import options
from casework.models import Document, Person
from casework.models.record import custody_clock
from casework.packets.content import SECTIONS, Audience, PacketContent, PacketRefused, gather
from casework.packets.forms import PacketForm
from casework.pdf import RenderFailed, render_template_pdf

bp = Blueprint("packets", __name__, url_prefix="/people/<int:person_id>")


@bp.before_request
@login_required
def _signed_in():
    """Every page here needs a signed-in user."""


def _printable(person_id: int) -> Person:
    person = access.get_person_or_404(person_id)
    if not access.can_print(current_user, person):
        abort(403)
    return person


def _letters(n: int) -> str:
    out = ""
    while True:
        n, r = divmod(n, 26)
        out = chr(65 + r) + out
        if n == 0:
            return out
        n -= 1


def _exhibit_specs(documents: list[Document]) -> tuple[list[dict], dict[str, bytes]]:
    """Exhibit index rows, and the PDF exhibits to draw onto placeholder pages (by anchor)."""
    import pikepdf

    specs, pdfs = [], {}
    for i, document in enumerate(documents):
        data = storage.read(document.storage_name)
        spec = {
            "letter": _letters(i),
            "title": document.title,
            "kind": document.kind.label,
            "anchor": f"exhibit-{i}",
            "image": None,
            "pages": 1,
        }
        if document.content_type == "application/pdf":
            with pikepdf.open(io.BytesIO(data)) as pdf:
                spec["pages"] = len(pdf.pages)
            pdfs[spec["anchor"]] = data
        else:
            spec["image"] = f"data:{document.content_type};base64,{base64.b64encode(data).decode()}"
        specs.append(spec)
    return specs, pdfs


def _render(content: PacketContent, title: str, purpose: str | None) -> Response:
    """Render, audit (sections, audience, SHA-256) and send the PDF."""
    person = content.person
    try:
        exhibits, pdfs = _exhibit_specs(content.exhibits)
    except FileNotFoundError:
        flash("A chosen exhibit's file is missing from storage: untick it, or upload it again.", "error")
        return None
    clock = None
    if content.removal is not None:
        clock = custody_clock(content.removal, person.custody_status, person.custody_since, date.today())
    try:
        rendered = render_template_pdf(
            "pdf/case.html",
            exhibits=pdfs or None,
            c=content,
            title=title,
            purpose=purpose,
            exhibit_specs=exhibits,
            generated_by=current_user.display_name,
            generated_at=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
            clock=clock,
            can_see_a_number=content.audience != Audience.PUBLIC
            and access.can(current_user, "see_a_number", person),
        )
    except RenderFailed as exc:
        db.session.rollback()
        flash(str(exc), "error")
        return None
    audit.record(
        current_user,
        "packet.generated" if content.exhibits or title != "Case summary" else "summary.generated",
        person,
        person=person,
        fields=content.sections + [f"exhibit:{d.id}" for d in content.exhibits],
        detail=f"audience={content.audience.value} sha256={rendered.sha256}",
    )
    db.session.commit()
    kind = "summary" if title == "Case summary" else "packet"
    return Response(
        rendered.data,
        mimetype="application/pdf",
        headers={
            "Content-Disposition": f'attachment; filename="case-{person.id}-{kind}-{date.today().isoformat()}.pdf"'
        },
    )


@bp.get("/summary.pdf")
def summary(person_id: int):
    """Everything the user may see about the case, as a PDF."""
    person = _printable(person_id)
    audience = Audience.ATTORNEY if access.can(current_user, "view_privileged", person) else Audience.INTERNAL
    content = gather(current_user, person, audience, list(SECTIONS))
    response = _render(content, "Case summary", None)
    if response is None:
        return render_template("packets/failed.html", person=person), 503
    return response


def _documents(person: Person) -> list[Document]:
    return db.session.scalars(
        sa.select(Document)
        .where(Document.person_id == person.id, access.documents_filter(current_user))
        .order_by(Document.created_at, Document.id)
    ).all()


@bp.route("/packet", methods=["GET", "POST"])
def build(person_id: int):
    """Choose sections, audience and exhibits (in order), then download the packet."""
    person = _printable(person_id)
    documents = _documents(person)
    form = PacketForm(
        data={"audience": "internal", "sections": list(SECTIONS)} if request.method == "GET" else None
    )
    form.exhibits.choices = options((d.id, d.title) for d in documents)
    order_errors: dict[int, str] = {}
    if form.validate_on_submit():
        known = {d.id for d in documents}
        chosen = [i for i in form.exhibits.data or [] if i in known]
        orders = {}
        for document_id in chosen:
            raw = request.form.get(f"order-{document_id}", "").strip()
            if raw and not (raw.isdigit() and 1 <= int(raw) <= 99):
                order_errors[document_id] = "Type a whole number from 1 to 99 for the exhibit's place."
            orders[document_id] = int(raw) if raw.isdigit() else 100
        if not order_errors:
            ordered = sorted(chosen, key=lambda i: (orders[i], chosen.index(i)))
            try:
                content = gather(
                    current_user, person, Audience(form.audience.data), form.sections.data, ordered
                )
            except PacketRefused as exc:
                form.audience.errors.append(str(exc))
            else:
                response = _render(content, "Case packet", form.purpose.data)
                if response is not None:
                    return response
    elif request.method == "POST":
        flash("The packet was not made: correct the fields marked below.", "error")
    return render_template(
        "packets/build.html",
        form=form,
        person=person,
        documents=documents,
        order_errors=order_errors,
        request_form=request.form,
    )

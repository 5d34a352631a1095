"""PDF case summaries and packets with exhibits (rendered safely; every PDF is audited).

The request's unit of work commits once when a view returns (casework.unit_of_work).
"""

from __future__ import annotations

from flask import Blueprint, Response, abort, flash, render_template, request
from flask_login import current_user, login_required

from casework import access, clock, editing
from casework.accounts.reauth import fresh_proof_required
from casework.errors import OperationError
from casework.forms import options
from casework.i18n import gettext
from casework.models import Person
from casework.packets import printing, queries
from casework.packets.content import Audience, PacketRefused, gather, section_choices
from casework.packets.forms import PacketForm
from casework.pdf import Rendered

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


def _download(person: Person, rendered: Rendered, kind: str) -> Response:
    """The PDF as an attachment named after the case, the kind of document and the day."""
    filename = f"case-{person.id}-{kind}-{clock.today().isoformat()}.pdf"
    return Response(
        rendered.data,
        mimetype="application/pdf",
        headers={"Content-Disposition": f'attachment; filename="{filename}"'},
    )


@bp.get("/summary.pdf")
def summary(person_id: int):
    """Everything the user may see about the case, as a PDF."""
    person = _printable(person_id)
    audience = Audience.ATTORNEY if access.can(current_user, "view_privileged", person) else Audience.INTERNAL
    content = gather(current_user, person, audience, [key for key, _ in section_choices()])
    try:
        rendered = printing.print_case(current_user, content, printing.SUMMARY_TITLE, None)
    except printing.PrintFailed as exc:
        return _failed_page(person, exc)
    return _download(person, rendered, "summary")


def _failed_page(person: Person, exc: printing.PrintFailed) -> tuple[str, int, dict[str, str]]:
    """The page saying why the PDF was not made: 429 when the user's own PDFs are in the way, else 503."""
    page = render_template("packets/failed.html", person=person, message=str(exc), busy=exc.status == 429)
    return page, exc.status, {"Retry-After": "30"}


def _packet_refused(form: PacketForm, exc: OperationError, failures: list[printing.PrintFailed]) -> None:
    """An audience the content cannot have goes under the audience; a failed print is kept for its page."""
    if isinstance(exc, PacketRefused):
        form.audience.errors.append(str(exc))
    elif isinstance(exc, printing.PrintFailed):
        failures.append(exc)
    else:
        flash(str(exc), "error")


def _print_packet(person: Person, form: PacketForm, exhibit_ids: list[int]) -> Rendered:
    content = gather(current_user, person, Audience(form.audience.data), form.sections.data, exhibit_ids)
    return printing.print_case(current_user, content, "Case packet", form.purpose.data)


def _packet_response(person: Person, form: PacketForm, exhibit_ids: list[int]):
    """The packet as a download, the page saying why it was not made, or None (a refusal on the form)."""
    failures: list[printing.PrintFailed] = []
    rendered = editing.submit(
        form,
        lambda: _print_packet(person, form, exhibit_ids),
        on_refused=lambda f, exc: _packet_refused(f, exc, failures),
    )
    if rendered is not None:
        return _download(person, rendered, "packet")
    return _failed_page(person, failures[0]) if failures else None


@bp.route("/packet", methods=["GET", "POST"])
@fresh_proof_required
def build(person_id: int):
    """Choose sections, audience and exhibits (in order), then download the packet."""
    person = _printable(person_id)
    documents = queries.printable_documents(current_user, person)
    parts = section_choices()
    form = PacketForm(
        data={"audience": "internal", "sections": [k for k, _ in parts]} if request.method == "GET" else None
    )
    form.sections.choices = options(parts)
    form.exhibits.choices = options((d.id, d.title) for d in documents)
    order_errors: dict[int, str] = {}
    if form.validate_on_submit():
        ordered, order_errors = form.ordered_exhibits({d.id for d in documents}, request.form)
        response = None if order_errors else _packet_response(person, form, ordered)
        if response is not None:
            return response
    elif request.method == "POST":
        flash(gettext("The packet was not made: correct the fields marked below."), "error")
    return render_template(
        "packets/build.html",
        form=form,
        person=person,
        documents=documents,
        order_errors=order_errors,
        request_form=request.form,
    )

"""The delivery files of a hosted petition: the signatures as CSV, and the delivery PDF (a cover page with the
text and its SHA-256, the targets, the count and dates, then the signatures). Both carry signers' names; the
views that hand them out need "manage" and "export", and audit every download."""

from __future__ import annotations

import csv
import io

from casework import clock
from casework.csv_safe import safe_cell
from casework.models import Petition
from casework.pdf import render_template_pdf
from casework.petitions.operations import petition_text, petition_text_sha256
from casework.petitions.queries import delivery_rows

CSV_HEADER = ["Number", "Name", "ZIP code", "Confirmed on", "Comment"]


def signatures_csv(petition: Petition) -> str:
    """The confirmed signatures for the decision maker (no e-mail addresses), cells safe from formulas."""
    out = io.StringIO()
    writer = csv.writer(out)
    writer.writerow(CSV_HEADER)
    for row in delivery_rows(petition):
        writer.writerow(
            [
                row.number,
                safe_cell(row.name),
                safe_cell(row.zip_code),
                row.confirmed_on.isoformat() if row.confirmed_on else "",
                safe_cell(row.comment),
            ]
        )
    return out.getvalue()


def delivery_pdf(petition: Petition, owner: str) -> bytes:
    """The delivery document, as PDF bytes, made in a slot of `owner`'s (casework.pdf.printing_slot); raises
    casework.pdf.RenderFailed when it cannot be made."""
    rows = delivery_rows(petition)
    dates = [r.confirmed_on for r in rows if r.confirmed_on]
    rendered = render_template_pdf(
        "pdf/petition_delivery.html",
        owner=owner,
        petition=petition,
        rows=rows,
        text=petition_text(petition),
        sha256=petition_text_sha256(petition),
        first=min(dates) if dates else None,
        last=max(dates) if dates else None,
        today=clock.today(),
    )
    return rendered.data

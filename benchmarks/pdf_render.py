"""Time and peak memory of a case summary and of a 30-page packet, against WeasyPrint alone.

The summary is of demo case 3 as it is; the packet is of demo case 1 padded with 60 notes and two exhibits
(a 12-page court record and a scanned letter) to reach 30 pages. Both are made through the application
(request, queries, template, the bounded
child process, exhibits drawn onto the pages); "WeasyPrint alone" renders the very same HTML with
`HTML(string=...).write_pdf()` once in each of several fresh children of the same warm fork server (the
application, too, renders one document per process). Figures are medians of several runs.
"""

from __future__ import annotations

import io
import os
import re
import resource
import statistics
import sys
import tempfile
import time
from datetime import date
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import bench_data  # noqa: E402

RUNS = 5
PACKET_SECTIONS = ["person", "custody", "removal", "convictions", "relief", "contacts", "community", "notes"]


def case_pdf_context(user, person, summary: bool, exhibit_ids: list[int] | None) -> tuple[dict, list]:
    """The context of pdf/case.html as the application builds it, and the exhibits' PDFs: the summary (every
    section, for an attorney) or the packet (PACKET_SECTIONS and the exhibits, internal)."""
    from casework.packets.content import Audience, gather, section_choices
    from casework.packets.printing import exhibit_specs

    content = gather(
        user,
        person,
        Audience.ATTORNEY if summary else Audience.INTERNAL,
        [key for key, _ in section_choices()] if summary else PACKET_SECTIONS,
        None if summary else exhibit_ids,
    )
    specs, pdfs = exhibit_specs(content.exhibits)
    context = dict(
        c=content,
        title="Case summary" if summary else "Case packet",
        purpose=None,
        exhibit_specs=specs,
        generated_by="x",
        generated_at=str(date.today()),
        clock=None,
        can_see_a_number=True,
    )
    return context, pdfs


def case_html(context: dict) -> str:
    """pdf/case.html as the application's renderer makes it from `context` (inside a request): with the request's
    language, which the renderer gives the template as `locale` (casework.pdf), so that WeasyPrint alone lays
    out the very document the application does (`<html lang="en">`: Pango shapes text for the language)."""
    from flask import render_template

    from casework.i18n import current_locale

    return render_template("pdf/case.html", **{"locale": current_locale(), **context})


def _render_once(html: str, queue) -> None:
    """In a fresh process: render the HTML once; report the time and peak memory."""
    from weasyprint import HTML

    from casework.pdf import BASE_URL
    from casework.pdf_engine import SafeURLFetcher

    start = time.perf_counter()
    HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher()).write_pdf()
    queue.put((time.perf_counter() - start, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def weasyprint_alone(html: str, runs: int) -> tuple[list[float], int]:
    """Seconds of WeasyPrint alone on `html`, `runs` times, and the highest peak memory (KB): each time in a
    fresh child of the application's own PDF fork server, as the application renders one document per
    process (a second document in the same process would find this one's fonts and glyphs in its caches)."""
    from casework.pdf_server import context

    ctx = context()
    times, peak = [], 0
    for _ in range(runs):
        queue = ctx.Queue()
        process = ctx.Process(target=_render_once, args=(html, queue))
        process.start()
        seconds, memory = queue.get(timeout=600)
        process.join(30)
        times.append(seconds)
        peak = max(peak, memory)
    return times, peak


def baseline(html: str) -> tuple[float, int]:
    """WeasyPrint alone: the median of RUNS renders and the peak memory (same footprint as the application)."""
    times, peak = weasyprint_alone(html, RUNS)
    return statistics.median(times), peak


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="casework-pdf-bench-")
    os.environ["CASEWORK_INSTANCE_PATH"] = tmp
    os.environ["CASEWORK_PASSWORD"] = bench_data.PASSWORD
    from flask_migrate import upgrade

    from casework import create_app, demo
    from casework.extensions import db
    from casework.models import Person, User
    from casework.pdf import render_template_pdf

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
            "SECRET_KEY": "x" * 32,
            "LOGIN_RATE_LIMIT": "1000 per minute",
            # Links outside a page come from the public address, required outside development.
            "PUBLIC_BASE_URL": "http://127.0.0.1",
        }
    )
    with app.app_context():
        upgrade()
        people = demo.load(bench_data.PASSWORD)
        exhibit_ids = bench_data.packet_material(people["keo"])
        db.session.commit()
        person_ids = {k: p.id for k, p in people.items()}

    client, token = bench_data.signed_in_client(app)

    def timed(fn):
        fn()
        times = []
        for _ in range(RUNS):
            start = time.perf_counter()
            response = fn()
            times.append(time.perf_counter() - start)
            assert response.status_code == 200 and response.mimetype == "application/pdf", (
                response.status_code,
                re.findall(
                    r"errors\"[^>]*>\s*<li>([^<]*)|flash-error\">([^<]*)", response.get_data(as_text=True)
                ),
            )
        return statistics.median(times), response.data

    from pypdf import PdfReader

    packet_form = {
        "csrf_token": token,
        "audience": "internal",
        "purpose": "For the Parole Board",
        "sections": PACKET_SECTIONS,
        "exhibits": [str(i) for i in exhibit_ids],
    }
    cases = [
        ("summary (demo case 3)", lambda: client.get(f"/people/{person_ids['pham']}/summary.pdf")),
        (
            "30-page packet with 2 exhibits",
            lambda: client.post(f"/people/{person_ids['keo']}/packet", data=packet_form),
        ),
    ]
    print(
        f"{'document':<34} {'pages':>5} {'app':>9} {'alone':>9} {'ratio':>6} {'app peak':>10} {'alone peak':>11}"
    )
    for label, fn in cases:
        seconds, data = timed(fn)
        pages = len(PdfReader(io.BytesIO(data)).pages)
        # Recreate the exact HTML the application rendered, and measure the application's render process.
        with app.test_request_context():
            from flask_login import login_user

            with app.app_context():
                user = db.session.scalar(db.select(User).where(User.email == bench_data.STAFF))
                login_user(user)
                summary = label.startswith("summary")
                person = db.session.get(Person, person_ids["pham" if summary else "keo"])
                context, pdfs = case_pdf_context(user, person, summary, exhibit_ids)
                html = case_html(context)
                peak_app = render_template_pdf(
                    "pdf/case.html", owner="benchmark", exhibits=pdfs or None, **context
                ).peak_memory_kb
        alone, peak_alone = baseline(html)
        print(
            f"{label:<34} {pages:>5} {seconds * 1000:>7.0f}ms {alone * 1000:>7.0f}ms {seconds / alone:>6.2f} "
            f"{peak_app / 1024:>8.0f}MB {peak_alone / 1024:>9.0f}MB"
        )


if __name__ == "__main__":
    main()

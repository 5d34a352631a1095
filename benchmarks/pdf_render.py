"""Time and peak memory of a case summary and of a 30-page packet, against WeasyPrint alone.

The summary is of demo case 3 as it is; the packet is of demo case 1 padded with 60 notes and two exhibits
(a 12-page court record and a scanned letter) to reach 30 pages. Both are made through the application
(request, queries, template, the bounded
child process, exhibits drawn onto the pages); "WeasyPrint alone" renders the very same HTML with
`HTML(string=...).write_pdf()` in a fresh process. Figures are medians of several runs.
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

PASSWORD = "benchmark password phrase"
RUNS = 5


def weasyprint_alone(html: str, runs: int, queue) -> None:
    """In a fresh process: render the HTML `runs` times; report times and peak memory."""
    from weasyprint import HTML

    from casework.pdf import BASE_URL
    from casework.pdf_engine import SafeURLFetcher

    times = []
    for _ in range(runs):
        start = time.perf_counter()
        HTML(string=html, base_url=BASE_URL, url_fetcher=SafeURLFetcher()).write_pdf()
        times.append(time.perf_counter() - start)
    queue.put((times, resource.getrusage(resource.RUSAGE_SELF).ru_maxrss))


def baseline(html: str) -> tuple[float, int]:
    """Run WeasyPrint alone in a child of the same fork server the application uses (same footprint)."""
    from casework.pdf import _context

    ctx = _context()
    queue = ctx.Queue()
    process = ctx.Process(target=weasyprint_alone, args=(html, RUNS, queue))
    process.start()
    times, peak = queue.get()
    process.join()
    return statistics.median(times), peak


def main() -> None:
    tmp = tempfile.mkdtemp(prefix="casework-pdf-bench-")
    os.environ["CASEWORK_INSTANCE_PATH"] = tmp
    os.environ["CASEWORK_PASSWORD"] = PASSWORD
    from flask_migrate import upgrade
    from weasyprint import HTML

    from casework import create_app, demo
    from casework.documents import operations as documents
    from casework.extensions import db
    from casework.models import Note, Person, User
    from casework.pdf import render_template_pdf

    app = create_app(
        {
            "SQLALCHEMY_DATABASE_URI": f"sqlite:///{tmp}/bench.sqlite",
            "SECRET_KEY": "x" * 32,
            "LOGIN_RATE_LIMIT": "1000 per minute",
        }
    )
    with app.app_context():
        upgrade()
        people = demo.load(PASSWORD)
        keo = people["keo"]
        staff = db.session.scalar(db.select(User).where(User.email == "staff@example.org"))
        for i in range(60):  # a long case history fills the packet
            db.session.add(
                Note(
                    person_id=keo.id,
                    author_id=staff.id,
                    body=(
                        f"Meeting {i + 1}: reviewed the pardon petition draft, the letters received so far "
                        "and the next "
                        "check-in. The family brought two more support letters from the temple and the employer. "
                    )
                    * 3,
                )
            )
        exhibit = HTML(
            string="".join(
                f"<h1>Court record, page {n}</h1><p>{'Certified copy. ' * 200}</p>"
                "<p style='break-after: page'></p>"
                for n in range(1, 13)
            )
        ).write_pdf()
        from PIL import Image

        image = io.BytesIO()
        Image.new("RGB", (1200, 1600), (230, 235, 240)).save(image, "PNG")
        d1 = documents.upload(
            staff,
            keo,
            exhibit,
            "court.pdf",
            {"title": "Certified court record", "kind": "court_record", "privileged": False},
        )
        d2 = documents.upload(
            staff,
            keo,
            image.getvalue(),
            "letter.png",
            {"title": "Letter from the employer", "kind": "support_letter", "privileged": False},
        )
        db.session.commit()
        person_ids = {k: p.id for k, p in people.items()}
        exhibit_ids = [d1.id, d2.id]

    client = app.test_client()
    page = client.get("/login").get_data(as_text=True)
    token = re.search(r'name="csrf_token" type="hidden" value="([^"]+)"', page).group(1)
    client.post("/login", data={"email": "staff@example.org", "password": PASSWORD, "csrf_token": token})

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
        "sections": [
            "person",
            "custody",
            "removal",
            "convictions",
            "relief",
            "contacts",
            "community",
            "notes",
        ],
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

            from casework.packets.content import Audience, gather, section_choices

            with app.app_context():
                user = db.session.scalar(db.select(User).where(User.email == "staff@example.org"))
                login_user(user)
                summary = label.startswith("summary")
                person = db.session.get(Person, person_ids["pham" if summary else "keo"])
                content = gather(
                    user,
                    person,
                    Audience.ATTORNEY if summary else Audience.INTERNAL,
                    [key for key, _ in section_choices()] if summary else packet_form["sections"],
                    None if summary else exhibit_ids,
                )
                from flask import render_template

                from casework.packets.printing import exhibit_specs

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
                html = render_template("pdf/case.html", **context)
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

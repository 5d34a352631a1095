"""The benchmark's "WeasyPrint alone" lays out the very HTML the application's renderer makes of a summary."""

import sys
from pathlib import Path

from flask_login import login_user

from casework import pdf
from casework.packets import printing
from casework.packets.content import Audience, gather, section_choices
from casework.pdf import Rendered

sys.path.insert(0, str(Path(__file__).resolve().parent.parent / "benchmarks"))

import pdf_render  # noqa: E402


def test_the_benchmarks_summary_html_is_the_renderers(app, make_user, make_person, monkeypatch):
    user = make_user("staff")
    person = make_person(legal_name="Benchmark Case", native_name="ពេជ្រ សុវណ្ណ")
    jobs = []
    monkeypatch.setattr(
        pdf, "_run", lambda job, *args, **kwargs: jobs.append(job) or Rendered(b"%PDF", "0" * 64)
    )
    with app.test_request_context():
        login_user(user)
        content = gather(user, person, Audience.INTERNAL, [key for key, _ in section_choices()])
        printing.print_case(user, content, printing.SUMMARY_TITLE, None)
        (job,) = jobs
        made_by_the_renderer = pdf._template_html(job)  # what the bounded child renders from the job
        assert '<html lang="en">' in made_by_the_renderer
        assert pdf_render.case_html(job.context) == made_by_the_renderer

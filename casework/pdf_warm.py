"""Imported only by the PDF fork server: render a small document like the real ones, twice, so that
WeasyPrint's font, glyph and stylesheet caches are warm in every child forked from it (a cold child
spends most of its time filling them), with the models imported for the contexts children unpickle and
the PDF templates compiled."""

import string

from sqlalchemy.orm import configure_mappers
from werkzeug.utils import import_string

import casework.packets.content  # noqa: F401 - what children unpickle is imported once, here
import casework.petitions.queries  # noqa: F401
from casework import resource_dir
from casework.features import declared_features
from casework.pdf import warm_templates
from casework.pdf_engine import html_to_pdf

for _feature in declared_features():
    for _section in _feature.sections:
        import_string(_section)  # the sections' PDF parts and their loaders
configure_mappers()

_TEXT = (
    string.ascii_letters + string.digits + string.punctuation + " áàảãạăắằẳẵặâấầẩẫậđéèẻẽẹêếềểễệíìỉĩị"
    "óòỏõọôốồổỗộơớờởỡợúùủũụưứừửữựýỳỷỹỵ ÁĐÊÔƠƯ ភាសាខ្មែរ ពេជ្រ សុវណ្ណ ພາສາລາວ ສົມພອນ — “quotes” · ☐ ☑"
)
_PAGE = (
    '<html><head><link rel="stylesheet" href="casework-static:/pdf.css"></head><body>'
    '<header class="cover"><p class="meta"><span class="doc-kind">Case summary</span></p><h1>Casework</h1>'
    '<p class="native">ពេជ្រ សុវណ្ណ</p><p class="meta"><span class="generated">Generated</span></p>'
    '<p class="confidential-line">CONFIDENTIAL</p></header>'
    f"<h2>Warm-up</h2><p>{_TEXT}</p><p><strong>{_TEXT}</strong></p><p><em>{_TEXT}</em></p>"
    f'<div class="fact"><span class="k">Key</span><span class="v">{_TEXT}</span></div>'
    f'<div class="item"><div class="title">{_TEXT}</div><div class="step">☑ {_TEXT}</div></div>'
    '<table class="exhibit-index"><tr><th>A</th><td>B</td></tr></table></body></html>'
)

for _ in range(2):
    html_to_pdf(_PAGE)
warm_templates([str(resource_dir("templates"))])  # the application's own folder (Flask's search path)

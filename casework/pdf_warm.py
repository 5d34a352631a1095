"""Imported only by the PDF fork server: render a small document like the real ones, twice, so that
WeasyPrint's font, glyph and stylesheet caches are warm in every child forked from it (a cold child
spends most of its time filling them), with the models imported for the contexts children unpickle, every
module an application template filter comes from (a child unpickles the filters by name), the catalogs
read, SQLAlchemy's engine and session machinery set up once and the PDF templates compiled."""

import gc
import importlib
import os
import string

# Below the web workers from here on: a worker's first staff request starts this server, whose loading and
# warming take seconds of processor that pages and /healthz must not wait behind. Its renderers (children)
# never run above it (casework.pdf._child). Set before the heavy imports below.
WARM_NICENESS = 10
os.setpriority(os.PRIO_PROCESS, 0, max(WARM_NICENESS, os.getpriority(os.PRIO_PROCESS, 0)))

import sqlalchemy as sa  # noqa: E402
from sqlalchemy.orm import Session, configure_mappers  # noqa: E402
from werkzeug.utils import import_string  # noqa: E402

import casework.packets.content  # noqa: E402, F401 - what children unpickle is imported once, here
import casework.petitions.queries  # noqa: E402, F401
from casework import resource_dir  # noqa: E402
from casework.features import declared_features  # noqa: E402
from casework.i18n import LANGUAGES, catalog_for  # noqa: E402
from casework.pdf import warm_templates  # noqa: E402
from casework.pdf_engine import html_to_pdf  # noqa: E402

for _feature in declared_features():
    for _section in _feature.sections:
        import_string(_section)  # the sections' PDF parts and their loaders
    for _blueprint in _feature.blueprints:
        importlib.import_module(_blueprint.partition(":")[0])  # where template filters are defined
configure_mappers()
for _locale in LANGUAGES:
    catalog_for(_locale)
try:  # the PostgreSQL driver, when installed: a child connecting to PostgreSQL finds it loaded
    importlib.import_module("sqlalchemy.dialects.postgresql.psycopg")
    importlib.import_module("psycopg")
except ImportError:
    pass
# The first engine and session of a process set up SQLAlchemy's per-class events: done here, once.
_engine = sa.create_engine("sqlite://", poolclass=sa.pool.NullPool)
with Session(bind=_engine, autoflush=False) as _session:
    _session.rollback()
_engine.dispose()

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

# What the fork server loaded lives as long as every renderer forked from it: out of their collections (which
# would otherwise walk it, and copy the pages they share with the fork server, on every collection).
gc.freeze()

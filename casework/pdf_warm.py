"""Imported only by the PDF fork server: render one small document so that WeasyPrint's font and
stylesheet caches are warm in every child forked from it (a cold child spends most of its time there)."""

from casework.pdf import html_to_pdf

html_to_pdf(
    '<html><head><link rel="stylesheet" href="casework-static:/pdf.css"></head><body>'
    "<h1>Casework</h1><h2>Warm-up</h2><p>Latin, Tiếng Việt, ភាសាខ្មែរ, ພາສາລາວ.</p>"
    '<div class="fact"><span class="k">Key</span><span class="v">Value</span></div></body></html>'
)

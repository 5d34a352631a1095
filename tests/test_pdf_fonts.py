"""The renderers' kept font configuration: the bytes a configuration made for the document would give."""

from weasyprint import HTML
from weasyprint.text.fonts import FontConfiguration

from casework import pdf_engine
from casework.pdf import BASE_URL

PAGE = (
    '<html lang="en"><head><link rel="stylesheet" href="casework-static:/pdf.css"></head><body>'
    '<header class="cover"><h1>Case summary</h1><p class="native">ពេជ្រ សុវណ្ណ · ສົມພອນ</p></header>'
    "<h2>Custody</h2><p><strong>Detained</strong> since <em>2024-03-01</em> — Nguyễn Văn Thành</p></body></html>"
)


def _with_fresh_fonts(html: str) -> bytes:
    document = HTML(string=html, base_url=BASE_URL, url_fetcher=pdf_engine.SafeURLFetcher())
    return document.render(font_config=FontConfiguration()).write_pdf(
        uncompressed_pdf=False, pdf_identifier=False
    )


def test_documents_share_one_font_configuration_and_print_the_same_bytes():
    first, _ = pdf_engine.html_to_pdf(PAGE)
    again, requested = pdf_engine.html_to_pdf(PAGE)
    assert pdf_engine._font_config() is pdf_engine._FONTS
    assert first == again == _with_fresh_fonts(PAGE)
    # The @font-face fonts were registered by the first document: the next one does not read them again.
    assert "casework-static:/pdf.css" in requested
    assert not [url for url in requested if url.endswith(".ttf")]


def test_a_removed_font_folder_gives_the_document_a_configuration_of_its_own(monkeypatch, tmp_path):
    pdf_engine.html_to_pdf(PAGE)
    monkeypatch.setattr(pdf_engine._FONTS, "_folder", tmp_path / "removed")
    assert pdf_engine._font_config() is not pdf_engine._FONTS
    data, requested = pdf_engine.html_to_pdf(PAGE)
    assert data == _with_fresh_fonts(PAGE)
    assert [url for url in requested if url.endswith(".ttf")]  # registered again, in a folder of its own

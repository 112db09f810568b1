"""mesocourse.pdf: the shared font and download link used by the handout and the certificate."""

import base64

from fpdf import FPDF
from pypdf import PdfReader

from mesocourse.pdf import FONT_FAMILY, add_course_fonts, download_link_html


def test_course_font_prints_accented_names(tmp_path):
    """A document using the course font keeps accents and non-Latin letters in its text."""
    pdf = FPDF()
    add_course_fonts(pdf)
    pdf.add_page()
    pdf.set_font(FONT_FAMILY, "B", 14)
    pdf.cell(0, 10, "Clinique Hélène, Łukasz")
    path = tmp_path / "fonts.pdf"
    pdf.output(str(path))
    assert "Clinique Hélène, Łukasz" in PdfReader(path).pages[0].extract_text()


def test_download_link_carries_the_pdf_and_an_escaped_name():
    """The link embeds the exact bytes and cannot be broken by a file name with quotes."""
    link = download_link_html(b"%PDF-1.7 test", 'a"b.pdf', "the handout")
    assert base64.b64encode(b"%PDF-1.7 test").decode() in link
    assert 'download="a&quot;b.pdf"' in link and "Download the handout" in link

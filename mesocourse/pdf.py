"""PDF set-up shared by the patient handout and the certificate: a Unicode font so names with accents print."""

import base64
import html
from pathlib import Path

import matplotlib

# DejaVu Sans ships with matplotlib and covers Latin, Greek and Cyrillic (Hélène, Łukasz, Øyvind, ...).
FONT_FOLDER = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
FONT_REGULAR = FONT_FOLDER / "DejaVuSans.ttf"
FONT_BOLD = FONT_FOLDER / "DejaVuSans-Bold.ttf"
FONT_FAMILY = "DejaVu"


def add_course_fonts(pdf) -> None:
    """Register the course font (regular and bold) on an fpdf2 document, as FONT_FAMILY."""
    pdf.add_font(FONT_FAMILY, "", str(FONT_REGULAR))
    pdf.add_font(FONT_FAMILY, "B", str(FONT_BOLD))


def download_link_html(pdf: bytes, file_name: str, what: str, css_class: str = "mesocourse-download") -> str:
    """A link that saves the PDF from the page itself, so it works on a laptop and on a shared JupyterHub alike."""
    data = base64.b64encode(pdf).decode("ascii")
    name = html.escape(file_name, quote=True)
    return (
        f'<a class="{css_class}" download="{name}" href="data:application/pdf;base64,{data}" '
        f'style="font-weight:bold">⬇ Download {html.escape(what)} ({name})</a>'
    )

"""The patient's dated aftercare handout as a PDF (fpdf2), with plain checks of the clinic's name and phone."""

import re
import unicodedata
from datetime import date
from pathlib import Path

from mesocourse.aftercare.model import (
    aftercare,
    handout_instructions,
    late_watch_until,
    long_date,
    parse_treatment_date,
)
from mesocourse.pdf import add_course_fonts

PHONE_CHARACTERS = re.compile(r"^[0-9+()./\- ]+$")
MIN_PHONE_DIGITS = 5


def checked_clinic_name(clinic_name) -> str:
    """The clinic's name with its spaces folded, or a plain ValueError when it is missing or too long."""
    if clinic_name is None or not str(clinic_name).strip():
        raise ValueError("Please give the clinic's name: the patient needs to know who to call.")
    name = " ".join(str(clinic_name).split())
    if len(name) > 120:
        raise ValueError("The clinic's name is too long for the handout (120 characters at most).")
    return name


def _checked_phone(phone) -> str:
    if phone is None or not str(phone).strip():
        raise ValueError(
            "Please give the clinic's phone number: the patient must be able to call if anything is wrong."
        )
    number = " ".join(str(phone).split())
    digits = sum(character.isdigit() for character in number)
    if not PHONE_CHARACTERS.match(number) or digits < MIN_PHONE_DIGITS:
        raise ValueError(
            f"The phone number {number!r} does not look like a phone number: use digits, spaces and + - ( ) only."
        )
    return number


def _slug(text: str) -> str:
    ascii_text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode("ascii")
    return re.sub(r"[^a-z0-9]+", "-", ascii_text.lower()).strip("-") or "clinic"


def handout_filename(clinic_name: str, treatment_date: date) -> str:
    """The default file name: aftercare-<clinic>-<date>.pdf."""
    return f"aftercare-{_slug(clinic_name)}-{treatment_date.isoformat()}.pdf"


def _new_pdf(clinic: str, phone: str):
    from fpdf import FPDF

    class HandoutPDF(FPDF):
        def footer(self):
            self.set_y(-14)
            self.set_font("DejaVu", size=8)
            self.cell(0, 5, f"{clinic} · {phone} · page {self.page_no()} of {{nb}}", align="C")

    pdf = HandoutPDF(format="A4")
    # A Unicode font, so clinic names with accents (Clinique Hélène) print correctly.
    add_course_fonts(pdf)
    pdf.set_margins(16, 14, 16)
    pdf.set_auto_page_break(True, margin=16)
    pdf.set_title(f"Aftercare after your mesotherapy treatment - {clinic}")
    pdf.set_author(clinic)
    pdf.set_lang("en")
    pdf.add_page()
    return pdf


BODY_SIZE, LINE = 9.5, 4.7


def _paragraph(pdf, text: str, size: float = BODY_SIZE, bold: bool = False, line: float = LINE) -> None:
    pdf.set_font("DejaVu", "B" if bold else "", size)
    pdf.multi_cell(0, line, text, align="L", new_x="LMARGIN", new_y="NEXT")


def _heading(pdf, text: str) -> None:
    pdf.ln(1.5)
    _paragraph(pdf, text, size=11.5, bold=True, line=6)


def _bullets(pdf, lines) -> None:
    pdf.set_font("DejaVu", "", BODY_SIZE)
    for line in lines:
        pdf.set_x(pdf.l_margin)
        pdf.cell(4.5, LINE, "•")
        pdf.multi_cell(0, LINE, line, align="L", new_x="LMARGIN", new_y="NEXT")
        pdf.ln(0.4)


def _sentence(text: str) -> str:
    return text[0].upper() + text[1:]


def handout(clinic_name=None, phone=None, treatment_date=None, path=None) -> Path:
    """Write the patient's dated aftercare handout as a one- or two-page PDF and return where it was written."""
    clinic = checked_clinic_name(clinic_name)
    number = _checked_phone(phone)
    treated = parse_treatment_date(treatment_date)
    target = Path(path) if path is not None else Path.cwd() / handout_filename(clinic, treated)
    if target.suffix.lower() != ".pdf":
        raise ValueError(f"The handout is a PDF: the file name must end in .pdf, not {target.name!r}.")
    flags = {flag.id: flag for flag in aftercare().red_flags}

    pdf = _new_pdf(clinic, number)
    _paragraph(pdf, clinic, size=15, bold=True, line=7.5)
    _paragraph(pdf, "After your mesotherapy treatment", size=12.5, bold=True, line=7)
    _paragraph(pdf, f"Treatment date: {long_date(treated)}")
    _paragraph(pdf, f"Questions or worries? Call {clinic} on {number}.")

    _heading(pdf, "What to do, and until when")
    _bullets(pdf, handout_instructions(treated))

    expected = flags["expected-effects"]
    _heading(pdf, "What is normal")
    _bullets(pdf, [_sentence(", ".join(expected.signs)) + ".", expected.appears])

    _heading(pdf, f"Call us on {number} if you notice")
    _bullets(pdf, [_sentence(sign) for sign in flags["call-the-clinic"].signs])

    # The emergency signs sit in a box so they stand out on a printed page, in colour or not.
    emergency = flags["emergency-allergy"]
    pdf.ln(1.5)
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 2)
    _paragraph(pdf, "EMERGENCY: call your local emergency number at once if you have", size=11.5, bold=True, line=6)
    _bullets(pdf, [_sentence(sign) for sign in emergency.signs])
    pdf.ln(0.8)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin - 2, top - 1, pdf.epw + 4, pdf.get_y() - top + 1.5)

    late = flags["late-infection"]
    _heading(pdf, f"Weeks later: call us on {number} if you notice")
    _bullets(pdf, [_sentence(sign) for sign in late.signs])
    _paragraph(
        pdf,
        f"These can appear weeks after the treatment: usually within {late.typical_from_day // 7} to "
        f"{late.typical_to_day // 7} weeks, and they have been seen up to {late.to_day // 7} weeks later "
        f"(until about {long_date(late_watch_until(treated))}). Call us even if it is long after "
        f"your treatment, and tell any doctor you see that you had mesotherapy on {long_date(treated)}.",
    )

    pdf.ln(2)
    _paragraph(
        pdf,
        "This sheet gives general advice. Follow any other instructions from your clinic, and keep this sheet until "
        "your skin has fully healed.",
        size=8,
        line=4,
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(target))
    except OSError as error:
        raise ValueError(f"The handout could not be saved to {target} ({error.strerror or error}).") from None
    return target

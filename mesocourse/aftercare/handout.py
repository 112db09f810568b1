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


def _boxed(pdf, heading: str, lines) -> None:
    """A heading and its bullets in a box, so urgent and emergency signs stand out on paper, in colour or not."""
    pdf.ln(1.5)
    top = pdf.get_y()
    pdf.set_x(pdf.l_margin + 2)
    _paragraph(pdf, heading, size=11, bold=True, line=5.6)
    _bullets(pdf, lines)
    pdf.ln(0.8)
    pdf.set_line_width(0.6)
    pdf.rect(pdf.l_margin - 2, top - 1, pdf.epw + 4, pdf.get_y() - top + 1.5)
    pdf.ln(2)


def _warning_signs(pdf, flags: dict, phone: str) -> None:
    """Every warning-sign group under its urgency level's own heading: expected first, then the most urgent down."""
    data = aftercare()
    levels = list(data.urgency_levels.values())
    ordered = levels[:1] + levels[:0:-1]
    for level in ordered:
        groups = [flag for flag in flags.values() if flag.urgency == level.name and flag.id != "late-infection"]
        if not groups:
            continue
        signs = [sign for group in groups for sign in group.signs]
        if level is levels[0]:
            # What is normal reads as one sentence and when it settles, not as a list of alarms.
            lines = [_sentence(", ".join(signs)) + ".", *(group.appears for group in groups)]
        else:
            lines = [_sentence(sign) for sign in signs]
        heading = level.patient_heading(phone)
        if level.boxed:
            _boxed(pdf, heading, lines)
        else:
            _heading(pdf, heading)
            _bullets(pdf, lines)


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

    _warning_signs(pdf, flags, number)

    late = flags["late-infection"]
    late_level = aftercare().urgency_levels[late.urgency]
    _heading(pdf, late_level.patient_heading(number, when=", even weeks later"))
    _bullets(pdf, [_sentence(sign) for sign in late.signs])
    watch_until = long_date(late_watch_until(treated))
    _paragraph(
        pdf,
        f"These can appear weeks after the treatment: usually within {late.typical_from_day // 7} to "
        f"{late.typical_to_day // 7} weeks, and they have been seen up to {late.to_day // 7} weeks later "
        f"(until about {watch_until}). Call us even if it is long after "
        f"your treatment, and tell any doctor you see that you had mesotherapy on {long_date(treated)}.",
    )

    pdf.ln(2)
    # Kept for the whole late-infection window, not only until the skin has healed: it is the patient's only
    # written warning about lumps months later.
    _paragraph(
        pdf,
        "This sheet gives general advice. Follow any other instructions from your clinic, and keep this sheet until "
        f"at least {watch_until} ({late.to_day // 7} weeks after your treatment).",
        size=8,
        line=4,
    )
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        pdf.output(str(target))
    except OSError as error:
        raise ValueError(f"The handout could not be saved to {target} ({error.strerror or error}).") from None
    return target

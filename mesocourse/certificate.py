"""The certificate of completion: a one-page PDF once every module quiz is passed, refused with the reason before.

The pass mark is not set here: a module counts as passed by mastery.ModuleMastery.passed, which uses the bank's pass
mark (bank.DEFAULT_PASS_MARK unless a bank sets its own), the same mark the quiz announces to the learner.
"""

import re
import sqlite3
import unicodedata
from datetime import date
from functools import cache

import ipywidgets as widgets
from fontTools.ttLib import TTFont
from fpdf import FPDF

from mesocourse.bank import BankError
from mesocourse.date_entry import MONTHS
from mesocourse.look import feedback_box
from mesocourse.mastery import ModuleMastery, course_mastery, module_label, safety_text
from mesocourse.pdf import FONT_BOLD, FONT_REGULAR, add_course_fonts, download_link_html
from mesocourse.progress import LONGEST_COUNTED_PAUSE_SECONDS, ProgressStore, current_learner, seconds_spent

COURSE_TITLE = "Mesotherapy for clinic staff"
NAME_MAX_CHARACTERS = 80
DISCLAIMER = (
    "This certificate records that the self-study course and its quizzes were completed. It is not a "
    "licence to practise: your clinic's protocol, your supervised training and the responsible doctor decide."
)
TIME_NOTE = (
    "Time spent is read from the progress record: the pauses between consecutive quiz answers of each module, "
    f"each counted up to {LONGEST_COUNTED_PAUSE_SECONDS // 60} minutes, so reading before a module's first answer "
    "is not included."
)
INK = (20, 40, 60)
ACCENT = (0, 114, 178)  # Okabe-Ito blue, as on the progress chart


class CertificateError(ValueError):
    """A certificate that cannot be made yet; the message says why in plain words."""


class CertificateRefused(CertificateError):
    """Not every module quiz is passed yet; `missing` lists the modules still to pass."""

    def __init__(self, message: str, missing: list[ModuleMastery]):
        super().__init__(message)
        self.missing = missing


def long_date(day: date) -> str:
    """A date as '5 March 2026', the same in every locale."""
    return f"{day.day} {MONTHS[day.month - 1]} {day.year}"


def spent_text(seconds: int) -> str:
    """Time from the progress record as the certificate prints it: 'under 1 min', '12 min', '1 h 05 min'."""
    minutes = round(seconds / 60)
    if minutes < 1:
        return "under 1 min"
    hours, minutes = divmod(minutes, 60)
    return f"{hours} h {minutes:02d} min" if hours else f"{minutes} min"


def seconds_by_module(store: ProgressStore, learner: str, masteries: list[ModuleMastery]) -> dict[str, int]:
    """Each module's time spent, read from the learner's attempts at its quiz (progress.seconds_spent)."""
    return {m.module.bank: seconds_spent(store.attempts(m.module.bank, learner)) for m in masteries}


@cache
def _printable_characters() -> frozenset[int]:
    """Code points both certificate fonts can draw."""
    regular = set(TTFont(FONT_REGULAR)["cmap"].getBestCmap())
    bold = set(TTFont(FONT_BOLD)["cmap"].getBestCmap())
    return frozenset(regular & bold)


def clean_name(name: str) -> str:
    """The learner's name as it will be printed; CertificateError when it is empty, too long or unprintable."""
    text = unicodedata.normalize("NFC", " ".join(str(name or "").split()))
    text = "".join(character for character in text if unicodedata.category(character)[0] != "C")
    if not text:
        raise CertificateError("Please type your name first, as it should appear on the certificate.")
    if len(text) > NAME_MAX_CHARACTERS:
        raise CertificateError(
            f"Please shorten the name to at most {NAME_MAX_CHARACTERS} characters (it has {len(text)})."
        )
    unprintable = sorted({character for character in text if ord(character) not in _printable_characters()})
    if unprintable:
        raise CertificateError(
            "The certificate's font cannot print these characters of the name: "
            f"{' '.join(unprintable)}. Please write the name in Latin, Greek or Cyrillic letters."
        )
    return text


def refusal_reason(masteries: list[ModuleMastery]) -> str | None:
    """Why no certificate can be made yet (which modules are not passed), or None when every quiz is passed."""
    if not masteries:
        return "The course has no module quizzes yet, so there is nothing to certify."
    missing = [m for m in masteries if not m.passed]
    if not missing:
        return None
    details = []
    for m in missing:
        if not m.started:
            details.append(f"{module_label(m.module)} (not started)")
        elif not m.score_reached:
            details.append(f"{module_label(m.module)} ({m.correct} of {m.total} right, {m.needed} needed)")
        else:
            details.append(f"{module_label(m.module)} ({safety_text(m)})")
    marks = sorted({f"{m.pass_mark:.0%}" for m in masteries})
    return (
        f"The certificate needs every module quiz passed (pass mark {' / '.join(marks)}, and every safety "
        "question right). "
        f"Still to pass: {'; '.join(details)}."
    )


def _fitted_font_size(pdf: FPDF, text: str, width: float, largest: float, smallest: float) -> float:
    size = largest
    while size > smallest:
        pdf.set_font_size(size)
        if pdf.get_string_width(text) <= width:
            break
        size -= 1
    return size


def certificate_pdf(name: str, masteries: list[ModuleMastery], day: date, spent: dict[str, int]) -> bytes:
    """Draw the one-page certificate (A4 landscape) for a learner who passed every module quiz.

    `spent` holds each module's seconds from the progress record (seconds_by_module); the name is the one the learner
    typed, and nothing of the computer's account (its login name) is printed.
    """
    name = clean_name(name)
    reason = refusal_reason(masteries)
    if reason:
        raise CertificateRefused(reason, [m for m in masteries if not m.passed])
    pdf = FPDF(orientation="L", unit="mm", format="A4")
    pdf.set_auto_page_break(False)
    pdf.set_margins(20, 16, 20)
    add_course_fonts(pdf)
    pdf.set_title(f"Certificate of completion: {COURSE_TITLE}")
    pdf.set_author(name)
    pdf.set_subject(f"{COURSE_TITLE}, completed {long_date(day)}")
    pdf.add_page()
    width = pdf.w - pdf.l_margin - pdf.r_margin

    pdf.set_draw_color(*ACCENT)
    pdf.set_line_width(1.2)
    pdf.rect(8, 8, pdf.w - 16, pdf.h - 16)
    pdf.set_text_color(*INK)

    pdf.set_font("DejaVu", "B", 30)
    pdf.cell(width, 14, "Certificate of completion", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.cell(width, 10, "This certifies that", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 26)
    _fitted_font_size(pdf, name, width, 26, 12)
    pdf.cell(width, 14, name, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 13)
    pdf.cell(width, 8, "completed the self-study course", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "B", 17)
    pdf.cell(width, 10, COURSE_TITLE, align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 12)
    pdf.cell(width, 8, f"and passed every module quiz on {long_date(day)}.", align="C", new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_line_width(0.2)
    pdf.set_draw_color(150, 160, 170)

    # The module table shrinks its rows so any number of modules stays on one page.
    footer_top = pdf.h - 42
    rows = len(masteries) + 1
    row_height = max(4.5, min(8.0, (footer_top - pdf.get_y() - 12) / rows))
    font_size = min(11.0, row_height * 1.45)
    columns = (width * 0.58, width * 0.17, width * 0.25)
    pdf.set_font("DejaVu", "B", font_size)
    pdf.set_fill_color(232, 241, 251)
    for text, column in zip(("Module", "Time spent", "Quiz result"), columns, strict=True):
        pdf.cell(column, row_height, text, border="B", fill=True)
    pdf.ln(row_height)
    pdf.set_font("DejaVu", "", font_size)
    for mastery in masteries:
        seconds = spent.get(mastery.module.bank, 0)
        cells = (module_label(mastery.module), spent_text(seconds), f"passed, {mastery.share:.0%} right")
        for text, column in zip(cells, columns, strict=True):
            _fitted_font_size(pdf, text, column - 2, font_size, 6)
            pdf.cell(column, row_height, text, border="B")
            pdf.set_font_size(font_size)
        pdf.ln(row_height)
    pdf.ln(2)
    pdf.set_font("DejaVu", "B", 12)
    total = spent_text(sum(spent.get(m.module.bank, 0) for m in masteries))
    pdf.cell(width, 8, f"Time spent on the module quizzes: {total}", new_x="LMARGIN", new_y="NEXT")

    pdf.set_y(footer_top)
    pdf.set_font("DejaVu", "", 11)
    pdf.cell(width / 2, 7, f"Date: {long_date(day)}")
    pdf.cell(width / 2, 7, "Signature of the trainer: ______________________", align="R", new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("DejaVu", "", 8.5)
    pdf.multi_cell(width, 4.5, f"{DISCLAIMER} {TIME_NOTE}", align="C")
    return bytes(pdf.output())


def make_certificate(
    name: str, store: ProgressStore | None = None, learner: str | None = None, day: date | None = None
) -> bytes:
    """The certificate PDF for this learner's record today; CertificateError / CertificateRefused say why not."""
    learner = learner or current_learner()
    store = store if store is not None else ProgressStore()
    masteries = course_mastery(store, learner)
    return certificate_pdf(name, masteries, day or date.today(), seconds_by_module(store, learner, masteries))


def certificate_file_name(name: str, day: date) -> str:
    """A file name such as certificate-Ana-Lopez-2026-03-05.pdf (letters and digits of the name only)."""
    slug = re.sub(r"[^\w]+", "-", unicodedata.normalize("NFKD", name).encode("ascii", "ignore").decode()).strip("-")
    return f"certificate-{slug or 'learner'}-{day.isoformat()}.pdf"


class CertificateForm:
    """A name box and a button; shows the download link, or in words why the certificate is not ready."""

    def __init__(self, store: ProgressStore | None = None, learner: str | None = None, today=date.today):
        self.store = store if store is not None else ProgressStore()
        self.learner = learner or current_learner()
        self.today = today
        self.name_box = widgets.Text(
            placeholder="for example Maria Dupont",
            description="Your name:",
            layout=widgets.Layout(width="32em"),
        )
        self.make_button = widgets.Button(
            description="Make my certificate",
            button_style="primary",
            tooltip="Make the PDF certificate",
            layout=widgets.Layout(width="auto"),
        )
        self.result = widgets.HTML("")
        self.pdf: bytes | None = None
        self.make_button.on_click(self._on_make)
        self.widget = widgets.VBox([widgets.HBox([self.name_box, self.make_button]), self.result])
        self.widget.add_class("mesocourse-certificate")

    def _on_make(self, _button=None) -> None:
        """Check the record and the name, then offer the PDF or explain what is missing."""
        self.pdf = None
        day = self.today()
        try:
            self.pdf = make_certificate(self.name_box.value, self.store, self.learner, day)
        except CertificateRefused as refused:
            self.result.value = feedback_box("wrong", [str(refused)], headline="✘ Not yet.")
            return
        except (CertificateError, BankError) as problem:
            self.result.value = feedback_box("info", [str(problem)])
            return
        except (sqlite3.Error, OSError) as problem:
            self.result.value = feedback_box(
                "info", ["Your progress could not be read, so the certificate cannot be checked yet.", str(problem)]
            )
            return
        except Exception as problem:  # the button must always answer in words, never fail silently
            self.result.value = feedback_box(
                "info", [f"The certificate could not be made ({type(problem).__name__}). Please tell your trainer."]
            )
            return
        link = download_link_html(
            self.pdf,
            certificate_file_name(clean_name(self.name_box.value), day),
            "your certificate",
            css_class="mesocourse-certificate-download",
        )
        self.result.value = feedback_box(
            "right",
            ["Well done: every module quiz is passed."],
            f"<div>{link}</div>",
            headline="✔ Your certificate is ready.",
        )


def certificate_form():
    """Show the certificate form in the notebook."""
    from IPython.display import display

    display(CertificateForm().widget)

"""The self-study banks for an LMS: Moodle XML and GIFT, one category per module, feedback and references kept.

Per-option feedback stays with its option, the explanation (with its sources written out) becomes the general
feedback, numeric questions keep their tolerance and unit, and each question is tagged with its references and
objective so the trainer can trace it in Moodle's question bank.
"""

import html
import re
from pathlib import Path
from xml.etree import ElementTree as ET

from mesocourse.bank import Bank, Question, bank_names, course_bank
from mesocourse.references import cite

CATEGORY_ROOT = "$course$/Mesotherapy"
FORMATS = ("xml", "gift")
# GIFT's reserved characters, escaped with a backslash wherever they appear in text.
GIFT_SPECIAL = re.compile(r"([~=#{}:\\])")


def category_name(bank: Bank) -> str:
    """The Moodle category of a module's bank, such as Module_01_What_is_mesotherapy (letters, digits, _)."""
    words = re.sub(r"\W+", "_", bank.title).strip("_")
    return f"Module_{bank.module}_{words}"


def general_feedback(question: Question) -> str:
    """The explanation followed by its sources, as Moodle shows it after an attempt."""
    sources = f" Sources: {cite(question.references)}" if question.references else ""
    return f"{question.explanation}{sources}".strip()


def tags(question: Question) -> list[str]:
    """Tags that keep each question traceable: its references and its objective."""
    return [*question.references, f"objective: {question.objective}"]


def _numeric_answers(question: Question) -> list[tuple[float, float, float, str]]:
    """(fraction %, value, tolerance, feedback): the key first, then each known mistake worth 0 %."""
    answers = [(100.0, question.answer, question.tolerance, f"{question.answer:g} {question.unit} is right.".strip())]
    for hint in question.hints:
        answers.append((0.0, (hint.low + hint.high) / 2, (hint.high - hint.low) / 2, hint.feedback))
    return answers


def _choice_fractions(question: Question) -> list[float]:
    """Moodle grade per option: 100 for the single key; select-all shares 100 among right ones, wrong ones subtract."""
    if question.kind == "single":
        return [100.0 if option.correct else 0.0 for option in question.options]
    right = sum(option.correct for option in question.options)
    wrong = len(question.options) - right
    return [100.0 / right if option.correct else -100.0 / max(wrong, 1) for option in question.options]


def _moodle_fraction(value: float) -> str:
    """Moodle accepts only its own list of fractions; these are written to seven places as its export does."""
    return f"{value:.7f}".rstrip("0").rstrip(".")


def _text(parent: ET.Element, tag: str, text: str, as_html: bool = False) -> ET.Element:
    """A Moodle text field; in HTML format the course's plain text is escaped so '<' stays a character."""
    element = ET.SubElement(parent, tag, {"format": "html"} if as_html else {})
    ET.SubElement(element, "text").text = html.escape(text, quote=False) if as_html else text
    return element


def moodle_xml(banks: list[Bank]) -> str:
    """Every bank as one Moodle XML question file (category question first, then its questions)."""
    quiz = ET.Element("quiz")
    for bank in banks:
        category = ET.SubElement(quiz, "question", {"type": "category"})
        _text(category, "category", f"{CATEGORY_ROOT}/{category_name(bank)}")
        _text(category, "info", bank.title, as_html=True)
        for question in bank.questions:
            kind = "numerical" if question.kind == "numeric" else "multichoice"
            element = ET.SubElement(quiz, "question", {"type": kind})
            _text(element, "name", question.id)
            _text(element, "questiontext", question.prompt, as_html=True)
            _text(element, "generalfeedback", general_feedback(question), as_html=True)
            ET.SubElement(element, "defaultgrade").text = "1"
            ET.SubElement(element, "penalty").text = "0.3333333"
            ET.SubElement(element, "hidden").text = "0"
            ET.SubElement(element, "idnumber").text = f"{bank.name}/{question.id}"
            if question.kind == "numeric":
                for fraction, value, tolerance, feedback in _numeric_answers(question):
                    answer = ET.SubElement(element, "answer", {"fraction": _moodle_fraction(fraction)})
                    ET.SubElement(answer, "text").text = repr(value)
                    ET.SubElement(answer, "tolerance").text = repr(tolerance)
                    _text(answer, "feedback", feedback, as_html=True)
                units = ET.SubElement(element, "units")
                unit = ET.SubElement(units, "unit")
                ET.SubElement(unit, "multiplier").text = "1"
                ET.SubElement(unit, "unit_name").text = question.unit
                ET.SubElement(element, "unitgradingtype").text = "0"
                # 3: the unit is shown beside the box, not typed, as in the course's own quiz.
                ET.SubElement(element, "showunits").text = "3"
                ET.SubElement(element, "unitsleft").text = "0"
            else:
                ET.SubElement(element, "single").text = "true" if question.kind == "single" else "false"
                ET.SubElement(element, "shuffleanswers").text = "true"
                ET.SubElement(element, "answernumbering").text = "ABCD"
                for option, fraction in zip(question.options, _choice_fractions(question), strict=True):
                    attributes = {"fraction": _moodle_fraction(fraction), "format": "html"}
                    answer = ET.SubElement(element, "answer", attributes)
                    ET.SubElement(answer, "text").text = html.escape(option.text, quote=False)
                    _text(answer, "feedback", option.feedback, as_html=True)
            tag_list = ET.SubElement(element, "tags")
            for name in tags(question):
                ET.SubElement(ET.SubElement(tag_list, "tag"), "text").text = name
    ET.indent(quiz)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(quiz, encoding="unicode") + "\n"


def gift_escape(text: str) -> str:
    """Text with GIFT's reserved characters escaped and line breaks kept inside one question."""
    return GIFT_SPECIAL.sub(r"\\\1", html.escape(" ".join(str(text).split()), quote=False))


def _gift_number(value: float) -> str:
    return f"{value:.10g}"


def gift(banks: list[Bank]) -> str:
    """Every bank as GIFT text: a $CATEGORY line per module, references and objective as comments and feedback."""
    blocks = []
    for bank in banks:
        blocks.append(f"$CATEGORY: {CATEGORY_ROOT}/{category_name(bank)}")
        for question in bank.questions:
            lines = [f"// references: {', '.join(question.references) or 'none'}"]
            lines.append(f"// objective: {gift_escape(question.objective)}")
            head = f"::{gift_escape(question.id)}::[html]{gift_escape(question.prompt)}"
            if question.kind == "numeric":
                unit = f" (in {gift_escape(question.unit)})" if question.unit else ""
                lines.append(head + unit + " {#")
                for fraction, value, tolerance, feedback in _numeric_answers(question):
                    weight = "" if fraction == 100 else f"%{fraction:g}%"
                    lines.append(f"={weight}{_gift_number(value)}:{_gift_number(tolerance)}#{gift_escape(feedback)}")
            else:
                lines.append(head + " {")
                for option, fraction in zip(question.options, _choice_fractions(question), strict=True):
                    text, feedback = gift_escape(option.text), gift_escape(option.feedback)
                    if question.kind == "single":
                        lines.append(f"{'=' if option.correct else '~'}{text}#{feedback}")
                    else:
                        lines.append(f"~%{fraction:.5g}%{text}#{feedback}")
            lines.append(f"####{gift_escape(general_feedback(question))}")
            lines.append("}")
            blocks.append("\n".join(lines))
    return "\n\n".join(blocks) + "\n"


def course_banks(names: list[str] | None = None) -> list[Bank]:
    """The self-study banks to export (all of them unless named), in module order."""
    return [course_bank(name) for name in (names or bank_names())]


def export_banks(folder: Path, names: list[str] | None = None, formats=FORMATS) -> list[Path]:
    """Write mesocourse-banks.xml and/or mesocourse-banks.gift into `folder`; return the files written."""
    banks = course_banks(names)
    folder.mkdir(parents=True, exist_ok=True)
    writers = {"xml": moodle_xml, "gift": gift}
    written = []
    for kind in formats:
        path = folder / f"mesocourse-banks.{kind}"
        path.write_text(writers[kind](banks), encoding="utf-8")
        written.append(path)
    return written

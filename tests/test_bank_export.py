"""mesocourse.bank_export: the banks as Moodle XML and GIFT, read back by published parsers and rebuilt."""

import html
import io
import re
from xml.etree import ElementTree as ET

import moodle_xml_parser.parser as moodle_parser
import pytest
from pygiftparser import parser as gift_parser

from mesocourse.bank import bank_names
from mesocourse.bank_export import category_name, course_banks, general_feedback, gift, moodle_xml, tags
from mesocourse.cli import main


@pytest.fixture(scope="module")
def banks():
    return course_banks()


def unescape_gift(text: str) -> str:
    return html.unescape(re.sub(r"\\([~=#{}:\\])", r"\1", text))


def plain(text: str) -> str:
    return " ".join(text.split())


def test_gift_parses_with_pygiftparser_and_rebuilds_every_question(banks):
    """pygiftparser reads every question, in its module's category, with options, feedback, tolerance and why."""
    parsed = gift_parser.parseFile(io.StringIO(gift(banks)))
    expected = [(bank, q) for bank in banks for q in bank.questions]
    assert len(parsed) == len(expected) and all(p.valid for p in parsed)
    for item, (bank, question) in zip(parsed, expected, strict=True):
        assert item.cat.endswith(category_name(bank))
        assert item.title.lower() == question.id.lower()
        assert unescape_gift(item.text).startswith(plain(question.prompt))
        assert unescape_gift(item.generalFeedback) == plain(general_feedback(question))
        answers = item.answers.answers
        if question.kind == "numeric":
            assert (answers[0].value, answers[0].tolerance) == (question.answer, question.tolerance)
            assert [a.fraction for a in answers] == [100] + [0] * len(question.hints)
            assert [unescape_gift(a.feedback) for a in answers[1:]] == [plain(h.feedback) for h in question.hints]
        else:
            assert [unescape_gift(a.answer) for a in answers] == [plain(o.text) for o in question.options]
            assert [unescape_gift(a.feedback) for a in answers] == [plain(o.feedback) for o in question.options]
            assert [a.select or a.fraction > 0 for a in answers] == [o.correct for o in question.options]


def test_moodle_xml_parses_with_moodle_xml_parser_and_rebuilds_choice_questions(banks):
    """moodle-xml-parser reads every choice question: single or not, option grades, feedback, general feedback."""
    parsed = moodle_parser.parse_string(moodle_xml(banks))["multichoice"]
    expected = [q for bank in banks for q in bank.questions if q.kind != "numeric"]
    assert len(parsed) == len(expected)
    for item, question in zip(parsed, expected, strict=True):
        assert item.name == question.id and item.text_pre_parse == question.prompt.strip()
        assert item.single is (question.kind == "single")
        assert [o.answer for o in item.options] == [o.text for o in question.options]
        assert [o.feedback for o in item.options] == [o.feedback for o in question.options]
        assert [o.score_fraction > 0 for o in item.options] == [o.correct for o in question.options]
        assert item.general_feedback == general_feedback(question)


def test_moodle_xml_keeps_numeric_tolerance_units_categories_and_references(banks):
    """Numeric questions keep key, tolerance and unit; each module is a category; references and objective are tags."""
    root = ET.fromstring(moodle_xml(banks))
    categories = [c.findtext("category/text") for c in root.findall("question[@type='category']")]
    assert categories == [f"$course$/Mesotherapy/{category_name(bank)}" for bank in banks]
    questions = {q.findtext("name/text"): q for q in root.findall("question") if q.get("type") != "category"}
    for bank in banks:
        for question in bank.questions:
            element = questions[question.id]
            assert [t.text for t in element.findall("tags/tag/text")] == tags(question)
            if question.kind == "numeric":
                key = element.find("answer[@fraction='100']")
                assert float(key.findtext("text")) == question.answer
                assert float(key.findtext("tolerance")) == question.tolerance
                assert element.findtext("units/unit/unit_name") == question.unit


def test_export_bank_command_writes_both_files(tmp_path, capsys):
    """`mesocourse export-bank` writes the XML and GIFT files and says where."""
    assert main(["export-bank", "--output", str(tmp_path)]) == 0
    assert sorted(p.name for p in tmp_path.iterdir()) == ["mesocourse-banks.gift", "mesocourse-banks.xml"]
    assert "Import in Moodle" in capsys.readouterr().out


def test_export_bank_command_names_an_unknown_bank(tmp_path, capsys):
    """An unknown bank name is a one-line message listing the known ones, not a traceback."""
    assert main(["export-bank", "no-such-bank", "--output", str(tmp_path)]) == 1
    assert bank_names()[0] in capsys.readouterr().err

"""mesocourse.jupyterquiz: jupyterquiz files load in full and grade exactly as jupyterquiz's own JavaScript grades."""

import json
from pathlib import Path

import pytest

from mesocourse.bank import BankError, load_bank
from mesocourse.quiz.checking import grade_choice, grade_numeric, grade_text, to_precision

EXAMPLES = Path(__file__).parent / "jupyterquiz" / "examples.json"

# Per question of examples.json: (answer, verdict jupyterquiz gives, words of the feedback it shows).
# Choices are the original option indexes ticked; numbers and words are what the learner types.
VERDICTS = {
    "q01": [({0, 1, 2, 3}, True, "Yes."), ({0, 1, 2}, False, ""), ({0, 1, 2, 3, 4}, False, "Hopefully not.")],
    "q02": [({0, 1, 2, 3}, True, "Yes."), ({4}, False, "Hopefully not.")],
    "q03": [({2}, True, "Right."), ({0}, False, "No.")],
    "q04": [
        ("3.14", True, "Right."),
        ("22/7", True, "not 22/7"),  # a fraction, as jupyterquiz accepts it: 3.142857... is in the range
        ("3.142857", True, "not 22/7"),  # a range includes its lower end
        ("3.142858", False, "radius 1"),  # and excludes its upper end
        ("3.1416", False, "radius 1"),
        ("-1", False, "positive"),
        ("0", False, "radius 1"),  # 0 is the excluded upper end of [-100000000, 0)
    ],
    "q05": [
        ("3.14159", True, "Right."),  # 3 significant digits: 3.14
        ("22/7", True, "Right."),  # rounds to 3.14, and the first matching answer decides
        ("3.1449", True, "Right."),
        ("3.15", False, "radius 1"),
        ("-5", False, "positive"),
    ],
    "q06": [({2}, True, "joined"), ({3}, False, "joins strings")],
    "q07": [({1}, True, "Correct."), ({0}, False, "")],
    "q08": [({0}, True, "Right."), ({1}, False, "approximates")],
    "q09": [
        ("John F. Kennedy", True, "Right."),
        ("  john f. kennedy ", True, "Right."),  # trimmed, case ignored
        ("John F Kennedy", True, "Right."),  # fuzzy: 1 - 1/15 >= 0.8
        ("jfk", True, "Right."),
        ("Kennedy", False, "first name"),
        ("Lincoln", False, "Incorrect. Try again."),
    ],
    "q10": [("Na", True, "Right."), ("NA", False, "written Na"), ("na", False, "Sodium is Na.")],
}


def grade(question, answer):
    if question.kind == "numeric":
        return grade_numeric(question, answer)
    if question.kind == "string":
        return grade_text(question, answer)
    return grade_choice(question, answer, list(range(len(question.options))))


def write(tmp_path, questions, name="quiz.json", prefix=b""):
    path = tmp_path / name
    path.write_bytes(prefix + json.dumps(questions).encode())
    return path


def test_every_example_question_loads():
    """All questions of the recreated jupyterquiz examples load, each with its own kind."""
    bank = load_bank(EXAMPLES)
    assert [q.id for q in bank.questions] == sorted(VERDICTS)
    kinds = [q.kind for q in bank.questions]
    assert kinds == ["multiple", "multiple", "single", "numeric", "numeric", "single", "single", "single"] + [
        "string",
        "string",
    ]


@pytest.mark.parametrize(
    ("qid", "answer", "correct", "words"), [(q, *row) for q, rows in VERDICTS.items() for row in rows]
)
def test_examples_grade_as_jupyterquiz_grades_them(qid, answer, correct, words):
    """Each answer in the table gets jupyterquiz's verdict and the feedback jupyterquiz would show."""
    verdict = grade(load_bank(EXAMPLES).question(qid), answer)
    assert verdict.correct is correct
    assert words in " ".join(verdict.lines)


def test_code_columns_and_markup_are_kept():
    """Question code, option code, answer_cols and LaTeX/markdown text reach the question unchanged."""
    bank = load_bank(EXAMPLES)
    assert "print(a + b)" in bank.question("q06").code
    assert [o.code for o in bank.question("q07").options] == ["items += 3", "items += [3]", "items += {3}"]
    assert bank.question("q02").answer_cols == 4 and bank.question("q01").answer_cols is None
    assert bank.question("q08").options[1].text == "$\\frac{22}{7}$"
    assert "[the Python tutorial](https://docs.python.org/3/tutorial/)" in bank.question("q07").prompt


def test_no_explanation_is_invented():
    """jupyterquiz has no explanation: none is made up, so learners never read a sentence about the trainer."""
    assert all(q.explanation == "" for q in load_bank(EXAMPLES).questions)


def test_significant_digits_round_half_away_from_zero_like_javascript():
    """to_precision matches Number(x.toPrecision(n)), which rounds the exact value half away from zero."""
    assert to_precision(2.5, 1) == 3 and to_precision(-2.5, 1) == -3 and to_precision(0.125, 2) == 0.13
    assert to_precision(1234567, 2) == 1_200_000 and to_precision(0.000123456, 3) == 0.000123


def test_file_with_byte_order_mark_loads(tmp_path):
    """F-28: a file saved with a UTF-8 byte-order mark (as some Windows editors do) loads."""
    path = write(tmp_path, json.loads(EXAMPLES.read_text()), prefix="\ufeff".encode())
    assert len(load_bank(path).questions) == len(VERDICTS)


def test_picture_beside_the_file_is_put_inside_the_question(tmp_path):
    """A relative picture path works wherever the notebook is opened: the picture travels inside the text."""
    (tmp_path / "dot.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 16)
    path = write(
        tmp_path,
        [{"question": "See ![dot](dot.png)", "type": "string", "answers": [{"answer": "dot", "correct": True}]}],
    )
    assert "data:image/png;base64," in load_bank(path).questions[0].prompt


MC = {"question": "Q?", "type": "multiple_choice"}
NUM = {"question": "N?", "type": "numeric"}
MALFORMED = [
    ({**MC, "answers": {"answer": "A", "correct": True}}, "answers", "list of answers"),
    ({**MC, "answers": ["A", "B"]}, "answers.0", "entry in"),
    ({**MC, "answers": None}, "answers", "list of answers"),
    ({**MC, "answers": [3]}, "answers.0", "entry in"),
    (
        {**MC, "answers": [{"answer": "A", "correct": "false"}, {"answer": "B", "correct": True}]},
        "answers.0.correct",
        "true or false without quotes",
    ),
    ({**MC, "answers": [{"answer": "A", "correct": True}, {"answer": "B"}]}, "answers.1.correct", "say whether"),
    (
        {**MC, "answers": [{"answer": "A", "correct": False}, {"answer": "B", "correct": False}]},
        "answers",
        "nobody could get",
    ),
    (
        {**MC, "answer_cols": "4", "answers": [{"answer": "A", "correct": True}, {"answer": "B", "correct": False}]},
        "answer_cols",
        "whole number",
    ),
    ({**NUM, "answers": [{"type": "value", "correct": True}]}, "answers.0", "needs its 'value'"),
    ({**NUM, "answers": [{"type": "range", "range": [1], "correct": True}]}, "answers.0.range", "two numbers"),
    ({**NUM, "answers": [{"type": "value", "value": "two", "correct": True}]}, "answers.0.value", "number without"),
    ({**NUM, "answers": [{"type": "range", "range": [5, 1], "correct": True}]}, "answers.0.range", "smaller first"),
    ({**NUM, "precision": "2", "answers": [{"value": 2, "correct": True}]}, "precision", "whole number"),
    ({**NUM, "precision": 0, "answers": [{"value": 2, "correct": True}]}, "precision", "between 1 and 100"),
    ({"question": "S?", "type": "string", "answers": [{"answer": 5, "correct": True}]}, "answers.0.answer", "text"),
    ({"question": "S?", "type": "essay", "answers": []}, "type", "unsupported"),
    ({"type": "string", "answers": [{"answer": "x", "correct": True}]}, "question", "missing"),
]


@pytest.mark.parametrize(("entry", "field_name", "words"), MALFORMED)
def test_malformed_entry_names_file_question_and_field(tmp_path, entry, field_name, words):
    """F-27: each malformed entry is one plain BankError naming the file, the question and the field."""
    path = write(tmp_path, [entry])
    with pytest.raises(BankError) as caught:
        load_bank(path)
    problem = caught.value
    assert (problem.question_id, problem.field_name) == ("q01", field_name)
    assert "quiz.json" in problem.file and words in problem.message


@pytest.mark.parametrize(
    ("text", "words"),
    [
        ("[" * 100000, "nested too deeply"),
        (
            '[{"question": "N?", "type": "numeric", "answers": [{"value": NaN, "correct": true}]}]',
            "not a number a learner",
        ),
    ],
)
def test_unreadable_json_is_a_plain_message(tmp_path, text, words):
    """F-27, F-25: deep nesting and NaN give a short message, not a RecursionError or a question nobody can answer."""
    path = tmp_path / "quiz.json"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match=words) as caught:
        load_bank(path)
    assert len(str(caught.value)) < 500


def test_huge_bad_value_gives_a_short_message(tmp_path):
    """F-26: however large the bad value, the message stays short."""
    path = write(tmp_path, [{**MC, "answers": "x" * 1_000_000}])
    with pytest.raises(BankError) as caught:
        load_bank(path)
    assert len(str(caught.value)) < 500

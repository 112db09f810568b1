"""mesocourse.bank: banks load, validate, and fail with one clear message naming file, question and field."""

import json

import pytest
import yaml

from mesocourse.bank import BankError, bank_names, load_bank
from mesocourse.modules import quiz_modules

GOOD = {
    "module": "09",
    "title": "Test bank",
    "questions": [
        {
            "id": "one",
            "type": "single",
            "objective": "Know one thing",
            "prompt": "Which?",
            "explanation": "Because.",
            "references": ["ref-1"],
            "options": [
                {"text": "right", "correct": True, "feedback": "Yes."},
                {"text": "wrong", "correct": False, "feedback": "No."},
            ],
        },
        {
            "id": "depth",
            "type": "numeric",
            "objective": "Compute a depth",
            "prompt": "5 mm at 30 degrees?",
            "explanation": "5 x sin 30 = 2.5.",
            "references": ["ref-16a"],
            "answer": 2.5,
            "tolerance": 0.1,
            "unit": "mm",
            "wrong_feedback": "Use length x sin(angle).",
        },
    ],
}


def write_bank(tmp_path, data, name="bank.yaml"):
    path = tmp_path / name
    path.write_text(yaml.safe_dump(data), encoding="utf-8")
    return path


def broken(mutate):
    data = json.loads(json.dumps(GOOD))
    mutate(data)
    return data


def test_valid_bank_loads_into_dataclasses(tmp_path):
    """A valid bank gives questions with their kind, options, numeric key and references."""
    bank = load_bank(write_bank(tmp_path, GOOD))
    assert [q.id for q in bank.questions] == ["one", "depth"]
    assert bank.questions[0].options[0].correct is True
    assert bank.questions[1].answer == 2.5 and bank.questions[1].unit == "mm"
    assert bank.objectives == ("Know one thing", "Compute a depth")


@pytest.mark.parametrize(
    ("mutate", "question_id", "field_name", "words"),
    [
        (lambda d: d["questions"][0].pop("explanation"), "one", "explanation", "missing"),
        (lambda d: d["questions"][0]["options"][1].pop("feedback"), "one", "options.1", "missing"),
        (lambda d: d["questions"][1].pop("tolerance"), "depth", "tolerance", "missing"),
        (lambda d: d["questions"][0].update(type="essay"), "one", "type", "essay"),
        (lambda d: d["questions"][0]["options"][1].update(correct=True), "one", "options", "exactly one correct"),
        (lambda d: d["questions"][1].update(id="one"), "one", "id", "used twice"),
        (lambda d: d["questions"][0].update(references=["ref-999"]), "one", "references", "ref-999"),
    ],
)
def test_malformed_bank_names_file_question_and_field(tmp_path, mutate, question_id, field_name, words):
    """Each kind of authoring mistake is reported once, naming the file, the question id and the field."""
    path = write_bank(tmp_path, broken(mutate))
    with pytest.raises(BankError) as caught:
        load_bank(path)
    error = caught.value
    assert error.question_id == question_id
    assert error.field_name == field_name
    assert words in str(error)
    assert "bank.yaml" in str(error)


@pytest.mark.parametrize(
    ("content", "words"),
    [("", "empty"), ("questions: [unclosed", "cannot be read as YAML"), ("- just\n- a list\n", "mapping")],
)
def test_unreadable_file_gives_plain_message(tmp_path, content, words):
    """Empty, unparsable or wrongly shaped files say what is wrong instead of raising a parser traceback."""
    path = tmp_path / "bank.yaml"
    path.write_text(content, encoding="utf-8")
    with pytest.raises(BankError, match=words):
        load_bank(path)


def test_unknown_bank_name_lists_known_banks():
    """Asking for a bank that does not exist names the ones that do."""
    with pytest.raises(BankError, match="01-what-is-mesotherapy"):
        load_bank("no-such-bank")


def test_every_course_bank_is_valid_and_cites_sources():
    """Every bank in assets/questions loads, and every clinical question cites at least one reference."""
    for name in bank_names():
        bank = load_bank(name)
        if bank.module != "00":
            assert all(q.references for q in bank.questions), name


def test_module_quizzes_have_at_least_ten_questions():
    """Each module's quiz has at least ten questions, as the course promises."""
    for module in quiz_modules():
        assert len(load_bank(module.bank).questions) >= 10, module.notebook


def test_duplicate_key_is_refused_naming_question_and_key(tmp_path):
    """F-24: a key written twice (the second silently replacing the first in PyYAML) is refused."""
    text = yaml.safe_dump(GOOD).replace("explanation: Because.", "explanation: Because.\n  explanation: Other.")
    path = tmp_path / "bank.yaml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(BankError, match="written twice") as caught:
        load_bank(path)
    assert (caught.value.question_id, caught.value.field_name) == ("one", "explanation")


@pytest.mark.parametrize(
    ("mutate", "field_name"),
    [
        (lambda d: d["questions"][1].update(answer=float("nan")), "answer"),
        (lambda d: d["questions"][1].update(tolerance=float("inf")), "tolerance"),
        (lambda d: d["questions"][1].update(hints=[{"range": [float("-inf"), 1], "feedback": "x"}]), "hints.0.range.0"),
    ],
)
def test_nan_and_infinite_numbers_are_refused(tmp_path, mutate, field_name):
    """F-25: NaN (nothing is ever right) and infinity (everything is) are refused, naming the field."""
    with pytest.raises(BankError, match="NaN or infinity") as caught:
        load_bank(write_bank(tmp_path, broken(mutate)))
    assert (caught.value.question_id, caught.value.field_name) == ("depth", field_name)


def test_reversed_hint_range_is_refused(tmp_path):
    """F-25: a hint range written high-to-low would never match; it is refused."""
    data = broken(lambda d: d["questions"][1].update(hints=[{"range": [5, 1], "feedback": "cos"}]))
    with pytest.raises(BankError, match="smaller number first") as caught:
        load_bank(write_bank(tmp_path, data))
    assert caught.value.field_name == "hints.0.range"


def test_alias_bomb_gives_a_short_message_quickly(tmp_path):
    """F-26: aliases nested inside aliases are refused with a short message, not megabytes of expanded value."""
    lines = ["a: &a [x, x, x, x, x, x, x, x, x, x]"]
    for level in "bcdefg":
        previous = chr(ord(level) - 1)
        lines.append(f"{level}: &{level} [{', '.join(['*' + previous] * 10)}]")
    body = yaml.safe_dump(GOOD).replace("prompt: Which?", "prompt: *g")
    path = tmp_path / "bank.yaml"
    path.write_text("\n".join(lines) + "\n" + body.replace("module:", "module:", 1), encoding="utf-8")
    with pytest.raises(BankError) as caught:
        load_bank(path)
    assert len(str(caught.value)) < 500


def test_wrong_type_message_is_short_however_large_the_value(tmp_path):
    """F-26: a huge wrong-typed value is cut in the message."""
    data = broken(lambda d: d["questions"][0].update(prompt=list(range(50_000)) and ["y" * 200] * 100))
    with pytest.raises(BankError) as caught:
        load_bank(write_bank(tmp_path, data))
    assert len(str(caught.value)) < 500 and caught.value.field_name == "prompt"

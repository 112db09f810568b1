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

"""The answers file is read as data only: code, huge, damaged or foreign content never scores and never raises."""

import json

from mesocourse.grading.answer_sheet import ANSWERS_FILE, read_answers, write_answers

KINDS = {"q01": ("letter", "ABCD"), "q02": ("letters", "ABCD"), "q03": ("number", "")}


def _sheet(tmp_path, content):
    path = tmp_path / ANSWERS_FILE
    path.write_text(content if isinstance(content, str) else json.dumps(content), encoding="utf-8")
    return read_answers(path, KINDS)


def test_well_formed_answers_are_read(tmp_path):
    """Letters are upper-cased, lists sorted, numbers kept."""
    write_answers(tmp_path, "a", "maria", "v1", {"q01": "b", "q02": ["C", "a"], "q03": 2.5})
    sheet = read_answers(tmp_path / ANSWERS_FILE, KINDS)
    assert sheet.answers == {"q01": "B", "q02": ["A", "C"], "q03": 2.5}
    assert (sheet.learner, sheet.version, sheet.notes) == ("maria", "v1", [])


def test_code_in_an_answer_is_not_an_answer(tmp_path):
    """Python in a value is text, not an answer: scored 0 and noted, never run."""
    sheet = _sheet(tmp_path, {"answers": {"q01": "__import__('os').system('x')", "q03": "2.5; import os"}})
    assert sheet.answers == {}
    assert sheet.notes == ["answers.json: not an answer, scored 0: q01, q03"]


def test_extra_keys_and_unknown_questions_are_ignored(tmp_path):
    """Keys the form never writes (a score, another question) change nothing."""
    sheet = _sheet(tmp_path, {"answers": {"q01": "A", "score": 100, "q99": "B"}, "grade": "full"})
    assert sheet.answers == {"q01": "A"}
    assert "2 unknown entries ignored" in sheet.notes[0]


def test_a_huge_file_is_not_read(tmp_path):
    """A file far larger than answers can be is refused in a sentence."""
    sheet = _sheet(tmp_path, json.dumps({"answers": {"q01": "A"}, "pad": "x" * 300_000}))
    assert sheet.answers == {} and "far too large" in sheet.notes[0]


def test_damaged_and_odd_files_give_one_sentence(tmp_path):
    """Broken JSON, a list, deep nesting, a huge number, a bool: all scored 0 with a note, none raises."""
    assert "damaged" in _sheet(tmp_path, '{"answers": {"q01": ').notes[0]
    assert "no answers table" in _sheet(tmp_path, "[1, 2]").notes[0]
    assert "damaged" in _sheet(tmp_path, "[" * 100_000 + "]" * 100_000).notes[0]
    odd = _sheet(tmp_path, '{"answers": {"q03": 1e999, "q01": true, "q02": ["A", "A"]}}')
    assert odd.answers == {} and "q01, q02, q03" in odd.notes[0]


def test_a_missing_file_is_simply_not_found(tmp_path):
    """No file: no answers, found is False (the grader says so in the status table)."""
    sheet = read_answers(tmp_path / ANSWERS_FILE, KINDS)
    assert (sheet.found, sheet.answers) == (False, {})

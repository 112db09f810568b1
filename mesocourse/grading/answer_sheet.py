"""The answers file of a graded assignment: plain JSON beside the notebook, written by the answer form, read as data.

Learners receive this module (the answer form writes the file); the trainer's grading reads the same file with
`read_answers`, which never runs anything and never fails: whatever the file holds, the result is a dictionary
of well-formed answers plus plain notes on what was ignored.
"""

import json
import math
import os
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mesocourse.grading.answer_format import LETTER, LETTERS, NUMBER

ANSWERS_FILE = "answers.json"
FORMAT = "mesocourse-answers/1"
# The notebook metadata key that holds the answer form(s) of a released assignment.
FORM_KEY = "mesocourse_answer_form"
# A real answers file is a few kilobytes; anything far larger is not read.
MAX_BYTES = 200_000
MAX_NUMBER = 1e6


@dataclass
class AnswerSheet:
    """What an answers file says: whose it claims to be, which version, the readable answers, and what was odd."""

    learner: str = ""
    version: str = ""
    answers: dict = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    found: bool = False


def clean_answer(value, kind: str, letters: str):
    """A well-formed answer of this kind (letters upper-case and sorted), or None when the value is not one."""
    if kind == LETTER:
        if isinstance(value, str) and len(value.strip()) == 1 and value.strip().upper() in letters:
            return value.strip().upper()
        return None
    if kind == LETTERS:
        if not isinstance(value, list) or not value or len(value) > len(letters):
            return None
        chosen = {item.strip().upper() for item in value if isinstance(item, str) and len(item.strip()) == 1}
        if len(chosen) != len(value) or not chosen <= set(letters):
            return None
        return sorted(chosen)
    if kind == NUMBER:
        if isinstance(value, bool) or not isinstance(value, int | float):
            return None
        number = float(value)
        return number if math.isfinite(number) and abs(number) <= MAX_NUMBER else None
    return None


def read_answers(path: Path, questions: dict[str, tuple[str, str]]) -> AnswerSheet:
    """Read an answers file as data; `questions` maps each grade id to (kind, shown letters).

    Unknown questions, malformed values, a huge or broken file: all are ignored and named in `notes`.
    """
    sheet = AnswerSheet()
    path = Path(path)
    if not path.is_file():
        return sheet
    sheet.found = True
    try:
        if path.stat().st_size > MAX_BYTES:
            sheet.notes.append(f"{ANSWERS_FILE} is far too large to hold answers (not read: every answer scores 0)")
            return sheet
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, ValueError, RecursionError):
        sheet.notes.append(f"{ANSWERS_FILE} is damaged (not readable JSON: every answer scores 0)")
        return sheet
    if not isinstance(data, dict) or not isinstance(data.get("answers"), dict):
        sheet.notes.append(f"{ANSWERS_FILE} holds no answers table (every answer scores 0)")
        return sheet
    sheet.learner = data.get("learner") if isinstance(data.get("learner"), str) else ""
    sheet.version = data.get("version") if isinstance(data.get("version"), str) else ""
    unknown, malformed = [], []
    for grade_id, value in data["answers"].items():
        if grade_id not in questions:
            unknown.append(str(grade_id)[:40])
            continue
        if value in (None, "", []):
            continue
        kind, letters = questions[grade_id]
        cleaned = clean_answer(value, kind, letters)
        if cleaned is None:
            malformed.append(grade_id)
        else:
            sheet.answers[grade_id] = cleaned
    if unknown:
        sheet.notes.append(f"{ANSWERS_FILE}: {len(unknown)} unknown entr{'ies' if len(unknown) > 1 else 'y'} ignored")
    if malformed:
        sheet.notes.append(f"{ANSWERS_FILE}: not an answer, scored 0: {', '.join(sorted(malformed))}")
    return sheet


def write_answers(folder: Path, assignment: str, learner: str, version: str, answers: dict) -> Path:
    """Save the answers file at once and whole (a new file moved into place), so a crash never leaves half a file."""
    folder = Path(folder)
    data = {"format": FORMAT, "assignment": assignment, "learner": learner, "version": version, "answers": answers}
    text = json.dumps(data, indent=1, ensure_ascii=False, sort_keys=True) + "\n"
    handle, temporary = tempfile.mkstemp(prefix=".answers-", suffix=".json", dir=folder)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as stream:
            stream.write(text)
        os.replace(temporary, folder / ANSWERS_FILE)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
    return folder / ANSWERS_FILE

"""jupyterquiz question files (the widely used notebook quiz format) as course banks, checked entry by entry.

The rules follow jupyterquiz's published schema and its JavaScript: a choice question with more than one correct
answer is select-all, otherwise single choice; numeric answers are tried in order (exact values, ranges that include
their lower end and exclude their upper end, a default), and `precision` counts significant digits (2.8 and later).
Every problem is one BankError naming the file, the question and the field.
"""

import base64
import math
import mimetypes
import re
from pathlib import Path

from mesocourse.bank import Bank, BankError, NumericAnswer, Option, Question, TextAnswer, shown

CHOICE_TYPES = ("multiple_choice", "many_choice")
KNOWN_TYPES = (*CHOICE_TYPES, "numeric", "string")
# toPrecision accepts 1 to 100 significant digits.
PRECISION_RANGE = (1, 100)
MAX_ANSWER_COLUMNS = 12
# Pictures next to the question file are put inside the page, so they show wherever the notebook is opened.
MAX_IMAGE_BYTES = 2_000_000
IMAGE_PATTERN = re.compile(r"""(!\[[^\]]*\]\(\s*|<img\b[^>]*?\bsrc\s*=\s*["'])([^)"'\s]+)""", re.IGNORECASE)


class _Entry:
    """One question of the file while it is being checked: says where any problem is."""

    def __init__(self, source: str, qid: str, item: dict, folder: Path | None):
        self.source, self.qid, self.item, self.folder = source, qid, item, folder

    def fail(self, field_name: str | None, message: str):
        raise BankError(self.source, message, self.qid, field_name)

    def text(self, mapping: dict, key: str, field_name: str, required: bool = False) -> str:
        value = mapping.get(key)
        if value is None:
            if required:
                self.fail(field_name, f"the {key!r} text is missing")
            return ""
        if not isinstance(value, str):
            self.fail(field_name, f"this must be text in quotes, not {shown(value)}")
        return inline_images(value, self.folder)

    def flag(self, mapping: dict, key: str, field_name: str, required: bool = False) -> bool:
        if key not in mapping:
            if required:
                self.fail(field_name, 'say whether this answer is right: "correct": true or "correct": false')
            return False
        value = mapping[key]
        if not isinstance(value, bool):
            self.fail(field_name, f"this must be true or false without quotes, not {shown(value)}")
        return value

    def number(self, value, field_name: str) -> float:
        if isinstance(value, bool) or not isinstance(value, int | float):
            self.fail(field_name, f"this must be a number without quotes, not {shown(value)}")
        if not math.isfinite(value):
            self.fail(field_name, "this must be an ordinary number, not NaN or infinity")
        return float(value)

    def answers(self) -> list[dict]:
        answers = self.item.get("answers")
        if not isinstance(answers, list) or not answers:
            self.fail("answers", f"this must be a list of answers in [ ], not {shown(answers)}")
        for number, answer in enumerate(answers):
            if not isinstance(answer, dict):
                self.fail(f"answers.{number}", f"each answer must be an entry in {{ }}, not {shown(answer)}")
        return answers


def inline_images(text: str, folder: Path | None) -> str:
    """Pictures referred to by a relative path beside the question file, put in the text as data URIs."""
    if folder is None or "img" not in text.lower() and "![" not in text:
        return text

    def embed(match: re.Match) -> str:
        target = match.group(2)
        if re.match(r"^[a-z][a-z0-9+.-]*:", target, re.IGNORECASE) or target.startswith("/"):
            return match.group(0)
        path = folder / target
        kind = mimetypes.guess_type(path.name)[0] or ""
        try:
            if not kind.startswith("image/") or not path.is_file() or path.stat().st_size > MAX_IMAGE_BYTES:
                return match.group(0)
            data = base64.b64encode(path.read_bytes()).decode("ascii")
        except OSError:
            return match.group(0)
        return f"{match.group(1)}data:{kind};base64,{data}"

    return IMAGE_PATTERN.sub(embed, text)


def _choice(entry: _Entry, title: str) -> Question:
    options = []
    for number, answer in enumerate(entry.answers()):
        where = f"answers.{number}"
        text = entry.text(answer, "answer", f"{where}.answer")
        code = entry.text(answer, "code", f"{where}.code")
        if not text and not code:
            entry.fail(where, 'each answer needs an "answer" text or a "code" snippet')
        correct = entry.flag(answer, "correct", f"{where}.correct", required=True)
        feedback = entry.text(answer, "feedback", f"{where}.feedback") or ("Correct." if correct else "Not this one.")
        options.append(Option(text, correct, feedback, code))
    if len(options) < 2:
        entry.fail("answers", "a choice question needs at least two answers")
    right = sum(option.correct for option in options)
    if not right:
        entry.fail("answers", 'no answer is marked "correct": true, so nobody could get this question right')
    columns = entry.item.get("answer_cols")
    if columns is not None:
        if isinstance(columns, bool) or not isinstance(columns, int | float) or columns != int(columns):
            entry.fail("answer_cols", f"this must be a whole number of columns, not {shown(columns)}")
        if not 1 <= columns <= MAX_ANSWER_COLUMNS:
            entry.fail("answer_cols", f"this must be between 1 and {MAX_ANSWER_COLUMNS} columns, not {columns}")
        columns = int(columns)
    # jupyterquiz itself decides by the number of correct answers, whatever the type says.
    return _question(entry, title, "multiple" if right > 1 else "single", options=tuple(options), answer_cols=columns)


def _numeric(entry: _Entry, title: str) -> Question:
    precision = entry.item.get("precision")
    if precision is not None:
        if isinstance(precision, bool) or not isinstance(precision, int):
            entry.fail("precision", f"this must be a whole number of significant digits, not {shown(precision)}")
        low, high = PRECISION_RANGE
        if not low <= precision <= high:
            entry.fail("precision", f"this must be between {low} and {high} significant digits, not {precision}")
    ordered, default = [], ""
    for number, answer in enumerate(entry.answers()):
        where = f"answers.{number}"
        feedback = entry.text(answer, "feedback", f"{where}.feedback")
        if "value" in answer:
            value = entry.number(answer["value"], f"{where}.value")
            correct = entry.flag(answer, "correct", f"{where}.correct")
            ordered.append(NumericAnswer(correct, feedback or ("Correct." if correct else "Not quite."), value=value))
        elif "range" in answer:
            bounds = answer["range"]
            if not isinstance(bounds, list) or len(bounds) != 2:
                entry.fail(f"{where}.range", f"a range is two numbers [lowest, highest), not {shown(bounds)}")
            low, high = (entry.number(bound, f"{where}.range") for bound in bounds)
            if low > high:
                entry.fail(f"{where}.range", f"the range goes from {low:g} down to {high:g}; write the smaller first")
            correct = entry.flag(answer, "correct", f"{where}.correct")
            ordered.append(
                NumericAnswer(correct, feedback or ("Correct." if correct else "Not quite."), low=low, high=high)
            )
        elif answer.get("type") == "default":
            default = default or feedback
        elif answer.get("type") in ("value", "range"):
            entry.fail(where, f"a numeric answer of type {answer['type']!r} needs its {answer['type']!r}")
        else:
            entry.fail(where, 'each numeric answer needs a "value", a "range", or "type": "default"')
    if not any(answer.correct for answer in ordered):
        entry.fail("answers", 'no answer is marked "correct": true, so nobody could get this question right')
    first_right = next(answer for answer in ordered if answer.correct)
    if first_right.value is not None:
        answer, tolerance = first_right.value, 0.0
    else:
        answer, tolerance = (first_right.low + first_right.high) / 2, (first_right.high - first_right.low) / 2
    return _question(
        entry,
        title,
        "numeric",
        answer=answer,
        tolerance=tolerance,
        numeric_answers=tuple(ordered),
        precision=precision,
        wrong_feedback=default or "Incorrect. Try again.",
    )


def _string(entry: _Entry, title: str) -> Question:
    accepted, default = [], ""
    for number, answer in enumerate(entry.answers()):
        where = f"answers.{number}"
        feedback = entry.text(answer, "feedback", f"{where}.feedback")
        if answer.get("type") == "default":
            default = default or feedback
            continue
        text = entry.text(answer, "answer", f"{where}.answer", required=True)
        correct = entry.flag(answer, "correct", f"{where}.correct", required=True)
        match_case = entry.flag(answer, "match_case", f"{where}.match_case")
        threshold = answer.get("fuzzy_threshold")
        if threshold is not None:
            threshold = entry.number(threshold, f"{where}.fuzzy_threshold")
            if not 0 <= threshold <= 1:
                entry.fail(f"{where}.fuzzy_threshold", f"this must be between 0 and 1, not {threshold:g}")
        accepted.append(
            TextAnswer(text, correct, feedback or ("Correct." if correct else "Not quite."), match_case, threshold)
        )
    if not any(answer.correct for answer in accepted):
        entry.fail("answers", 'no answer is marked "correct": true, so nobody could get this question right')
    return _question(
        entry, title, "string", text_answers=tuple(accepted), wrong_feedback=default or "Incorrect. Try again."
    )


def _question(entry: _Entry, title: str, kind: str, **fields) -> Question:
    return Question(
        id=entry.qid,
        kind=kind,
        objective=title,
        prompt=entry.text(entry.item, "question", "question", required=True).strip(),
        # jupyterquiz has no explanation; none is invented (feedback per answer says why).
        explanation="",
        references=(),
        code=entry.text(entry.item, "code", "code"),
        **fields,
    )


BUILDERS = {"multiple_choice": _choice, "many_choice": _choice, "numeric": _numeric, "string": _string}


def bank_from_jupyterquiz(raw, source: str, path: Path | None = None) -> Bank:
    """A bank from a parsed jupyterquiz file (a list of questions); BankError names file, question and field."""
    if isinstance(raw, dict) and "questions" in raw:
        raw = raw["questions"]
    if not isinstance(raw, list):
        raise BankError(source, "a jupyterquiz file must hold a list of questions in [ ]")
    if not raw:
        raise BankError(source, "the file holds no questions")
    title = (path.stem if path else "imported quiz").replace("-", " ").replace("_", " ")
    folder = path.parent if path else None
    questions = []
    for number, item in enumerate(raw, start=1):
        qid = f"q{number:02d}"
        if not isinstance(item, dict):
            raise BankError(source, f"each question must be an entry in {{ }}, not {shown(item)}", qid)
        entry = _Entry(source, qid, item, folder)
        kind = item.get("type")
        if kind not in KNOWN_TYPES:
            known = ", ".join(KNOWN_TYPES)
            entry.fail("type", f"unsupported jupyterquiz type {shown(kind)} (known: {known})")
        questions.append(BUILDERS[kind](entry, title))
    return Bank(
        name=path.stem if path else "imported",
        module="00",
        title=title,
        questions=tuple(questions),
        source=source,
        objectives=(title,),
    )

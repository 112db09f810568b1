"""Question banks: YAML files in assets/questions/ (or jupyterquiz JSON), validated into plain dataclasses."""

import json
import math
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING

import yaml

from mesocourse.paths import QUESTIONS, ROOT, SCHEMAS
from mesocourse.references import UnknownReference, resolve
from mesocourse.schema_check import schema_errors

if TYPE_CHECKING:
    import jsonschema

SCHEMA_FILE = SCHEMAS / "question-bank.schema.json"
DEFAULT_PASS_MARK = 0.8
# An author's message stays readable whatever the bad value: values are cut to this many characters.
SHOWN_VALUE_CHARACTERS = 80
MESSAGE_CHARACTERS = 400
# Far more values than any bank holds; YAML aliases nested inside aliases can expand to millions.
MAX_VALUES = 20_000


def shown(value) -> str:
    """A value as an author sees it in a message: its repr, cut short so a huge value cannot flood the page."""
    text = repr(value) if not isinstance(value, str) else repr(value[: SHOWN_VALUE_CHARACTERS + 1])
    return text if len(text) <= SHOWN_VALUE_CHARACTERS else text[: SHOWN_VALUE_CHARACTERS - 3] + "..."


def _cut(text: str, limit: int = MESSAGE_CHARACTERS) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."


class BankError(ValueError):
    """A bank that cannot be used, with the file, question id and field named so an author can fix it."""

    def __init__(self, file, message, question_id=None, field_name=None):
        self.file = str(file)
        self.question_id = question_id
        self.field_name = field_name
        self.message = _cut(str(message))
        super().__init__(str(self))

    def __str__(self):
        where = [f"file {self.file}"]
        if self.question_id:
            where.append(f"question {self.question_id!r}")
        if self.field_name:
            where.append(f"field {self.field_name!r}")
        return f"Problem in the question bank ({', '.join(where)}): {self.message}"


@dataclass(frozen=True)
class Option:
    """One answer option of a choice question, with what the learner is told when they pick it."""

    text: str
    correct: bool
    feedback: str
    code: str = ""


@dataclass(frozen=True)
class NumericAnswer:
    """One entry of an ordered numeric answer list (jupyterquiz): an exact value, or a range [low, high)."""

    correct: bool
    feedback: str
    value: float | None = None
    low: float | None = None
    high: float | None = None


@dataclass(frozen=True)
class TextAnswer:
    """One accepted or known-wrong typed answer of a string question, compared as jupyterquiz compares it."""

    text: str
    correct: bool
    feedback: str
    match_case: bool = False
    fuzzy_threshold: float | None = None


@dataclass(frozen=True)
class NumericHint:
    """Feedback for a known wrong numeric answer range, e.g. using cos instead of sin."""

    low: float
    high: float
    feedback: str


@dataclass(frozen=True)
class Question:
    """A bank question: single choice, select-all-that-apply, numeric (tolerance or ordered answers) or typed text."""

    id: str
    kind: str
    objective: str
    prompt: str
    explanation: str
    references: tuple[str, ...]
    options: tuple[Option, ...] = ()
    answer: float | None = None
    tolerance: float = 0.0
    unit: str = ""
    hints: tuple[NumericHint, ...] = ()
    wrong_feedback: str = ""
    figure: dict | None = None
    # A safety question: the module is not passed while its latest answer is wrong, whatever the overall score.
    must_pass: bool = False
    # Imported jupyterquiz questions: ordered answers (first match decides), significant digits, code, columns.
    numeric_answers: tuple[NumericAnswer, ...] = ()
    precision: int | None = None
    text_answers: tuple[TextAnswer, ...] = ()
    code: str = ""
    answer_cols: int | None = None


@dataclass(frozen=True)
class Bank:
    """The questions of one module, with where they came from."""

    name: str
    module: str
    title: str
    questions: tuple[Question, ...]
    source: str
    pass_mark: float = DEFAULT_PASS_MARK
    objectives: tuple[str, ...] = field(default=())

    def question(self, question_id: str) -> Question:
        """The question with this id (KeyError when absent)."""
        for question in self.questions:
            if question.id == question_id:
                return question
        raise KeyError(question_id)

    @property
    def must_pass(self) -> tuple[Question, ...]:
        """The safety questions that must be right for the module to count as passed."""
        return tuple(question for question in self.questions if question.must_pass)


@cache
def _schema() -> dict:
    with open(SCHEMA_FILE, encoding="utf-8") as handle:
        return json.load(handle)


def bank_names() -> list[str]:
    """Names of the course's banks (file stems in assets/questions/), in module order."""
    return sorted(path.stem for path in QUESTIONS.glob("*.yaml"))


def _display_path(path: Path) -> str:
    try:
        return str(path.resolve().relative_to(ROOT))
    except ValueError:
        return str(path)


def _locate(raw: dict, error: "jsonschema.ValidationError") -> tuple[str | None, str | None]:
    """Question id and field name behind a schema error path such as questions/3/options/1/feedback."""
    path = list(error.absolute_path)
    question_id = field_name = None
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        question = raw["questions"][path[1]]
        question_id = question.get("id", f"number {path[1] + 1}") if isinstance(question, dict) else None
        rest = [str(part) for part in path[2:]]
        field_name = ".".join(rest) if rest else None
    elif path:
        field_name = ".".join(str(part) for part in path)
    if error.validator == "required" and not field_name:
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        field_name = missing[0] if missing else None
    return question_id, field_name


def _plain_schema_message(error: "jsonschema.ValidationError") -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return f"missing required field {missing[0]!r}" if missing else error.message
    if error.validator == "additionalProperties":
        return f"unexpected field ({error.message})"
    if error.validator == "not":
        return "this field does not belong to this question type"
    if error.validator == "type":
        return f"{shown(error.instance)} is not of type {error.validator_value!r}"
    # jsonschema's own message embeds the whole value; the value is shown cut instead.
    return _cut(error.message.replace(repr(error.instance), shown(error.instance)), 200)


def _count_values(raw, limit: int) -> int:
    """How many values a parsed file holds (shared alias targets counted each time), stopping past `limit`."""
    count, stack = 0, [raw]
    while stack and count <= limit:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.keys())
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _not_finite(raw, path=()):
    """The first path to a NaN or infinite number in a parsed bank, or None."""
    if isinstance(raw, float) and not math.isfinite(raw):
        return path
    children = raw.items() if isinstance(raw, dict) else enumerate(raw) if isinstance(raw, list) else ()
    for key, value in children:
        found = _not_finite(value, (*path, key))
        if found is not None:
            return found
    return None


def _where(raw: dict, path) -> tuple[str | None, str | None]:
    """Question id and dotted field of a path inside a bank mapping."""
    if len(path) >= 2 and path[0] == "questions" and isinstance(path[1], int):
        question = raw["questions"][path[1]]
        qid = question.get("id", f"number {path[1] + 1}") if isinstance(question, dict) else None
        return qid, ".".join(str(part) for part in path[2:]) or None
    return None, ".".join(str(part) for part in path) or None


def _check_numbers(raw: dict, source) -> None:
    """Refuse NaN and infinite numbers (no answer could match, or every answer would) and reversed hint ranges."""
    bad = _not_finite(raw)
    if bad is not None:
        qid, field_name = _where(raw, bad)
        raise BankError(source, "this must be an ordinary number, not NaN or infinity", qid, field_name)
    for item in raw["questions"]:
        for hint_number, hint in enumerate(item.get("hints", ())):
            low, high = hint["range"]
            if low > high:
                raise BankError(
                    source,
                    f"the range goes from {low:g} down to {high:g}; write the smaller number first",
                    item["id"],
                    f"hints.{hint_number}.range",
                )


def validate(raw, source) -> None:
    """Check a parsed bank against the schema and the course rules; raise BankError naming the spot."""
    if not isinstance(raw, dict):
        raise BankError(source, "the file must hold a mapping with module, title and questions")
    if _count_values(raw, MAX_VALUES) > MAX_VALUES:
        raise BankError(source, f"the file expands to more than {MAX_VALUES} values (YAML aliases inside aliases?)")
    errors = sorted(schema_errors(raw, _schema()), key=lambda e: list(e.path))
    if errors:
        # The deepest error is the most specific one to show an author.
        error = max(errors, key=lambda e: len(list(e.absolute_path)))
        question_id, field_name = _locate(raw, error)
        raise BankError(source, _plain_schema_message(error), question_id, field_name)
    _check_numbers(raw, source)
    seen = set()
    for item in raw["questions"]:
        qid = item["id"]
        if qid in seen:
            raise BankError(source, "this id is used twice in the bank", qid, "id")
        seen.add(qid)
        if item["type"] in ("single", "multiple"):
            correct = sum(option["correct"] for option in item["options"])
            if item["type"] == "single" and correct != 1:
                raise BankError(
                    source, f"a single-choice question needs exactly one correct option, not {correct}", qid, "options"
                )
            if item["type"] == "multiple" and correct < 1:
                raise BankError(source, "a select-all question needs at least one correct option", qid, "options")
        for key in item["references"]:
            try:
                resolve(key)
            except UnknownReference as unknown:
                raise BankError(source, str(unknown), qid, "references") from None


def _question(item: dict) -> Question:
    return Question(
        id=item["id"],
        kind=item["type"],
        objective=item["objective"],
        prompt=item["prompt"].strip(),
        explanation=item["explanation"].strip(),
        references=tuple(item["references"]),
        options=tuple(Option(o["text"], o["correct"], o["feedback"]) for o in item.get("options", ())),
        answer=item.get("answer"),
        tolerance=item.get("tolerance", 0.0),
        unit=item.get("unit", ""),
        hints=tuple(NumericHint(h["range"][0], h["range"][1], h["feedback"]) for h in item.get("hints", ())),
        wrong_feedback=item.get("wrong_feedback", ""),
        figure=item.get("figure"),
        must_pass=item.get("must_pass", False),
    )


def parse_bank(raw, source, name: str) -> Bank:
    """Validate a parsed bank and build its dataclasses."""
    validate(raw, source)
    questions = tuple(_question(item) for item in raw["questions"])
    objectives = tuple(dict.fromkeys(q.objective for q in questions))
    return Bank(
        name=name,
        module=raw["module"],
        title=raw["title"],
        questions=questions,
        source=str(source),
        pass_mark=raw.get("pass_mark", DEFAULT_PASS_MARK),
        objectives=objectives,
    )


class _UniqueKeyLoader(yaml.SafeLoader):
    """PyYAML's safe loader, refusing a key written twice in one mapping (PyYAML keeps the last one silently)."""

    def construct_mapping(self, node, deep=False):
        seen = {}
        for key_node, _value in node.value:
            key = self.construct_object(key_node, deep=True)
            if isinstance(key, str) and key in seen:
                qid = next(
                    (v.value for k, v in node.value if getattr(k, "value", None) == "id" and hasattr(v, "value")),
                    None,
                )
                raise _DuplicateKey(key, key_node.start_mark.line + 1, qid if isinstance(qid, str) else None)
            seen[key] = True
        return super().construct_mapping(node, deep)


class _DuplicateKey(Exception):
    def __init__(self, key: str, line: int, question_id: str | None):
        super().__init__(key)
        self.key, self.line, self.question_id = key, line, question_id


def _refuse_constant(name: str):
    raise ValueError(name)


def read_text(path: Path, source: str) -> str:
    """A bank file's text (UTF-8, with or without a byte-order mark); BankError when it cannot be read."""
    try:
        text = path.read_bytes().decode("utf-8-sig")
    except FileNotFoundError:
        raise BankError(source, "the file does not exist") from None
    except IsADirectoryError:
        raise BankError(source, "this is a folder, not a question file") from None
    except OSError as error:
        raise BankError(source, f"the file cannot be opened ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise BankError(source, "the file is not UTF-8 text") from None
    if not text.strip():
        raise BankError(source, "the file is empty")
    return text


def _read(path: Path, source: str):
    text = read_text(path, source)
    kind = path.suffix.lstrip(".").upper()
    try:
        if path.suffix == ".json":
            return json.loads(text, parse_constant=_refuse_constant)
        return yaml.load(text, Loader=_UniqueKeyLoader)  # noqa: S506 - a SafeLoader subclass
    except _DuplicateKey as duplicate:
        raise BankError(
            source, f"the key is written twice (line {duplicate.line})", duplicate.question_id, duplicate.key
        ) from None
    except RecursionError:
        raise BankError(source, f"the file is nested too deeply to be read as {kind}") from None
    except ValueError as error:
        if isinstance(error, json.JSONDecodeError):
            raise BankError(source, f"the file cannot be read as JSON near line {error.lineno}") from None
        raise BankError(source, f"{error} is not a number a learner can type; write an ordinary number") from None
    except yaml.YAMLError as error:
        mark = getattr(error, "problem_mark", None)
        line = f" near line {mark.line + 1}" if mark else ""
        raise BankError(source, f"the file cannot be read as {kind}{line}") from None


def load_bank(name_or_path: str | Path) -> Bank:
    """A bank by course name ("01-what-is-mesotherapy") or by file path (.yaml or jupyterquiz .json)."""
    path = Path(name_or_path)
    if path.suffix not in (".yaml", ".yml", ".json"):
        path = QUESTIONS / f"{name_or_path}.yaml"
        if not path.exists():
            known = ", ".join(bank_names()) or "none"
            raise BankError(_display_path(path), f"there is no bank called {name_or_path!r} (known: {known})")
    source = _display_path(path)
    raw = _read(path, source)
    if path.suffix == ".json":
        from mesocourse.jupyterquiz import bank_from_jupyterquiz

        return bank_from_jupyterquiz(raw, source, path)
    return parse_bank(raw, source, path.stem)


@cache
def course_bank(name: str) -> Bank:
    """A course bank loaded once per kernel."""
    return load_bank(name)

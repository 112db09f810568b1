"""Question banks: YAML files in assets/questions/ (or jupyterquiz JSON), validated into plain dataclasses."""

import json
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path

import jsonschema
import yaml

from mesocourse.paths import QUESTIONS, ROOT, SCHEMAS
from mesocourse.references import UnknownReference, resolve

SCHEMA_FILE = SCHEMAS / "question-bank.schema.json"
DEFAULT_PASS_MARK = 0.8


class BankError(ValueError):
    """A bank that cannot be used, with the file, question id and field named so an author can fix it."""

    def __init__(self, file, message, question_id=None, field_name=None):
        self.file = str(file)
        self.question_id = question_id
        self.field_name = field_name
        self.message = message
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


@dataclass(frozen=True)
class NumericHint:
    """Feedback for a known wrong numeric answer range, e.g. using cos instead of sin."""

    low: float
    high: float
    feedback: str


@dataclass(frozen=True)
class Question:
    """A bank question: single choice, select-all-that-apply or numeric with tolerance and unit."""

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


def _locate(raw: dict, error: jsonschema.ValidationError) -> tuple[str | None, str | None]:
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


def _plain_schema_message(error: jsonschema.ValidationError) -> str:
    if error.validator == "required":
        missing = [name for name in error.validator_value if name not in (error.instance or {})]
        return f"missing required field {missing[0]!r}" if missing else error.message
    if error.validator == "additionalProperties":
        return f"unexpected field ({error.message})"
    if error.validator == "not":
        return "this field does not belong to this question type"
    return error.message


def validate(raw, source) -> None:
    """Check a parsed bank against the schema and the course rules; raise BankError naming the spot."""
    if not isinstance(raw, dict):
        raise BankError(source, "the file must hold a mapping with module, title and questions")
    errors = sorted(jsonschema.Draft202012Validator(_schema()).iter_errors(raw), key=lambda e: list(e.path))
    if errors:
        # The deepest error is the most specific one to show an author.
        error = max(errors, key=lambda e: len(list(e.absolute_path)))
        question_id, field_name = _locate(raw, error)
        raise BankError(source, _plain_schema_message(error), question_id, field_name)
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


def _read(path: Path, source: str):
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise BankError(source, "the file does not exist") from None
    except UnicodeDecodeError:
        raise BankError(source, "the file is not UTF-8 text") from None
    if not text.strip():
        raise BankError(source, "the file is empty")
    try:
        if path.suffix == ".json":
            return json.loads(text)
        return yaml.safe_load(text)
    except (json.JSONDecodeError, yaml.YAMLError) as error:
        mark = getattr(error, "problem_mark", None)
        line = (
            f" near line {mark.line + 1}"
            if mark
            else (f" near line {error.lineno}" if hasattr(error, "lineno") else "")
        )
        raise BankError(source, f"the file cannot be read as {path.suffix.lstrip('.').upper()}{line}") from None


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
        raw = from_jupyterquiz(raw, source, title=path.stem.replace("-", " ").replace("_", " "))
    return parse_bank(raw, source, path.stem)


@cache
def course_bank(name: str) -> Bank:
    """A course bank loaded once per kernel."""
    return load_bank(name)


# jupyterquiz (the widely used notebook quiz format) keeps questions as a JSON list; these map onto our types.
JUPYTERQUIZ_TYPES = {"multiple_choice": "single", "many_choice": "multiple", "numeric": "numeric"}
IMPORTED_NOTE = "Imported from a jupyterquiz file; the trainer has not added an explanation."


def _jq_numeric(item: dict, source: str, qid: str) -> dict:
    answers = item.get("answers") or []
    correct = [a for a in answers if a.get("correct") and a.get("type") in ("value", "range")]
    if not correct:
        raise BankError(source, "a numeric question needs one answer marked correct", qid, "answers")
    first = correct[0]
    if first["type"] == "value":
        precision = item.get("precision")
        tolerance = 0.5 * 10 ** (-precision) if isinstance(precision, int) else 1e-9
        answer = float(first["value"])
    else:
        low, high = first["range"]
        answer, tolerance = (low + high) / 2, (high - low) / 2
    hints = []
    for other in answers:
        if other.get("correct") or other.get("type") == "default" or not other.get("feedback"):
            continue
        if other.get("type") == "value":
            hints.append({"range": [other["value"], other["value"]], "feedback": other["feedback"]})
        elif other.get("type") == "range":
            hints.append({"range": list(other["range"]), "feedback": other["feedback"]})
    default = next((a.get("feedback") for a in answers if a.get("type") == "default"), None)
    return {
        "answer": answer,
        "tolerance": tolerance,
        "unit": "",
        "hints": hints,
        "wrong_feedback": default or "Not the expected value.",
        "explanation": first.get("feedback") or IMPORTED_NOTE,
    }


def from_jupyterquiz(raw, source: str, title: str) -> dict:
    """Convert a jupyterquiz question list into our bank layout (objective and references left for the trainer)."""
    if isinstance(raw, dict) and "questions" in raw:
        raw = raw["questions"]
    if not isinstance(raw, list):
        raise BankError(source, "a jupyterquiz file must hold a list of questions")
    questions = []
    for number, item in enumerate(raw, start=1):
        qid = f"q{number:02d}"
        if not isinstance(item, dict) or "question" not in item:
            raise BankError(source, "each entry needs a 'question' text", qid, "question")
        kind = JUPYTERQUIZ_TYPES.get(item.get("type"))
        if kind is None:
            raise BankError(source, f"unsupported jupyterquiz type {item.get('type')!r}", qid, "type")
        converted = {
            "id": qid,
            "type": kind,
            "objective": title,
            "prompt": item["question"],
            "references": [],
        }
        if kind == "numeric":
            converted.update(_jq_numeric(item, source, qid))
        else:
            converted["options"] = [
                {
                    "text": str(answer.get("answer", answer.get("code", ""))),
                    "correct": bool(answer.get("correct")),
                    "feedback": answer.get("feedback") or ("Correct." if answer.get("correct") else "Not this one."),
                }
                for answer in item.get("answers", [])
            ]
            converted["explanation"] = IMPORTED_NOTE
        questions.append(converted)
    return {"module": "00", "title": title, "questions": questions}

"""Each learner's own version of a graded assignment, drawn from the clinic's secret and the learner id.

A version shuffles every question's options and draws the numbers of parametrised questions (listed in
assets/assignment-variants.yaml, right answer computed by the course's engine). The draw is an HMAC of the
secret, assignment, learner and question, so the trainer gets the same version every time, learners get
different ones, and nobody without the secret can tell which letter is right for whom.

The learner's form (what the answer widgets show) holds no key and no option order; the mapping back to the
source question (`to_source`, `source_answer`) exists only in the trainer's process.
"""

import hashlib
import hmac
import json
import random
import re
from dataclasses import dataclass, field
from functools import cache, lru_cache
from pathlib import Path

import nbformat
import yaml

from mesocourse.grading.answer_format import LETTER, LETTERS, NUMBER
from mesocourse.grading.authoring import AssignmentSource, AuthoringError, AutogradedQuestion, read_assignment
from mesocourse.grading.drawn import ENGINES
from mesocourse.paths import ASSETS
from mesocourse.references import UnknownReference, keys_in_text, resolve

SPEC_FILE = ASSETS / "assignment-variants.yaml"
HEADING = re.compile(r"^#{1,6} Question \d+ \([^)]*\)\s*$")
OPTION = re.compile(r"^- \*\*(?P<letter>[A-H])\.\*\* (?P<text>.*)$")
UNIT = re.compile(r"^\*\*Type a number\*\* in (?P<unit>[^,]+),")
HOW_TO = ("**Type one letter**", "**Select all that apply.**", "**Type a number**")
SHOWN = "ABCDEFGH"


class VariantError(AuthoringError):
    """A parametrised question whose template, ranges or engine do not give back the source question."""


@dataclass(frozen=True)
class QuestionVersion:
    """One question as one learner sees it, with what the trainer needs to map it back (never sent to learners)."""

    grade_id: str
    number: int
    kind: str
    points: float
    stem: str
    options: tuple[str, ...] = ()  # option texts in the order shown (A, B, ...)
    order: str = ""  # the source letter of each shown option: "CADB" means shown A is source C
    unit: str = ""
    decimals: int = 1
    tolerance: float = 0.0
    parameters: tuple = ()  # (name, value) pairs drawn for this learner
    expected: float | None = None  # the engine's answer for those parameters (number questions)
    explanation: str = ""
    key: object = None  # a drawn or sibling choice question: this learner's right letter(s), in source terms
    sibling: int = 0  # which sibling version of the source question (0: the source's own)

    @property
    def own_key(self) -> bool:
        """True when this learner's right answer is not the source's key (drawn numbers, patient or sibling)."""
        return self.expected is not None or self.key is not None

    @property
    def shown_letters(self) -> str:
        """The letters this learner chooses from."""
        return SHOWN[: len(self.options)]

    def shown_option(self, letter: str) -> str:
        """The text of a shown option."""
        return self.options[SHOWN.index(letter)]

    def describe(self) -> str:
        """The version in a few words, for the trainer's tables: the option order or the numbers drawn."""
        parts = [f"sibling {self.sibling}"] if self.sibling else []
        if self.parameters:
            parts += [
                f"{name}={value:g}" if isinstance(value, int | float) else f"{name}={value}"
                for name, value in self.parameters
            ]
        elif self.order:
            parts.append(f"order {self.order}")
        return ", ".join(parts) or "as in the source"


@dataclass
class AssignmentVersion:
    """One learner's version of one assignment: every question, and the text blocks between them."""

    assignment: str
    learner: str
    tag: str
    questions: dict[str, QuestionVersion] = field(default_factory=dict)
    blocks: list = field(default_factory=list)  # ("text", markdown) or ("question", grade_id), in notebook order

    def form(self) -> dict:
        """What the learner's answer form shows: texts, options and kinds, and nothing that tells a key."""
        blocks = []
        for kind, value in self.blocks:
            if kind == "text":
                blocks.append({"text": value})
                continue
            question = self.questions[value]
            blocks.append(
                {
                    "id": question.grade_id,
                    "number": question.number,
                    "points": question.points,
                    "kind": question.kind,
                    "stem": question.stem,
                    "options": list(question.options),
                    "unit": question.unit,
                    "decimals": question.decimals,
                }
            )
        return {"learner": self.learner, "version": self.tag, "assignment": self.assignment, "blocks": blocks}

    def kinds(self) -> dict[str, tuple[str, str]]:
        """grade id -> (kind, shown letters), as the answers-file reader wants it."""
        return {gid: (q.kind, q.shown_letters) for gid, q in self.questions.items()}


# ---------------------------------------------------------------------------------------------------------------
# Reading the source


def split_prompt(prompt: str) -> tuple[str, list[tuple[str, str]], str]:
    """A question cell's markdown as (stem, [(letter, option text)], unit): no heading, no typing instructions."""
    stem, options, unit = [], [], ""
    for line in prompt.strip().splitlines():
        if HEADING.match(line):
            continue
        option = OPTION.match(line)
        if option:
            options.append((option["letter"], option["text"]))
            continue
        if line.startswith(HOW_TO):
            found = UNIT.match(line)
            unit = found["unit"].strip() if found else ""
            continue
        stem.append(line)
    return "\n".join(stem).strip(), options, unit


@cache
def _spec_file(path: Path) -> dict:
    """The versions file, or one sentence saying where it cannot be read (a YAML slip gave a traceback)."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) if path.is_file() else {}
    except yaml.YAMLError as problem:
        mark = getattr(problem, "problem_mark", None)
        where = f" at line {mark.line + 1}" if mark is not None else ""
        raise VariantError(f"{path.name} is not valid YAML{where}: {getattr(problem, 'problem', problem)}") from None
    if data and not isinstance(data, dict):
        raise VariantError(f"{path.name} should map each assignment to its questions")
    return data or {}


def parameter_spec(assignment: str, grade_id: str, path: Path = SPEC_FILE) -> dict | None:
    """The drawing rule of a parametrised question (assets/assignment-variants.yaml), or None."""
    return (_spec_file(path).get(assignment) or {}).get(grade_id)


def drawn_questions(assignment: str, path: Path = SPEC_FILE) -> set[str]:
    """Grade ids of the questions each learner gets in their own version (drawn values or a sibling)."""
    return set(_spec_file(path).get(assignment) or {})


def _render(template: str, words: dict) -> str:
    return template.format(**words).strip()


def _grid(ranges: dict) -> list[dict]:
    grid = [{}]
    for name, values in ranges.items():
        grid = [{**point, name: value} for point in grid for value in values]
    return grid


def _reference_problems(text: str) -> list[str]:
    keys = keys_in_text(text)
    problems = [] if keys else ["no reference key in the question or explanation"]
    for key in sorted(keys):
        try:
            resolve(key)
        except UnknownReference as unknown:
            problems.append(str(unknown))
    return problems


def _choice_ids(engine, spec: dict) -> list[str]:
    return [option_id for option_id, _ in engine.options(spec)]


def _engine_problems(where: str, question: AutogradedQuestion, spec: dict) -> list[str]:
    """The source's own numbers give back the source exactly; every other draw renders, is keyed and cited."""
    engine = ENGINES[spec["engine"]]
    choice = callable(engine.options)
    if question.kind != (LETTER if choice else NUMBER):
        return [f"{where}: the {spec['engine']} engine needs a {'one-letter' if choice else 'number'} question"]
    problems = []
    ranges, own = spec["parameters"], spec["source"]
    if any(own[name] not in values for name, values in ranges.items()):
        problems.append(f"{where}: the source's own numbers must be one of the choices")
    stem, options, _ = split_prompt(question.prompt)
    drawn = engine.draw(spec, own, question.decimals)
    if choice:
        labels = [text for _, text in engine.options(spec)]
        if [text.rstrip(".") for _, text in options] != labels:
            problems.append(f"{where}: the options must be the engine's, in its order: {'; '.join(labels)}")
            return problems
        right = options[_choice_ids(engine, spec).index(drawn.answer)][0] == question.solution
    else:
        right = drawn.answer == round(float(question.solution), question.decimals)
    if not right:
        problems.append(f"{where}: the engine gives {drawn.answer} for the source's own draw, the key says otherwise")
    if _render(spec["prompt"], drawn.words) != stem:
        problems.append(f"{where}: the prompt template does not give back the source question")
    if _render(spec["explanation"], drawn.words) != question.explanation:
        problems.append(f"{where}: the explanation template does not give back the source explanation")
    for point in _grid(ranges):
        problems += [f"{where} {_words(point)}: {p}" for p in _draw_problems(engine, spec, point, question)][:3]
    return problems


def _words(point: dict) -> str:
    return "(" + ", ".join(f"{name}={value}" for name, value in point.items()) + ")"


def _draw_problems(engine, spec: dict, point: dict, question: AutogradedQuestion) -> list[str]:
    """One draw: the engine's key is an option, the texts render, the explanation states this draw's answer."""
    drawn = engine.draw(spec, point, question.decimals)
    problems = []
    if callable(engine.options):
        labels = dict(engine.options(spec))
        if drawn.answer not in labels:
            return [f"the engine's answer {drawn.answer!r} is not among the options"]
        stated = labels[drawn.answer]
    else:
        stated = drawn.words["answer"]
        by_hand = engine.by_hand(drawn.words)
        if abs(by_hand - drawn.answer) > question.tolerance + 1e-9:
            problems.append(f"the stem's numbers give {by_hand:g}, outside the tolerance of the key {drawn.answer:g}")
    prompt, explanation = _render(spec["prompt"], drawn.words), _render(spec["explanation"], drawn.words)
    if stated not in explanation:
        problems.append(f"the explanation does not state this draw's answer ({stated})")
    return problems + _reference_problems(prompt + "\n" + explanation)


def _sibling_problems(where: str, question: AutogradedQuestion, siblings: list) -> list[str]:
    """Each sibling version: the source's kind (and option letters), a valid key, an explanation and a source."""
    from mesocourse.grading.answer_format import format_problem

    problems = []
    if len(siblings) < 1:
        return [f"{where}: `siblings` lists no version"]
    for number, sibling in enumerate(siblings, start=1):
        at = f"{where} sibling {number}"
        if not str(sibling.get("explanation", "")).strip() or not str(sibling.get("prompt", "")).strip():
            problems.append(f"{at}: a sibling needs a prompt and an explanation")
            continue
        if question.kind == NUMBER:
            problems += [f"{at}: {p}" for p in _number_sibling_problems(question, sibling)]
        else:
            letters = "".join(sibling.get("options") or {})
            if letters != question.choices:
                problems.append(f"{at}: options {letters!r} must be the source's letters {question.choices!r}")
            if format_problem(sibling["solution"], question.kind, question.choices) is not None:
                problems.append(f"{at}: the solution {sibling['solution']!r} is not a valid {question.kind} answer")
            elif _right_texts(dict(split_prompt(question.prompt)[1]), question.solution) == _right_texts(
                sibling["options"], sibling["solution"]
            ):
                problems.append(
                    f"{at}: the right option is the source's own; a sibling needs a right answer of its own"
                )
        problems += [f"{at}: {p}" for p in _reference_problems(sibling["prompt"] + "\n" + sibling["explanation"])]
    return problems


def _right_texts(options: dict, solution) -> set[str]:
    """The words of the right option(s), whatever their letters (a sibling must not just move the source's key)."""
    letters = solution if isinstance(solution, list) else [solution]
    return {str(options.get(letter, "")).strip().rstrip(".").lower() for letter in letters}


def _number_sibling_problems(question: AutogradedQuestion, sibling: dict) -> list[str]:
    """A number sibling: no options, a number key in the source's unit and rounding, stated in its explanation."""
    if sibling.get("options"):
        return ["a number question's sibling has no options"]
    solution = sibling.get("solution")
    if isinstance(solution, bool) or not isinstance(solution, int | float):
        return [f"the solution {solution!r} is not a number"]
    stated = f"{round(float(solution), question.decimals):.{question.decimals}f}"
    if round(float(solution), question.decimals) == round(float(question.solution), question.decimals):
        return ["the answer is the source's own; a sibling needs a right answer of its own"]
    if stated not in sibling["explanation"]:
        return [f"the explanation does not state the answer as the learner types it ({stated})"]
    return []


def sibling_versions(assignment: str, path: Path = SPEC_FILE) -> dict[str, list[dict]]:
    """grade id -> the sibling versions of that question (for the cue checks, which read every version)."""
    entries = _spec_file(path).get(assignment) or {}
    return {grade_id: list(entry["siblings"]) for grade_id, entry in entries.items() if entry.get("siblings")}


def spec_problems(source: AssignmentSource, path: Path = SPEC_FILE) -> list[str]:
    """Every drawn or sibling question of the spec: the source given back exactly, every draw keyed and cited."""
    problems = []
    by_id = {question.grade_id: question for question in source.autograded}
    for grade_id, spec in (_spec_file(path).get(source.assignment_id) or {}).items():
        where = f"{source.assignment_id}/{grade_id} (assignment-variants.yaml)"
        question = by_id.get(grade_id)
        if question is None:
            problems.append(f"{where}: no question with this id")
            continue
        try:
            if "siblings" in spec:
                problems += _sibling_problems(where, question, spec["siblings"])
            if "engine" in spec:
                problems += _engine_problems(where, question, spec)
        except (KeyError, TypeError, ValueError, IndexError, AttributeError) as error:
            problems.append(f"{where}: {type(error).__name__}: {error}")
    return problems


# ---------------------------------------------------------------------------------------------------------------
# Drawing


def _random(secret: bytes, *parts: str) -> random.Random:
    """A random source only the secret's holder can reproduce, one per (assignment, learner, question)."""
    seed = hmac.new(secret, "\x1f".join(parts).encode("utf-8"), hashlib.sha256).digest()
    return random.Random(seed)


def version_tag(secret: bytes, assignment: str, learner: str, shown: str = "") -> str:
    """A short name for a learner's version, written in their answers file: whose version, and what it showed.

    `shown` is everything the learner's form shows; when the course's questions change after a release, the tag
    changes, so answers given to the old questions are never silently scored against the new ones.
    """
    message = f"version\x1f{assignment}\x1f{learner}\x1f{hashlib.sha256(shown.encode()).hexdigest()}"
    return hmac.new(secret, message.encode(), hashlib.sha256).hexdigest()[:12]


def _key(solution):
    return sorted(solution) if isinstance(solution, list) else solution


def _draw_question(question: AutogradedQuestion, assignment: str, learner: str, secret: bytes) -> QuestionVersion:
    rng = _random(secret, assignment, learner, question.grade_id)
    stem, options, unit = split_prompt(question.prompt)
    common = {
        "grade_id": question.grade_id,
        "number": question.number,
        "kind": question.kind,
        "points": question.points,
        "unit": unit,
        "decimals": question.decimals,
        "tolerance": question.tolerance,
        "explanation": question.explanation,
    }
    spec = parameter_spec(assignment, question.grade_id) or {}
    siblings = spec.get("siblings") or []
    index = rng.randrange(len(siblings) + 1) if siblings else 0
    if index:
        sibling = siblings[index - 1]
        stem, options = sibling["prompt"].strip(), list((sibling.get("options") or {}).items())
        common |= {"explanation": sibling["explanation"].strip(), "sibling": index}
        if question.kind == NUMBER:
            common["expected"] = round(float(sibling["solution"]), question.decimals)
        else:
            common["key"] = _key(sibling["solution"])
    if "engine" in spec:
        engine = ENGINES[spec["engine"]]
        point = {name: rng.choice(list(values)) for name, values in spec["parameters"].items()}
        drawn = engine.draw(spec, point, question.decimals)
        stem = _render(spec["prompt"], drawn.words)
        common |= {"explanation": _render(spec["explanation"], drawn.words), "parameters": tuple(point.items())}
        if question.kind == NUMBER:
            common["expected"] = drawn.answer
        else:
            common["key"] = options[_choice_ids(engine, spec).index(drawn.answer)][0]
    if question.kind in (LETTER, LETTERS):
        order = [letter for letter, _ in options]
        rng.shuffle(order)
        texts = dict(options)
        return QuestionVersion(stem=stem, options=tuple(texts[s] for s in order), order="".join(order), **common)
    return QuestionVersion(stem=stem, **common)


def _text_blocks(path: Path, source: AssignmentSource) -> list:
    """The order of questions and of the case texts between them, from the source notebook."""
    graded = {question.grade_id for question in source.autograded}
    skip = {"instructions", "setup", "submit"}
    for question in source.written:
        skip |= {question.grade_id, f"{question.grade_id}-question"}
    blocks = []
    for cell in nbformat.read(path, as_version=4).cells:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
        if grade_id in graded:
            blocks.append(("question", grade_id))
        elif cell.cell_type == "markdown" and grade_id and grade_id not in skip and not grade_id.endswith("-question"):
            blocks.append(("text", cell.source))
    return blocks


def draw(source: AssignmentSource, learner: str, secret: bytes) -> AssignmentVersion:
    """This learner's version of the assignment (the same for the same secret, assignment and learner)."""
    version = AssignmentVersion(source.assignment_id, learner, "")
    for question in source.autograded:
        version.questions[question.grade_id] = _draw_question(question, source.assignment_id, learner, secret)
    path = Path(source.path).resolve()
    version.blocks = list(_blocks(path, path.stat().st_mtime))
    shown = {key: value for key, value in version.form().items() if key != "version"}
    version.tag = version_tag(secret, source.assignment_id, learner, json.dumps(shown, sort_keys=True))
    return version


@cache
def _blocks(path: Path, stamp: float) -> tuple:
    """The source's text blocks, read once per version of the source file."""
    return tuple(_text_blocks(path, _source(path, stamp)))


@cache
def _source(path: Path, stamp: float) -> AssignmentSource:
    return read_assignment(path)


def learner_version(source_notebook: Path, learner: str, secret: bytes) -> AssignmentVersion:
    """The version of the assignment in this source notebook for this learner (the source is read once)."""
    path = Path(source_notebook).resolve()
    return _drawn(path, path.stat().st_mtime, learner, secret)


@lru_cache(maxsize=512)
def _drawn(path: Path, stamp: float, learner: str, secret: bytes) -> AssignmentVersion:
    """Recent learners' versions (a few kilobytes each): a cohort's grading asks for each one several times."""
    return draw(_source(path, stamp), learner, secret)


# ---------------------------------------------------------------------------------------------------------------
# Mapping answers between a learner's version and the source


def to_source(question: QuestionVersion, answer):
    """A well-formed shown answer in source terms: shown letters become source letters; numbers stay."""
    if question.kind == LETTER:
        return question.order[SHOWN.index(answer)]
    if question.kind == LETTERS:
        return sorted(question.order[SHOWN.index(letter)] for letter in answer)
    return answer


def from_source(question: QuestionVersion, answer):
    """A source-terms answer as this learner would tick it (the inverse of to_source; for tests and checks)."""
    if question.kind == LETTER:
        return SHOWN[question.order.index(answer)]
    if question.kind == LETTERS:
        return sorted(SHOWN[question.order.index(letter)] for letter in answer)
    return answer


@dataclass(frozen=True)
class SourceAnswer:
    """A learner's answer traced back to the source: the question, the version they saw, the source option(s)."""

    grade_id: str
    version: str
    value: object  # source letter(s), the number typed, or None when blank
    label: str  # for counting: "D", "A+C", or for a drawn version "right (length_mm=6, angle_deg=45)"


def source_answer(version: AssignmentVersion, grade_id: str, answer) -> SourceAnswer:
    """Map (learner's version, question, their answer) back to the source question and source option."""
    question = version.questions[grade_id]
    if answer is None:
        return SourceAnswer(grade_id, question.describe(), None, "(blank)")
    value = to_source(question, answer)
    if question.key is not None:
        # This learner's right option is their own (drawn patient or sibling): pool right/wrong, show the version.
        label = f"{'right' if value == question.key else 'wrong'} ({question.describe()})"
    elif question.kind == LETTERS:
        label = "+".join(value)
    elif question.kind == LETTER:
        label = value
    elif question.expected is not None:
        # Numbers typed in different versions cannot be pooled as such: pool right/wrong, show the version.
        right = abs(float(answer) - question.expected) <= question.tolerance + 1e-9
        label = f"{'right' if right else 'wrong'} ({question.describe()})"
    else:
        label = f"{float(answer):g}"
    return SourceAnswer(grade_id, question.describe(), value, label)

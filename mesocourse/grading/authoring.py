"""Graded-assignment notebooks: the cell layout every question follows, reading it back, sealing keys, checking it.

An autograded question is three cells sharing a readable grade id such as `q03-depth-from-angle`:
  * `<id>-question`  read-only markdown: the question, its lettered options and exactly what to type;
  * `<id>-answer`    the learner's cell: `answer_q3 = ""`, with the key inside ### BEGIN/END SOLUTION;
  * `<id>`           read-only autograder test worth the points: a visible format check, then hidden tests
                     (### BEGIN/END HIDDEN TESTS) that compare a keyed digest (see keys.py), never the plain key.
                     Sources in git hold the placeholder UNSEALED: release seals the digest with the clinic's secret.
A written case answer is two cells: `<id>-question` (read-only, the rubric inside ### BEGIN/END MARK SCHEME so
only the trainer sees it, in formgrader) and `<id>` (manually graded markdown answer worth the points).
"""

import ast
import json
import re
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mesocourse.grading.answer_format import KINDS, LETTER, LETTERS, NUMBER, format_problem
from mesocourse.grading.keys import answer_digest, find_secret_file, read_secret
from mesocourse.references import UnknownReference, keys_in_text, resolve

BEGIN_SOLUTION, END_SOLUTION = "### BEGIN SOLUTION", "### END SOLUTION"
BEGIN_HIDDEN, END_HIDDEN = "### BEGIN HIDDEN TESTS", "### END HIDDEN TESTS"
BEGIN_RUBRIC, END_RUBRIC = "### BEGIN MARK SCHEME", "### END MARK SCHEME"
# Every delimiter nbgrader strips; none may ever reach a learner.
DELIMITERS = (BEGIN_SOLUTION, END_SOLUTION, BEGIN_HIDDEN, END_HIDDEN, BEGIN_RUBRIC, END_RUBRIC)
AUTOGRADED_ID = re.compile(r"^q(?P<number>\d{2})-[a-z0-9]+(?:-[a-z0-9]+)*$")
WRITTEN_ID = re.compile(r"^case(?P<number>\d)-[a-z0-9]+(?:-[a-z0-9]+)*$")
LETTER_NAMES = "ABCDEFGH"
HIDDEN_SOURCE = {"jupyter": {"source_hidden": True}, "tags": ["hide-input"]}
# Where a question cell carries the learning objective it tests (one of the module objectives in assets/modules.yaml).
COURSE_METADATA = "mesocourse"
# What a public source holds where the digest goes: a digest made with a secret anyone has would be no key at all.
UNSEALED = "sealed-at-release"
TEXT_STUB = "*Write your answer here, in your own words (replace this line).*"
CLOSING = (
    "## Before you hand it in\n\n"
    "- Every question has an answer (the line under the questions counts them).\n"
    "- Save the notebook (**Ctrl+S**) and hand in the whole folder, keeping the file names: the notebook and "
    "`answers.json` (for example as a zip by e-mail, or with the *Submit* button if your clinic's JupyterHub "
    "shows one)."
)
# The released notebook's only code cell (collapsed and read-only): it shows the answer widgets.
SETUP_SOURCE = (
    "from mesocourse.quiz.answer_form import show_answer_form; show_answer_form()  # noqa: E702, I001  # fmt: skip"
)
HOW_TO_ANSWER = (
    "**Time:** about {minutes} minutes. You can save and come back later: your answers are kept.\n\n"
    "**How to answer**\n\n"
    "1. The questions appear under this text as soon as the notebook has started (a few seconds). If they do not, "
    "choose **Run > Run All Cells** in the menu.\n"
    "2. For each question, tick your answer or type your number. Each answer is saved at once in the file "
    "`answers.json` in this folder. You do not see here whether an answer is right: your feedback tells you.\n"
    "3. Written answers, if any, go in the boxes at the end (double-click a box to write in it).\n"
    "4. When you have finished, save (**Ctrl+S**) and hand in the whole assignment folder (the notebook and "
    "`answers.json`) as your trainer asked.\n\n"
    "This is training material, not medical advice: in practice, follow your clinic's protocol."
)


class AuthoringError(ValueError):
    """A graded notebook that does not follow the course's question layout, naming the notebook and question."""


def question_label(grade_id: str) -> str:
    """What learners call a graded cell: "Question 3" for q03-..., "Written answer 1" for case1-..., else the id."""
    autograded = AUTOGRADED_ID.match(grade_id)
    if autograded:
        return f"Question {int(autograded['number'])}"
    written = WRITTEN_ID.match(grade_id)
    if written:
        return f"Written answer {int(written['number'])}"
    return grade_id


def nbgrader_metadata(grade_id, *, grade=False, solution=False, locked=False, points=None, task=False) -> dict:
    """The nbgrader cell metadata (schema 3) that formgrader's create-assignment toolbar would write."""
    meta = {
        "grade": grade,
        "grade_id": grade_id,
        "locked": locked,
        "schema_version": 3,
        "solution": solution,
        "task": task,
    }
    if points is not None:
        meta["points"] = points
    return meta


def _locked_markdown(grade_id: str, source: str, objective: str = "") -> nbformat.NotebookNode:
    metadata = {"deletable": False, "editable": False, "nbgrader": nbgrader_metadata(grade_id, locked=True)}
    if objective:
        metadata[COURSE_METADATA] = {"objective": objective}
    return nbformat.v4.new_markdown_cell(source, metadata=metadata)


def course_objectives() -> set[str]:
    """Every learning objective the course's modules name (assets/modules.yaml)."""
    from mesocourse.modules import course_modules

    return {objective for module in course_modules() for objective in module.objectives}


def setup_cell() -> nbformat.NotebookNode:
    """The one read-only, collapsed code cell: it shows the learner's own questions as answer widgets."""
    metadata = {
        "deletable": False,
        "editable": False,
        **HIDDEN_SOURCE,
        "nbgrader": nbgrader_metadata("setup", locked=True),
    }
    return nbformat.v4.new_code_cell(SETUP_SOURCE, metadata=metadata)


def instructions_cell(title: str, introduction: str, minutes: int) -> nbformat.NotebookNode:
    """The read-only title and how-to cell every assignment opens with."""
    return _locked_markdown(
        "instructions", f"# {title}\n\n{introduction.strip()}\n\n" + HOW_TO_ANSWER.format(minutes=minutes)
    )


def _python(value) -> str:
    """A plain value as Python source with double quotes, as learners see it in the instructions."""
    return json.dumps(value, ensure_ascii=False)


def _options_markdown(options: dict[str, str]) -> str:
    return "\n".join(f"- **{letter}.** {text}" for letter, text in options.items())


def _example_value(kind: str, options: dict[str, str] | None, solution):
    """An example answer that is never the key, so the example is not read as a hint."""
    if kind == LETTER:
        return next(name for name in options if name != solution)
    if kind == LETTERS:
        key = set(solution)
        wrong = [name for name in options if name not in key]
        return sorted((wrong + [name for name in options if name in key])[:2])
    return 12.5 if abs(float(solution) - 12.5) > 1 else 3.5


def how_to_answer(kind: str, options, solution, variable: str, decimals: int = 1, unit: str = "") -> str:
    """The exact typing instruction shown under a question."""
    example = _example_value(kind, options, solution)
    typed = f"`{variable} = {_python(example)}`"
    if kind == LETTER:
        return (
            "**Type one letter** between the quotes in the cell below. "
            f"For example, if you chose {example}, the cell reads {typed}."
        )
    if kind == LETTERS:
        return (
            "**Select all that apply.** Type every letter you choose between quotes, separated by commas, inside "
            f"square brackets. For example, if you chose {' and '.join(example)}: {typed}."
        )
    unit_text = f" in {unit}" if unit else ""
    places = "a whole number" if decimals == 0 else f"{decimals} decimal place{'s' if decimals > 1 else ''}"
    shown = f"{example:.{decimals}f}"
    return (
        f"**Type a number**{unit_text}, rounded to {places}, in place of `None`: no quotes, no unit, a dot for "
        f"decimals. For example, for {shown}{' ' + unit if unit else ''} you would type `{variable} = {shown}`."
    )


def autograded_cells(
    number: int,
    slug: str,
    prompt: str,
    kind: str,
    solution,
    explanation: str,
    *,
    options: dict[str, str] | None = None,
    points: float = 1,
    decimals: int = 1,
    tolerance: float = 0.0,
    unit: str = "",
    secret: bytes | None = None,
    objective: str = "",
) -> list[nbformat.NotebookNode]:
    """The three cells of one autograded question, with the key sealed as a digest in the hidden test."""
    if kind not in KINDS:
        raise AuthoringError(f"question {number}: unknown kind {kind!r}")
    grade_id = f"q{number:02d}-{slug}"
    variable = f"answer_q{number}"
    choices = "".join(options) if options else "ABCD"
    if format_problem(solution, kind, choices) is not None:
        raise AuthoringError(f"{grade_id}: the solution {solution!r} is not a valid {kind} answer")
    blank = {LETTER: '""', LETTERS: "[]", NUMBER: "None"}[kind]
    points_text = f"{points:g} point{'s' if points != 1 else ''}"
    body = prompt.strip()
    if options:
        body += "\n\n" + _options_markdown(options)
    body += "\n\n" + how_to_answer(kind, options, solution, variable, decimals, unit)
    question = _locked_markdown(f"{grade_id}-question", f"### Question {number} ({points_text})\n\n{body}", objective)

    answer_source = (
        f"# Your answer to question {number}, then Shift+Enter.\n"
        f"{variable} = {blank}\n{BEGIN_SOLUTION}\n{variable} = {_python(solution)}\n{END_SOLUTION}"
    )
    answer = nbformat.v4.new_code_cell(
        answer_source, metadata={"nbgrader": nbgrader_metadata(f"{grade_id}-answer", solution=True)}
    )

    digest = answer_digest(grade_id, solution, kind, decimals, secret) if secret else UNSEALED
    extras = [f"choices={_python(choices)}"]
    if kind == NUMBER:
        extras = [f"decimals={decimals}", f"tolerance={_python(float(tolerance))}"]
    check_call = (
        f'check_format({variable}, "{kind}"' + (f", choices={_python(choices)}" if kind != NUMBER else "") + ")"
    )
    test_source = "\n".join(
        [
            "# Checks how your answer is typed (not whether it is right): run it with Shift+Enter.",
            "from mesocourse.grading.answer_format import check_format",
            "",
            check_call,
            BEGIN_HIDDEN,
            "from mesocourse.grading.keys import check_key",
            "",
            "check_key(",
            f'    "{grade_id}",',
            f"    {variable},",
            f'    "{kind}",',
            f'    "{digest}",',
            f"    explanation={_python(explanation.strip())},",
            *[f"    {extra}," for extra in extras],
            ")",
            END_HIDDEN,
        ]
    )
    test_metadata = {
        "deletable": False,
        "editable": False,
        "nbgrader": nbgrader_metadata(grade_id, grade=True, locked=True, points=points),
    }
    test = nbformat.v4.new_code_cell(test_source, metadata=test_metadata)
    return [question, answer, test]


def written_cells(number: int, slug: str, prompt: str, rubric: str, model_answer: str, points: float, objective=""):
    """The two cells of a free-text case answer: the read-only case with the trainer's rubric, then the answer."""
    grade_id = f"case{number}-{slug}"
    points_text = f"{points:g} point{'s' if points != 1 else ''}"
    question = _locked_markdown(
        f"{grade_id}-question",
        f"### Written answer {number} ({points_text}, marked by your trainer)\n\n{prompt.strip()}\n\n"
        "Write your answer in the box below, in your own words (double-click the box to edit it, "
        "then Shift+Enter).\n\n"
        f"{BEGIN_RUBRIC}\n**Marking guide (trainer only).**\n\n{rubric.strip()}\n{END_RUBRIC}",
        objective,
    )
    answer_metadata = {"nbgrader": nbgrader_metadata(grade_id, grade=True, solution=True, points=points)}
    answer = nbformat.v4.new_markdown_cell(
        f"{BEGIN_SOLUTION}\n**Model answer.** {model_answer.strip()}\n{END_SOLUTION}", metadata=answer_metadata
    )
    return [question, answer]


def closing_cell() -> nbformat.NotebookNode:
    """The read-only last cell: how to hand the work in."""
    return _locked_markdown("submit", CLOSING)


def new_assignment_notebook(title: str, introduction: str, minutes: int, cells: list) -> nbformat.NotebookNode:
    """A complete source notebook: instructions, setup, the question cells, closing note."""
    notebook = nbformat.v4.new_notebook()
    notebook.metadata["kernelspec"] = {"display_name": "Python 3 (ipykernel)", "language": "python", "name": "python3"}
    notebook.metadata["language_info"] = {"name": "python"}
    notebook.cells = [instructions_cell(title, introduction, minutes), setup_cell(), *cells, closing_cell()]
    return notebook


# ---------------------------------------------------------------------------------------------------------------
# Reading a source notebook back


@dataclass
class AutogradedQuestion:
    """One autograded question as found in a source notebook."""

    grade_id: str
    number: int
    points: float
    prompt: str
    kind: str = ""
    variable: str = ""
    solution: object = None
    solution_lines: tuple[str, ...] = ()
    digest: str = ""
    explanation: str = ""
    choices: str = "ABCD"
    decimals: int = 1
    tolerance: float = 0.0
    hidden_source: str = ""
    objective: str = ""


@dataclass
class WrittenQuestion:
    """One manually graded case answer as found in a source notebook."""

    grade_id: str
    number: int
    points: float
    prompt: str
    rubric: str
    model_answer: str
    objective: str = ""


@dataclass
class AssignmentSource:
    """What a source notebook asks and expects, for sealing, checking, leak scans and item analysis."""

    assignment_id: str
    path: Path
    autograded: list[AutogradedQuestion] = field(default_factory=list)
    written: list[WrittenQuestion] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)

    @property
    def max_score(self) -> float:
        """All points on offer (autograded and written)."""
        return sum(q.points for q in self.autograded) + sum(q.points for q in self.written)


def region(source: str, begin: str, end: str) -> tuple[str, str]:
    """(inside, outside): the text between two delimiter lines, and the rest of the cell."""
    inside, outside, within = [], [], False
    for line in source.split("\n"):
        if begin in line:
            within = True
        elif end in line:
            within = False
        elif within:
            inside.append(line)
        else:
            outside.append(line)
    return "\n".join(inside), "\n".join(outside)


def _meta(cell) -> dict:
    return cell.get("metadata", {}).get("nbgrader", {})


def _literal(node):
    return ast.literal_eval(node)


def _parse_answer(question: AutogradedQuestion, source: str, problems: list[str]) -> None:
    inside, _ = region(source, BEGIN_SOLUTION, END_SOLUTION)
    question.solution_lines = tuple(line.strip() for line in inside.splitlines() if line.strip())
    try:
        tree = ast.parse(inside)
        assign = next(node for node in tree.body if isinstance(node, ast.Assign))
        question.variable = assign.targets[0].id
        question.solution = _literal(assign.value)
    except (SyntaxError, StopIteration, AttributeError, ValueError):
        problems.append(f"{question.grade_id}: the answer cell needs `answer_qN = <value>` inside the solution")


def _parse_test(question: AutogradedQuestion, source: str, problems: list[str]) -> None:
    hidden, _ = region(source, BEGIN_HIDDEN, END_HIDDEN)
    question.hidden_source = hidden
    try:
        tree = ast.parse(hidden)
    except SyntaxError:
        problems.append(f"{question.grade_id}: the hidden test is not valid Python")
        return
    calls = [
        node for node in ast.walk(tree) if isinstance(node, ast.Call) and getattr(node.func, "id", "") == "check_key"
    ]
    if len(calls) != 1 or len(calls[0].args) < 4:
        problems.append(f"{question.grade_id}: the hidden test needs one check_key(grade_id, answer, kind, digest)")
        return
    call = calls[0]
    grade_id, kind, digest = (_literal(call.args[index]) for index in (0, 2, 3))
    if grade_id != question.grade_id:
        problems.append(f"{question.grade_id}: check_key names another question ({grade_id!r})")
    question.kind, question.digest = kind, digest
    options = {keyword.arg: _literal(keyword.value) for keyword in call.keywords}
    question.explanation = options.get("explanation", "")
    question.choices = options.get("choices", "ABCD")
    question.decimals = options.get("decimals", 1)
    question.tolerance = options.get("tolerance", 0.0)
    if getattr(call.args[1], "id", None) != question.variable:
        problems.append(f"{question.grade_id}: check_key must check {question.variable}")


COURSE_CELL_IDS = ("instructions", "setup")


def uses_course_layout(notebook) -> bool:
    """Whether a notebook is written in the course's own question layout (else it is a plain nbgrader notebook).

    Any trace counts (a course grade id, the set-up cell, a check_key test, course metadata), so a course assignment
    with a layout mistake is still held to the course's checks rather than taken for a plain one.
    """
    for cell in notebook.cells:
        grade_id = str(_meta(cell).get("grade_id", ""))
        base = grade_id.removesuffix("-question").removesuffix("-answer")
        if grade_id in COURSE_CELL_IDS or AUTOGRADED_ID.match(base) or WRITTEN_ID.match(base):
            return True
        if COURSE_METADATA in cell.get("metadata", {}) or "check_key(" in cell.source:
            return True
    return False


def read_assignment(path: Path | str) -> AssignmentSource:
    """Read a source notebook into its questions; layout problems are collected in `.problems`."""
    path = Path(path)
    notebook = nbformat.read(path, as_version=4)
    source = AssignmentSource(assignment_id=path.parent.name, path=path)
    cells = {_meta(cell).get("grade_id"): cell for cell in notebook.cells if _meta(cell).get("grade_id")}
    for cell in notebook.cells:
        meta = _meta(cell)
        grade_id = meta.get("grade_id", "")
        if not meta.get("grade"):
            continue
        prompt_cell = cells.get(f"{grade_id}-question")
        prompt = prompt_cell.source if prompt_cell else ""
        objective = prompt_cell.metadata.get(COURSE_METADATA, {}).get("objective", "") if prompt_cell else ""
        if prompt_cell is None:
            source.problems.append(f"{grade_id}: no read-only question cell {grade_id}-question")
        if cell.cell_type == "code":
            match = AUTOGRADED_ID.match(grade_id)
            if not match:
                source.problems.append(f"{grade_id}: autograded ids look like q03-depth-from-angle")
                continue
            question = AutogradedQuestion(grade_id, int(match["number"]), float(meta.get("points", 0)), prompt)
            question.objective = objective
            answer_cell = cells.get(f"{grade_id}-answer")
            if answer_cell is None:
                source.problems.append(f"{grade_id}: no answer cell {grade_id}-answer")
            else:
                _parse_answer(question, answer_cell.source, source.problems)
            _parse_test(question, cell.source, source.problems)
            source.autograded.append(question)
        else:
            match = WRITTEN_ID.match(grade_id)
            if not match:
                source.problems.append(f"{grade_id}: written case ids look like case1-missed-anticoagulant")
                continue
            rubric, _ = region(prompt, BEGIN_RUBRIC, END_RUBRIC)
            model, _ = region(cell.source, BEGIN_SOLUTION, END_SOLUTION)
            source.written.append(
                WrittenQuestion(
                    grade_id, int(match["number"]), float(meta.get("points", 0)), prompt, rubric, model, objective
                )
            )
    return source


def check_assignment(source: AssignmentSource, secret: bytes | None = None) -> list[str]:
    """Every way a source notebook breaks the course's rules: layout, keys, formats, references."""
    problems = list(source.problems)
    # The course a notebook belongs to holds its secret (walking up from the notebook, not from here).
    secret = secret or read_secret(find_secret_file(source.path.parent))
    seen_numbers = set()
    objectives = course_objectives()
    for question in source.autograded + source.written:
        problems += _objective_problems(f"{source.assignment_id}/{question.grade_id}", question.objective, objectives)
    for question in source.autograded:
        where = f"{source.assignment_id}/{question.grade_id}"
        if question.number in seen_numbers:
            problems.append(f"{where}: question number {question.number} is used twice")
        seen_numbers.add(question.number)
        if question.variable and question.variable != f"answer_q{question.number}":
            problems.append(f"{where}: the answer variable should be answer_q{question.number}")
        if question.points <= 0:
            problems.append(f"{where}: an autograded question needs points above 0")
        if question.kind not in KINDS:
            problems.append(f"{where}: unknown kind {question.kind!r}")
            continue
        if format_problem(question.solution, question.kind, question.choices) is not None:
            problems.append(f"{where}: the solution {question.solution!r} is not a valid {question.kind} answer")
            continue
        expected = answer_digest(question.grade_id, question.solution, question.kind, question.decimals, secret)
        if question.digest != expected:
            problems.append(f"{where}: the key digest does not match the solution (release seals it again)")
        if not question.explanation.strip():
            problems.append(f"{where}: the hidden test needs an explanation for feedback")
        if question.kind in (LETTER, LETTERS):
            listed = "".join(re.findall(r"^- \*\*([A-H])\.\*\*", question.prompt, flags=re.MULTILINE))
            if listed != question.choices:
                problems.append(f"{where}: options {listed!r} do not match choices {question.choices!r}")
        problems += _reference_problems(where, question.prompt + "\n" + question.explanation)
    for question in source.written:
        where = f"{source.assignment_id}/{question.grade_id}"
        if not question.rubric.strip():
            problems.append(f"{where}: a written case needs a marking guide inside the mark-scheme region")
        if question.points <= 0:
            problems.append(f"{where}: a written case needs points above 0")
        problems += _reference_problems(where, question.prompt + "\n" + question.rubric)
    return problems


def _objective_problems(where: str, objective: str, known: set[str]) -> list[str]:
    if not objective:
        return [f"{where}: no learning objective (set metadata.{COURSE_METADATA}.objective on the question cell)"]
    if objective not in known:
        return [f"{where}: the objective {objective!r} is not one of the modules' objectives (assets/modules.yaml)"]
    return []


def _reference_problems(where: str, text: str) -> list[str]:
    keys = keys_in_text(text)
    problems = [] if keys else [f"{where}: no reference key in the question or explanation"]
    for key in sorted(keys):
        try:
            resolve(key)
        except UnknownReference as unknown:
            problems.append(f"{where}: {unknown}")
    return problems


def _rewrite_digests(path: Path, digest_for) -> list[str]:
    source = read_assignment(path)
    if source.problems:
        raise AuthoringError(f"{path}: " + "; ".join(source.problems))
    notebook = nbformat.read(path, as_version=4)
    by_id = {_meta(cell).get("grade_id"): cell for cell in notebook.cells}
    changed = []
    for question in source.autograded:
        expected = digest_for(question)
        if question.digest == expected:
            continue
        cell = by_id[question.grade_id]
        cell.source = cell.source.replace(f'"{question.digest}"', f'"{expected}"', 1)
        changed.append(question.grade_id)
    if changed:
        nbformat.write(notebook, path)
    return changed


def seal(path: Path | str, secret: bytes | None = None) -> list[str]:
    """Rewrite each hidden test's digest from the solution in its answer cell; returns the grade ids changed."""
    path = Path(path)
    secret = secret or read_secret(find_secret_file(path.parent))
    return _rewrite_digests(path, lambda q: answer_digest(q.grade_id, q.solution, q.kind, q.decimals, secret))


def unseal(path: Path | str) -> list[str]:
    """Put the UNSEALED placeholder in every hidden test, as a public source keeps it; returns the ids changed."""
    return _rewrite_digests(Path(path), lambda q: UNSEALED)

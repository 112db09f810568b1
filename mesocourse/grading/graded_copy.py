"""From an answer-form submission to the notebook nbgrader grades: the source layout, each answer written as text.

A learner's notebook holds no question, answer or test cell (their answers are in answers.json). Before grading,
the notebook is rebuilt in the source's cell layout: every answer cell gets the learner's answer, mapped back to
the source's letters and written as a plain value with a comment saying what the learner saw, so formgrader shows
the trainer each answer; written case answers and any cell the learner added are kept as they sent them. All of
it runs in the trainer's process, from the answers file read as data and the learner's version drawn again.
"""

import json
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path

import nbformat

from mesocourse.grading.answer_format import LETTER, LETTERS, NUMBER, format_problem
from mesocourse.grading.answer_sheet import ANSWERS_FILE, FORM_KEY, AnswerSheet, read_answers
from mesocourse.grading.authoring import BEGIN_HIDDEN, END_HIDDEN, TEXT_STUB, WRITTEN_ID, region
from mesocourse.grading.keys import find_secret_file, read_secret
from mesocourse.grading.scoring import Answer, HiddenKey, Verdict, judge
from mesocourse.grading.variants import AssignmentVersion, QuestionVersion, from_source, learner_version, to_source

BLANK = {LETTER: '""', LETTERS: "[]", NUMBER: "None"}


@dataclass
class FormRelease:
    """Where an answer-form assignment's source lives, and the course's secret (trainer side only)."""

    source_notebook: Path
    secret: bytes

    def version(self, learner: str) -> AssignmentVersion:
        """This learner's version, drawn again from the secret."""
        return learner_version(self.source_notebook, learner, self.secret)


def trainer_notebook(path: Path):
    """A notebook of the trainer's own (a source or a release), read once while it stays unchanged; not to be edited.

    Grading reads the same release (half a megabyte with its answer form) and source for every learner.
    """
    path = Path(path).resolve()
    stat = path.stat()
    return _read_notebook(path, stat.st_mtime_ns, stat.st_size)


@lru_cache(maxsize=8)
def _read_notebook(path: Path, stamp: int, size: int):
    return nbformat.read(path, as_version=4)


def _grade_id(cell) -> str:
    meta = cell.metadata.get("nbgrader")
    grade_id = meta.get("grade_id") if isinstance(meta, dict) else None
    return grade_id if isinstance(grade_id, str) else ""


def form_release(config, resources) -> FormRelease | None:
    """The answer-form release this notebook is graded against, or None for an assignment released with cells.

    Decided from the trainer's own release, never from the submission, so a learner cannot opt out of their version.
    """
    coursedir = config.CourseDirectory
    root = Path(coursedir.get("root", ".")).resolve()
    info = resources.get("nbgrader", {})
    assignment, notebook = info.get("assignment"), info.get("notebook")
    if not assignment or not notebook:
        return None
    released = root / coursedir.get("release_directory", "release") / assignment / f"{notebook}.ipynb"
    try:
        metadata = trainer_notebook(released).metadata
    except (OSError, ValueError):
        return None
    if FORM_KEY not in metadata:
        return None
    source = root / coursedir.get("source_directory", "source") / assignment / f"{notebook}.ipynb"
    return FormRelease(source, read_secret(find_secret_file(root)))


def answer_text(question: QuestionVersion, variable: str, answer) -> str:
    """The answer cell formgrader shows: the value in source terms, and what the learner saw, as comments."""
    lines = ["# From the learner's answer sheet (answers.json), in their own version of the question."]
    if answer is None:
        return "\n".join([*lines, "# No answer given.", f"{variable} = {BLANK[question.kind]}"])
    value = to_source(question, answer)
    if question.kind in (LETTER, LETTERS):
        shown = [answer] if question.kind == LETTER else answer
        for letter in shown:
            text = question.shown_option(letter).replace("\n", " ")
            lines.append(f"# They chose {letter}: {text} (= {to_source(question, letter)} here)")
    if question.expected is not None:
        lines.append(f"# Their numbers: {question.describe()}; right answer for them: {question.expected:g}")
    elif question.key is not None:
        key = question.key if isinstance(question.key, str) else ", ".join(question.key)
        lines.append(f"# Their version: {question.describe()}; right answer for them: {key} here")
    return "\n".join([*lines, f"{variable} = {json.dumps(value)}"])


def graded_layout(source, submitted, version: AssignmentVersion, sheet: AnswerSheet):
    """The notebook to grade: the source's cells, the learner's answers written in, their own cells kept."""
    theirs = {_grade_id(cell): cell for cell in submitted.cells if _grade_id(cell)}
    cells = []
    for cell in source.cells:
        grade_id = _grade_id(cell)
        if not grade_id:
            continue
        question = version.questions.get(grade_id.removesuffix("-answer"))
        copy = nbformat.from_dict(json.loads(json.dumps(cell)))
        if grade_id.endswith("-answer") and question is not None:
            variable = f"answer_q{question.number}"
            copy.source = answer_text(question, variable, sheet.answers.get(question.grade_id))
        elif grade_id in version.questions:
            copy.source = region(cell.source, BEGIN_HIDDEN, END_HIDDEN)[1]
        elif WRITTEN_ID.match(grade_id) and cell.cell_type == "markdown":
            mine = theirs.get(grade_id)
            copy.source = mine.source if mine is not None and mine.cell_type == "markdown" else TEXT_STUB
        cells.append(copy)
    # Cells the learner added are kept after the set-up cell, where the learner's notebook has them, for the
    # trainer to read; they never score (and run only when the trainer asks for every notebook to be run).
    added = [nbformat.from_dict(json.loads(json.dumps(c))) for c in submitted.cells if not _grade_id(c)]
    where = next((i + 1 for i, cell in enumerate(cells) if _grade_id(cell) == "setup"), len(cells))
    cells[where:where] = added
    notebook = nbformat.from_dict(json.loads(json.dumps(submitted)))
    notebook.cells = cells
    notebook.metadata.pop(FORM_KEY, None)
    return notebook


def load_sheet(folder: Path, version: AssignmentVersion) -> AnswerSheet:
    """The learner's answers file, read as data, with a note when it was made for someone else's version."""
    sheet = read_answers(Path(folder) / ANSWERS_FILE, version.kinds())
    if not sheet.found:
        sheet.notes.append(f"no {ANSWERS_FILE} in the submission: every autograded answer scores 0")
    elif sheet.version and sheet.version != version.tag:
        if sheet.learner != version.learner:
            who = f" (made for {sheet.learner[:40]})" if sheet.learner else ""
            sheet.notes.append(
                f"{ANSWERS_FILE} is not from this learner's own version{who}: scored in their own version"
            )
        else:
            sheet.notes.append(
                f"{ANSWERS_FILE} answers questions as they were before the course changed them: scored against "
                "the current questions; check these answers by hand (finish a round before updating the course)"
            )
    return sheet


def judge_in_version(key: HiddenKey, answer: Answer, secret: bytes, question: QuestionVersion) -> Verdict:
    """Right or not for this learner's own version, explained with their letters and, for numbers, their numbers."""
    key = HiddenKey(**{**key.__dict__, "explanation": question.explanation})
    if not answer.problem and answer.value in ("", None, []):
        # Typing advice ("between the quotes") means nothing to a learner who answered with the form's widgets.
        return Verdict(False, f"✘ Not answered.\nWhy: {question.explanation}")
    if not question.own_key:
        return judge(key, answer, secret)
    # Drawn numbers, a drawn patient or a sibling: the key is this learner's own (in the source's letters), not the
    # source's digest.
    why = f"\nWhy: {question.explanation}"
    if answer.problem:
        return Verdict(False, f"✘ Not the expected answer ({answer.problem}).{why}")
    typed = format_problem(answer.value, question.kind, key.choices)
    if typed:
        return Verdict(False, f"✘ Not the expected answer. {typed}{why}")
    if question.key is not None:
        right = _letters(answer.value) == _letters(question.key)
    else:
        right = abs(float(answer.value) - question.expected) <= question.tolerance + 1e-9
    return Verdict(True, f"✔ Right.{why}") if right else Verdict(False, f"✘ Not the expected answer.{why}")


def _letters(value) -> tuple:
    return (
        tuple(sorted(str(item).strip().upper() for item in value))
        if isinstance(value, list)
        else (value.strip().upper(),)
    )


def your_answer(question: QuestionVersion, answer: Answer) -> str:
    """ "Your answer: B. <option text>" in the learner's own letters (their feedback shows it under the question)."""
    value = answer.value
    if answer.problem or value in (None, "", []):
        return "Your answer: none.\n"
    try:
        shown = from_source(question, value)
    except (ValueError, TypeError, IndexError):
        return ""
    if question.kind == LETTER:
        return f"Your answer: {shown}. {question.shown_option(shown)}\n"
    if question.kind == LETTERS:
        return "Your answers: " + "; ".join(f"{s}. {question.shown_option(s)}" for s in shown) + "\n"
    unit = f" {question.unit}" if question.unit else ""
    return f"Your answer: {value:g}{unit}.\n"


def learner_question_markdown(question: QuestionVersion) -> str:
    """A question as this learner saw it, for their feedback page (their numbers, their option order)."""
    points = f"{question.points:g} point{'s' if question.points != 1 else ''}"
    lines = [f"### Question {question.number} ({points})", "", question.stem]
    if question.options:
        lines += [""] + [
            f"- **{letter}.** {text}" for letter, text in zip(question.shown_letters, question.options, strict=False)
        ]
    return "\n".join(lines)

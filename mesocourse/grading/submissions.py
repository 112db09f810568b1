"""A look at one learner's submission before grading: is the notebook there and readable, what did they change?

Nothing here writes to the submission: the trainer must be able to trust that grading never alters what a
learner sent.
"""

import json
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mesocourse.grading.answer_sheet import ANSWERS_FILE
from mesocourse.grading.course import Course
from mesocourse.grading.graded_copy import trainer_notebook
from mesocourse.grading.scoring import read_answer

# A readable notebook this large is almost certainly full of output; it is still graded, and reported.
LARGE_NOTEBOOK_BYTES = 5_000_000


@dataclass
class Inspection:
    """What the trainer should know about one submission; `problem` set means it cannot be graded."""

    learner: str
    notebook: Path | None = None
    problem: str = ""
    notes: list[str] = field(default_factory=list)
    # Code cells the learner added: only then has the submission code of its own to run (in the sandbox).
    added_code: int = 0


def _nbgrader(cell) -> dict:
    meta = cell.get("metadata", {}).get("nbgrader", {})
    return meta if isinstance(meta, dict) else {}


def _grade_id(cell) -> str | None:
    grade_id = _nbgrader(cell).get("grade_id")
    # A hand-edited notebook may hold any JSON here (a list, a number): only a text id names a cell.
    return grade_id if isinstance(grade_id, str) and grade_id else None


def read_problem(path: Path) -> str:
    """Why a notebook file cannot be read, in plain words, or "" when it reads fine."""
    try:
        raw = path.read_bytes()
    except OSError as error:
        return f"the file cannot be opened ({error.strerror})"
    if not raw.strip():
        return "the notebook file is empty (0 bytes of content): ask the learner to save and send it again"
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError:
        return "the file is not a notebook (not text): perhaps another document was attached by mistake"
    try:
        data = json.loads(text)
    except json.JSONDecodeError as error:
        return f"the notebook file is damaged (not valid JSON, line {error.lineno}): ask for a fresh copy"
    if not isinstance(data, dict) or "cells" not in data:
        return "the file is JSON but not a notebook (no cells)"
    try:
        nbformat.reads(text, as_version=4)
    except Exception as error:  # nbformat raises several unrelated types for malformed notebooks
        return f"the notebook cannot be read ({type(error).__name__}): ask for a fresh copy"
    return ""


def _answer_cell_notes(cell, grade_id: str) -> list[str]:
    """An answer cell should hold one `answer_qN = value`; anything else is worth a look by the trainer."""
    variable = f"answer_q{int(grade_id[1:3])}" if grade_id[1:3].isdigit() else ""
    answer = read_answer(cell.source, variable)
    if answer.holds_code:
        return [f"{grade_id}: the answer cell holds code besides the answer (never run for the score)"]
    if answer.problem and "not typed" in answer.problem:
        return [f"{grade_id}: the answer is not a plain value (it will score 0)"]
    return []


def added_code_cells(submitted, released) -> int:
    """How many code cells the learner added: they cannot change the score (an answer form does not even run them)."""
    known = {cell.source.strip() for cell in released.cells}
    return sum(
        1
        for cell in submitted.cells
        if cell.cell_type == "code" and not _grade_id(cell) and cell.source.strip() not in known
    )


def changes_from_release(submitted, released, own_layout: bool = True) -> list[str]:
    """Read-only cells the learner edited or deleted, and grading settings they changed (all are undone).

    own_layout=False: a plain nbgrader notebook, where the learner's own code cells are part of the answer.
    """
    notes = []
    submitted_cells = {_grade_id(cell): cell for cell in submitted.cells if _grade_id(cell)}
    for cell in released.cells:
        grade_id = _grade_id(cell)
        meta = cell.metadata.get("nbgrader", {})
        if not grade_id or not (meta.get("grade") or meta.get("locked") or meta.get("solution")):
            continue
        theirs = submitted_cells.get(grade_id)
        if theirs is None:
            notes.append(f"{grade_id}: cell deleted (put back for grading)")
            continue
        their_meta = _nbgrader(theirs)
        changed = [
            key for key in ("grade", "solution", "locked", "points", "task") if their_meta.get(key) != meta.get(key)
        ]
        if changed:
            notes.append(f"{grade_id}: grading settings changed ({', '.join(changed)}; reset for grading)")
        if meta.get("locked") and theirs.source.strip() != cell.source.strip():
            notes.append(f"{grade_id}: read-only cell edited (graded with the original)")
        course_answer = own_layout and grade_id.endswith("-answer")  # plain nbgrader answers are code
        if course_answer and meta.get("solution") and not meta.get("grade") and theirs.cell_type == "code":
            notes += _answer_cell_notes(theirs, grade_id)
    added = added_code_cells(submitted, released) if own_layout else 0
    if added:
        notes.append(f"{added} code cell{'s' if added > 1 else ''} added (never run for the score)")
    return notes


def answer_sheet_notes(course: Course, assignment_id: str, learner: str, folder: Path) -> list[str]:
    """What the trainer should know about the answers file of an answer-form assignment (none for others)."""
    from mesocourse.grading.graded_copy import form_release, load_sheet

    if course.is_plain_nbgrader(assignment_id):
        return []
    stem = course.notebook_name(assignment_id).removesuffix(".ipynb")
    release = form_release(course.config, {"nbgrader": {"assignment": assignment_id, "notebook": stem}})
    if release is None:
        return []
    return load_sheet(folder, release.version(learner)).notes


def inspect_submission(course: Course, assignment_id: str, learner: str) -> Inspection:
    """Check one learner's submission folder for this assignment, without changing it."""
    folder = course.submitted_dir / learner / assignment_id
    names = course.notebook_names(assignment_id)
    inspection = Inspection(learner)
    entries = sorted(folder.iterdir()) if folder.is_dir() else []
    files = [path.name for path in entries if path.is_file() and not path.is_symlink()]
    # Files nbgrader released beside the notebooks (a figure) come back with them and are expected.
    released_files = {path.name for path in (course.release_dir / assignment_id).glob("*") if path.is_file()}
    # Folders are listed too: a mesocourse/ folder sent along cannot change the score, but the trainer should know.
    others = [name for name in files if name not in {*names, *released_files, "timestamp.txt", ANSWERS_FILE}]
    others += [f"{path.name}/ (folder)" for path in entries if path.is_dir()]
    present = [name for name in names if name in files]
    if not present:
        found = f" (found: {', '.join(others)})" if others else " (the folder is empty)"
        inspection.problem = f"no {' or '.join(names)} in the submission{found}"
        return inspection
    inspection.notebook = folder / present[0]
    if others:
        inspection.notes.append(f"extra files ignored by grading: {', '.join(others)}")
    if len(present) < len(names):
        inspection.notes.append(f"not handed in: {', '.join(name for name in names if name not in present)}")
    for name in present:
        problem = read_problem(folder / name)
        if problem:
            inspection.problem = problem if len(names) == 1 else f"{name}: {problem}"
            return inspection
        if (folder / name).stat().st_size > LARGE_NOTEBOOK_BYTES:
            inspection.notes.append("very large notebook (long outputs): they are cut down in the graded copy")
    inspection.notes += answer_sheet_notes(course, assignment_id, learner, folder)
    own_layout = not course.is_plain_nbgrader(assignment_id)
    for name in present:
        released_path = course.release_dir / assignment_id / name
        if released_path.is_file():
            submitted = nbformat.read(folder / name, as_version=4)
            released = trainer_notebook(released_path)
            inspection.notes += changes_from_release(submitted, released, own_layout)
            inspection.added_code += added_code_cells(submitted, released)
    return inspection

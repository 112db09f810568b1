"""One notebook per learner: the released assignment turned into an answer form holding that learner's version.

After nbgrader's generate_assignment has made grading/release/<id>/<id>.ipynb (and the gradebook entry), each
listed learner gets grading/handout/<learner>/<id>/ with their notebook and an empty answers.json, plus the same
folder as a zip to send. The notebook keeps only what a learner reads (instructions, the one collapsed set-up
cell, written case answers, closing note); the questions are in its metadata as that learner's form. The
nbgrader release (for the exchange) holds every listed learner's form, and the answer form picks the hub user's.
"""

import re
import shutil
import zipfile
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mesocourse.grading.answer_sheet import ANSWERS_FILE, FORM_KEY, write_answers
from mesocourse.grading.authoring import WRITTEN_ID, read_assignment
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.variants import draw

ROSTER_FILE = "learners.txt"
HANDOUT = "handout"
ID = re.compile(r"^[a-z0-9][a-z0-9._-]*$")


def roster_path(course: Course) -> Path:
    """grading/learners.txt: the trainer's list of learner ids, one a line (# starts a comment)."""
    return course.root / "grading" / ROSTER_FILE


def roster(course: Course, learners=None) -> list[str]:
    """The learners to release for: those given, else grading/learners.txt plus the gradebook's students."""
    from nbgrader.api import Gradebook

    from mesocourse.grading.collect import learner_id

    if learners:
        names = list(learners)
    else:
        path = roster_path(course)
        lines = path.read_text(encoding="utf-8").splitlines() if path.is_file() else []
        names = [line.split("#", 1)[0].strip() for line in lines]
        if course.db_path.is_file():
            with Gradebook(course.db_url) as gradebook:
                names += [student.id for student in gradebook.students]
    ids = sorted({learner_id(name) for name in names if name and name.strip()})
    bad = [name for name in ids if not ID.match(name)]
    if bad:
        raise TrainerError(f"These learner ids cannot be used as folder names: {', '.join(bad)}")
    if not ids:
        raise TrainerError(
            "No learners listed, so nobody can get their own version. Put one learner id a line in "
            f"grading/{ROSTER_FILE} (e.g. maria-dupont), or pass --learners maria-dupont,lucas-martin."
        )
    return ids


def handout_folder(course: Course, learner: str, assignment_id: str) -> Path:
    """Where one learner's own copy of an assignment is written."""
    return course.root / "grading" / HANDOUT / learner / assignment_id


def form_notebook(released: nbformat.NotebookNode, assignment_id: str, forms: dict) -> nbformat.NotebookNode:
    """The learner's notebook: what nbgrader released, minus every question, answer and test cell (now the form)."""
    keep = []
    for cell in released.cells:
        grade_id = (cell.metadata.get("nbgrader") or {}).get("grade_id", "")
        written = bool(WRITTEN_ID.match(grade_id.removesuffix("-question")))
        if grade_id in ("instructions", "setup", "submit") or written or not grade_id:
            keep.append(cell)
    notebook = nbformat.from_dict(released)
    notebook.cells = keep
    notebook.metadata[FORM_KEY] = {"assignment": assignment_id, "forms": forms}
    return notebook


@dataclass
class Handout:
    """What a per-learner release wrote."""

    folders: dict[str, Path] = field(default_factory=dict)
    zips: dict[str, Path] = field(default_factory=dict)


def write_handouts(course: Course, assignment_id: str, learners: list[str]) -> Handout:
    """Rewrite the nbgrader release as an answer form and write each learner's own copy (folder and zip)."""
    secret = course.secret()
    source = read_assignment(course.source_notebook(assignment_id))
    released_path = course.released_notebook(assignment_id)
    released = nbformat.read(released_path, as_version=4)
    versions = {learner: draw(source, learner, secret) for learner in learners}
    forms = {learner: version.form() for learner, version in versions.items()}
    nbformat.write(form_notebook(released, assignment_id, forms), released_path)
    result = Handout()
    for learner, version in versions.items():
        folder = handout_folder(course, learner, assignment_id)
        shutil.rmtree(folder, ignore_errors=True)
        folder.mkdir(parents=True)
        notebook = form_notebook(released, assignment_id, {learner: forms[learner]})
        nbformat.write(notebook, folder / released_path.name)
        write_answers(folder, assignment_id, learner, version.tag, {})
        archive = folder.parent / f"{learner}-{assignment_id}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for name in (released_path.name, ANSWERS_FILE):
                bundle.write(folder / name, f"{assignment_id}/{name}")
        result.folders[learner], result.zips[learner] = folder, archive
    add_students(course, learners)
    return result


def add_students(course: Course, learners: list[str]) -> None:
    """List the learners in nbgrader's gradebook too, so formgrader knows them before they submit."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        for learner in learners:
            gradebook.update_or_create_student(learner)


def handout_files(course: Course, assignment_id: str) -> list[Path]:
    """Every file of every learner's copy of this assignment (for the leak guard)."""
    base = course.root / "grading" / HANDOUT
    return sorted(path for path in base.glob(f"*/{assignment_id}/*") if path.is_file())

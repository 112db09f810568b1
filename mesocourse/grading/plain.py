"""Plain nbgrader assignments a trainer brings (several notebooks, code tests, manually graded answers).

They go through the same commands as the course's own assignments, with nbgrader's own rules: the release is
nbgrader's (checked by running its tests on the solutions and scanned for leaks), each learner gets a copy of it,
code runs in the sandbox, scores are nbgrader's. What the course checks only in its own question layout (answer
keys sealed with the clinic's secret, one version per learner, option statistics, objectives) is said once per
command, in one sentence.
"""

import shutil
import zipfile

import nbformat

from mesocourse.grading.authoring import AssignmentSource, AutogradedQuestion
from mesocourse.grading.course import Course, TrainerError

CANNOT_CHECK = {
    "release": (
        "{id} is a plain nbgrader assignment: its tests were run on the solutions, but the course's question layout, "
        "sealed keys and per-learner versions do not apply (every learner gets the same copy)."
    ),
    "autograde": (
        "{id} is a plain nbgrader assignment: its code runs in the sandbox and nbgrader's tests decide the scores "
        "(no answers read as data)."
    ),
    "report": (
        "{id} is a plain nbgrader assignment: the report covers its autograded test cells only (no option counts, "
        "keys or objectives, and manually graded answers are not analysed)."
    ),
    "check": "plain nbgrader assignment: the course's question layout and keys are not checked",
}


def cannot_check(command: str, assignment_id: str) -> str:
    """The one sentence a command says about what it cannot check in a plain nbgrader assignment."""
    return CANNOT_CHECK[command].format(id=assignment_id)


def release_settings() -> dict:
    """nbgrader's own answer stubs (`raise NotImplementedError()`, "YOUR ANSWER HERE") for a plain release.

    The course blanks its own answer cells; a plain assignment's learners need nbgrader's prompt to write code, and
    nbgrader gives an untouched stub 0 points by its checksum, so the stub must be the one nbgrader would release.
    """
    from nbgrader.preprocessors import ClearSolutions

    defaults = ClearSolutions()
    return {"ClearSolutions.code_stub": dict(defaults.code_stub), "ClearSolutions.text_stub": defaults.text_stub}


def source_problems(course: Course, assignment_id: str, run_tests: bool = True) -> list[str]:
    """What is wrong with a plain assignment's source: unreadable notebooks, or tests failing on its solutions."""
    from mesocourse.grading.release import validate_notebook
    from mesocourse.grading.submissions import read_problem

    problems = []
    for path in course.source_notebooks(assignment_id):
        problem = read_problem(path)
        if problem:
            problems.append(f"{assignment_id}/{path.name}: {problem}")
        elif run_tests:
            report = validate_notebook(course, path)
            problems += [f"{assignment_id}/{path.name}: a test fails on the solutions: {f}" for f in report.failed]
    return problems


def graded_cells(course: Course, assignment_id: str) -> list[tuple[str, str, float, bool]]:
    """(notebook, grade id, points, autograded) of every graded cell and task, in the sources' order."""
    found = []
    for path in course.source_notebooks(assignment_id):
        for cell in nbformat.read(path, as_version=4).cells:
            meta = cell.metadata.get("nbgrader", {})
            if meta.get("grade") or meta.get("task"):
                test = cell.cell_type == "code" and bool(meta.get("grade")) and not meta.get("solution")
                found.append((path.stem, meta.get("grade_id", ""), float(meta.get("points", 0) or 0), test))
    return found


def gradebook_source(course: Course, assignment_id: str) -> AssignmentSource:
    """The autograded test cells of a plain assignment as questions (numbered in order) for the item statistics."""
    tests = [cell for cell in graded_cells(course, assignment_id) if cell[3]]
    if not tests:
        raise TrainerError(f"{assignment_id!r} has no autograded test cells, so there is nothing to analyse.")
    source = AssignmentSource(assignment_id, course.source_dir / assignment_id)
    source.autograded = [
        AutogradedQuestion(grade_id, number, points, prompt=f"{notebook}: test cell {grade_id}")
        for number, (notebook, grade_id, points, _) in enumerate(tests, start=1)
    ]
    return source


def write_copies(course: Course, assignment_id: str, learners: list[str]):
    """Each learner's own copy of a plain release: the same files for all, as a folder and a zip to send."""
    from mesocourse.grading.handout import Handout, add_students, handout_folder

    released = course.release_dir / assignment_id
    result = Handout()
    for learner in learners:
        folder = handout_folder(course, learner, assignment_id)
        shutil.rmtree(folder, ignore_errors=True)
        shutil.copytree(released, folder, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        archive = folder.parent / f"{learner}-{assignment_id}.zip"
        with zipfile.ZipFile(archive, "w", zipfile.ZIP_DEFLATED) as bundle:
            for path in sorted(folder.rglob("*")):
                if path.is_file():
                    bundle.write(path, f"{assignment_id}/{path.relative_to(folder).as_posix()}")
        result.folders[learner], result.zips[learner] = folder, archive
    add_students(course, learners)
    return result


def counts(course: Course, assignment_id: str) -> tuple[int, int, float]:
    """Autograded test cells, manually graded answers (code, text and tasks) and all points, from the sources."""
    cells = graded_cells(course, assignment_id)
    tests = sum(test for *_, test in cells)
    return tests, len(cells) - tests, sum(points for _, _, points, _ in cells)

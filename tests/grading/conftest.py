"""Shared set-up for the grading tests: a throwaway copy of the course to release, collect and grade in."""

import shutil
from pathlib import Path

import pytest

from mesocourse.paths import ROOT

# nbgrader's example course is data for test_nbgrader_example.py: its notebooks are not nbval tests.
collect_ignore = ["nbgrader_example"]


def _copy_course(target: Path) -> Path:
    ignore = shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints", "*.pyc")
    for folder in ("assignments", "notebooks", "assets", "mesocourse", "jupyter-config"):
        shutil.copytree(ROOT / folder, target / folder, ignore=ignore)
    for name in ("nbgrader_config.py", "pyproject.toml"):
        shutil.copy(ROOT / name, target / name)
    with open(target / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(target / 'no-exchange')!r}\n")
    return target


@pytest.fixture(scope="session")
def copy_course():
    """A function that copies the course's sources, engine and nbgrader settings into a folder."""
    return _copy_course


def hand_in(course, assignment, learner, answers, *, sheet_of=None, written=None, extra_cells=(), notebook_hook=None):
    """Submit an assignment as a learner would: their own released folder, answers ticked in their own version.

    `answers` maps question numbers to source-terms answers (source letters, numbers), ticked in the version of
    `sheet_of` (default: the learner): a learner handing in someone else's answers file passes that learner.
    """
    import json

    import nbformat

    from mesocourse.grading.answer_sheet import write_answers
    from mesocourse.grading.handout import handout_folder
    from mesocourse.grading.variants import from_source, learner_version

    owner = sheet_of or learner
    version = learner_version(course.source_notebook(assignment), owner, course.secret())
    by_number = {question.number: question for question in version.questions.values()}
    shown = {}
    for number, value in answers.items():
        try:
            shown[by_number[number].grade_id] = from_source(by_number[number], value)
        except (ValueError, TypeError):
            shown[by_number[number].grade_id] = value  # not an answer at all: written as it is

    folder = course.submitted_dir / learner / assignment
    shutil.rmtree(folder, ignore_errors=True)
    shutil.copytree(handout_folder(course, owner, assignment), folder)
    write_answers(folder, assignment, owner, version.tag, shown)
    path = folder / f"{assignment}.ipynb"
    notebook = nbformat.read(path, as_version=4)
    for cell in notebook.cells:
        grade_id = cell.metadata.get("nbgrader", {}).get("grade_id", "")
        if written is not None and grade_id.startswith("case") and not grade_id.endswith("-question"):
            cell.source = written
    first = next(i for i, cell in enumerate(notebook.cells) if cell.cell_type == "code") + 1
    for source in reversed(list(extra_cells)):
        notebook.cells.insert(first, nbformat.v4.new_code_cell(source))
    if notebook_hook:
        notebook_hook(notebook)
    nbformat.write(notebook, path)
    return folder, json.loads((folder / "answers.json").read_text(encoding="utf-8"))


def right_answer(own, question):
    """A learner's right answer to one question in source terms: their drawn number or their own key (a drawn
    patient, a sibling), else the source's solution. `own` is their QuestionVersion, `question` the source's."""
    if own.expected is not None:
        return own.expected
    return own.key if own.key is not None else question.solution


def in_own_version(course, assignment, learner, answers):
    """Source-terms answers made to mean the same for this learner: the source's key becomes their own key where
    their version has one (a sibling or drawn question), and a wrong answer that happens to be their key becomes
    the source's key, which is wrong for them. Tests written as "the right answers" or "all wrong" stay so."""
    from mesocourse.grading.authoring import read_assignment
    from mesocourse.grading.variants import learner_version

    source = {q.number: q for q in read_assignment(course.source_notebook(assignment)).autograded}
    version = learner_version(course.source_notebook(assignment), learner, course.secret())
    by_number = {question.number: question for question in version.questions.values()}
    meant = {}
    for number, value in answers.items():
        own, solution = by_number.get(number), source[number].solution if number in source else None
        if own is None or solution is None:
            meant[number] = value
            continue
        key = right_answer(own, source[number])
        if _same(value, solution):
            meant[number] = key
        elif _same(value, key):
            meant[number] = solution
        else:
            meant[number] = value
    return meant


def _same(a, b) -> bool:
    if isinstance(a, list) and isinstance(b, list):
        return sorted(map(str, a)) == sorted(map(str, b))
    return a == b

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

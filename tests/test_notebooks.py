"""Notebook rules: names, no stored outputs, the module layout, and nothing a learner must program."""

import re

import nbformat
import pytest

from mesocourse.modules import course_modules
from mesocourse.navigation import BOTTOM_TAG, CONTENTS_TAG, SOURCES_TAG, TOP_TAG
from mesocourse.paths import NOTEBOOKS, ROOT

NAME = re.compile(r"^(\d{2})\.(\d{2})-[A-Z][A-Za-z0-9]*(?:-[A-Za-z0-9]+)*\.ipynb$")
OPENING = ["## What you will learn", "## How long it takes", "## What you need"]
GENERATED = {TOP_TAG, BOTTOM_TAG, CONTENTS_TAG, SOURCES_TAG}
# A visible code cell is a one-line call a learner can ignore; anything longer must be hidden.
MAX_VISIBLE_CODE_LINES = 2


def all_notebooks():
    trainer = [ROOT / "grading" / "Cohort-Report.ipynb"]
    return sorted(NOTEBOOKS.glob("*.ipynb")) + sorted((ROOT / "assignments").rglob("*.ipynb")) + trainer


def tags(cell):
    return set(cell.get("metadata", {}).get("tags", []))


def content_cells(notebook):
    return [cell for cell in notebook.cells if not tags(cell) & GENERATED]


def hidden(cell):
    return cell.metadata.get("jupyter", {}).get("source_hidden") is True and "hide-input" in tags(cell)


def test_notebook_names_sort_in_reading_order():
    """Every self-study notebook is named NN.MM-Title-In-Words.ipynb and listed in assets/modules.yaml in order."""
    names = [path.name for path in sorted(NOTEBOOKS.glob("*.ipynb"))]
    assert all(NAME.match(name) for name in names), names
    assert names == [module.notebook for module in course_modules()]


@pytest.mark.parametrize("path", all_notebooks(), ids=lambda p: p.name)
def test_notebook_is_stored_without_outputs(path):
    """Notebooks are committed clean: no outputs and no execution counts."""
    notebook = nbformat.read(path, as_version=4)
    dirty = [i for i, c in enumerate(notebook.cells) if c.cell_type == "code" and (c.outputs or c.execution_count)]
    assert not dirty, f"{path.name}: cells {dirty} hold outputs (strip them with nbstripout)"


MODULES = [module for module in course_modules() if module.bank]


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.notebook)
def test_module_opens_with_the_three_headings(module):
    """After the title, every module answers: what you will learn, how long it takes, what you need."""
    cells = content_cells(nbformat.read(module.path, as_version=4))
    headings = [
        line.strip()
        for c in cells
        if c.cell_type == "markdown"
        for line in c.source.splitlines()
        if line.startswith("## ")
    ]
    assert cells[0].source.startswith("# "), "the first cell is the module title"
    assert headings[:3] == OPENING


@pytest.mark.parametrize("module", MODULES, ids=lambda m: m.notebook)
def test_module_ends_with_quiz_then_key_points(module):
    """The last content is a Quiz section calling the module's bank, followed by the Key points."""
    cells = content_cells(nbformat.read(module.path, as_version=4))
    assert cells[-1].cell_type == "markdown" and cells[-1].source.startswith("## Key points")
    quiz_heading = max(i for i, c in enumerate(cells) if c.cell_type == "markdown" and c.source.startswith("## Quiz"))
    calls = [c.source for c in cells[quiz_heading:] if c.cell_type == "code"]
    assert f'show_quiz("{module.bank}")' in calls


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_learners_see_no_code_beyond_one_line_calls(path):
    """Set-up code is hidden (source_hidden + hide-input); visible code cells are short calls."""
    notebook = nbformat.read(path, as_version=4)
    long_visible = [
        c.source
        for c in notebook.cells
        if c.cell_type == "code" and not hidden(c) and len(c.source.strip().splitlines()) > MAX_VISIBLE_CODE_LINES
    ]
    assert not long_visible
    first_code = next(c for c in notebook.cells if c.cell_type == "code")
    assert hidden(first_code), "the set-up cell (imports) is hidden from learners"


@pytest.mark.parametrize("path", sorted(NOTEBOOKS.glob("*.ipynb")), ids=lambda p: p.name)
def test_notebook_uses_the_course_kernel(path):
    """Notebooks run on the standard python3 kernel, so nbval and JupyterLab pick the course environment."""
    assert nbformat.read(path, as_version=4).metadata["kernelspec"]["name"] == "python3"

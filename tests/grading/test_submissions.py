"""Looking at a submission before grading: unreadable files get a plain reason, tampering is listed."""

import copy

import nbformat

from mesocourse.grading import authoring
from mesocourse.grading.submissions import changes_from_release, read_problem


def test_unreadable_files_get_a_plain_reason(tmp_path):
    """Empty, damaged, non-text and non-notebook files are each explained; a real notebook passes."""
    cases = {
        "empty.ipynb": b"",
        "damaged.ipynb": b'{"cells": [ oops',
        "binary.ipynb": b"\xff\xfe\x00PDF",
        "other.ipynb": b'{"name": "not a notebook"}',
    }
    for name, data in cases.items():
        (tmp_path / name).write_bytes(data)
    assert "empty" in read_problem(tmp_path / "empty.ipynb")
    assert "not valid JSON" in read_problem(tmp_path / "damaged.ipynb")
    assert "not a notebook" in read_problem(tmp_path / "binary.ipynb")
    assert "no cells" in read_problem(tmp_path / "other.ipynb")
    good = tmp_path / "good.ipynb"
    nbformat.write(nbformat.v4.new_notebook(), good)
    assert read_problem(good) == ""


def _released():
    cells = authoring.autograded_cells(
        1, "pick", "Pick [ref-20]", "letter", "A", "why", options={"A": "a", "B": "b"}, secret=b"s"
    )
    notebook = authoring.new_assignment_notebook("T", "t", 1, cells)
    for cell in notebook.cells:
        _, cell.source = authoring.region(cell.source, authoring.BEGIN_SOLUTION, authoring.END_SOLUTION)
    return notebook


def _cell(notebook, grade_id):
    return next(c for c in notebook.cells if c.metadata.get("nbgrader", {}).get("grade_id") == grade_id)


def test_an_untouched_submission_has_no_changes():
    """The release itself, answered or not, shows no tampering."""
    released = _released()
    assert changes_from_release(copy.deepcopy(released), released) == []


def test_edited_deleted_and_reflagged_cells_are_listed():
    """Each kind of tampering is named with the cell's grade id."""
    released = _released()
    submitted = copy.deepcopy(released)
    _cell(submitted, "q01-pick").source = "pass"
    _cell(submitted, "q01-pick").metadata.nbgrader["points"] = 100
    submitted.cells.remove(_cell(submitted, "q01-pick-question"))
    _cell(submitted, "q01-pick-answer").source = 'answer_q1 = "A"\nimport os'
    notes = changes_from_release(submitted, released)
    assert "q01-pick: read-only cell edited (graded with the original)" in notes
    assert "q01-pick: grading settings changed (points; reset for grading)" in notes
    assert "q01-pick-question: cell deleted (put back for grading)" in notes
    assert "q01-pick-answer: the answer cell holds code besides the answer (never run for the score)" in notes


def test_code_written_as_assignments_or_in_a_new_cell_is_noted():
    """G06/G07: a patch made only of assignments, or in an added cell, is listed (and never scored)."""
    released = _released()
    submitted = copy.deepcopy(released)
    _cell(
        submitted, "q01-pick-answer"
    ).source = 'answer_q1 = "B"\n_k = __import__("mesocourse.grading.keys", fromlist=["x"])\n_k.check_key = print'
    submitted.cells.insert(3, nbformat.v4.new_code_cell("import hmac\nhmac.compare_digest = lambda a, b: True"))
    notes = changes_from_release(submitted, released)
    assert "q01-pick-answer: the answer cell holds code besides the answer (never run for the score)" in notes
    assert "1 code cell added (never run for the score)" in notes


def test_cells_with_odd_nbgrader_metadata_do_not_stop_the_look():
    """F-3: metadata that is a string, or a grade id that is a list, is read as no grading cell."""
    released = _released()
    submitted = copy.deepcopy(released)
    submitted.cells.append(nbformat.v4.new_code_cell("x = 1", metadata={"nbgrader": "oops"}))
    submitted.cells.append(nbformat.v4.new_code_cell("y = 2", metadata={"nbgrader": {"grade_id": ["a", "b"]}}))
    notes = changes_from_release(submitted, released)
    assert "2 code cells added (never run for the score)" in notes


def test_a_plain_nbgrader_answer_written_as_code_is_not_flagged():
    """In a trainer's own nbgrader assignment the answer is code: no note says it holds code besides the answer."""
    released = _released()
    submitted = copy.deepcopy(released)
    _cell(submitted, "q01-pick-answer").source = "def squares(n):\n    return [i ** 2 for i in range(1, n + 1)]"
    submitted.cells.insert(3, nbformat.v4.new_code_cell("squares(3)"))
    assert changes_from_release(submitted, released, own_layout=False) == []

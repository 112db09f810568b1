"""Plain nbgrader assignments: told apart from the course's own, their leak signatures, nbgrader's timestamp.txt."""

import shutil
from pathlib import Path

import nbformat

from mesocourse.grading.collect import timestamp_text
from mesocourse.grading.course import Course
from mesocourse.grading.leaks import BEFORE_GRADING, FEEDBACK, RELEASE, plain_signatures, scan_text
from mesocourse.grading.plain import counts

EXAMPLE = Path(__file__).parent / "nbgrader_example"


def _course_with_ps1(tmp_path, copy_course) -> Course:
    root = copy_course(tmp_path / "course")
    shutil.copytree(EXAMPLE / "source" / "ps1", root / "assignments" / "ps1")
    return Course(root)


def test_nbgrader_example_is_plain_and_the_course_assignments_are_not(tmp_path, copy_course):
    """ps1 (two notebooks, nbgrader's own cells) is plain; foundations keeps the course's checks, even when broken."""
    course = _course_with_ps1(tmp_path, copy_course)
    assert course.is_plain_nbgrader("ps1")
    assert course.notebook_names("ps1") == ["problem1.ipynb", "problem2.ipynb"]
    assert not course.is_plain_nbgrader("foundations")
    path = course.source_notebook("foundations")
    notebook = nbformat.read(path, as_version=4)
    notebook.cells = [
        cell for cell in notebook.cells if "-question" not in cell.metadata.get("nbgrader", {}).get("grade_id", "")
    ]
    nbformat.write(notebook, path)
    assert not course.is_plain_nbgrader("foundations")  # a layout mistake is still the course's own assignment


def test_counts_take_manual_code_and_tasks_as_answers_to_mark(tmp_path, copy_course):
    """ps1: four autograded tests; a code answer, a LaTeX answer, a task and two written answers to mark; 13 points."""
    assert counts(_course_with_ps1(tmp_path, copy_course), "ps1") == (4, 5, 13.0)


def _notebook_with_hidden_test(path: Path) -> Path:
    answer = nbformat.v4.new_code_cell(
        "def area(r):\n    ### BEGIN SOLUTION\n    return 3.14159 * r * r\n    ### END SOLUTION",
        metadata={"nbgrader": {"grade": False, "grade_id": "area", "solution": True, "locked": False}},
    )
    test = nbformat.v4.new_code_cell(
        "assert area(0) == 0\n### BEGIN HIDDEN TESTS\nassert abs(area(2) - 12.56636) < 1e-6\n### END HIDDEN TESTS",
        metadata={"nbgrader": {"grade": True, "grade_id": "area_test", "points": 1, "solution": False, "locked": True}},
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    nbformat.write(nbformat.v4.new_notebook(cells=[answer, test]), path)
    return path


def test_plain_signatures_hold_solutions_and_hidden_tests_but_not_what_learners_see(tmp_path):
    """A solution line is flagged before grading, a hidden test everywhere; the visible check is never flagged."""
    found = plain_signatures([_notebook_with_hidden_test(tmp_path / "hw1" / "area.ipynb")], "hw1")
    solution = [s for s in found if s.kind == "solution"]
    hidden = [s for s in found if s.kind == "hidden-test code"]
    assert [s.text for s in solution] == ["return 3.14159 * r * r"] and solution[0].targets == BEFORE_GRADING
    assert [s.text for s in hidden] == ["assert abs(area(2) - 12.56636) < 1e-6"] and FEEDBACK in hidden[0].targets
    assert scan_text("x", "def area(r):\n    return 3.14159 * r * r", found, RELEASE, "hw1")
    assert not scan_text("x", "def area(r):\nassert area(0) == 0", found, RELEASE, "hw1")


def test_timestamp_text_reads_nbgrader_time_zones_and_refuses_anything_else():
    """nbgrader's timestamp.txt (a zone name after the time) is taken; text that is not a time is not."""
    raw = (EXAMPLE / "submitted" / "hacker" / "ps1" / "timestamp.txt").read_bytes()
    assert timestamp_text(raw) == "2015-02-01 09:28:58.749302 America/Los_Angeles"
    assert timestamp_text(b"not a time at all") is None and timestamp_text(b"") is None

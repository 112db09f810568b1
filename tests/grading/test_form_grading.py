"""A cohort's answer forms graded in one gradebook session score and read exactly as when every notebook runs."""

import os
import sys
from pathlib import Path

import nbformat
import pytest

from mesocourse.grading import autograde as grading
from mesocourse.grading.course import Course
from mesocourse.grading.form_grading import one_gradebook_session
from mesocourse.grading.release import release
from tests.grading.conftest import hand_in, in_own_version

ANSWERS = {
    "right": {1: "C", 2: "A", 3: "D", 4: ["A", "B", "D"], 5: "A", 6: "C", 7: "D", 8: "B"},
    "mixed": {1: "C", 2: "B", 4: ["A", "D"], 8: "B"},
    "blank": {},
    "own-code": {1: "A", 4: ["B", "A", "D"]},
}
ADDED = "print('my working')"


def _scores(course: Course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        return {
            (submission.student.id, grade.name): (grade.auto_score, grade.needs_manual_grade)
            for submission in gradebook.assignment_submissions("foundations")
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


def _graded_cells(course: Course, learner: str) -> dict:
    """Every grading cell of a learner's graded copy: source and outputs, as formgrader shows them."""
    path = course.autograded_dir / learner / "foundations" / "foundations.ipynb"
    notebook = nbformat.read(path, as_version=4)
    return {
        cell.metadata["nbgrader"]["grade_id"]: (cell.source, cell.get("outputs", []))
        for cell in notebook.cells
        if cell.metadata.get("nbgrader", {}).get("grade_id") not in (None, "setup")
    }


@pytest.fixture(scope="module")
def course(tmp_path_factory, copy_course):
    course = Course(copy_course(tmp_path_factory.mktemp("course")))
    release(course, "foundations", run_tests=False, learners=list(ANSWERS))
    for learner, answers in ANSWERS.items():
        own = in_own_version(course, "foundations", learner, answers)
        hand_in(course, "foundations", learner, own, extra_cells=[ADDED] if learner == "own-code" else [])
    return course


@pytest.mark.pipeline
def test_one_session_for_the_cohort_grades_as_every_notebook_run_in_the_sandbox(course, monkeypatch):
    ran = []
    real_run = grading._run
    monkeypatch.setattr(
        grading, "_run", lambda c, a, learners, *rest: ran.extend(learners) or real_run(c, a, learners, *rest)
    )
    quick = {r.learner: r for r in grading.autograde(course, "foundations", show_progress=False)}
    assert ran == [], "nothing of an answer form runs, not even a learner's own code"
    scores, copies = _scores(course), {learner: _graded_cells(course, learner) for learner in ANSWERS}
    slow = {
        r.learner: r for r in grading.autograde(course, "foundations", show_progress=False, run_every_notebook=True)
    }
    assert sorted(ran) == sorted(ANSWERS)
    assert _scores(course) == scores
    assert {learner: _graded_cells(course, learner) for learner in ANSWERS} == copies
    assert {name: r.auto_scores for name, r in quick.items()} == {name: r.auto_scores for name, r in slow.items()}
    assert quick["right"].autograded_score == quick["right"].autograded_max == 9
    assert quick["blank"].autograded_score == 0
    assert all(result.ok for result in quick.values())


@pytest.mark.pipeline
def test_code_a_learner_added_is_kept_for_the_trainer_but_never_run(course):
    results = {r.learner: r for r in grading.autograde(course, "foundations", ["own-code"], show_progress=False)}
    path = course.autograded_dir / "own-code" / "foundations" / "foundations.ipynb"
    added = [cell for cell in nbformat.read(path, as_version=4).cells if cell.source == ADDED]
    assert len(added) == 1 and added[0].outputs == [] and added[0].execution_count is None
    assert "1 code cell added (never run for the score)" in results["own-code"].notes


@pytest.fixture(autouse=True)
def _alembic_on_path(monkeypatch):
    """nbgrader runs `alembic` when it makes a new gradebook: the one beside this Python."""
    monkeypatch.setenv("PATH", f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}")


def test_a_learner_left_uncommitted_leaves_nothing_in_the_gradebook(tmp_path):
    from nbgrader.api import Gradebook, MissingEntry

    url = f"sqlite:///{tmp_path / 'gradebook.db'}"
    original = Gradebook.__init__
    with one_gradebook_session(url, "course") as session:
        with Gradebook(url) as gradebook:  # as nbgrader's own steps open it
            gradebook.add_student("kept")
        session.commit()
        with Gradebook(url) as gradebook:
            gradebook.add_student("failed-half-way")
        session.rollback()
        with Gradebook(url) as gradebook:
            gradebook.add_student("interrupted")
    assert Gradebook.__init__ is original, "nbgrader's Gradebook is itself again after the run"
    with Gradebook(url) as gradebook:
        assert gradebook.find_student("kept").id == "kept"
        for missing in ("failed-half-way", "interrupted"):
            with pytest.raises(MissingEntry):
                gradebook.find_student(missing)


def test_other_gradebooks_open_as_usual_during_the_run(tmp_path):
    from nbgrader.api import Gradebook

    ours, other = f"sqlite:///{tmp_path / 'a.db'}", f"sqlite:///{tmp_path / 'b.db'}"
    with one_gradebook_session(ours, "course"):
        with Gradebook(other) as gradebook:
            gradebook.add_student("elsewhere")  # committed at once, as nbgrader does
    with Gradebook(other) as gradebook:
        assert gradebook.find_student("elsewhere").id == "elsewhere"


def test_the_session_is_given_back_even_when_grading_stops(tmp_path):
    from nbgrader.api import Gradebook

    original = Gradebook.__init__, Gradebook.close
    with pytest.raises(KeyboardInterrupt), one_gradebook_session(f"sqlite:///{tmp_path / 'g.db'}", "course"):
        raise KeyboardInterrupt
    assert (Gradebook.__init__, Gradebook.close) == original

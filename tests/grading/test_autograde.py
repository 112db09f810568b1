"""Answer-form submissions graded without a kernel score exactly as when every notebook runs in the sandbox."""

import pytest

from mesocourse.grading import autograde as grading
from mesocourse.grading.course import Course
from mesocourse.grading.release import release
from tests.grading.conftest import hand_in, in_own_version

pytestmark = pytest.mark.pipeline
ANSWERS = {
    "right": {1: "C", 2: "A", 3: "D", 4: ["A", "B", "D"], 5: "A", 6: "C", 7: "D", 8: "B"},
    "mixed": {1: "C", 2: "B", 4: ["A", "D"], 8: "B"},
    "blank": {},
    "own-code": {1: "A", 4: ["B", "A", "D"]},
}


def _scores(course: Course) -> dict:
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        return {
            (submission.student.id, grade.name): (grade.auto_score, grade.needs_manual_grade)
            for submission in gradebook.assignment_submissions("foundations")
            for notebook in submission.notebooks
            for grade in notebook.grades
        }


@pytest.fixture(scope="module")
def course(tmp_path_factory, copy_course):
    course = Course(copy_course(tmp_path_factory.mktemp("course")))
    release(course, "foundations", run_tests=False, learners=list(ANSWERS))
    for learner, answers in ANSWERS.items():
        cells = ["print('my working')"] if learner == "own-code" else []
        hand_in(
            course, "foundations", learner, in_own_version(course, "foundations", learner, answers), extra_cells=cells
        )
    return course


def test_grades_without_a_kernel_equal_grades_with_every_notebook_run(course, monkeypatch):
    ran = []
    real_run = grading._run
    monkeypatch.setattr(
        grading, "_run", lambda c, a, learners, *rest: ran.extend(learners) or real_run(c, a, learners, *rest)
    )
    quick = {r.learner: r for r in grading.autograde(course, "foundations", show_progress=False)}
    assert ran == ["own-code"], "only the learner with code of their own needs the sandbox"
    without_kernel = _scores(course)
    ran.clear()
    slow = {
        r.learner: r for r in grading.autograde(course, "foundations", show_progress=False, run_every_notebook=True)
    }
    assert sorted(ran) == sorted(ANSWERS)
    assert _scores(course) == without_kernel
    assert {name: r.auto_scores for name, r in quick.items()} == {name: r.auto_scores for name, r in slow.items()}
    assert quick["right"].autograded_score == quick["right"].autograded_max == 9
    assert quick["blank"].autograded_score == 0
    assert all(result.ok for result in quick.values())


def test_the_graded_copy_is_made_without_a_kernel(course):
    graded = course.autograded_dir / "mixed" / "foundations" / "foundations.ipynb"
    assert graded.is_file() and "From the learner's answer sheet" in graded.read_text(encoding="utf-8")

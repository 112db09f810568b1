"""Autograding a cohort: an answer form is graded without a kernel, and without the sandbox."""

import pytest

from mesocourse.grading import autograde as grading
from mesocourse.grading.course import Course
from mesocourse.grading.release import release
from mesocourse.grading.sandbox import SandboxMissing
from tests.grading.conftest import hand_in

pytestmark = pytest.mark.pipeline


@pytest.fixture(scope="module")
def course(tmp_path_factory, copy_course):
    course = Course(copy_course(tmp_path_factory.mktemp("course")))
    release(course, "foundations", run_tests=False, learners=["mixed"])
    hand_in(course, "foundations", "mixed", {1: "C", 2: "B", 4: ["A", "D"], 8: "B"})
    return course


def test_the_graded_copy_is_made_without_a_kernel_or_a_sandbox(course, monkeypatch):
    def missing():
        raise SandboxMissing("no bubblewrap on this machine")

    monkeypatch.setattr(grading, "_run", lambda *args: pytest.fail("an answer form needs no kernel"))
    monkeypatch.setattr(grading, "sandbox_tools", missing)
    (result,) = grading.autograde(course, "foundations", show_progress=False)
    graded = course.autograded_dir / "mixed" / "foundations" / "foundations.ipynb"
    assert result.ok and graded.is_file() and "From the learner's answer sheet" in graded.read_text(encoding="utf-8")

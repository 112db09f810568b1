"""The trainer notebook's view: a plain message before grading; assignment and question choice after it."""

import shutil

import pytest

from mesocourse.grading import cohort_widgets
from mesocourse.grading.cohort_report import Standing
from mesocourse.grading.course import Course
from mesocourse.grading.item_analysis import build_analysis
from mesocourse.paths import ROOT
from tests.grading.cohorts import random_cohort, source_notebook


@pytest.fixture
def shown(monkeypatch):
    """What cohort_report() displays, collected instead of shown."""
    found = []
    monkeypatch.setattr(cohort_widgets, "display", found.append)
    return found


def test_nothing_graded_gives_a_plain_message(tmp_path, shown):
    """A course folder with no gradebook yet: one info box saying what to run, no traceback, no widget."""
    shutil.copy(ROOT / "nbgrader_config.py", tmp_path)
    (tmp_path / "assignments").mkdir()
    cohort_widgets.cohort_report(Course(tmp_path))
    assert len(shown) == 1 and "Nothing is graded yet" in shown[0].data and "make autograde" in shown[0].data


def test_no_course_folder_gives_a_plain_message(tmp_path, shown, monkeypatch):
    """Opened outside a course folder, the notebook says so in words."""
    monkeypatch.setattr(cohort_widgets, "Course", lambda: Course(tmp_path))
    cohort_widgets.cohort_report()
    assert "has no nbgrader_config.py" in shown[0].data


@pytest.fixture
def report(tmp_path, monkeypatch):
    """The view over a synthetic 12-learner cohort (the gradebook reading is tested in the pipeline)."""
    analysis = build_analysis(*random_cohort(source_notebook(tmp_path), 12))
    monkeypatch.setattr(cohort_widgets, "analyse", lambda course, assignment: analysis)
    monkeypatch.setattr(cohort_widgets, "standing", lambda course, assignment: Standing(not_submitted=["nadia"]))
    return cohort_widgets.CohortReport(course=None, assignments=["cohort"])


def test_choosing_an_assignment_shows_the_overview_and_plots(report):
    """The overview names alpha and who has not submitted, and carries the three plots with alt text."""
    assert "Cronbach&#x27;s alpha" in report.overview.value or "Cronbach's alpha" in report.overview.value
    assert "Not submitted: nadia" in report.overview.value
    assert report.overview.value.count("<img ") == 3 and report.overview.value.count('alt="') == 3


def test_choosing_a_question_shows_its_text_key_and_answers(report):
    """Each question in the list opens its text, key, objective, statistics and the answers typed."""
    labels = [label for label, _ in report.question.options]
    assert [label.split(" (")[0] for label in labels] == ["Question 1", "Question 2", "Question 3"]
    report.question.value = 1
    detail = report.detail.value
    assert "Question 2 (q02-item2)" in detail and "<strong>Key:</strong> A+C" in detail
    assert "answer typed" in detail and "A+C" in detail
    report.question.value = 2
    assert "<strong>Key:</strong> 3.5" in report.detail.value

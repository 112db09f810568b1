"""A graded assignment answered in the real browser with widgets only: the answers file holds them and grades right."""

import json
import shutil
import time

import pytest
from labdriver import run_all_cells, wait_until_idle

from mesocourse.grading.autograde import GRADED, autograde
from mesocourse.grading.course import Course
from mesocourse.grading.release import release
from mesocourse.grading.variants import from_source, learner_version
from tests.grading.conftest import _copy_course, right_answer

pytestmark = pytest.mark.browser
LEARNER = "nurse-one"


@pytest.fixture(scope="module")
def trainer(tmp_path_factory):
    """A trainer's course copy with depths released for one learner."""
    course = Course(_copy_course(tmp_path_factory.mktemp("trainer")))
    release(course, "depths", run_tests=False, learners=[LEARNER])
    return course


def _wait_for_answers(path, expected, timeout=30):
    """The answers file once it holds what was ticked (the kernel saves each tick as it comes)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        answers = json.loads(path.read_text(encoding="utf-8")).get("answers", {})
        if answers == expected:
            return answers
        time.sleep(0.3)
    return json.loads(path.read_text(encoding="utf-8")).get("answers", {})


def test_a_learner_answers_with_widgets_and_the_folder_grades_in_full(page, learner_lab, trainer):
    """Open the hand-out, tick and type every right answer (own version), hand in the folder: 9 of 9."""
    handout = trainer.root / "grading" / "handout" / LEARNER / "depths"
    folder = learner_lab.root / "my-work" / "depths"
    shutil.copytree(handout, folder)
    version = learner_version(trainer.source_notebook("depths"), LEARNER, trainer.secret())
    page.goto(learner_lab.url("lab/workspaces/graded/tree/my-work/depths/depths.ipynb"))
    page.wait_for_selector(".jp-Notebook", timeout=60_000)
    wait_until_idle(page)
    run_all_cells(page)
    questions = page.locator(".mesocourse-graded-question")
    assert questions.count() == len(version.questions)
    from mesocourse.grading.authoring import read_assignment

    source = read_assignment(trainer.source_notebook("depths"))
    expected = {}
    for index, question in enumerate(source.autograded):
        own = version.questions[question.grade_id]
        box = questions.nth(index)
        box.scroll_into_view_if_needed()
        if own.kind == "number":
            value = right_answer(own, question)
            field = box.locator("input[type=text]")
            field.click()
            page.keyboard.type(f"{value:.1f}".replace(".", ","))  # a decimal comma, as many staff type it
            page.keyboard.press("Tab")
            expected[question.grade_id] = round(float(value), 1)
        else:
            shown = from_source(own, right_answer(own, question))
            for letter in [shown] if own.kind == "letter" else shown:
                checkbox = box.locator(".widget-checkbox input").nth("ABCDEFGH".index(letter))
                checkbox.focus()
                page.keyboard.press("Space")  # the keyboard alone ticks an option
            expected[question.grade_id] = shown
    saved = _wait_for_answers(folder / "answers.json", expected)
    assert saved == expected
    # No verdict, no code, no traceback on the page.
    text = page.locator(".jp-NotebookPanel:not(.lm-mod-hidden)").inner_text()
    assert "✔" not in text and "✘" not in text and "Traceback" not in text and "Error" not in text
    assert page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-CodeCell .jp-Editor:visible").count() == 0
    page.keyboard.press("Control+s")
    wait_until_idle(page)

    submitted = trainer.submitted_dir / LEARNER / "depths"
    shutil.copytree(folder, submitted, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
    (result,) = autograde(trainer, "depths", learners=[LEARNER], timeout=30, show_progress=False)
    assert (result.status, result.autograded_score, result.autograded_max) == (GRADED, 9.0, 9.0)

"""A whole round on the clinic's JupyterHub in a real browser: release, fetch, answer, submit, grade, feedback back.

Three learners (one answers right, one wrong, one hands in nothing) and a trainer, each a system account on a hub
started from deploy/jupyterhub_config.py. Each learner sees only their own feedback, and their account cannot read
another learner's home, the trainer's course folder or the course's sources. Everything is removed at the end.
"""

import json
import re
import time
from pathlib import Path

import pytest
from hubdriver import ROOT, hub_missing_reason, running_hub
from labdriver import run_all_cells, wait_until_idle

from conftest import VIEWPORT, in_ci
from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.course import Course
from mesocourse.grading.variants import from_source, learner_version
from tests.grading.conftest import right_answer

pytestmark = [pytest.mark.browser, pytest.mark.hub]
ASSIGNMENT = "procedure"
LEARNERS = {"right": "hubr", "wrong": "hubw", "empty": "hube"}
TRAINER = "hubt"
WAIT_MS = 120_000


@pytest.fixture(scope="module")
def hub(browser_available):
    """The hub with three learners and a trainer; stopped and removed afterwards."""
    reason = hub_missing_reason()
    if reason:
        if in_ci():
            pytest.fail(f"The hub test cannot run on CI: {reason}", pytrace=False)
        pytest.skip(f"hub test did not run: {reason}")
    with running_hub(list(LEARNERS.values()), [TRAINER]) as running:
        yield running


def _log_in(chromium, hub, short: str):
    """A fresh browser context logged in as that account; returns the page once JupyterLab shows a notebook."""
    context = chromium.new_context(viewport=VIEWPORT)
    page = context.new_page()
    page.goto(hub.url + "/hub/login")
    page.fill("#username_input", hub.names[short])
    page.fill("#password_input", hub.passwords[short])
    page.click("#login_submit")
    page.wait_for_selector(".jp-LabShell", timeout=WAIT_MS)
    return page


def _assignment_list(page):
    """Open Nbgrader > Assignment List (the learner's Assignments tab) and wait for its three sections."""
    page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
    page.locator(".lm-Menu-item", has_text="Assignment List").click()
    page.wait_for_selector("text=Released assignments", timeout=WAIT_MS)
    page.locator("#refresh_assignments_list").first.click()


def _press(page, section: str, button: str) -> None:
    """Click the button in the row of our assignment within one section of the Assignment List."""
    row = page.locator(f"#{section} .list_item", has_text=ASSIGNMENT).first
    row.locator("button", has_text=button).first.click(timeout=WAIT_MS)


def _wait_for_pages(folder: Path, pattern: str, timeout: float = 120) -> list[Path]:
    """The files matching `pattern` in `folder` once there is at least one (nbgrader copies them in after the click)."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline and not list(folder.glob(pattern)):
        time.sleep(0.3)
    return sorted(folder.glob(pattern))


def _answer(page, hub, short: str, how: str, course: Course) -> None:
    """Tick (or type) every answer in the learner's own version: right, wrong or none at all, and save."""
    folder = hub.home(hub.names[short]) / "course" / "graded-assignments" / ASSIGNMENT
    page.goto(f"{hub.url}/user/{hub.names[short]}/lab/tree/graded-assignments/{ASSIGNMENT}/{ASSIGNMENT}.ipynb")
    page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=WAIT_MS)
    wait_until_idle(page)
    run_all_cells(page)
    questions = page.locator(".mesocourse-graded-question")
    version = learner_version(course.source_notebook(ASSIGNMENT), hub.names[short], course.secret(create=False))
    assert questions.count() == len(version.questions)
    answered = 0
    if how != "empty":
        source = read_assignment(course.source_notebook(ASSIGNMENT))
        for index, question in enumerate(source.autograded):
            own = version.questions[question.grade_id]
            box = questions.nth(index)
            box.scroll_into_view_if_needed()
            if own.kind == "number":
                value = right_answer(own, question)
                value = value if how == "right" else value + 50
                box.locator("input[type=text]").click()
                page.keyboard.type(f"{value:.1f}")
                page.keyboard.press("Tab")
            else:
                shown = from_source(own, right_answer(own, question))
                right = [shown] if own.kind == "letter" else list(shown)
                count = box.locator(".widget-checkbox input").count()
                letters = right if how == "right" else [x for x in "ABCDEFGH"[:count] if x not in right][:1]
                for letter in letters:
                    box.locator(".widget-checkbox input").nth("ABCDEFGH".index(letter)).focus()
                    page.keyboard.press("Space")  # as in the laptop test: the keyboard ticks an option
            answered += 1
        # The kernel saves each answer to answers.json as it comes: wait until all are there.
        deadline = time.monotonic() + 60
        while time.monotonic() < deadline and len(_saved(folder)) < answered:
            time.sleep(0.3)
        assert len(_saved(folder)) == answered
    page.keyboard.press("Control+s")
    wait_until_idle(page)


def _saved(folder: Path) -> dict:
    try:
        return json.loads((folder / "answers.json").read_text()).get("answers", {})
    except (OSError, ValueError):
        return {}


def _refused(result) -> bool:
    return result.returncode != 0 and "Permission denied" in (result.stderr + result.stdout)


def test_a_round_on_the_hub(chromium, hub):
    """Trainer releases; three learners fetch, answer, submit; trainer grades; each fetches only their own feedback."""
    trainer = hub.names[TRAINER]
    released = hub.trainer(TRAINER, "release", ASSIGNMENT, "--exchange")
    assert released.returncode == 0, released.stderr + released.stdout
    course = Course(hub.home(trainer) / "course")

    pages = {}
    for how, short in LEARNERS.items():
        page = _log_in(chromium, hub, short)
        pages[how] = page
        # The learner lands on the start page of their own workspace, with no trainer tool and nothing to dismiss.
        page.wait_for_selector(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook", timeout=WAIT_MS)
        assert page.url.endswith("/lab/tree/notebooks/00.00-Start-Here.ipynb")
        assert page.locator(".jp-Dialog").count() == 0
        page.locator("#jp-MainMenu .lm-MenuBar-itemLabel", has_text="Nbgrader").first.click()
        menu = page.locator(".lm-Menu-content").inner_text()
        assert "Assignment List" in menu and "Formgrader" not in menu and "Course List" not in menu
        page.keyboard.press("Escape")
        _assignment_list(page)
        _press(page, "released_assignments_list", "Fetch")
        page.locator("#fetched_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for(timeout=WAIT_MS)
        _answer(page, hub, short, how, course)
        _assignment_list(page)
        _press(page, "fetched_assignments_list", "Submit")
        page.locator("#submitted_assignments_list .list_item", has_text=ASSIGNMENT).first.wait_for(timeout=WAIT_MS)

    for command in (
        ("collect", ASSIGNMENT, "--exchange"),
        ("autograde", ASSIGNMENT),
        ("feedback", ASSIGNMENT, "--exchange"),
    ):
        done = hub.trainer(TRAINER, *command)
        assert done.returncode == 0, f"{command}: {done.stderr}{done.stdout}"
    for short in LEARNERS.values():
        stamp = course.submitted_dir / hub.names[short] / ASSIGNMENT / "timestamp.txt"
        assert stamp.read_text().strip(), "nbgrader's submission time is kept"

    scores = {}
    for how, short in LEARNERS.items():
        page = pages[how]
        _assignment_list(page)
        _press(page, "submitted_assignments_list", "Fetch Feedback")
        feedback_folder = hub.home(hub.names[short]) / "course" / "graded-assignments" / ASSIGNMENT / "feedback"
        pages_found = _wait_for_pages(feedback_folder, f"*/{ASSIGNMENT}.html")
        assert len(pages_found) == 1, "one feedback page: the learner's own"
        relative = pages_found[0].relative_to(hub.home(hub.names[short]) / "course").as_posix()
        page.goto(f"{hub.url}/user/{hub.names[short]}/files/{relative}")
        text = page.locator("body").inner_text(timeout=WAIT_MS)
        found = re.search(r"Score:\s*([\d.]+)\s*/\s*([\d.]+)", text)
        assert found, text[:500]
        scores[how] = (float(found.group(1)), float(found.group(2)))
    assert scores["right"][0] == scores["right"][1] > 0
    assert scores["empty"][0] == 0 and scores["wrong"][0] < scores["right"][0]

    # One learner's browser session cannot reach another's server, nor climb out of their own folder.
    page = pages["right"]
    other = hub.names[LEARNERS["wrong"]]
    answer = page.request.get(f"{hub.url}/user/{other}/api/contents", max_redirects=0)
    assert answer.status != 200 or '"content"' not in answer.text()
    answer = page.request.get(f"{hub.url}/user/{trainer}/api/contents", max_redirects=0)
    assert answer.status != 200 or '"content"' not in answer.text()
    own = hub.names[LEARNERS["right"]]
    answer = page.request.get(f"{hub.url}/user/{own}/api/contents/..%2F..%2F{other}")
    assert answer.status in (400, 403, 404)

    # Nor can their account (what their kernel runs as) open another's home, the trainer's files or the sources.
    trainer_course = hub.home(trainer) / "course"
    for target in (
        hub.home(other) / "course" / "README.md",
        trainer_course / "grading" / "answer-key-secret.txt",
        ROOT / "assignments" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb",
    ):
        assert _refused(hub.as_account(own, "cat", str(target))), target
    inbound = Path(hub.clinic["exchange"]) / "mesotherapy-staff" / "inbound"
    assert _refused(hub.as_account(own, "ls", str(inbound))), "others' submissions cannot be listed"

    # The trainer's own login opens formgrader with the assignment.
    trainer_page = _log_in(chromium, hub, TRAINER)
    listed = trainer_page.request.get(f"{hub.url}/user/{trainer}/formgrader/api/assignments").json()
    assert {(item["name"], item["status"]) for item in listed} >= {(ASSIGNMENT, "released")}, listed
    trainer_page.goto(f"{hub.url}/user/{trainer}/formgrader")
    trainer_page.wait_for_selector(f"text={ASSIGNMENT}", timeout=WAIT_MS)
    for page in [*pages.values(), trainer_page]:
        page.context.close()

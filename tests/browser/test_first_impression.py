"""What a learner first sees, and what a trainer gets: clean start page for learners, formgrader for trainers."""

import time
import urllib.error
import urllib.request

import pytest
from labdriver import NOTEBOOK, course_copy, open_dialogs, running_lab, screenshot, shutdown_kernels

pytestmark = pytest.mark.browser
START_PAGE = "00.00-Start-Here.ipynb"
# JupyterLab asks its news question a moment after start; wait long enough to catch it.
SETTLE_SECONDS = 6


def visible_toasts(page) -> list[str]:
    """Notification pop-ups (such as JupyterLab's news question) on screen."""
    return page.evaluate("() => [...document.querySelectorAll('.Toastify__toast')].map(t => t.innerText.trim())")


def menu_titles(page) -> list[str]:
    """The titles of the main menu bar."""
    return page.evaluate(
        "() => [...document.querySelectorAll('#jp-MainMenu .lm-MenuBar-itemLabel')].map(e => e.textContent.trim())"
    )


def http_status(url: str) -> int:
    """The HTTP status a GET of the URL answers with."""
    try:
        with urllib.request.urlopen(url, timeout=10) as response:
            return response.status
    except urllib.error.HTTPError as error:
        return error.code


def test_learner_lands_on_the_start_page_with_nothing_to_dismiss(page, learner_lab):
    """As `make course` opens it: the start page in front, no dialog, no news question, no nbgrader menu."""
    page.goto(learner_lab.url(f"lab/tree/notebooks/{START_PAGE}"))
    page.wait_for_selector(NOTEBOOK)
    time.sleep(SETTLE_SECONDS)
    screenshot(page, "first-impression")
    assert page.locator(".lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel", has_text=START_PAGE).count() >= 1
    assert open_dialogs(page) == []
    assert visible_toasts(page) == []
    assert "Nbgrader" not in menu_titles(page) and "File" in menu_titles(page)
    disabled = page.evaluate(
        "() => JSON.parse(document.getElementById('jupyter-config-data').textContent).disabledExtensions"
    )
    assert "@jupyter/nbgrader" in disabled, "nbgrader's create-assignment panel and menus are off for learners"


def test_learner_server_has_no_formgrader(learner_lab):
    """The learner's server does not serve nbgrader's formgrader at all."""
    assert http_status(learner_lab.url("formgrader")) == 404


def source_assignments(root) -> list[str]:
    """Assignment folders of the course (nbgrader's source directory, assignments/)."""
    return sorted(path.parent.name for path in (root / "assignments").glob("*/*.ipynb"))


def test_formgrader_opens_for_the_trainer(chromium, tmp_path):
    """With the trainer settings, from the course root, /formgrader lists the course's assignments/ folders."""
    root = course_copy(tmp_path / "course", role="trainer")
    assignments = source_assignments(root)
    assert assignments, "the course has assignments for formgrader to show"
    with running_lab(root, role="trainer") as trainer_lab:
        context = chromium.new_context(viewport={"width": 1280, "height": 900})
        tab = context.new_page()
        try:
            tab.goto(trainer_lab.url("formgrader"))
            tab.get_by_text("Manage Assignments").first.wait_for(timeout=60_000)
            # Listing the assignments proves formgrader read nbgrader_config.py (source directory assignments/).
            tab.locator("table", has_text=assignments[0]).first.wait_for(timeout=60_000)
            screenshot(tab, "formgrader-for-trainer")
            assert "Traceback" not in tab.content()
        finally:
            context.close()
            shutdown_kernels(trainer_lab)

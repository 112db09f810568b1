"""A page saved after running and opened again (JupyterLab autosaves): a plain run note, never a broken widget."""

import shutil

import pytest
from labdriver import QUIZ_QUESTION, open_notebook, output_problems, run_all_cells, save_notebook, screenshot

from conftest import new_tab
from mesocourse.saved_pages import RUN_NOTE_CLASS

pytestmark = pytest.mark.browser
PAGE = "00.00-Start-Here.ipynb"
COPY = "reopened-start-page.ipynb"


def test_reopened_page_shows_a_run_note_and_runs_again(chromium, learner_lab, course_root):
    """Run, save, reopen: a "run this page" note stands where the quiz was; Run All brings the quiz back."""
    shutil.copy(course_root / "notebooks" / PAGE, course_root / "notebooks" / COPY)
    tab = new_tab(chromium)
    try:
        open_notebook(tab, learner_lab, COPY)
        run_all_cells(tab)
        tab.wait_for_selector(QUIZ_QUESTION, state="attached")
        save_notebook(tab)
        tab.context.close()

        tab = new_tab(chromium)
        open_notebook(tab, learner_lab, COPY)
        notes = tab.locator(f".{RUN_NOTE_CLASS}")
        notes.first.wait_for(state="attached", timeout=30_000)
        screenshot(tab, "reopened-start-page")
        assert output_problems(tab) == []
        assert "Run All Cells" in notes.first.inner_text()

        run_all_cells(tab)
        tab.wait_for_selector(QUIZ_QUESTION, state="attached")
        assert tab.locator(f".{RUN_NOTE_CLASS}").count() == 0
        assert output_problems(tab) == []
    finally:
        tab.context.close()

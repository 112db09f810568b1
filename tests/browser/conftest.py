"""Fixtures for the real-browser tests: JupyterLab with the course's settings on 127.0.0.1, and Debian's Chromium.

Without a browser these tests fail under CI (CI=true) and, on a laptop, are skipped with the reason printed at the end.
"""

import os
import sqlite3

import pytest
from labdriver import (
    chromium_missing_reason,
    course_copy,
    launch_chromium,
    module_screenshot,
    open_notebook,
    run_all_cells,
    running_lab,
    shutdown_kernels,
)

# A 1366 px laptop, the narrowest screen the course is made for.
VIEWPORT = {"width": 1366, "height": 800}
_not_run_reason: list[str] = []


def in_ci() -> bool:
    """True on a CI machine (CI set to anything but false/0), where a missing browser must fail the run."""
    return os.environ.get("CI", "").strip().lower() not in ("", "false", "0", "no")


@pytest.fixture(scope="session")
def browser_available():
    """Stops the browser tests when Chromium or Playwright is missing: a failure under CI, a skip elsewhere."""
    reason = chromium_missing_reason()
    if reason is None:
        return
    if in_ci():
        pytest.fail(f"Browser tests cannot run on CI: {reason}", pytrace=False)
    _not_run_reason.append(reason)
    pytest.skip(f"browser tests did not run: {reason}")


@pytest.fixture(scope="session")
def course_root(tmp_path_factory):
    """A throwaway copy of the course, so running cells in the browser never touches the committed notebooks."""
    return course_copy(tmp_path_factory.mktemp("browser") / "course")


@pytest.fixture(scope="session")
def progress_file(tmp_path_factory):
    """The progress record the browser session's kernels write to (never the learner's own)."""
    return tmp_path_factory.mktemp("progress") / "progress.sqlite"


@pytest.fixture(scope="session")
def learner_lab(browser_available, course_root, progress_file):
    """JupyterLab as `make course` starts it (learner settings), on a random port with a random token."""
    env = {"MESOCOURSE_PROGRESS": str(progress_file), "MESOCOURSE_LEARNER": "browser-learner"}
    with running_lab(course_root, role="learner", env=env) as server:
        yield server


@pytest.fixture(scope="session")
def chromium(browser_available):
    """One Chromium for the whole session."""
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = launch_chromium(playwright)
        yield browser
        browser.close()


def new_tab(chromium):
    """A browser tab in its own context that collects uncaught page errors in `tab.page_errors`."""
    context = chromium.new_context(viewport=VIEWPORT, accept_downloads=True)
    tab = context.new_page()
    tab.page_errors = []
    tab.on("pageerror", lambda error: tab.page_errors.append(str(error)))
    return tab


@pytest.fixture(scope="session")
def open_tab(chromium):
    """A function opening a fresh tab (see new_tab) for tests that do not need JupyterLab, such as the app view's."""
    return lambda: new_tab(chromium)


@pytest.fixture
def page(chromium, learner_lab):
    """A fresh browser tab; its kernels are shut down afterwards so the next test starts clean."""
    tab = new_tab(chromium)
    yield tab
    tab.context.close()
    shutdown_kernels(learner_lab)


@pytest.fixture(scope="session")
def executed_notebook(chromium, learner_lab):
    """Open a notebook and Run All Cells once per session; later tests reuse that tab with its live widgets.

    Running each notebook once keeps the browser suite to a few minutes on a small machine.
    """
    tabs = {}

    def executed(notebook: str):
        if notebook not in tabs:
            tab = new_tab(chromium)
            open_notebook(tab, learner_lab, notebook)
            run_all_cells(tab)
            module_screenshot(tab, "lab", notebook)  # for the gallery (tests/browser/gallery.py)
            tabs[notebook] = tab
        tab = tabs[notebook]
        tab.bring_to_front()
        return tab

    yield executed
    for tab in tabs.values():
        tab.context.close()
    shutdown_kernels(learner_lab)


@pytest.fixture
def progress_rows(progress_file):
    """A function returning the attempts the browser learner's kernels have recorded so far."""

    def rows(bank: str | None = None) -> list[tuple]:
        if not progress_file.exists():
            return []
        with sqlite3.connect(progress_file) as connection:
            query = "SELECT bank, question_id, correct FROM attempts WHERE learner = 'browser-learner'"
            params = ()
            if bank:
                query += " AND bank = ?"
                params = (bank,)
            return connection.execute(query + " ORDER BY id", params).fetchall()

    return rows


def pytest_terminal_summary(terminalreporter):
    """Say plainly, at the end of the run, why the browser tests did not run on this machine."""
    if _not_run_reason:
        terminalreporter.write_sep("-", "browser tests")
        terminalreporter.write_line(f"The browser tests did not run: {_not_run_reason[0]}")

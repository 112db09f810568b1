"""Every notebook of assets/modules.yaml, run in JupyterLab in Chromium: no errors, no blank widget, alt text."""

import pytest
from labdriver import images_without_alt, output_problems, page_screenshots, visible_code

from mesocourse.modules import course_modules

pytestmark = pytest.mark.browser
NOTEBOOKS = [module.notebook for module in course_modules()]


@pytest.fixture(params=NOTEBOOKS)
def executed(request, executed_notebook):
    """A notebook opened as a learner opens it and run with Run > Run All Cells."""
    tab = executed_notebook(request.param)
    page_screenshots(tab, f"run-all-{request.param.removesuffix('.ipynb')}")
    return tab


def test_runs_without_error_output_or_broken_widgets(executed):
    """After Run All Cells: no traceback, error or warning output, no "Error displaying widget", no blank widget."""
    problems = output_problems(executed)
    assert not problems, "\n".join(problems)


def test_every_image_in_the_outputs_has_alt_text(executed):
    """Every picture a cell shows can be described by a screen reader (WCAG 1.1.1)."""
    missing = images_without_alt(executed)
    assert not missing, missing


def test_page_raises_no_javascript_error(executed):
    """JupyterLab and the widgets ran without an uncaught error in the page."""
    assert not executed.page_errors, executed.page_errors


def test_learner_sees_no_code_and_no_prompt(executed):
    """After Run All Cells: no code, no "[3]:" prompt and no collapsed "•••" code line anywhere on the page."""
    seen = visible_code(executed)
    assert not seen, "\n".join(seen)

"""The app view (`make app`, Voilà) in Chromium: every module drawn with its widgets, no code, links and quiz work."""

import urllib.error
import urllib.request

import pytest
from appdriver import app_problems, open_app_page, running_app, visible_code, wait_until_drawn
from labdriver import QUIZ_QUESTION, bring_into_view, module_screenshot

from mesocourse.modules import course_modules, quiz_modules

pytestmark = pytest.mark.browser
NOTEBOOKS = [module.notebook for module in course_modules()]
START = NOTEBOOKS[0]


@pytest.fixture(scope="module")
def app_server(browser_available, course_root, progress_file):
    """The app view as `make app` starts it, writing to the browser session's progress record."""
    env = {"MESOCOURSE_PROGRESS": str(progress_file), "MESOCOURSE_LEARNER": "browser-learner"}
    with running_app(course_root, env=env) as server:
        yield server


@pytest.fixture(scope="module")
def app_tab(open_tab, app_server):
    """One tab per module, opened once in the app view (each Voilà page runs its own kernel)."""
    tabs = {}

    def opened(notebook: str):
        if notebook not in tabs:
            tab = open_tab()
            open_app_page(tab, app_server, notebook)
            module_screenshot(tab, "app", notebook)  # for the gallery (tests/browser/gallery.py)
            tabs[notebook] = tab
        tabs[notebook].bring_to_front()
        return tabs[notebook]

    yield opened
    for tab in tabs.values():
        tab.context.close()  # closing a Voilà page shuts its kernel down


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_module_is_drawn_with_widgets_and_no_code_or_error(app_tab, notebook):
    """Each module: widgets drawn, no code cell or prompt, no error output, no "model not found", no page error."""
    tab = app_tab(notebook)
    assert tab.locator(".jp-OutputArea-output .jupyter-widgets").count() > 0, "the module's widgets are drawn"
    assert not visible_code(tab)
    assert not app_problems(tab)
    assert not tab.page_errors, tab.page_errors


@pytest.mark.parametrize("notebook", NOTEBOOKS)
def test_links_to_other_modules_stay_in_the_app(app_tab, notebook):
    """Every link to a module (NN.MM-Title.ipynb) opens that module as an app page, never a file or JupyterLab."""
    hrefs = app_tab(notebook).eval_on_selector_all("a[href*='.ipynb']", "links => links.map(link => link.href)")
    assert hrefs, "the module links to the others"
    outside = [href for href in hrefs if "/voila/render/" not in href]
    assert not outside, outside


def test_the_server_opens_on_the_start_page_and_next_leads_on(open_tab, app_server):
    """The address `make app` opens shows the start page; its "Next" link opens module 01 in the app."""
    tab = open_tab()
    try:
        tab.goto(app_server.url(""))
        wait_until_drawn(tab)
        assert tab.url.split("?")[0].endswith(f"/voila/render/{START}")
        tab.get_by_role("link", name="Next: What is mesotherapy?").first.click()
        tab.wait_for_url(f"**/voila/render/{NOTEBOOKS[1]}")
        wait_until_drawn(tab)
        assert not visible_code(tab) and not app_problems(tab)
    finally:
        tab.context.close()


def test_quiz_answer_shows_feedback_and_is_recorded(app_tab, progress_rows):
    """Click an option, then "Check my answer": feedback appears and the attempt lands in the progress record."""
    module = quiz_modules()[0]
    tab = app_tab(module.notebook)
    before = len(progress_rows(module.bank))
    question = tab.locator(QUIZ_QUESTION).filter(has=tab.locator(".mesocourse-single")).first
    bring_into_view(question)
    question.locator(".mesocourse-single .widget-checkbox label.widget-label-basic").first.click()
    question.get_by_role("button", name="Check my answer").click()
    feedback = question.locator('[role="status"]')
    feedback.filter(has_text="✔ Correct.").or_(feedback.filter(has_text="✘ Not quite.")).first.wait_for()
    assert len(progress_rows(module.bank)) == before + 1


def test_progress_page_offers_the_certificate(app_tab):
    """The progress module draws the certificate form (name box and button) in the app as in JupyterLab."""
    tab = app_tab(NOTEBOOKS[-1])
    form = tab.locator(".mesocourse-certificate")
    assert form.get_by_role("button", name="Make my certificate").count() == 1
    assert form.locator("input[type=text]").count() == 1


def test_pages_refuse_without_the_token(open_tab, app_server):
    """Without the token a module is not served (the login page instead), and there is no JupyterLab to reach."""
    tab = open_tab()
    try:
        tab.goto(f"{app_server.base}/voila/render/{START}")
        assert "/login" in tab.url
        assert tab.locator("#rendered_cells").count() == 0
    finally:
        tab.context.close()
    request = urllib.request.Request(f"{app_server.base}/api/contents/{START}")
    with pytest.raises(urllib.error.HTTPError) as refused:
        urllib.request.urlopen(request, timeout=10)
    assert refused.value.code == 403
    with pytest.raises(urllib.error.HTTPError) as missing:
        urllib.request.urlopen(app_server.url("lab"), timeout=10)
    assert missing.value.code == 404

"""The course's interactive pieces in the real browser: depth explorer, screening form, progress page, certificate."""

import io

import nbformat
import pytest
from labdriver import ARTIFACTS, bring_into_view, images_without_alt, open_notebook, run_all_cells, screenshot
from pypdf import PdfReader

from mesocourse.bank import course_bank
from mesocourse.modules import course_modules, quiz_modules
from mesocourse.progress import ProgressStore

pytestmark = pytest.mark.browser


def notebook_calling(function: str) -> str:
    """The first notebook of assets/modules.yaml with a code cell calling `function(`; fails when none does."""
    for module in course_modules():
        notebook = nbformat.read(module.path, as_version=4)
        if any(cell.cell_type == "code" and f"{function}(" in cell.source for cell in notebook.cells):
            return module.notebook
    raise AssertionError(f"no notebook listed in assets/modules.yaml calls {function}()")


def drawn_needle(drawing) -> str:
    """The needle the explorer's drawing shows ("1.5 mm at 30°"), from its data-needle attribute."""
    return drawing.get_attribute("data-needle")


def wait_for_new_drawing(page, before: str) -> None:
    """Wait until the explorer draws a different needle (the SVG over the picture is replaced on each redraw)."""
    page.wait_for_function(
        "(old) => { const drawing = document.querySelector('.mesocourse-depth-explorer .mesocourse-drawing');"
        " return drawing && drawing.dataset.needle !== old && drawing.querySelector('svg .needle') !== null; }",
        arg=before,
        timeout=30_000,
    )


def overlay_matches_picture(drawing) -> bool:
    """True when the SVG with the needle covers exactly the picture under it (same box on screen)."""
    return drawing.evaluate(
        "element => { const a = element.querySelector('img').getBoundingClientRect();"
        " const b = element.querySelector('svg').getBoundingClientRect();"
        " return a.width > 0 && ['x', 'y', 'width', 'height'].every(side => Math.abs(a[side] - b[side]) < 0.5); }"
    )


def test_depth_explorer_redraws_when_a_slider_moves(executed_notebook):
    """Dragging the needle-length slider redraws the needle exactly over the to-scale picture, with its alt text."""
    page = executed_notebook(notebook_calling("depth_explorer"))
    explorer = page.locator(".mesocourse-depth-explorer").first
    bring_into_view(explorer)
    drawing = explorer.locator(".mesocourse-drawing").first
    before = drawn_needle(drawing)
    slider = explorer.locator(".widget-slider").filter(has_text="length").first
    # The explorer is taller than the window: centring it leaves its sliders under the toolbar, so scroll to the
    # slider itself, as a learner would before dragging it.
    bring_into_view(slider)
    handle = slider.locator(".noUi-handle").first
    box = handle.bounding_box()
    page.mouse.move(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    page.mouse.down()
    page.mouse.move(box["x"] + box["width"] / 2 + 80, box["y"] + box["height"] / 2, steps=5)
    page.mouse.up()
    wait_for_new_drawing(page, before)
    assert drawing.locator("img").get_attribute("alt"), "the redrawn picture keeps its alt text"
    assert overlay_matches_picture(drawing), "the needle is drawn exactly over the picture"
    bring_into_view(drawing)
    screenshot(page, "depth-explorer-after-slider")


def test_depth_explorer_slider_moves_with_the_arrow_keys(executed_notebook):
    """A keyboard user can move the slider with the arrow keys (JupyterLab must not take them) and see a redraw."""
    page = executed_notebook(notebook_calling("depth_explorer"))
    explorer = page.locator(".mesocourse-depth-explorer").first
    bring_into_view(explorer)
    before = drawn_needle(explorer.locator(".mesocourse-drawing").first)
    explorer.locator(".widget-slider").filter(has_text="angle").first.locator(".noUi-handle").first.focus()
    page.keyboard.press("ArrowRight")
    wait_for_new_drawing(page, before)


def test_screening_form_shows_a_decision(executed_notebook):
    """Ticking a bleeding disorder on the intake form shows the decision "Do not treat" with its reasons."""
    page = executed_notebook(notebook_calling("screening_form"))
    form = page.locator(".mesocourse-screening").first
    bring_into_view(form)
    decision = form.locator('[role="status"]').first
    form.locator(".widget-text", has_text="Age in years").locator("input").fill("35")
    decision.filter(has_text="Decision: Treat").wait_for()
    form.locator(".widget-checkbox label").filter(has_text="Bleeding or clotting disorder").first.click()
    decision.filter(has_text="Decision: Do not treat").wait_for()
    screenshot(page, "screening-form-decision")


# Every text box and list of a widget must end inside its column, or its right border is cut off.
CONTROLS_PAST_THEIR_COLUMN = """(root) => [...root.querySelectorAll('input[type=text], select')].filter(control => {
    const column = control.closest('.widget-vbox').getBoundingClientRect();
    return control.getBoundingClientRect().right > column.right - 1;
}).map(control => control.closest('.widget-inline-hbox').innerText.trim().slice(0, 60))"""


def test_screening_decision_stays_in_view_at_the_last_item(executed_notebook):
    """Scrolled to the form's last item, the decision box is still on screen, and every box ends in its column."""
    page = executed_notebook(notebook_calling("screening_form"))
    form = page.locator(".mesocourse-screening").first
    bring_into_view(form)
    last = form.locator(".widget-checkbox, .widget-text, .widget-dropdown").last
    last.evaluate("element => element.scrollIntoView({block: 'end'})")
    page.wait_for_timeout(300)  # let the scroll settle before measuring (not a timing assert)
    in_view = form.evaluate(
        """(form) => {
            const scroller = form.closest('.jp-WindowedPanel-outer').getBoundingClientRect();
            const verdict = form.querySelector('.mesocourse-verdict [role=status]').getBoundingClientRect();
            const last = [...form.querySelectorAll('.widget-checkbox, .widget-text, .widget-dropdown')].pop();
            const item = last.getBoundingClientRect();
            return {item: item.top >= scroller.top && item.bottom <= scroller.bottom + 1,
                    verdict: verdict.top >= scroller.top - 1 && verdict.top + 40 <= scroller.bottom};
        }"""
    )
    assert in_view["item"], "the form's last item is on screen"
    assert in_view["verdict"], "the decision box is on screen beside the form's last item"
    screenshot(page, "screening-form-last-item")
    assert form.evaluate(CONTROLS_PAST_THEIR_COLUMN) == [], "every text box and list keeps its right border"


def test_case_list_keeps_its_right_border(executed_notebook):
    """The case drop-down ends inside the case widget's column, so its right border shows."""
    page = executed_notebook(notebook_calling("case_player"))
    player = page.locator(".mesocourse-quiz", has=page.locator("select")).first
    bring_into_view(player)
    assert player.evaluate(CONTROLS_PAST_THEIR_COLUMN) == []


def pass_every_quiz(progress_file, learner: str) -> None:
    """Record a right latest answer to every question of every quiz module for the browser learner."""
    store = ProgressStore(progress_file)
    for module in quiz_modules():
        for question in course_bank(module.bank).questions:
            store.record(module.bank, question.id, "key", True, question.objective, learner)


def test_progress_page_refreshes_and_certificate_downloads(executed_notebook, progress_file):
    """Once every quiz is passed, Refresh shows it (chart with alt text) and the form downloads a one-page PDF."""
    page = executed_notebook(notebook_calling("progress_report"))
    pass_every_quiz(progress_file, "browser-learner")
    report = page.locator(".mesocourse-progress").first
    bring_into_view(report)
    report.get_by_role("button", name="Refresh my progress").click()
    report.locator(f"text=You have passed all {len(quiz_modules())} module quizzes").wait_for()
    assert report.locator("img").count() == 1 and not images_without_alt(page)
    bring_into_view(report.locator("img"))
    screenshot(page, "progress-report")
    form = page.locator(".mesocourse-certificate").first
    bring_into_view(form)
    form.locator("input[type=text]").fill("Zoë Łukasiewicz")
    form.get_by_role("button", name="Make my certificate").click()
    link = form.locator("a.mesocourse-certificate-download")
    link.wait_for()
    screenshot(page, "certificate-ready")
    with page.expect_download() as download_info:
        link.click()
    saved = ARTIFACTS / "browser" / download_info.value.suggested_filename
    download_info.value.save_as(saved)
    reader = PdfReader(io.BytesIO(saved.read_bytes()))
    assert len(reader.pages) == 1
    assert "Zoë Łukasiewicz" in reader.pages[0].extract_text()


def test_progress_page_links_open_the_module_in_jupyterlab(page, learner_lab):
    """A module link on the progress page opens that module's notebook in a JupyterLab tab."""
    open_notebook(page, learner_lab, notebook_calling("progress_report"))
    run_all_cells(page)
    first = quiz_modules()[0]
    link = page.locator(".mesocourse-progress a", has_text=f"{first.number} {first.title}").first
    bring_into_view(link)
    link.click()
    page.locator(".jp-NotebookPanel:not(.lm-mod-hidden) .jp-Notebook").first.wait_for()
    page.wait_for_function(
        "(name) => [...document.querySelectorAll('.lm-TabBar-tab.lm-mod-current .lm-TabBar-tabLabel')]"
        ".some(tab => tab.textContent === name)",
        arg=first.notebook,
        timeout=30_000,
    )
    assert "/lab" in page.url

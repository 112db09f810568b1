"""A module quiz in the real browser: answered by clicking, answered with the keyboard alone, feedback shown."""

import pytest
from labdriver import QUIZ_QUESTION, bring_into_view, overlapping_options, screenshot

from mesocourse.modules import quiz_modules

pytestmark = pytest.mark.browser
# Tab presses allowed to reach a control; the notebook's links, toolbars and cells come first.
MAX_TABS = 300
FOCUSED = f"""() => {{
    const el = document.activeElement;
    if (!el) return null;
    const question = el.closest('{QUIZ_QUESTION}');
    return {{
        tag: el.tagName, type: el.type || '', text: (el.innerText || '').trim(),
        question: question ? [...document.querySelectorAll('{QUIZ_QUESTION}')].indexOf(question) : -1,
    }};
}}"""


@pytest.fixture
def quiz_page(executed_notebook):
    """The first quiz module, opened and run, as a learner reaches its quiz."""
    return executed_notebook(quiz_modules()[0].notebook)


def first_open_single_choice(page):
    """The first single-choice question not answered yet (pinned by position: it must not move once answered)."""
    index = page.evaluate(
        f"""() => [...document.querySelectorAll('{QUIZ_QUESTION}')].findIndex(question =>
            question.querySelector('.mesocourse-single') && [...question.querySelectorAll('button')]
                .some(button => button.textContent.trim() === 'Check my answer' && button.offsetParent !== null))"""
    )
    assert index >= 0, "the quiz has an unanswered single-choice question"
    return page.locator(QUIZ_QUESTION).nth(index)


def test_quiz_answered_by_clicking_shows_feedback_and_is_recorded(quiz_page, progress_rows):
    """Clicking an option's label and then "Check my answer" shows ✔/✘ feedback in words and saves the attempt."""
    before = len(progress_rows(quiz_modules()[0].bank))
    question = first_open_single_choice(quiz_page)
    bring_into_view(question)
    question.locator(".mesocourse-single .widget-checkbox label.widget-label-basic").first.click()
    question.get_by_role("button", name="Check my answer").click()
    feedback = question.locator('[role="status"]')
    feedback.filter(has_text="✔ Correct.").or_(feedback.filter(has_text="✘ Not quite.")).first.wait_for()
    screenshot(quiz_page, "quiz-answered-by-clicking")
    assert question.get_by_role("button", name="Try again").is_visible()
    assert len(progress_rows(quiz_modules()[0].bank)) == before + 1


def tab_until(page, wanted, description: str) -> dict:
    """Press Tab until the focused element satisfies `wanted`; fail saying what could not be reached."""
    for _ in range(MAX_TABS):
        page.keyboard.press("Tab")
        focused = page.evaluate(FOCUSED)
        if focused and wanted(focused):
            return focused
    raise AssertionError(f"{description} cannot be reached with Tab ({MAX_TABS} presses)")


def test_quiz_can_be_completed_with_the_keyboard_alone(quiz_page, progress_rows):
    """Tab to a question's option, tick it with Space, Tab to "Check my answer", press Enter: feedback appears."""
    option = tab_until(quiz_page, lambda f: f["type"] == "checkbox" and f["question"] >= 0, "a quiz option")
    number = option["question"]
    question = quiz_page.locator(QUIZ_QUESTION).nth(number)
    quiz_page.keyboard.press("Space")
    checked = question.locator("input[type=checkbox]:checked")
    assert checked.count() == 1, "Space should tick the option (JupyterLab must not take the key)"
    assert quiz_page.evaluate(FOCUSED)["question"] == number, "focus should stay in the question"
    tab_until(quiz_page, lambda f: f["text"] == "Check my answer" and f["question"] == number, "Check my answer")
    quiz_page.keyboard.press("Enter")
    feedback = question.locator('[role="status"]')
    feedback.filter(has_text="✔ Correct.").or_(feedback.filter(has_text="✘ Not quite.")).first.wait_for()
    screenshot(quiz_page, "quiz-answered-by-keyboard")
    assert progress_rows(quiz_modules()[0].bank), "the keyboard answer is saved to the progress record"
    # The pressed button is replaced by "Try again": focus must land there, not fall back to the top of the page.
    quiz_page.wait_for_function(f"() => ({FOCUSED})().text === 'Try again'", timeout=5_000)
    quiz_page.keyboard.press("Enter")
    question.get_by_role("button", name="Check my answer").wait_for()
    # The button is shown and focused by two widget messages; give the second a moment on a busy machine.
    quiz_page.wait_for_function(f"() => ({FOCUSED})().question === {number}", timeout=5_000)


def test_every_answer_option_is_readable_and_has_its_button(quiz_page):
    """Long answer options wrap onto more lines without running into the next option or hiding their button."""
    problems = overlapping_options(quiz_page)
    assert not problems, problems

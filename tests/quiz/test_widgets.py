"""mesocourse.quiz.widgets: answering through the widgets gives the right feedback, score and recorded attempts."""

import html
from pathlib import Path

import pytest

from mesocourse.progress import ProgressStore
from mesocourse.quiz.widgets import QuizView, build_quiz, show_quiz

BANK = "01-what-is-mesotherapy"


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress.sqlite")


@pytest.fixture
def quiz(store):
    return build_quiz(BANK, learner="nurse-a", store=store)


def view_of(quiz, question_id):
    return next(view for view in quiz.questions if view.question.id == question_id)


def choose(view, correct: bool):
    """Select (by its shown position) an option that is right or wrong, as a learner would click it."""
    wanted = next(i for i, option in enumerate(view.question.options) if option.correct == correct)
    view.choose(wanted)
    return wanted


def test_right_choice_shows_correct_feedback_and_explanation(quiz):
    """Choosing the right option and checking says Correct (in words), its feedback, the explanation and sources."""
    view = view_of(quiz, "definition")
    wanted = choose(view, correct=True)
    view.check_button.click()
    assert "✔ Correct." in view.feedback.value
    assert view.question.options[wanted].feedback.split(".")[0] in view.feedback.value
    assert "Why:" in view.feedback.value and "Sivagnanam" in view.feedback.value


def test_wrong_choice_shows_that_options_feedback_not_the_explanation(quiz):
    """A wrong pick says Not quite with that option's own feedback, and holds the explanation back at first."""
    view = view_of(quiz, "definition")
    wanted = choose(view, correct=False)
    view.check_button.click()
    assert "✘ Not quite." in view.feedback.value
    assert view.question.options[wanted].feedback.split(".")[0] in view.feedback.value
    assert "Why:" not in view.feedback.value


def test_explanation_shown_after_second_wrong_check(quiz):
    """After two wrong checks the explanation appears so nobody is left stuck."""
    view = view_of(quiz, "definition")
    choose(view, correct=False)
    view.check_button.click()
    view.retry_button.click()
    view.check_button.click()
    assert "Why:" in view.feedback.value


def test_second_wrong_check_names_the_right_option_as_shown(quiz):
    """After two wrong tries the feedback names the right option by its shown letter and text, then closes it."""
    view = view_of(quiz, "definition")
    choose(view, correct=False)
    view.check_button.click()
    assert "The right answer is" not in view.feedback.value
    view.retry_button.click()
    view.check_button.click()
    key = next(i for i, option in enumerate(view.question.options) if option.correct)
    letter = "ABCDEFGH"[view.order.index(key)]
    assert f"The right answer is {letter}. {html.escape(view.question.options[key].text)}" in view.feedback.value
    assert view.retry_button.layout.display == "none" and all(box.disabled for box in view.checkboxes)


def test_numeric_answer_is_named_after_two_wrong_tries(quiz):
    """A numeric question also says its right value with the unit once the tries are used up."""
    view = view_of(quiz, "pistor-year")
    view.text_box.value = "1900"
    view.check_button.click()
    view.retry_button.click()
    view.check_button.click()
    assert "The right answer is 1952." in view.feedback.value


def test_score_counts_only_the_first_try(store):
    """Wrong first, right on the retry: the question shows as answered but adds nothing to the score."""
    quiz = build_quiz(BANK, learner="nurse-d", store=store)
    view = quiz.questions[0]
    answer_wrongly(view)
    view.retry_button.click()
    answer_correctly(view)
    assert view.verdict.correct
    assert quiz.score() == (0, 1, 13)
    assert "0 of 13 right at the first try (1 answered)" in quiz.score_label.value


def test_a_wrong_safety_question_means_not_passed_whatever_the_score(store):
    """All right but one must-pass question: the summary says not passed and names that question's number."""
    quiz = build_quiz(BANK, learner="nurse-e", store=store)
    safety = [n for n, view in enumerate(quiz.questions, 1) if view.question.must_pass]
    assert safety, "the bank marks safety questions"
    for number, view in enumerate(quiz.questions, 1):
        answer_wrongly(view) if number == safety[0] else answer_correctly(view)
    assert "reached the pass mark" not in quiz.score_label.value
    assert f"safety question {safety[0]} must be right" in quiz.score_label.value
    assert "must be right to pass" in quiz.questions[safety[0] - 1].prompt.value


def test_check_without_choice_asks_for_an_answer_and_records_nothing(quiz, store):
    """Pressing check with nothing chosen explains what to do and is not counted as an attempt."""
    view = view_of(quiz, "definition")
    view.check_button.click()
    assert "Please choose an answer first." in view.feedback.value
    assert view.verdict is None and store.attempts(learner="nurse-a") == []


def test_retry_unlocks_the_answer_and_keeps_option_order(quiz):
    """Try again clears the feedback and re-enables the options, in the same shuffled order."""
    view = view_of(quiz, "definition")
    before = [box.description for box in view.checkboxes]
    choose(view, correct=False)
    view.check_button.click()
    assert all(box.disabled for box in view.checkboxes)
    view.retry_button.click()
    assert not any(box.disabled for box in view.checkboxes) and view.feedback.value == ""
    assert [box.description for box in view.checkboxes] == before


def test_select_all_needs_every_correct_option(quiz):
    """Ticking only some of the right answers is not correct and says an answer is missing."""
    view = view_of(quiz, "what-is-injected")
    correct_positions = [p for p, i in enumerate(view.order) if view.question.options[i].correct]
    view.checkboxes[correct_positions[0]].value = True
    view.check_button.click()
    assert not view.verdict.correct
    assert "still missing" in view.feedback.value
    view.retry_button.click()
    for position in correct_positions:
        view.checkboxes[position].value = True
    view.check_button.click()
    assert view.verdict.correct


def test_select_all_with_a_wrong_tick_is_not_correct(quiz):
    """Ticking every right answer plus a wrong one is marked wrong, with the wrong option's feedback."""
    view = view_of(quiz, "what-is-injected")
    for box in view.checkboxes:
        box.value = True
    view.check_button.click()
    assert not view.verdict.correct
    assert "tap water" in view.feedback.value.lower()


def test_numeric_answer_within_tolerance_and_hint_for_known_mistake(quiz):
    """A numeric answer is right only within tolerance; a known wrong value gets its own hint."""
    view = view_of(quiz, "pistor-year")
    view.text_box.value = "1958"
    view.check_button.click()
    assert not view.verdict.correct and "first printed" in view.feedback.value
    view.retry_button.click()
    view.text_box.value = "1952"
    view.check_button.click()
    assert view.verdict.correct


def test_score_counts_correct_and_reports_pass_mark(store):
    """The score follows each check, and once all are answered it says whether the pass mark is reached."""
    quiz = build_quiz(BANK, learner="nurse-b", store=store)
    assert "0 of 13 right at the first try (0 answered)" in quiz.score_label.value
    for view in quiz.questions:
        answer_correctly(view)
    assert quiz.score() == (13, 13, 13)
    assert "reached the pass mark" in quiz.score_label.value


def test_score_below_pass_mark_says_so(store):
    """With too many wrong answers the summary says the pass mark is not reached."""
    quiz = build_quiz(BANK, learner="nurse-c", store=store)
    for view in quiz.questions[:5]:
        answer_wrongly(view)
    for view in quiz.questions[5:]:
        answer_correctly(view)
    assert quiz.score() == (8, 13, 13)
    assert "The pass mark is 80%" in quiz.score_label.value


def answer_correctly(view):
    q = view.question
    if q.kind == "single":
        choose(view, correct=True)
    elif q.kind == "multiple":
        for position, index in enumerate(view.order):
            view.checkboxes[position].value = q.options[index].correct
    else:
        view.text_box.value = str(q.answer)
    view.check_button.click()


def answer_wrongly(view):
    q = view.question
    if q.kind == "single":
        choose(view, correct=False)
    elif q.kind == "multiple":
        for box in view.checkboxes:
            box.value = True
    else:
        view.text_box.value = str(q.answer + q.tolerance + 100)
    view.check_button.click()


def test_every_check_is_recorded_with_answer_and_result(quiz, store):
    """Each check writes one attempt (question, answer, correct, time) to the learner's progress."""
    view = view_of(quiz, "definition")
    choose(view, correct=False)
    view.check_button.click()
    view.retry_button.click()
    choose(view, correct=True)
    view.check_button.click()
    attempts = store.attempts(BANK, learner="nurse-a")
    assert [(a.question_id, a.correct) for a in attempts] == [("definition", False), ("definition", True)]
    assert attempts[0].answered_at and attempts[0].answer


def test_failing_progress_store_still_gives_feedback(tmp_path):
    """If progress cannot be saved, the learner still gets feedback and a plain note, not a traceback."""
    blocker = tmp_path / "not-a-folder"
    blocker.write_text("x")
    quiz = build_quiz(BANK, learner="nurse-d", store=ProgressStore(blocker / "progress.sqlite"))
    view = view_of(quiz, "definition")
    choose(view, correct=True)
    view.check_button.click()
    assert "✔ Correct." in view.feedback.value and "could not be saved" in view.feedback.value


def test_show_quiz_with_broken_bank_displays_plain_message(tmp_path, monkeypatch):
    """A broken bank shows a message for the trainer in the notebook, not a traceback."""
    shown = []
    monkeypatch.setattr("mesocourse.quiz.widgets.display", shown.append)
    path = tmp_path / "broken.yaml"
    path.write_text("module: '09'\n", encoding="utf-8")
    show_quiz(str(path))
    assert len(shown) == 1
    assert "could not be loaded" in shown[0].data and "missing required field" in shown[0].data


def test_quiz_view_has_keyboard_usable_controls(quiz):
    """Choices are native checkboxes / text boxes and buttons, all reachable with Tab."""
    kinds = {view.question.kind: view for view in quiz.questions}
    assert kinds["single"].checkboxes and kinds["multiple"].checkboxes
    assert all(box.indent is False for box in kinds["multiple"].checkboxes)
    assert kinds["numeric"].text_box is not None
    assert isinstance(quiz, QuizView) and "keyboard" in quiz.widget.children[0].value


JQ_EXAMPLES = Path(__file__).resolve().parents[1] / "jupyterquiz" / "examples.json"


def test_imported_string_and_fraction_answers_through_the_widgets(store):
    """A jupyterquiz file's string and numeric questions are answered by typing, as in jupyterquiz."""
    quiz = build_quiz(str(JQ_EXAMPLES), learner="nurse-j", store=store)
    president, fraction = view_of(quiz, "q09"), view_of(quiz, "q04")
    president.text_box.value = "john f. kennedy"
    president.check_button.click()
    fraction.text_box.value = "22/7"
    fraction.check_button.click()
    assert president.verdict.correct and fraction.verdict.correct
    assert r"\(\pi\)" in fraction.feedback.value and "Why:" not in fraction.feedback.value


def test_single_and_select_all_options_are_typeset_the_same_way(store):
    """LaTeX, code and markdown in options reach single-choice and select-all boxes as the same HTML."""
    quiz = build_quiz(str(JQ_EXAMPLES), learner="nurse-j", store=store)
    single = view_of(quiz, "q08")
    assert all(box.description_allow_html for box in single.checkboxes)
    assert any(r"\(\frac{22}{7}\)" in box.description for box in single.checkboxes)
    code = view_of(quiz, "q07")
    assert any("<code>items += [3]</code>" in box.description for box in code.checkboxes)
    assert "<pre><code>" in view_of(quiz, "q06").prompt.value
    # Only q02 asks for columns; the options' grid is the third part of the question.
    assert view_of(quiz, "q01").widget.children[2].layout.grid_template_columns == "repeat(1, 1fr)"
    assert view_of(quiz, "q02").widget.children[2].layout.grid_template_columns == "repeat(4, 1fr)"


def test_single_choice_keeps_one_tick(quiz):
    """Ticking a second option of a single-choice question clears the first."""
    view = view_of(quiz, "definition")
    view.checkboxes[0].value = True
    view.checkboxes[1].value = True
    assert [box.value for box in view.checkboxes[:2]] == [False, True]


@pytest.mark.parametrize(
    "content",
    [
        b'[{"question": "Q?", "type": "multiple_choice", "answers": {"answer": "A", "correct": true}}]',
        b"[" * 100000,
        b"\xef\xbb\xbf[]",
    ],
)
def test_show_quiz_shows_a_plain_message_for_any_load_failure(tmp_path, monkeypatch, content):
    """F-27: whatever a jupyterquiz file holds, show_quiz displays a message and never a traceback."""
    shown = []
    monkeypatch.setattr("mesocourse.quiz.widgets.display", shown.append)
    path = tmp_path / "bank.json"
    path.write_bytes(content)
    show_quiz(str(path))
    assert len(shown) == 1 and "could not be loaded" in shown[0].data


def test_show_quiz_survives_an_unexpected_error(monkeypatch):
    """Even an error nobody foresaw becomes the plain message."""
    shown = []
    monkeypatch.setattr("mesocourse.quiz.widgets.display", shown.append)
    monkeypatch.setattr("mesocourse.quiz.widgets.build_quiz", lambda name: 1 / 0)
    show_quiz("01-what-is-mesotherapy")
    assert "could not be loaded" in shown[0].data

"""mesocourse.grading.graded_copy: an answer form's verdicts speak of the form, not of typing Python."""

import pytest

from mesocourse.grading.graded_copy import judge_in_version
from mesocourse.grading.scoring import Answer, HiddenKey
from mesocourse.grading.variants import QuestionVersion

KEY = HiddenKey("q01-pick", "answer_q1", "letter", "not-a-digest")


@pytest.mark.parametrize("blank", ["", None, []])
def test_a_question_left_blank_on_the_form_is_not_answered_without_typing_advice(blank):
    question = QuestionVersion("q01-pick", 1, "letter", 1.0, "Which?", explanation="Because [ref-5].", key="C")
    verdict = judge_in_version(KEY, Answer(blank), b"secret", question)
    assert not verdict.right
    assert verdict.message == "✘ Not answered.\nWhy: Because [ref-5]."

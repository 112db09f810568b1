"""Item analysis: facility, discrimination and flags that point a trainer at questions to review."""

from collections import Counter

import pytest

from mesocourse.grading.item_analysis import _shown_answer, correlation, flags_for


def test_correlation_of_aligned_and_opposed_scores():
    """Scores that rise together correlate +1, opposite ones -1, constant ones give no value."""
    assert correlation([0, 1, 1, 0], [1, 3, 3, 1]) == pytest.approx(1.0)
    assert correlation([0, 1, 1, 0], [3, 1, 1, 3]) == pytest.approx(-1.0)
    assert correlation([1, 1, 1], [1, 2, 3]) is None


def test_a_good_question_is_not_flagged():
    """Middling facility and positive discrimination with enough learners: no flag."""
    assert flags_for(0.6, 0.4, Counter({"B": 6, "C": 4}), "B", 10) == []


def test_a_question_that_strong_learners_miss_suggests_a_wrong_key():
    """Negative discrimination and a wrong option chosen more often than the key are both flagged."""
    flags = flags_for(0.2, -0.3, Counter({"C": 7, "B": 2, "A": 1}), "B", 10)
    assert "hard: check the key and the wording" in flags
    assert "strong learners miss it more often: check the key" in flags
    assert "more learners chose C than the key: check both" in flags


def test_small_cohorts_are_marked_as_hints():
    """With fewer than five learners, flags come with a warning."""
    flags = flags_for(0.0, None, Counter({"A": 3}), "B", 3)
    assert flags[-1] == "only 3 learners: treat as a hint"


@pytest.mark.parametrize(
    ("source", "shown"),
    [
        ('answer_q1 = "b"', "B"),
        ('answer_q1 = ["c", "A"]', "A+C"),
        ("answer_q1 = 2.50", "2.5"),
        ('answer_q1 = ""', "(blank)"),
        ("answer_q1 = B", "(unreadable)"),
    ],
)
def test_typed_answers_are_normalised_for_counting(source, shown):
    """Answers are counted in one spelling; blanks and unreadable cells are labelled."""
    assert _shown_answer(source) == shown


def test_huge_or_deep_answers_are_counted_not_crashed_on():
    """F-4: a 400-digit number and a deeply nested answer are shown as placeholders; the report goes on."""
    assert _shown_answer("answer_q1 = 1" + "0" * 400) == "(huge number)"
    assert _shown_answer("answer_q1 = " + "[" * 100_000) == "(unreadable)"

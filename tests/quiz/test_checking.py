"""mesocourse.quiz.checking: typed numbers, tolerances and option order, decided without any widget."""

import pytest

from mesocourse.bank import load_bank
from mesocourse.quiz.checking import AnswerFormatError, grade_numeric, parse_number, shuffled_options

BANK = "01-what-is-mesotherapy"


def test_numeric_parsing_accepts_comma_and_unit_but_rejects_words():
    """Learners may type 2,5 or 2.5 mm; a word is a format problem, not a wrong answer."""
    assert parse_number("2,5") == 2.5
    assert parse_number(" 2.5 mm") == 2.5
    with pytest.raises(AnswerFormatError):
        parse_number("deep")


def test_numeric_tolerance_edges():
    """The tolerance is inclusive on both sides and nothing beyond it passes."""
    question = load_bank(BANK).question("pistor-year")
    assert grade_numeric(question, "1952").correct
    assert not grade_numeric(question, "1953").correct


def test_shuffle_is_stable_per_learner_and_differs_between_learners():
    """Option order is the same on every call for one learner, and not the same order for everyone."""
    bank = load_bank(BANK)
    question = bank.question("what-is-injected")
    assert shuffled_options(question, "nurse-a") == shuffled_options(question, "nurse-a")
    orders = {tuple(shuffled_options(question, f"learner-{n}")) for n in range(10)}
    assert len(orders) > 1

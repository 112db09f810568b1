"""Moodle's item and test statistics on cohorts small enough to work out by hand (the sums are in the docstrings)."""

import json
import math
import subprocess
import sys

import pytest

from mesocourse.grading.statistics import (
    Cohort,
    Item,
    assignment_statistics,
    efficiency,
    objective_mastery,
    question_statistics,
)

NEEDLES, LAYERS = "Needle geometry", "Skin layers"
ONE_POINT = [Item("q1", 1, NEEDLES), Item("q2", 1, NEEDLES), Item("q3", 1, LAYERS)]
# Four learners; totals a=3, b=2, c=2, d=0.
MARKS = {
    "a": {"q1": 1, "q2": 1, "q3": 1},
    "b": {"q1": 1, "q2": 0, "q3": 1},
    "c": {"q1": 0, "q2": 1, "q3": 1},
    "d": {"q1": 0, "q2": 0, "q3": 0},
}


def _stats(cohort, item_id):
    return question_statistics(cohort, next(item for item in cohort.items if item.item_id == item_id))


def test_facility_and_standard_deviation():
    """q1 marks 1,1,0,0: facility 2/4 = 0.5; sample variance (4 x 0.25)/3 = 1/3, so SD = sqrt(1/3)."""
    stats = _stats(Cohort(ONE_POINT, MARKS), "q1")
    assert stats.facility == pytest.approx(0.5)
    assert stats.sd == pytest.approx(math.sqrt(1 / 3))


def test_discrimination_index_is_against_the_rest_of_the_test():
    """q1 marks 1,1,0,0 against rest 2,1,2,0: covariance 0.5/3, variances 1/3 and 2.75/3, so r = 1/sqrt(11)."""
    stats = _stats(Cohort(ONE_POINT, MARKS), "q1")
    assert stats.discrimination == pytest.approx(1 / math.sqrt(11))


def test_discriminative_efficiency_compares_with_the_best_pairing():
    """Sorted, q1 0,0,1,1 and rest 0,1,2,2 give covariance 1.5/3 = 0.5; actual 1/6, so efficiency is 1/3."""
    stats = _stats(Cohort(ONE_POINT, MARKS), "q1")
    assert stats.efficiency == pytest.approx(1 / 3)
    assert efficiency([0, 1], [0, 1]) == pytest.approx(1.0)


def test_marks_are_weighted_by_points():
    """A 2-point question scored 2,1,0,0 has facility 3/8; the rest of the test uses points, not shares."""
    items = [Item("q1", 2), Item("q2", 1)]
    marks = {"a": {"q1": 2, "q2": 1}, "b": {"q1": 1, "q2": 1}, "c": {"q1": 0, "q2": 0}, "d": {"q1": 0, "q2": 1}}
    stats = _stats(Cohort(items, marks), "q1")
    assert stats.facility == pytest.approx(3 / 8)
    # q1 2,1,0,0 against rest 1,1,0,1, both of mean 0.75: products of deviations 1.25*0.25 + 0.25*0.25 + 0.75*0.75
    # - 0.75*0.25 = 0.75; squares 2.75 and 0.75 (the common 1/3 cancels).
    assert stats.discrimination == pytest.approx(0.75 / math.sqrt(2.75 * 0.75))


def test_cronbach_alpha_error_ratio_and_standard_error():
    """Question variances 1/3 + 1/3 + 1/4 = 11/12, total variance 19/12: alpha = 3/2 (1 - 11/19) = 12/19;
    error ratio sqrt(7/19); standard error sqrt(7/19) x sqrt(19/12) = sqrt(7/12)."""
    test = assignment_statistics(Cohort(ONE_POINT, MARKS))
    assert (test.learners, test.questions, test.max_total) == (4, 3, 3)
    assert test.mean == pytest.approx(1.75) and test.median == pytest.approx(2)
    assert test.sd == pytest.approx(math.sqrt(19 / 12))
    assert test.alpha == pytest.approx(12 / 19)
    assert test.error_ratio == pytest.approx(math.sqrt(7 / 19))
    assert test.standard_error == pytest.approx(math.sqrt(7 / 12))


def test_alpha_below_the_two_moodle_levels_is_flagged_with_its_number():
    """12/19 = 0.63 is below 0.64; the flag says so in words, with the number and the threshold."""
    flags = [str(flag) for flag in assignment_statistics(Cohort(ONE_POINT, MARKS)).flags]
    assert "alpha below 0.64 (0.63, threshold 0.64): the test as a whole is unsatisfactory" in flags
    assert "few learners (4, threshold 5): treat every flag as a hint" in flags


def test_everyone_right_has_no_spread_and_is_too_easy():
    """All marks 1: facility 1, SD 0, no discrimination or efficiency (nothing varies), no alpha; flagged too easy."""
    marks = {learner: {"q1": 1, "q2": 1} for learner in "abcdef"}
    cohort = Cohort([Item("q1", 1), Item("q2", 1)], marks)
    stats = _stats(cohort, "q1")
    assert (stats.facility, stats.sd, stats.discrimination, stats.efficiency) == (1.0, 0.0, None, None)
    assert [flag.label for flag in stats.flags] == ["too easy"]
    test = assignment_statistics(cohort)
    assert (test.sd, test.alpha, test.error_ratio, test.standard_error) == (0.0, None, None, None)


def test_zero_variance_question_in_a_varied_test():
    """A question everyone misses beside one that varies: facility 0, too hard, no discrimination; alpha still
    follows the formula: 2/1 (1 - (0 + 1/3) / (1/3)) = 0."""
    marks = {"a": {"q1": 0, "q2": 1}, "b": {"q1": 0, "q2": 1}, "c": {"q1": 0, "q2": 0}, "d": {"q1": 0, "q2": 0}}
    cohort = Cohort([Item("q1", 1), Item("q2", 1)], marks)
    stats = _stats(cohort, "q1")
    assert (stats.facility, stats.discrimination) == (0.0, None)
    assert "too hard" in [flag.label for flag in stats.flags]
    assert assignment_statistics(cohort).alpha == pytest.approx(0.0)


def test_one_learner():
    """One learner: facility is their share; SD, discrimination, alpha need two or more and stay empty."""
    cohort = Cohort(ONE_POINT, {"a": MARKS["b"]})
    stats = _stats(cohort, "q1")
    assert (stats.facility, stats.sd, stats.discrimination, stats.efficiency) == (1.0, None, None, None)
    test = assignment_statistics(cohort)
    assert (test.mean, test.sd, test.alpha) == (2, None, None)
    assert [flag.label for flag in test.flags] == ["few learners"]


def test_one_question():
    """A one-question test has no rest to correlate with and no alpha (k/(k-1) needs two questions)."""
    marks = {"a": {"q1": 1}, "b": {"q1": 0}, "c": {"q1": 1}}
    cohort = Cohort([Item("q1", 1)], marks)
    stats = _stats(cohort, "q1")
    assert stats.facility == pytest.approx(2 / 3) and stats.discrimination is None
    assert assignment_statistics(cohort).alpha is None


def test_option_shares_and_their_own_discrimination():
    """Key B chosen by a and b, C by c, A by d: shares 1/4, 1/2, 1/4. Option C (0,0,1,0) against rest 2,1,2,0:
    covariance 0.75/3, variances 0.75/3 and 2.75/3, so r = 0.75 / sqrt(0.75 x 2.75) = sqrt(3/11)."""
    items = [Item("q1", 1, options="ABC", key=frozenset("B")), *ONE_POINT[1:]]
    marks = {"a": MARKS["a"], "b": MARKS["b"], "c": MARKS["c"], "d": MARKS["d"]}
    choices = {"a": {"q1": {"B"}}, "b": {"q1": {"B"}}, "c": {"q1": {"C"}}, "d": {"q1": {"A"}}}
    stats = _stats(Cohort(items, marks, choices), "q1")
    options = {option.letter: option for option in stats.options}
    assert [options[letter].share for letter in "ABC"] == [0.25, 0.5, 0.25]
    assert options["B"].is_key and not options["C"].is_key
    assert options["C"].discrimination == pytest.approx(math.sqrt(3 / 11))
    # One learner is not a pattern: the strong-distractor flag needs two learners on that option.
    assert not any(flag.label.startswith("distractor") for flag in stats.flags)


def test_a_distractor_the_strong_choose_is_flagged():
    """The three best learners chose C, the key is A: C's discrimination is positive, chosen by 3, and flagged."""
    items = [Item("q1", 1, options="ABC", key=frozenset("A")), Item("q2", 1), Item("q3", 1)]
    rest = {"a": 2, "b": 2, "c": 2, "d": 0, "e": 0, "f": 1}
    marks = {
        learner: {"q1": 1 if learner in "de" else 0, "q2": min(r, 1), "q3": max(r - 1, 0)}
        for learner, r in rest.items()
    }
    choices = {learner: {"q1": {"C"} if learner in "abc" else {"A"} if learner in "de" else {"B"}} for learner in rest}
    stats = _stats(Cohort(items, marks, choices), "q1")
    labels = {flag.label: flag for flag in stats.flags}
    assert "distractor C chosen by the strong" in labels
    assert labels["distractor C chosen by the strong"].value > 0
    assert "strong learners miss it" in labels
    assert "distractor C chosen more than the key" in labels


def test_mastery_per_objective_for_the_cohort_and_each_learner():
    """Needle geometry (q1, q2): a 2/2, b 1/2, c 1/2, d 0/2, cohort 0.5; skin layers (q3): 3 of 4 right."""
    mastery = {m.objective: m for m in objective_mastery(Cohort(ONE_POINT, MARKS))}
    needles = mastery[NEEDLES]
    assert needles.questions == ["q1", "q2"] and needles.max_mark == 2
    assert needles.learners == {"a": 1.0, "b": 0.5, "c": 0.5, "d": 0.0}
    assert needles.cohort == pytest.approx(0.5)
    assert needles.not_mastered == ["b", "c", "d"]
    assert mastery[LAYERS].cohort == pytest.approx(0.75)


def test_the_statistics_load_without_nbgrader_or_plotting():
    """Plain numbers in, numbers out: importing the module pulls in neither nbgrader nor matplotlib."""
    probe = (
        "import sys, json, mesocourse.grading.statistics; "
        "print(json.dumps(sorted({m.split('.')[0] for m in sys.modules} & {'nbgrader', 'matplotlib', 'nbformat'})))"
    )
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert json.loads(done.stdout) == []

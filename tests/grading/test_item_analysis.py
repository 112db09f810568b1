"""Reading a graded cohort into the statistics: typed answers, chosen options, first attempts, objectives."""

import pytest

from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.item_analysis import (
    UNREADABLE,
    answer_value,
    build_analysis,
    chosen_options,
    item_for,
    later_attempt,
    report_table,
    shown_answer,
    summary_lines,
)
from mesocourse.grading.variants import parameter_spec
from mesocourse.paths import ROOT
from tests.grading.cohorts import ASEPSIS, NEEDLES, PRODUCT, source_notebook


@pytest.mark.parametrize(
    ("source", "shown", "chosen"),
    [
        ('answer_q1 = "b"', "B", {"B"}),
        ('answer_q1 = ["c", "A"]', "A+C", {"A", "C"}),
        ("answer_q1 = 2.50", "2.5", set()),
        ('answer_q1 = ""', "(blank)", set()),
        ("answer_q1 = B", "(unreadable)", set()),
        ("answer_q1 = 1 +", "(unreadable)", set()),
    ],
)
def test_typed_answers_are_read_as_data_and_normalised(source, shown, chosen):
    """Answers are counted in one spelling and read as options; blanks and code are labelled, never run."""
    value = answer_value(source)
    assert shown_answer(value) == shown
    assert chosen_options(value) == frozenset(chosen)


def test_source_questions_become_items_with_key_options_and_objective(tmp_path):
    """A letter question's key is its letter, a select-all one's its letters, a number question has no options."""
    items = [item_for(q) for q in read_assignment(source_notebook(tmp_path)).autograded]
    assert [(i.options, set(i.key), i.objective) for i in items] == [
        ("ABCD", {"B"}, NEEDLES),
        ("ABCD", {"A", "C"}, PRODUCT),
        ("", set(), ASEPSIS),
    ]


def test_the_analysis_counts_answers_and_options(tmp_path):
    """Three learners: option shares and typed answers come from what they typed, marks from the gradebook."""
    source = read_assignment(source_notebook(tmp_path))
    q1, q2, q3 = (q.grade_id for q in source.autograded)
    typed = {
        "a": {q1: "B", q2: ["A", "C"], q3: 3.5},
        "b": {q1: "C", q2: ["A"], q3: 3.5},
        "c": {q1: "B", q2: UNREADABLE, q3: None},
    }
    marks = {"a": {q1: 1, q2: 1, q3: 1}, "b": {q1: 0, q2: 0, q3: 1}, "c": {q1: 1, q2: 0, q3: 0}}
    analysis = build_analysis(source, marks, typed, ["d"])
    first = analysis.questions[0]
    assert first.answers == {"B": 2, "C": 1} and first.key == "B"
    assert {o.letter: o.chosen_by for o in first.stats.options} == {"A": 0, "B": 2, "C": 1, "D": 0}
    assert analysis.questions[1].answers == {"A+C": 1, "A": 1, "(unreadable)": 1}
    assert analysis.questions[2].answers == {"3.5": 2, "(blank)": 1}
    assert analysis.questions[0].stats.facility == pytest.approx(2 / 3)
    assert [m.objective for m in analysis.objectives] == [NEEDLES, PRODUCT, ASEPSIS]
    table = report_table(analysis)
    assert "Q1 item1" in table and "B x2, C x1" in table
    assert "Left out (second attempts, first attempts only): d" in summary_lines(analysis)


class _Course:
    """Just the folders later_attempt reads."""

    def __init__(self, root):
        self.root = root
        self.submitted_dir = root / "grading" / "submitted"

    def notebook_names(self, assignment_id):
        return [f"{assignment_id}.ipynb"]


def test_only_first_attempts_count(tmp_path):
    """A submission that replaced a different earlier one is a second attempt; the same file collected twice is not."""
    course = _Course(tmp_path)
    for learner, earlier in (("again", b"first try"), ("same", b"only try"), ("once", None)):
        now = course.submitted_dir / learner / "mini" / "mini.ipynb"
        now.parent.mkdir(parents=True)
        now.write_bytes(b"only try" if learner == "same" else b"second try")
        if earlier:
            kept = tmp_path / "grading" / "replaced" / "20250101-120000" / learner / "mini" / "mini.ipynb"
            kept.parent.mkdir(parents=True)
            kept.write_bytes(earlier)
    assert [later_attempt(course, "mini", learner) for learner in ("again", "same", "once")] == [True, False, False]


def test_huge_or_deep_answers_are_counted_not_crashed_on():
    """F-4: a 400-digit number and a deeply nested answer are shown as placeholders; the report goes on."""
    assert shown_answer(answer_value("answer_q1 = 1" + "0" * 400)) == "(huge number)"
    assert shown_answer(answer_value("answer_q1 = " + "[" * 100_000)) == UNREADABLE


def test_a_question_drawn_per_learner_gets_no_option_statistics():
    """Each learner of a drawn question has their own key: option shares against the source key would mislead."""
    source = read_assignment(ROOT / "assignments" / "contraindications" / "contraindications.ipynb")
    drawn = next(q for q in source.autograded if parameter_spec("contraindications", q.grade_id))
    assert item_for(drawn, "contraindications").options == ""
    # The same question in an assignment without versions: one key for everyone, so option shares are meaningful.
    assert item_for(drawn, "an-assignment-without-versions").options != ""

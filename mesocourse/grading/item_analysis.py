"""Item analysis of a graded assignment: reads nbgrader's gradebook and the graded copies into the statistics.

Marks come from the gradebook (nbgrader's API), the options each learner chose from their graded copy, the
objectives and keys from the source notebook; `mesocourse.grading.statistics` does the arithmetic. As in Moodle,
only first attempts count: a learner whose graded submission replaced a different earlier one (kept in
grading/replaced/) is left out of the statistics and named, since the second try builds on the first.
"""

import ast
import csv
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

import nbformat

from mesocourse.grading.answer_format import LETTER, LETTERS
from mesocourse.grading.authoring import AssignmentSource, AutogradedQuestion, question_label, read_assignment
from mesocourse.grading.course import Course, TrainerError, format_table
from mesocourse.grading.plain import gradebook_source
from mesocourse.grading.statistics import (
    AssignmentStats,
    Cohort,
    Item,
    ObjectiveMastery,
    QuestionStats,
    assignment_statistics,
    number,
    objective_mastery,
    question_statistics,
)
from mesocourse.grading.variants import parameter_spec

BLANK, UNREADABLE = "(blank)", "(unreadable)"


@dataclass
class QuestionReport:
    """One question: its source (text, key), its statistics, and the answers typed."""

    question: AutogradedQuestion
    stats: QuestionStats
    answers: Counter = field(default_factory=Counter)

    @property
    def grade_id(self) -> str:
        """The question's nbgrader id."""
        return self.question.grade_id

    @property
    def label(self) -> str:
        """ "Question 3", as learners and trainers call it."""
        return question_label(self.grade_id)

    @property
    def short(self) -> str:
        """ "Q3", for plots and tables."""
        return f"Q{self.question.number}"

    @property
    def key(self) -> str:
        """The key as typed answers are counted ("B", "A+C", "3.5")."""
        return "-" if self.question.solution is None else key_text(self.question.solution)


@dataclass
class Analysis:
    """Everything the cohort report shows for one assignment."""

    assignment_id: str
    source: AssignmentSource
    cohort: Cohort
    test: AssignmentStats
    questions: list[QuestionReport]
    objectives: list[ObjectiveMastery]
    later_attempts: list[str] = field(default_factory=list)

    @property
    def flagged(self) -> list[QuestionReport]:
        """Questions with at least one flag, in question order."""
        return [question for question in self.questions if question.stats.flags]


def key_text(solution) -> str:
    """A key in the spelling typed answers are counted in."""
    if isinstance(solution, list):
        return "+".join(sorted(solution))
    return f"{solution:g}" if isinstance(solution, int | float) else str(solution)


def answer_value(source: str):
    """The value typed in an answer cell (`answer_q1 = "b"`), or UNREADABLE when it is not a plain value."""
    try:
        tree = ast.parse(source)
        return ast.literal_eval(next(node for node in tree.body if isinstance(node, ast.Assign)).value)
    except (SyntaxError, ValueError, StopIteration, TypeError, MemoryError, RecursionError):
        return UNREADABLE


def shown_answer(value) -> str:
    """An answer normalised for counting ("B", "A+C", "2.5"), or a placeholder."""
    if value == UNREADABLE:
        return UNREADABLE
    if value in ("", None, []):
        return BLANK
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, list | tuple):
        return "+".join(sorted(str(item).strip().upper() for item in value))
    if isinstance(value, int | float):
        try:
            return f"{value:g}"
        except OverflowError:  # a 400-digit whole number (security review F-4)
            return "(huge number)"
    return "(other)"


def chosen_options(value) -> frozenset:
    """The option letters an answer picks (none for a blank, a number or an unreadable cell)."""
    if isinstance(value, str) and value != UNREADABLE:
        return frozenset({value.strip().upper()}) if value.strip() else frozenset()
    if isinstance(value, list | tuple):
        return frozenset(str(item).strip().upper() for item in value)
    return frozenset()


def item_for(question: AutogradedQuestion, assignment_id: str = "") -> Item:
    """What the statistics need to know about a source question.

    A question drawn per learner (its own patient, call or needle, or a sibling version) has a key of its own for
    each learner: its facility and discrimination come from the marks, but option shares against the source's key
    would mislead, so it gets no option statistics.
    """
    if question.kind in (LETTER, LETTERS) and not parameter_spec(assignment_id, question.grade_id):
        key = question.solution if isinstance(question.solution, list) else [question.solution]
        return Item(question.grade_id, question.points, question.objective, question.choices, frozenset(key))
    return Item(question.grade_id, question.points, question.objective)


def later_attempt(course: Course, assignment_id: str, learner: str) -> bool:
    """Whether the submission being graded replaced a different earlier one (so it is not a first attempt)."""
    for name in course.notebook_names(assignment_id):
        current = course.submitted_dir / learner / assignment_id / name
        earlier = (course.root / "grading" / "replaced").glob(f"*/{learner}/{assignment_id}/{name}")
        now = current.read_bytes() if current.is_file() else b""
        if any(path.read_bytes() != now for path in earlier):
            return True
    return False


def _graded_marks(course: Course, assignment_id: str, questions) -> dict[str, dict[str, float]]:
    """learner -> grade_id -> points, for every learner with a graded copy and a gradebook submission."""
    from nbgrader.api import Gradebook, MissingEntry

    marks = {}
    with Gradebook(course.db_url) as gradebook:
        for learner in course.submitted_learners(assignment_id):
            if not (course.autograded_dir / learner / assignment_id).is_dir():
                continue
            try:
                submission = gradebook.find_submission(assignment_id, learner)
            except MissingEntry:
                continue
            grades = {grade.name: grade for notebook in submission.notebooks for grade in notebook.grades}
            marks[learner] = {q.grade_id: grades[q.grade_id].score or 0.0 for q in questions if q.grade_id in grades}
    return marks


def _typed_values(course: Course, assignment_id: str, learners, grade_ids) -> dict[str, dict[str, object]]:
    """learner -> grade_id -> the value typed, read from the graded copies."""
    values = {}
    name = course.notebook_name(assignment_id)
    for learner in learners:
        path = course.autograded_dir / learner / assignment_id / name
        values[learner] = {}
        try:
            notebook = nbformat.read(path, as_version=4)
        except (OSError, ValueError):
            continue
        cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
        for grade_id in grade_ids:
            cell = cells.get(f"{grade_id}-answer")
            values[learner][grade_id] = answer_value(cell.source) if cell else UNREADABLE
    return values


def analyse(course: Course, assignment_id: str) -> Analysis:
    """The statistics of every autograded question, the test and each objective, from first attempts."""
    course.require_released(assignment_id)
    plain = course.is_plain_nbgrader(assignment_id)
    source = (
        gradebook_source(course, assignment_id) if plain else read_assignment(course.source_notebook(assignment_id))
    )
    questions = source.autograded
    marks = _graded_marks(course, assignment_id, questions)
    if not marks:
        raise TrainerError(f"No graded submissions of {assignment_id!r} yet: run autograde first.")
    later = sorted(learner for learner in marks if later_attempt(course, assignment_id, learner))
    marks = {learner: scores for learner, scores in marks.items() if learner not in later}
    if not marks:
        raise TrainerError(
            f"Every graded submission of {assignment_id!r} is a second attempt ({', '.join(later)}): "
            "the statistics use first attempts only."
        )
    # A plain nbgrader answer is code, not one typed value: there are no answers to count.
    typed = {} if plain else _typed_values(course, assignment_id, sorted(marks), [q.grade_id for q in questions])
    return build_analysis(source, marks, typed, later)


def build_analysis(source: AssignmentSource, marks: dict, typed: dict, later_attempts=()) -> Analysis:
    """The analysis from first-attempt marks (learner -> grade_id -> points) and typed values (same shape)."""
    choices = {learner: {g: chosen_options(v) for g, v in values.items()} for learner, values in typed.items()}
    cohort = Cohort([item_for(q, source.assignment_id) for q in source.autograded], marks, choices)
    reports = []
    for question, item in zip(source.autograded, cohort.items, strict=True):
        answers = Counter(
            shown_answer(typed.get(learner, {}).get(question.grade_id, UNREADABLE))
            for learner in cohort.learners
            if question.kind
        )
        reports.append(QuestionReport(question, question_statistics(cohort, item), answers))
    return Analysis(
        source.assignment_id,
        source,
        cohort,
        assignment_statistics(cohort),
        reports,
        objective_mastery(cohort),
        list(later_attempts),
    )


def report_table(analysis: Analysis) -> str:
    """The terminal table: Moodle's statistics per question, the key, the most typed answers and the flags."""
    rows = []
    for question in analysis.questions:
        stats = question.stats
        chosen = ", ".join(f"{answer} x{count}" for answer, count in question.answers.most_common(3))
        rows.append(
            [
                f"{question.short} {question.grade_id.split('-', 1)[-1]}",
                number(stats.facility),
                number(stats.sd),
                number(stats.discrimination),
                number(stats.efficiency),
                question.key,
                chosen or "-",
                "; ".join(flag.label for flag in stats.flags) or "ok",
            ]
        )
    headers = ["question", "facility", "SD", "discr.", "effic.", "key", "answers typed", "flags"]
    return format_table(headers, rows, align="lrrrrl")


def summary_lines(analysis: Analysis) -> str:
    """The whole-test lines for the terminal: alpha, error ratio, standard error and their flags."""
    test = analysis.test
    lines = [
        f"Mean {number(test.mean)} of {number(test.max_total)} points, median {number(test.median)}, "
        f"SD {number(test.sd)}; Cronbach's alpha {number(test.alpha)}, error ratio {number(test.error_ratio)}, "
        f"standard error {number(test.standard_error)} points."
    ]
    lines += [f"  ! {flag}" for flag in test.flags]
    if analysis.later_attempts:
        lines.append(f"Left out (second attempts, first attempts only): {', '.join(analysis.later_attempts)}")
    return "\n".join(lines)


def write_csv(course: Course, analysis: Analysis) -> Path:
    """grading/reports/<assignment>/item-analysis.csv: one row per question, every statistic and flag."""
    folder = course.reports_dir / analysis.assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / "item-analysis.csv"
    columns = ["grade_id", "objective", "facility", "sd", "discrimination", "efficiency", "key", "answers_typed"]
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow([*columns, "flags", "learners"])
        for question in analysis.questions:
            stats = question.stats
            writer.writerow(
                [
                    question.grade_id,
                    question.question.objective,
                    *("" if value is None else f"{value:.3f}" for value in _numbers(stats)),
                    question.key,
                    "; ".join(f"{answer}={count}" for answer, count in question.answers.most_common()),
                    "; ".join(str(flag) for flag in stats.flags),
                    stats.learners,
                ]
            )
    return path


def _numbers(stats: QuestionStats) -> tuple:
    return stats.facility, stats.sd, stats.discrimination, stats.efficiency

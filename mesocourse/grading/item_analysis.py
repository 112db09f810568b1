"""Item analysis: which assignment questions work and which need a second look (a wrong key, a confusing stem).

For each autograded question, over the learners graded so far:
  * facility      the share of points earned (1.0 = everyone right);
  * discrimination the correlation between the question and the rest of the assignment (corrected
                  item-total correlation): good questions are answered better by learners who do well overall;
  * answers       how often each answer was typed, read from the graded copies, so a popular wrong option
                  (a distractor that looks right, or a wrong key) stands out.
Flags follow common exam-review rules of thumb; with fewer than MIN_LEARNERS learners they are only hints.
"""

import ast
import csv
import math
from collections import Counter
from dataclasses import dataclass, field

import nbformat

from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.course import Course, TrainerError, format_table
from mesocourse.grading.variants import sheet_labels

MIN_LEARNERS = 5
HARD, EASY, WEAK = 0.30, 0.95, 0.15


@dataclass
class ItemStats:
    """Statistics and flags of one question."""

    grade_id: str
    label: str
    key: str
    facility: float
    discrimination: float | None
    answers: Counter = field(default_factory=Counter)
    flags: list[str] = field(default_factory=list)


def correlation(xs: list[float], ys: list[float]) -> float | None:
    """Pearson correlation, or None when either list does not vary."""
    n = len(xs)
    if n < 2:
        return None
    mean_x, mean_y = sum(xs) / n, sum(ys) / n
    sxx = sum((x - mean_x) ** 2 for x in xs)
    syy = sum((y - mean_y) ** 2 for y in ys)
    if sxx == 0 or syy == 0:
        return None
    sxy = sum((x - mean_x) * (y - mean_y) for x, y in zip(xs, ys, strict=True))
    return sxy / math.sqrt(sxx * syy)


def flags_for(facility: float, discrimination: float | None, answers: Counter, key: str, learners: int) -> list[str]:
    """Plain-language warnings for one question."""
    flags = []
    if facility < HARD:
        flags.append("hard: check the key and the wording")
    if facility > EASY and learners >= MIN_LEARNERS:
        flags.append("everyone gets it: too easy to tell learners apart")
    if discrimination is not None and discrimination < 0:
        flags.append("strong learners miss it more often: check the key")
    elif discrimination is not None and discrimination < WEAK:
        flags.append("weak link to the rest of the test")
    wrong = [(answer, count) for answer, count in answers.most_common() if answer != key and answer != "(blank)"]
    if wrong and wrong[0][1] > answers.get(key, 0):
        flags.append(f"more learners chose {wrong[0][0]} than the key: check both")
    if flags and learners < MIN_LEARNERS:
        flags.append(f"only {learners} learners: treat as a hint")
    return flags


def _typed_answers(course: Course, assignment_id: str, learners: list[str], grade_ids: list[str]) -> dict:
    """grade_id -> Counter of the answers typed (as shown text), read from the graded copies."""
    counts = {grade_id: Counter() for grade_id in grade_ids}
    notebook_name = course.notebook_name(assignment_id)
    for learner in learners:
        path = course.autograded_dir / learner / assignment_id / notebook_name
        if not path.is_file():
            continue
        notebook = nbformat.read(path, as_version=4)
        cells = {cell.metadata.get("nbgrader", {}).get("grade_id"): cell for cell in notebook.cells}
        # Answer-form assignments: each learner's own version traced back to the source question and option.
        labels = sheet_labels(course, assignment_id, learner) or {}
        for grade_id in grade_ids:
            cell = cells.get(f"{grade_id}-answer")
            counts[grade_id][labels.get(grade_id) or _shown_answer(cell.source if cell else "")] += 1
    return counts


def _shown_answer(source: str) -> str:
    """The answer typed in an answer cell, normalised for counting ("B", "A+C", "2.5"), or a placeholder."""
    try:
        tree = ast.parse(source)
        value = ast.literal_eval(next(node for node in tree.body if isinstance(node, ast.Assign)).value)
    except (SyntaxError, ValueError, TypeError, StopIteration, RecursionError, MemoryError):
        return "(unreadable)"
    if value in ("", None, []):
        return "(blank)"
    if isinstance(value, str):
        return value.strip().upper()
    if isinstance(value, list | tuple):
        return "+".join(sorted(str(item).strip().upper() for item in value))
    if isinstance(value, int | float):
        try:
            return f"{value:g}"
        except OverflowError:  # a 400-digit whole number (F-4)
            return "(huge number)"
    return "(other)"


def _key_text(solution) -> str:
    if isinstance(solution, list):
        return "+".join(sorted(solution))
    return f"{solution:g}" if isinstance(solution, int | float) else str(solution)


def analyse(course: Course, assignment_id: str) -> tuple[list[ItemStats], int]:
    """Item statistics for every autograded question, and how many learners they rest on."""
    from nbgrader.api import Gradebook, MissingEntry

    course.require_released(assignment_id)
    source = read_assignment(course.source_notebook(assignment_id))
    questions = source.autograded
    scores: dict[str, dict[str, float]] = {}
    with Gradebook(course.db_url) as gradebook:
        for learner in course.submitted_learners(assignment_id):
            if not (course.autograded_dir / learner / assignment_id).is_dir():
                continue
            try:
                submission = gradebook.find_submission(assignment_id, learner)
            except MissingEntry:
                continue
            grades = {grade.name: grade for notebook in submission.notebooks for grade in notebook.grades}
            scores[learner] = {
                q.grade_id: (grades[q.grade_id].score or 0.0) / q.points for q in questions if q.grade_id in grades
            }
    learners = sorted(scores)
    if not learners:
        raise TrainerError(f"No graded submissions of {assignment_id!r} yet: run autograde first.")
    answers = _typed_answers(course, assignment_id, learners, [q.grade_id for q in questions])
    stats = []
    for question in questions:
        item = [scores[learner].get(question.grade_id, 0.0) for learner in learners]
        rest = [sum(scores[learner].values()) - scores[learner].get(question.grade_id, 0.0) for learner in learners]
        facility = sum(item) / len(item)
        discrimination = correlation(item, rest)
        key = _key_text(question.solution)
        stats.append(
            ItemStats(
                question.grade_id,
                f"Q{question.number}",
                key,
                facility,
                discrimination,
                answers[question.grade_id],
                flags_for(facility, discrimination, answers[question.grade_id], key, len(learners)),
            )
        )
    return stats, len(learners)


def report_table(stats: list[ItemStats]) -> str:
    """The terminal table: facility, discrimination, key, most chosen answers and flags."""
    rows = []
    for item in stats:
        chosen = ", ".join(f"{answer} x{count}" for answer, count in item.answers.most_common(3))
        rows.append(
            [
                f"{item.label} {item.grade_id.split('-', 1)[1]}",
                f"{item.facility:.2f}",
                "-" if item.discrimination is None else f"{item.discrimination:+.2f}",
                item.key,
                chosen or "-",
                "; ".join(item.flags) or "ok",
            ]
        )
    return format_table(["question", "facility", "discr.", "key", "answers typed", "flags"], rows, align="lrrl")


def write_report(course: Course, assignment_id: str, stats: list[ItemStats], learners: int) -> list:
    """Save item-analysis.csv and a facility/discrimination chart (PNG) under grading/reports/<assignment>/."""
    from matplotlib.figure import Figure

    folder = course.reports_dir / assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    table_path = folder / "item-analysis.csv"
    with open(table_path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["grade_id", "facility", "discrimination", "key", "answers_typed", "flags", "learners"])
        for item in stats:
            writer.writerow(
                [
                    item.grade_id,
                    f"{item.facility:.3f}",
                    "" if item.discrimination is None else f"{item.discrimination:.3f}",
                    item.key,
                    "; ".join(f"{answer}={count}" for answer, count in item.answers.most_common()),
                    "; ".join(item.flags),
                    learners,
                ]
            )
    figure = Figure(figsize=(max(6, 0.5 * len(stats) + 2), 4))
    axes = figure.subplots()
    positions = range(len(stats))
    axes.bar([p - 0.2 for p in positions], [item.facility for item in stats], width=0.4, label="facility")
    axes.bar(
        [p + 0.2 for p in positions],
        [item.discrimination or 0.0 for item in stats],
        width=0.4,
        label="discrimination",
        hatch="//",
    )
    axes.axhline(HARD, linestyle=":", color="grey", label=f"facility below {HARD:.2f}: hard")
    axes.axhline(WEAK, linestyle="--", color="grey", label=f"discrimination below {WEAK:.2f}: weak")
    axes.set_xticks(list(positions), [item.label for item in stats])
    axes.set_ylim(-1, 1.05)
    axes.set_title(f"{assignment_id}: item analysis ({learners} learners)")
    axes.legend(loc="lower left")
    chart_path = folder / "item-analysis.png"
    figure.savefig(chart_path, dpi=100, bbox_inches="tight")
    return [table_path, chart_path]

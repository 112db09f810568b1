"""Grades as CSV and the who-submitted-what overview, read from nbgrader's gradebook and the autograde status."""

import csv
from dataclasses import dataclass, field
from pathlib import Path

from mesocourse.grading.autograde import GRADED, load_status
from mesocourse.grading.course import Course, TrainerError, awaiting_marks, format_table, is_autograded
from mesocourse.words import counted

CSV_COLUMNS = [
    "learner",
    "assignment",
    "status",
    "autograded_score",
    "autograded_max",
    "written_score",
    "written_max",
    "total_score",
    "max_score",
    "percent",
    "written_to_mark",
    "submitted_at",
    "gradebook_check",
]
CHECK = "check gradebook"


@dataclass
class Row:
    """One learner's standing on one assignment."""

    learner: str
    assignment: str
    status: str
    autograded_score: float | None = None
    autograded_max: float | None = None
    written_score: float | None = None
    written_max: float | None = None
    written_to_mark: int = 0
    submitted_at: str = ""
    # Gradebook rows that do not add up (above the maximum, extra credit, changed since autograde): no total.
    problems: list[str] = field(default_factory=list)

    @property
    def total(self) -> float | None:
        """Autograded plus written points (None until autograded, or while the gradebook needs a check)."""
        if self.autograded_score is None or self.problems:
            return None
        return self.autograded_score + (self.written_score or 0.0)

    @property
    def maximum(self) -> float | None:
        """All points on offer."""
        if self.autograded_max is None:
            return None
        return self.autograded_max + (self.written_max or 0.0)

    def as_csv(self) -> dict:
        """The row as CSV fields (blank where nothing is known yet)."""

        def number(value):
            return "" if value is None else f"{value:g}"

        percent = "" if self.total is None or not self.maximum else f"{100 * self.total / self.maximum:.1f}"
        return {
            "learner": self.learner,
            "assignment": self.assignment,
            "status": self.status,
            "autograded_score": "" if self.problems else number(self.autograded_score),
            "autograded_max": number(self.autograded_max),
            "written_score": number(self.written_score) if not self.written_to_mark else "",
            "written_max": number(self.written_max),
            "total_score": number(self.total) if not self.written_to_mark else "",
            "max_score": number(self.maximum),
            "percent": percent if not self.written_to_mark else "",
            "written_to_mark": self.written_to_mark,
            "submitted_at": self.submitted_at,
            "gradebook_check": "; ".join(self.problems),
        }


def released_assignments(course: Course) -> list[str]:
    """Assignments that are in the gradebook (released at least once), in course order."""
    from nbgrader.api import Gradebook

    course.check_gradebook()
    if not course.db_path.is_file():
        return []
    with Gradebook(course.db_url) as gradebook:
        known = {assignment.name for assignment in gradebook.assignments}
    return [assignment_id for assignment_id in course.assignments() if assignment_id in known]


def cohort_rows(course: Course) -> list[Row]:
    """One row per learner and released assignment: status, autograded and written points, when submitted."""
    from nbgrader.api import Gradebook, MissingEntry

    assignments = released_assignments(course)
    if not assignments:
        return []  # no gradebook yet (nothing released): opening one here would make it, or fail without grading/
    rows = []
    submitted = {assignment_id: set(course.submitted_learners(assignment_id)) for assignment_id in assignments}
    with Gradebook(course.db_url) as gradebook:
        learners = {student.id for student in gradebook.students}.union(*submitted.values())
        for assignment_id in assignments:
            status = load_status(course, assignment_id)
            for learner in sorted(learners):
                recorded = status.get(learner, {})
                if learner not in submitted[assignment_id]:
                    rows.append(Row(learner, assignment_id, "not submitted"))
                    continue
                # Graded outside `mesocourse autograde` (formgrader, nbgrader itself): the graded copy tells.
                graded_copy = (course.autograded_dir / learner / assignment_id).is_dir()
                fallback = GRADED if graded_copy else "collected, not graded yet"
                row = Row(learner, assignment_id, recorded.get("status", fallback))
                if row.status == GRADED:
                    try:
                        submission = gradebook.find_submission(assignment_id, learner)
                    except MissingEntry:
                        rows.append(Row(learner, assignment_id, "collected, not graded yet"))
                        continue
                    _fill_scores(row, submission, recorded.get("auto_scores"))
                    row.submitted_at = str(submission.timestamp or "")
                rows.append(row)
    return rows


def _grade_problems(grade, recorded: dict | None) -> list[str]:
    """What is wrong with one gradebook row: only the trainer's commands and formgrader should have written it."""
    problems = []
    maximum = float(grade.max_score or 0.0)
    score = float(grade.score or 0.0)
    if score > maximum:
        problems.append(f"{grade.name} has {score:g} of {maximum:g} points")
    if grade.extra_credit:
        problems.append(f"{grade.name} has {float(grade.extra_credit):g} extra credit (was it given in formgrader?)")
    if is_autograded(grade):
        if recorded is not None and grade.name in recorded and float(grade.auto_score or 0.0) != recorded[grade.name]:
            problems.append(f"{grade.name} changed since autograde (run autograde again)")
        if grade.manual_score is not None and float(grade.manual_score) != float(grade.auto_score or 0.0):
            problems.append(f"{grade.name}: autograded score overridden by hand")
    return problems


def _fill_scores(row: Row, submission, recorded: dict | None = None) -> None:
    row.autograded_score = row.autograded_max = row.written_score = row.written_max = 0.0
    for notebook in submission.notebooks:
        for grade in notebook.grades:
            row.problems += _grade_problems(grade, recorded)
            if is_autograded(grade):
                row.autograded_score += grade.score or 0.0
                row.autograded_max += grade.max_score
            else:
                row.written_max += grade.max_score
                if awaiting_marks(grade):
                    row.written_to_mark += 1
                else:
                    row.written_score += grade.score or 0.0


def export_csv(course: Course, output: Path | str | None = None) -> tuple[Path, list[Row]]:
    """Write grades.csv (one row per learner and assignment) and return its path and rows."""
    rows = cohort_rows(course)
    if not rows:
        raise TrainerError("Nothing to export yet: release an assignment and collect submissions first.")
    path = Path(output) if output else course.reports_dir / "grades.csv"
    path.parent.mkdir(parents=True, exist_ok=True)
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.DictWriter(handle, fieldnames=CSV_COLUMNS)
        writer.writeheader()
        writer.writerows(row.as_csv() for row in rows)
    return path, rows


def _cell(row: Row) -> str:
    if row.problems:
        return f"{CHECK}: {'; '.join(row.problems)}"
    if row.status == GRADED:
        text = f"{row.total:g}/{row.maximum:g}"
        return text + (f" ({row.written_to_mark} to mark)" if row.written_to_mark else "")
    return {"not submitted": "-"}.get(row.status, row.status)


def status_overview(course: Course) -> str:
    """Who submitted what: one line per learner, one column per released assignment, then per-assignment counts."""
    assignments = released_assignments(course)
    if not assignments:
        return "No assignment has been released yet (`mesocourse release ASSIGNMENT`). Sources: " + ", ".join(
            course.assignments()
        )
    rows = cohort_rows(course)
    learners = sorted({row.learner for row in rows})
    by_key = {(row.learner, row.assignment): row for row in rows}
    table = [[learner, *(_cell(by_key[(learner, a)]) for a in assignments)] for learner in learners]
    lines = [format_table(["learner", *assignments], table) if learners else "No submissions collected yet.", ""]
    for assignment_id in assignments:
        these = [row for row in rows if row.assignment == assignment_id]
        submitted = sum(row.status != "not submitted" for row in these)
        graded = sum(row.status == GRADED for row in these)
        feedback = sum(
            (course.feedback_dir / row.learner / assignment_id).is_dir() for row in these if row.status == GRADED
        )
        to_mark = sum(row.written_to_mark for row in these)
        flagged = [row.learner for row in these if row.problems]
        if flagged:
            lines.append(f"{assignment_id}: the gradebook does not add up for {', '.join(flagged)} (no total given)")
        lines.append(
            f"{assignment_id}: {submitted} submitted, {graded} graded, {counted(to_mark, 'written answer')} to mark, "
            f"{feedback} feedback files"
        )
    unreleased = [a for a in course.assignments() if a not in assignments]
    if unreleased:
        lines.append(f"Not released yet: {', '.join(unreleased)}")
    return "\n".join(lines)

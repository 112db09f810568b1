"""Feedback for every graded learner: which questions were not right and why, never the hidden tests.

nbgrader's generate_feedback makes the HTML (with HideGradingCode from nbgrader_config.py removing hidden tests
and marking guides and adding a results table); the page is then reworded for clinic staff ("Question 3: 0 of 1
point" instead of "Test cell (Score: 0.0 / 1.0)") and every file is scanned by the leak guard before anyone
sends it. A learner whose page fails the scan has their feedback withheld (deleted, with a note); the others get theirs.
"""

import re
from dataclasses import dataclass, field
from pathlib import Path

from mesocourse.grading.authoring import question_label
from mesocourse.grading.course import (
    Course,
    TrainerError,
    awaiting_marks,
    captured_output,
    format_table,
    is_autograded,
)
from mesocourse.grading.feedback_page import readable_feedback_html
from mesocourse.grading.leaks import withhold_leaking_feedback

TOC_ENTRY = re.compile(
    r'<a href="#(?P<id>[^"]+)">(?:Test cell|Written response|Coding free-response|Task)</a> '
    r"\(Score: (?P<score>[\d.]+) / (?P<points>[\d.]+)\)"
)
GRADE_CELL_LABEL = re.compile(r"Grade cell: <code>(?P<id>[^<]+)</code>")
TITLE_SCORE = re.compile(r"<h4>(?P<name>[^<(]+) \(Score: (?P<score>[\d.]+) / (?P<points>[\d.]+)\)</h4>")


def _points(score: str, points: str) -> str:
    maximum = float(points)
    return f"{float(score):g} of {maximum:g} point{'s' if maximum != 1 else ''}"


def tidy_feedback_html(page: str) -> str:
    """Reword nbgrader's feedback page for clinic staff: question names and points instead of cell jargon."""
    page = TOC_ENTRY.sub(
        lambda m: f'<a href="#{m["id"]}">{question_label(m["id"])}</a>: {_points(m["score"], m["points"])}', page
    )
    page = GRADE_CELL_LABEL.sub(lambda m: f"{question_label(m['id'])}: check and result", page)
    page = page.replace("Student's answer", "Your answer")
    return TITLE_SCORE.sub(lambda m: f"<h4>{m['name'].strip()}: {_points(m['score'], m['points'])}</h4>", page)


@dataclass
class FeedbackResult:
    """Feedback files made, learners skipped (with why) and written answers still unmarked."""

    files: dict[str, Path] = field(default_factory=dict)
    pages: dict[str, list[Path]] = field(default_factory=dict)
    skipped: dict[str, str] = field(default_factory=dict)
    unmarked: dict[str, list[str]] = field(default_factory=dict)
    released_to_exchange: bool = False

    def table(self, root: Path) -> str:
        """One line per learner: feedback file or why there is none."""
        rows = []
        for learner, path in sorted(self.files.items()):
            note = f"not marked yet: {', '.join(self.unmarked[learner])}" if learner in self.unmarked else "-"
            shown = str(path.relative_to(root))
            if len(self.pages.get(learner, [])) > 1:
                shown += f" (+{len(self.pages[learner]) - 1} more)"
            rows.append([learner, shown, note])
        for learner, reason in sorted(self.skipped.items()):
            rows.append([learner, "no feedback", reason])
        return format_table(["learner", "feedback file", "notes"], rows)


def _unmarked(course: Course, assignment_id: str, learner: str) -> list[str]:
    """Written answers of this learner that still wait for the trainer's marks."""
    from nbgrader.api import Gradebook

    with Gradebook(course.db_url) as gradebook:
        submission = gradebook.find_submission(assignment_id, learner)
        return [
            question_label(grade.name)
            for notebook in submission.notebooks
            for grade in notebook.grades
            if awaiting_marks(grade) and not is_autograded(grade)
        ]


def generate_feedback(course: Course, assignment_id: str, learners=None, exchange: bool = False) -> FeedbackResult:
    """Make (and leak-check) the feedback HTML of every graded learner; optionally release it to the exchange."""
    course.require_released(assignment_id)
    names = course.notebook_names(assignment_id)
    graded = sorted(
        folder.name
        for folder in (course.autograded_dir.iterdir() if course.autograded_dir.is_dir() else [])
        if any((folder / assignment_id / name).is_file() for name in names)
    )
    submitted = course.submitted_learners(assignment_id)
    if learners:
        missing = sorted(set(learners) - set(graded))
        if missing:
            raise TrainerError(f"No graded copy of {assignment_id!r} for: {', '.join(missing)} (run autograde first).")
        graded = sorted(set(learners))
    if not graded:
        raise TrainerError(
            f"No graded submissions of {assignment_id!r} yet: run `mesocourse autograde {assignment_id}` first."
        )
    result = FeedbackResult()
    for learner in submitted:
        if learner not in graded and not learners:
            result.skipped[learner] = "not graded (see `mesocourse status`)"
    api = course.api()
    for learner in graded:
        with captured_output():
            outcome = api.generate_feedback(assignment_id, learner, force=True)
        folder = course.feedback_dir / learner / assignment_id
        pages = [folder / name.replace(".ipynb", ".html") for name in names]
        pages = [page for page in pages if page.is_file()]
        if not outcome["success"] or not pages:
            result.skipped[learner] = "nbgrader could not make the feedback page"
            continue
        for page in pages:
            tidied = tidy_feedback_html(page.read_text(encoding="utf-8"))
            page.write_text(readable_feedback_html(tidied), encoding="utf-8")
        # One page per notebook; the table names the first (the others sit beside it).
        result.files[learner] = pages[0]
        result.pages[learner] = pages
        unmarked = _unmarked(course, assignment_id, learner)
        if unmarked:
            result.unmarked[learner] = unmarked
    for learner, reason in withhold_leaking_feedback(course, assignment_id).items():
        result.files.pop(learner, None)
        result.pages.pop(learner, None)
        result.unmarked.pop(learner, None)
        result.skipped[learner] = reason
    if exchange:
        if api.exchange_missing:
            raise TrainerError("Feedback is in grading/feedback, but the nbgrader exchange folder is missing.")
        with captured_output():
            sent = api.release_feedback(assignment_id)
        if not sent["success"]:
            raise TrainerError(f"nbgrader could not release feedback to the exchange:\n{sent.get('log', '')}")
        result.released_to_exchange = True
    return result

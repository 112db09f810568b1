"""The trainer notebook's view (grading/Cohort-Report.ipynb): choose an assignment, see the plots, pick a question.

Trainers only: it shows keys and learners' answers, lives in the trainer workspace and never ships to learners
(the bundle leaves out grading/ and every grading module but the format check).
"""

import html

import ipywidgets as widgets
from IPython.display import HTML, display

from mesocourse.grading import cohort_figures
from mesocourse.grading.cohort_report import needs_a_word, prompt_html, standing
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.item_analysis import Analysis, QuestionReport, analyse
from mesocourse.grading.statistics import number
from mesocourse.look import feedback_box, table_html

NOTHING_GRADED = (
    "Nothing is graded yet. After `make autograde A=ASSIGNMENT` (or `mesocourse autograde ASSIGNMENT`), run this "
    "notebook again to see the cohort's results."
)


def _figure_html(made) -> str:
    figure, alt = made
    text = html.escape(alt, quote=True)
    return f'<img src="{cohort_figures.svg_data_uri(figure)}" alt="{text}" title="{text}" style="max-width:100%">'


def graded_assignments(course: Course) -> list[str]:
    """Released assignments with at least one graded copy, in course order."""
    from mesocourse.grading.export import released_assignments

    return [
        assignment_id
        for assignment_id in released_assignments(course)
        if course.autograded_dir.is_dir() and any(course.autograded_dir.glob(f"*/{assignment_id}"))
    ]


def question_html(question: QuestionReport) -> str:
    """One question for the trainer: its text, key, objective, statistics, answers typed and flags."""
    stats = question.stats
    answers = [[html.escape(answer), str(count)] for answer, count in question.answers.most_common()]
    flags = "".join(f"<li>{html.escape(str(flag))}</li>" for flag in stats.flags) or "<li>no flag</li>"
    parts = [
        f"<h3>{html.escape(question.label)} ({html.escape(question.grade_id)})</h3>",
        f"<div style='white-space:pre-wrap'>{prompt_html(question)}</div>",
        f"<p><strong>Key:</strong> {html.escape(question.key)} &nbsp; <strong>Objective:</strong> "
        f"{html.escape(question.question.objective or '-')}</p>",
        f"<p>Facility {number(stats.facility)}, SD {number(stats.sd)}, discrimination {number(stats.discrimination)}, "
        f"efficiency {number(stats.efficiency)}</p>",
        f"<ul>{flags}</ul>",
        table_html(["answer typed", "learners"], answers),
    ]
    if stats.options:
        options = [(o.letter, o.is_key, o.share, o.discrimination) for o in stats.options]
        parts.append(_figure_html(cohort_figures.option_shares(question.label, options)))
    return "".join(parts)


def overview_html(analysis: Analysis, course: Course) -> str:
    """The whole assignment at a glance: test statistics, the plots, objectives, and who needs a word or waits."""
    test = analysis.test
    cohort = analysis.cohort
    percents = [100 * cohort.total(learner) / cohort.max_total for learner in cohort.learners]
    points = [(q.short, q.stats.facility, q.stats.discrimination, bool(q.stats.flags)) for q in analysis.questions]
    rows = [(m.objective, m.cohort) for m in analysis.objectives]
    waiting = standing(course, analysis.assignment_id)
    word = needs_a_word(analysis)
    lines = [
        f"{test.learners} learners (first attempts). Cronbach's alpha {number(test.alpha)}, error ratio "
        f"{number(test.error_ratio)}, standard error {number(test.standard_error)} points.",
        *(str(flag) for flag in test.flags),
        f"Questions flagged: {', '.join(q.short for q in analysis.flagged) or 'none'}.",
        f"Learners who need a word: {', '.join(word) or 'none'}.",
        f"Not submitted: {', '.join(waiting.not_submitted) or 'nobody'}. Not graded: "
        f"{', '.join(f'{k} ({v})' for k, v in waiting.not_graded.items()) or 'nobody'}. Written answers to mark: "
        f"{', '.join(f'{k} ({v})' for k, v in waiting.to_mark.items()) or 'none'}.",
    ]
    return (
        feedback_box("info", lines, headline=f"ℹ {analysis.assignment_id}")
        + _figure_html(cohort_figures.score_distribution(percents, "Score distribution"))
        + _figure_html(cohort_figures.facility_discrimination(points))
        + _figure_html(cohort_figures.objective_mastery(rows, "Cohort mastery per objective"))
    )


class CohortReport:
    """Assignment chooser, overview and question picker; state in widgets, logic in the functions above."""

    def __init__(self, course: Course, assignments: list[str]):
        self.course = course
        self.analysis: Analysis | None = None
        self.assignment = widgets.Dropdown(options=assignments, description="Assignment")
        self.question = widgets.Dropdown(options=[], description="Question")
        self.overview = widgets.HTML()
        self.detail = widgets.HTML()
        self.assignment.observe(self._on_assignment, names="value")
        self.question.observe(self._on_question, names="value")
        self.box = widgets.VBox([self.assignment, self.overview, self.question, self.detail])
        self._on_assignment({"new": self.assignment.value})

    def _on_assignment(self, change) -> None:
        try:
            self.analysis = analyse(self.course, change["new"])
        except TrainerError as problem:
            self.analysis = None
            self.overview.value = feedback_box("info", [str(problem)])
            self.question.options, self.detail.value = [], ""
            return
        self.overview.value = overview_html(self.analysis, self.course)
        labels = [
            (f"{q.label}{' (flagged)' if q.stats.flags else ''}", index)
            for index, q in enumerate(self.analysis.questions)
        ]
        self.question.options = labels
        self.question.value = labels[0][1] if labels else None
        self._on_question({"new": self.question.value})

    def _on_question(self, change) -> None:
        if self.analysis is None or change["new"] is None:
            self.detail.value = ""
            return
        self.detail.value = question_html(self.analysis.questions[change["new"]])


def cohort_report(course: Course | None = None) -> None:
    """Show the cohort report for the course this notebook sits in, or a plain message when nothing is graded."""
    try:
        course = course or Course()
        assignments = graded_assignments(course)
    except TrainerError as problem:
        display(HTML(feedback_box("info", [str(problem)])))
        return
    if not assignments:
        display(HTML(feedback_box("info", [NOTHING_GRADED])))
        return
    display(CohortReport(course, assignments).box)

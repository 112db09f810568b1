"""The cohort report: one self-contained HTML page per assignment, for the trainer (it shows keys; never send it).

What to rewrite (flagged questions, with the number and threshold behind each flag), what to teach again
(objectives below the mastery mark), who needs a word (learners below it), who has not submitted or waits for
marking. Plots are SVG data URIs with alt text, so the file opens offline; print CSS keeps it readable on paper.
"""

import html
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mesocourse.grading import cohort_figures
from mesocourse.grading.course import Course
from mesocourse.grading.item_analysis import Analysis, QuestionReport
from mesocourse.grading.statistics import MASTERED, number
from mesocourse.words import counted

REPORT_NAME = "cohort-report.html"
STYLE = """
body { font-family: 'DejaVu Sans', Verdana, sans-serif; color: #111; max-width: 62rem; margin: 1.5rem auto;
  padding: 0 1rem; line-height: 1.45; }
h1 { font-size: 1.6rem; } h2 { font-size: 1.25rem; border-bottom: 2px solid #0d3c61; margin-top: 2rem; }
h3 { font-size: 1.05rem; }
table { border-collapse: collapse; margin: 0.5rem 0 1rem; font-size: 0.9rem; }
th, td { border: 1px solid #888; padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #e8f1fb; }
td.number { text-align: right; font-variant-numeric: tabular-nums; }
.flag { color: #8e1010; } .ok { color: #1b5e20; }
.note { background: #fff4e0; border-left: 6px solid #6b3d00; padding: 6px 10px; }
figure { margin: 1rem 0; } figure img { max-width: 100%; height: auto; }
figcaption { font-size: 0.85rem; color: #333; }
.prompt { white-space: pre-wrap; background: #f6f6f6; padding: 6px 10px; font-size: 0.9rem; }
@media print {
  body { max-width: none; margin: 0; font-size: 10pt; }
  h2 { break-after: avoid; } figure, tr, .question { break-inside: avoid; }
  a { color: inherit; text-decoration: none; }
  th { background: none; }
}
"""


@dataclass
class Standing:
    """Who, in the whole cohort, has not submitted, could not be graded, or waits for written answers to be marked."""

    not_submitted: list[str] = field(default_factory=list)
    not_graded: dict[str, str] = field(default_factory=dict)
    to_mark: dict[str, int] = field(default_factory=dict)


def standing(course: Course, assignment_id: str) -> Standing:
    """The cohort's standing on one assignment, read from the gradebook and the autograde status."""
    from mesocourse.grading.autograde import GRADED
    from mesocourse.grading.export import cohort_rows

    found = Standing()
    for row in cohort_rows(course):
        if row.assignment != assignment_id:
            continue
        if row.status == "not submitted":
            found.not_submitted.append(row.learner)
        elif row.status != GRADED:
            found.not_graded[row.learner] = row.status
        elif row.written_to_mark:
            found.to_mark[row.learner] = row.written_to_mark
    return found


def _e(text) -> str:
    return html.escape(str(text))


def _table(headers: list[str], rows: list[list[str]], numeric: set[int] = frozenset()) -> str:
    head = "".join(f"<th scope='col'>{_e(header)}</th>" for header in headers)
    body = "".join(
        "<tr>"
        + "".join(
            f"<td class='number'>{cell}</td>" if i in numeric else f"<td>{cell}</td>" for i, cell in enumerate(row)
        )
        + "</tr>"
        for row in rows
    )
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def _figure(made, caption: str) -> str:
    figure, alt = made
    return (
        f'<figure><img src="{cohort_figures.svg_data_uri(figure)}" alt="{html.escape(alt, quote=True)}">'
        f"<figcaption>{_e(caption)}</figcaption></figure>"
    )


def prompt_text(question: QuestionReport) -> str:
    """The question as learners read it, without the heading and the typing instructions."""
    text = re.sub(r"^### .*\n+", "", question.question.prompt.strip())
    return re.split(r"\n\n\*\*(?:Type|Select all)", text)[0].strip()


def prompt_html(question: QuestionReport) -> str:
    """The question text escaped, with its **bold** option letters kept bold."""
    return re.sub(r"\*\*(.+?)\*\*", r"<strong>\1</strong>", _e(prompt_text(question)))


def learner_percents(analysis: Analysis) -> dict[str, float]:
    """Each learner's total as a percent of the autograded points."""
    cohort = analysis.cohort
    return {learner: 100 * cohort.total(learner) / cohort.max_total for learner in cohort.learners if cohort.max_total}


def needs_a_word(analysis: Analysis) -> dict[str, list[str]]:
    """Learners below the mastery mark overall or on an objective -> the objectives they have not mastered."""
    percents = learner_percents(analysis)
    found = {}
    for learner in analysis.cohort.learners:
        weak = [m.objective for m in analysis.objectives if learner in m.not_mastered]
        if weak or percents.get(learner, 100) < MASTERED * 100:
            found[learner] = weak
    return found


def _summary(analysis: Analysis, standing: Standing) -> str:
    test = analysis.test
    rewrite = [
        f"<li><a href='#{_e(q.grade_id)}'>{_e(q.label)}</a>: "
        + "; ".join(f"<span class='flag'>{_e(flag)}</span>" for flag in q.stats.flags)
        + "</li>"
        for q in analysis.flagged
    ]
    teach = [
        f"<li>{_e(m.objective)}: the cohort earned {number(m.cohort)} of its points "
        f"(mastery from {MASTERED:.2f}); {len(m.not_mastered)} of {len(m.learners)} learners below.</li>"
        for m in analysis.objectives
        if m.cohort is not None and m.cohort < MASTERED
    ]
    word = needs_a_word(analysis)
    waiting = len(standing.not_submitted) + len(standing.not_graded) + len(standing.to_mark)
    parts = [
        "<h2 id='summary'>In short</h2><ul>",
        f"<li><strong>Questions to review:</strong> {len(rewrite)} of {len(analysis.questions)}"
        + (f"<ul>{''.join(rewrite)}</ul>" if rewrite else " (no flag)")
        + "</li>",
        f"<li><strong>Objectives to teach again:</strong> {len(teach)}"
        + (f"<ul>{''.join(teach)}</ul>" if teach else " (every objective at or above the mastery mark)")
        + "</li>",
        f"<li><strong>Learners who need a word:</strong> {len(word)} (<a href='#learners'>list</a>)</li>",
        f"<li><strong>Test:</strong> Cronbach's alpha {number(test.alpha)}"
        + "".join(f"; <span class='flag'>{_e(flag)}</span>" for flag in test.flags)
        + "</li>",
        f"<li><strong>Waiting:</strong> {waiting} learners not submitted, not graded or with written answers to mark "
        "(<a href='#standing'>list</a>)</li></ul>",
    ]
    return "".join(parts)


def _test_section(analysis: Analysis) -> str:
    test = analysis.test
    rows = [
        ["Learners (first attempts)", number(test.learners)],
        ["Autograded questions", number(test.questions)],
        ["Mean / median / SD (points)", f"{number(test.mean)} / {number(test.median)} / {number(test.sd)}"],
        ["Maximum (points)", number(test.max_total)],
        ["Cronbach's alpha (coefficient of internal consistency)", number(test.alpha)],
        ["Error ratio", number(test.error_ratio)],
        ["Standard error of measurement (points)", number(test.standard_error)],
    ]
    later = (
        "<p class='note'>Left out as second attempts (first attempts only): "
        f"{_e(', '.join(analysis.later_attempts))}</p>"
        if analysis.later_attempts
        else ""
    )
    percents = list(learner_percents(analysis).values())
    return (
        "<h2 id='test'>The test as a whole</h2>"
        + _table(["statistic", "value"], rows, {1})
        + later
        + _figure(cohort_figures.score_distribution(percents, "Score distribution"), "Learners per 10% band of score.")
    )


def _questions_section(analysis: Analysis) -> str:
    rows = []
    for q in analysis.questions:
        s = q.stats
        flags = "; ".join(_e(flag) for flag in s.flags) or "<span class='ok'>ok</span>"
        rows.append(
            [
                f"<a href='#{_e(q.grade_id)}'>{_e(q.short)}</a>",
                _e(q.question.objective),
                number(s.facility),
                number(s.sd),
                number(s.discrimination),
                number(s.efficiency),
                _e(q.key),
                f"<span class='flag'>{flags}</span>" if s.flags else flags,
            ]
        )
    points = [(q.short, q.stats.facility, q.stats.discrimination, bool(q.stats.flags)) for q in analysis.questions]
    return (
        "<h2 id='questions'>Questions</h2>"
        "<p>Facility: share of the points earned. Discrimination: correlation with the rest of the test. Efficiency: "
        "that correlation's share of the most it could be. Moodle shows the same numbers as percentages.</p>"
        + _table(["question", "objective", "facility", "SD", "discr.", "effic.", "key", "flags"], rows, {2, 3, 4, 5})
        + _figure(cohort_figures.facility_discrimination(points), "Flagged questions are triangles.")
    )


def _question_detail(q: QuestionReport) -> str:
    answers = ", ".join(f"{_e(answer)} ×{count}" for answer, count in q.answers.most_common())
    parts = [
        f"<div class='question' id='{_e(q.grade_id)}'><h3>{_e(q.label)} ({_e(q.grade_id)})</h3>",
        f"<div class='prompt'>{prompt_html(q)}</div>",
        f"<p>Key: <strong>{_e(q.key)}</strong>. Objective: {_e(q.question.objective or '-')}. "
        f"Answers typed: {answers or '-'}.</p>",
        "<ul>" + "".join(f"<li class='flag'>{_e(flag)}</li>" for flag in q.stats.flags) + "</ul>",
    ]
    if q.stats.options:
        options = [(o.letter, o.is_key, o.share, o.discrimination) for o in q.stats.options]
        parts.append(
            _figure(cohort_figures.option_shares(q.label, options), "The key is solid; wrong options hatched.")
        )
    return "".join(parts) + "</div>"


def _objectives_section(analysis: Analysis) -> str:
    rows = [(m.objective, m.cohort) for m in analysis.objectives]
    table = [
        [
            _e(m.objective),
            number(m.cohort),
            _e(", ".join(q.split("-", 1)[0].upper() for q in m.questions)),
            _e(", ".join(m.not_mastered) or "-"),
        ]
        for m in analysis.objectives
    ]
    return (
        "<h2 id='objectives'>Mastery per learning objective</h2>"
        + _figure(cohort_figures.objective_mastery(rows, "Cohort mastery per objective"), "Hatched: teach again.")
        + _table(["objective", "cohort", "questions", f"learners below {MASTERED:.2f}"], table, {1})
    )


def _learners_section(analysis: Analysis) -> str:
    percents = learner_percents(analysis)
    word = needs_a_word(analysis)
    rows = [
        [
            _e(learner),
            f"{percents.get(learner, 0):.0f}%",
            *(number(m.learners.get(learner)) for m in analysis.objectives),
            _e("; ".join(word[learner]) or "below the mastery mark overall") if learner in word else "-",
        ]
        for learner in analysis.cohort.learners
    ]
    headers = ["learner", "total", *(f"O{i}" for i in range(1, len(analysis.objectives) + 1)), "needs a word on"]
    legend = "".join(f"<li>O{i}: {_e(m.objective)}</li>" for i, m in enumerate(analysis.objectives, 1))
    numeric = set(range(1, len(analysis.objectives) + 2))
    return f"<h2 id='learners'>Learners</h2><ul>{legend}</ul>" + _table(headers, rows, numeric)


def _standing_section(standing: Standing) -> str:
    rows = [[_e(learner), "not submitted"] for learner in standing.not_submitted]
    rows += [[_e(learner), _e(status)] for learner, status in sorted(standing.not_graded.items())]
    rows += [
        [_e(learner), f"{counted(count, 'written answer')} to mark"]
        for learner, count in sorted(standing.to_mark.items())
    ]
    body = _table(["learner", "status"], rows) if rows else "<p class='ok'>Everyone has submitted and is marked.</p>"
    return "<h2 id='standing'>Not submitted, not graded, or waiting for marks</h2>" + body


def report_html(analysis: Analysis, standing: Standing, made: datetime | None = None) -> str:
    """The whole page as one string (no external file: styles inline, plots as data URIs)."""
    made = made or datetime.now()
    title = f"Cohort report: {analysis.assignment_id}"
    flagged = "".join(_question_detail(q) for q in analysis.flagged)
    return (
        f"<!DOCTYPE html><html lang='en'><head><meta charset='utf-8'><title>{_e(title)}</title>"
        f"<meta name='viewport' content='width=device-width, initial-scale=1'><style>{STYLE}</style></head><body>"
        f"<h1>{_e(title)}</h1><p>{analysis.test.learners} learners, first attempts, autograded questions only; "
        f"made {made:%Y-%m-%d %H:%M}.</p>"
        "<p class='note'>For the trainer only: this page shows the answer keys. Do not send it to learners.</p>"
        + _summary(analysis, standing)
        + _test_section(analysis)
        + _questions_section(analysis)
        + "<h2 id='flagged'>Flagged questions in detail</h2>"
        + (flagged or "<p class='ok'>No question is flagged.</p>")
        + _objectives_section(analysis)
        + _learners_section(analysis)
        + _standing_section(standing)
        + "</body></html>"
    )


def write_html(course: Course, analysis: Analysis) -> Path:
    """Write grading/reports/<assignment>/cohort-report.html and return its path."""
    folder = course.reports_dir / analysis.assignment_id
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / REPORT_NAME
    path.write_text(report_html(analysis, standing(course, analysis.assignment_id)), encoding="utf-8")
    return path

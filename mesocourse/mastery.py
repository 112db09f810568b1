"""Mastery per module from the learner's quiz record: the progress page (module 07) and the certificate read it.

Mastery of a module is the share of its quiz questions whose LATEST attempt is correct: a question got wrong and then
right counts as known, one got right and later wrong does not. A module is passed when its mastery reaches the
bank's pass mark (bank.DEFAULT_PASS_MARK unless the bank sets its own), the same mark the quiz itself announces, and
every must-pass safety question of the bank (blood thinners, late infection, sterile material, red flags, who decides)
is right at its latest attempt: a nurse who knows everything else but would stop a prescribed blood thinner has not
passed, whatever the score.
"""

import html
import math
import sqlite3
from dataclasses import dataclass

import ipywidgets as widgets
from IPython.display import HTML, display
from matplotlib.figure import Figure

from mesocourse.assets import AssetError
from mesocourse.bank import Bank, BankError, Question, course_bank
from mesocourse.figures import figure_html
from mesocourse.look import OKABE_ITO, feedback_box
from mesocourse.modules import Module, quiz_modules
from mesocourse.progress import Attempt, ProgressStore, current_learner

# Colour-blind-safe pair (Okabe-Ito), both at least 3:1 against white; hatching and words say it without colour.
PASSED_COLOUR = OKABE_ITO["blue"]
NOT_YET_COLOUR = OKABE_ITO["vermillion"]
NOT_YET_HATCH = "///"
WEAKEST_SHOWN = 3


@dataclass(frozen=True)
class ObjectiveMastery:
    """How many questions of one learning objective of one module are right now."""

    module: Module
    objective: str
    correct: int
    attempted: int
    total: int

    @property
    def share(self) -> float:
        """Fraction of this objective's questions whose latest attempt is correct."""
        return self.correct / self.total if self.total else 0.0


@dataclass(frozen=True)
class ModuleMastery:
    """A quiz module's mastery: questions right now, answered, in the bank, and whether the pass mark is reached."""

    module: Module
    bank: Bank
    correct: int
    attempted: int
    total: int
    objectives: tuple[ObjectiveMastery, ...]
    # Must-pass safety questions not right at their latest attempt (unanswered ones included).
    safety_missing: tuple[Question, ...] = ()

    @property
    def share(self) -> float:
        """Fraction of the bank's questions whose latest attempt is correct."""
        return self.correct / self.total if self.total else 0.0

    @property
    def pass_mark(self) -> float:
        """The bank's pass mark, the one its quiz announces."""
        return self.bank.pass_mark

    @property
    def score_reached(self) -> bool:
        """True once mastery reaches the pass mark (the same comparison the quiz's score makes)."""
        return self.total > 0 and self.correct / self.total >= self.pass_mark

    @property
    def passed(self) -> bool:
        """True once the pass mark is reached and every must-pass safety question is right."""
        return self.score_reached and not self.safety_missing

    @property
    def started(self) -> bool:
        """True once any question of the module has been answered."""
        return self.attempted > 0

    @property
    def needed(self) -> int:
        """Questions that must be right to pass this module."""
        return math.ceil(self.pass_mark * self.total - 1e-9)

    @property
    def still_needed(self) -> int:
        """How many more questions must become right to pass (0 once passed)."""
        return max(0, self.needed - self.correct)

    @property
    def status(self) -> str:
        """passed, in progress or not started."""
        if self.passed:
            return "passed"
        return "in progress" if self.started else "not started"


def module_mastery(module: Module, bank: Bank, latest: dict[str, Attempt]) -> ModuleMastery:
    """A module's mastery from the latest attempt per question id (attempts at removed questions are ignored)."""
    by_objective: dict[str, list[Attempt | None]] = {}
    for question in bank.questions:
        by_objective.setdefault(question.objective, []).append(latest.get(question.id))
    objectives = tuple(
        ObjectiveMastery(
            module=module,
            objective=objective,
            correct=sum(1 for attempt in attempts if attempt and attempt.correct),
            attempted=sum(1 for attempt in attempts if attempt),
            total=len(attempts),
        )
        for objective, attempts in by_objective.items()
    )
    safety_missing = tuple(
        question for question in bank.must_pass if not (latest.get(question.id) and latest[question.id].correct)
    )
    return ModuleMastery(
        module=module,
        bank=bank,
        correct=sum(item.correct for item in objectives),
        attempted=sum(item.attempted for item in objectives),
        total=len(bank.questions),
        objectives=objectives,
        safety_missing=safety_missing,
    )


def safety_text(mastery: ModuleMastery) -> str:
    """Which must-pass safety questions are still not right, in words (empty when none)."""
    if not mastery.safety_missing:
        return ""
    named = "; ".join(f"“{question.prompt}”" for question in mastery.safety_missing)
    count = len(mastery.safety_missing)
    return (
        f"{count} safety question{'s' if count > 1 else ''} must be right to pass, whatever the score, "
        f"and {'are' if count > 1 else 'is'} not yet: {named}"
    )


def course_mastery(
    store: ProgressStore | None = None, learner: str | None = None, modules=None, load_bank=course_bank
) -> list[ModuleMastery]:
    """Mastery of every quiz module in reading order; a bank that cannot be loaded raises BankError."""
    store = store if store is not None else ProgressStore()
    learner = learner or current_learner()
    modules = quiz_modules() if modules is None else modules
    return [module_mastery(module, load_bank(module.bank), store.latest(module.bank, learner)) for module in modules]


def weakest_objectives(masteries: list[ModuleMastery], limit: int = WEAKEST_SHOWN) -> list[ObjectiveMastery]:
    """Learning objectives already practised but not yet mastered, weakest first (ties in reading order)."""
    practised = [
        item for mastery in masteries for item in mastery.objectives if item.attempted and item.correct < item.total
    ]
    return sorted(practised, key=lambda item: item.share)[:limit]


def module_label(module: Module) -> str:
    """The module as learners see it in the contents: number and title."""
    return f"{module.number} {module.title}"


def module_link(module: Module) -> str:
    """An HTML link to the module's notebook (relative: the progress page lives next to it)."""
    return f'<a href="{html.escape(module.notebook, quote=True)}">{html.escape(module_label(module))}</a>'


def bar_caption(mastery: ModuleMastery) -> str:
    """The words written at the end of a module's bar, so the chart never relies on colour."""
    if not mastery.started:
        return "not started"
    verdict = "passed" if mastery.passed else "not yet passed"
    if mastery.score_reached and mastery.safety_missing:
        verdict = "not yet passed: a safety question is wrong"
    return f"{mastery.share:.0%} ({mastery.correct} of {mastery.total}), {verdict}"


def mastery_figure(masteries: list[ModuleMastery]) -> tuple[Figure, str]:
    """Horizontal bars of mastery per module with the pass mark; returns (Figure, alt text)."""
    figure = Figure(figsize=(9, 0.8 + 0.55 * max(len(masteries), 1)))
    axes = figure.add_subplot()
    rows = range(len(masteries))
    for row, mastery in zip(rows, masteries, strict=True):
        passed = mastery.passed
        axes.barh(
            row,
            mastery.share * 100,
            height=0.6,
            color=PASSED_COLOUR if passed else NOT_YET_COLOUR,
            hatch=None if passed else NOT_YET_HATCH,
            edgecolor="black",
            linewidth=0.8,
        )
        # A white box keeps the words readable where they cross the pass-mark line.
        axes.text(
            mastery.share * 100 + 1.5,
            row,
            bar_caption(mastery),
            va="center",
            fontsize=9,
            color="black",
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            zorder=3,
        )
    marks = sorted({mastery.pass_mark for mastery in masteries})
    for mark in marks:
        axes.axvline(mark * 100, color="black", linestyle="--", linewidth=1.2)
        axes.text(
            mark * 100,
            -0.75,
            f"pass mark {mark:.0%}",
            ha="center",
            va="bottom",
            fontsize=9,
            bbox={"facecolor": "white", "edgecolor": "none", "pad": 1.5},
            zorder=3,
        )
    axes.set_yticks(list(rows), [module_label(mastery.module) for mastery in masteries])
    axes.set_ylim(len(masteries) - 0.5, -0.95)
    # Room on the right for the longest caption next to a full bar.
    axes.set_xlim(0, 150)
    axes.set_xticks(range(0, 101, 20), [f"{tick}%" for tick in range(0, 101, 20)])
    axes.set_xlabel("Questions right at your latest attempt")
    axes.spines["bottom"].set_bounds(0, 100)
    for spine in ("right", "top"):
        axes.spines[spine].set_visible(False)
    axes.set_title("Your mastery per module")
    figure.tight_layout()
    described = "; ".join(f"{module_label(m.module)}: {bar_caption(m)}" for m in masteries)
    marks_text = " and ".join(f"{mark:.0%}" for mark in marks)
    alt = f"Bar chart of your mastery per module, pass mark {marks_text}. {described}."
    return figure, alt


def _status_cell(mastery: ModuleMastery) -> str:
    symbol = {"passed": "✔", "in progress": "✘", "not started": "–"}[mastery.status]
    words = {"passed": "Passed", "in progress": "Not yet passed", "not started": "Not started"}[mastery.status]
    if mastery.score_reached and mastery.safety_missing:
        words += " (a safety question is wrong)"
    return f"{symbol} {words}"


def mastery_table_html(masteries: list[ModuleMastery]) -> str:
    """The modules as a table: link, questions right, answered, mastery and status in words."""
    left = 'style="text-align:left"'
    rows = "".join(
        f"<tr><td {left}>{module_link(m.module)}</td><td>{m.correct} of {m.total}</td><td>{m.attempted}</td>"
        f"<td>{m.share:.0%}</td><td>{m.pass_mark:.0%}</td><td {left}>{_status_cell(m)}</td></tr>"
        for m in masteries
    )
    head = (
        f"<tr><th {left}>Module</th><th>Right now</th><th>Answered</th><th>Mastery</th><th>Pass mark</th>"
        f"<th {left}>Status</th></tr>"
    )
    return f'<table class="mesocourse-mastery"><thead>{head}</thead><tbody>{rows}</tbody></table>'


def still_to_do(masteries: list[ModuleMastery]) -> list[str]:
    """Plain sentences (HTML, with links) for every module not yet passed, in reading order."""
    todo = []
    for m in masteries:
        if m.passed:
            continue
        if not m.started:
            todo.append(
                f"{module_link(m.module)}: not started. About {m.module.minutes} minutes; its quiz has "
                f"{m.total} questions and you need {m.needed} right to pass."
            )
        else:
            unanswered = m.total - m.attempted
            more = f" {unanswered} not answered yet." if unanswered else ""
            score = (
                f"{m.correct} of {m.total} right now, the pass mark of {m.pass_mark:.0%} is reached."
                if m.score_reached
                else f"{m.correct} of {m.total} right now; get {m.still_needed} more right to reach the pass mark "
                f"of {m.pass_mark:.0%}.{more}"
            )
            safety = f" {html.escape(safety_text(m))}." if m.safety_missing else ""
            todo.append(
                f"{module_link(m.module)}: {score}{safety} Read the module again, then run its quiz again and "
                "answer the questions marked ✘."
            )
    return todo


def _list_html(items: list[str]) -> str:
    return "<ul>" + "".join(f"<li>{item}</li>" for item in items) + "</ul>"


def weakest_html(masteries: list[ModuleMastery]) -> str:
    """The weakest learning objectives with links back to their modules, or a note that there are none yet."""
    weakest = weakest_objectives(masteries)
    if not weakest:
        return "<p>No weak spots so far: every objective you have practised is fully right.</p>"
    items = [
        f"{html.escape(item.objective)}: {item.correct} of {item.total} questions right. Read it again in "
        f"{module_link(item.module)}."
        for item in weakest
    ]
    return _list_html(items)


def cases_html(cases: dict[str, int] | None) -> str:
    """The patient cases' line of the report (cases.model.case_progress): how many tried, how many decided right."""
    if not cases:
        return ""
    if not cases["tried"]:
        text = f"You have not tried the {cases['cases']} patient cases yet. They are practice, not a quiz to pass."
    else:
        text = (
            f"You have tried {cases['tried']} of the {cases['cases']} patient cases; your latest decision was right "
            f"in {cases['decided_right']} of them."
        )
    return f"<h3>Patient cases</h3><p>{html.escape(text)}</p>"


def progress_report_html(masteries: list[ModuleMastery], cases: dict[str, int] | None = None) -> str:
    """The whole progress report: summary, chart, table, the patient cases, what is left and where to focus."""
    if not masteries:
        return feedback_box("info", ["This course has no module quizzes yet, so there is no progress to show."])
    passed = sum(m.passed for m in masteries)
    total = len(masteries)
    if not any(m.started for m in masteries):
        first = masteries[0]
        welcome = feedback_box(
            "info",
            [
                "You have not answered any quiz questions yet, so there is nothing to chart. That is fine: every "
                "module ends with a quiz, and your answers appear here as soon as you check them."
            ],
            f"<div>Start with {module_link(first.module)}.</div>",
        )
        return welcome + cases_html(cases) + "<h3>What is left to do</h3>" + _list_html(still_to_do(masteries))
    if passed == total:
        summary = feedback_box(
            "info", [f"You have passed all {total} module quizzes. You can now make your certificate below."]
        )
    else:
        summary = feedback_box("info", [f"You have passed {passed} of {total} module quizzes."])
    figure, alt = mastery_figure(masteries)
    parts = [summary, figure_html(figure, alt), mastery_table_html(masteries), cases_html(cases)]
    todo = still_to_do(masteries)
    parts.append("<h3>What is left to do</h3>")
    parts.append(_list_html(todo) if todo else "<p>Nothing: every module quiz is passed.</p>")
    parts.append("<h3>Where to focus</h3>")
    parts.append(weakest_html(masteries))
    return "".join(parts)


class ProgressPage:
    """The progress report with a refresh button, so a learner can come back after a quiz and see it update."""

    def __init__(
        self, store: ProgressStore | None = None, learner: str | None = None, modules=None, load_bank=course_bank
    ):
        self.store = store if store is not None else ProgressStore()
        self.learner = learner or current_learner()
        self.modules = modules
        self.load_bank = load_bank
        self.refresh_button = widgets.Button(
            description="Refresh my progress",
            icon="refresh",
            tooltip="Read your latest quiz answers again",
            layout=widgets.Layout(width="max-content"),
        )
        self.report = widgets.Output()
        self.refresh_button.on_click(self._on_refresh)
        self.widget = widgets.VBox([self.refresh_button, self.report])
        self.widget.add_class("mesocourse-progress")
        self.html = ""
        self._on_refresh()

    def current_html(self) -> str:
        """The report for the learner's record as it is now; a broken bank or record is said plainly."""
        try:
            masteries = course_mastery(self.store, self.learner, self.modules, self.load_bank)
            report = progress_report_html(masteries, self._cases())
        except BankError as problem:
            return feedback_box(
                "info",
                [
                    "Your progress cannot be shown because a quiz could not be loaded. Please tell your trainer:",
                    str(problem),
                ],
            )
        except (sqlite3.Error, OSError) as problem:
            return feedback_box(
                "info",
                [
                    f"Your progress record could not be read ({problem}). Please try again "
                    "in a moment, or tell your trainer."
                ],
            )
        # A damaged record moved aside (see progress.py) is said once, above the report.
        notices = [feedback_box("info", [notice]) for notice in self.store.notices]
        self.store.notices.clear()
        return "".join(notices) + report

    def _cases(self) -> dict[str, int] | None:
        """The learner's case answers for the report; None (the line left out) when the cases cannot be loaded."""
        from mesocourse.cases.model import case_progress  # the cases' data is read only when the page is drawn

        try:
            return case_progress(self.store, self.learner)
        except AssetError:
            return None

    def _on_refresh(self, _button=None) -> None:
        """Re-read the record and redraw the report."""
        self.html = self.current_html()
        self.report.clear_output(wait=True)
        with self.report:
            # Shown through the notebook's HTML output so its links open the modules inside JupyterLab.
            display(HTML(self.html))


def progress_report() -> None:
    """Show the learner's progress report in the notebook."""
    display(ProgressPage().widget)

"""Quiz widgets over the question banks: choose, check, per-option feedback, explanation, retry and score."""

import html
import random
import sqlite3
from dataclasses import dataclass, field

import ipywidgets as widgets
from IPython.display import HTML, display

from mesocourse.bank import Bank, BankError, Question, course_bank, load_bank
from mesocourse.figures import figure_html, make_figure
from mesocourse.progress import ProgressStore, current_learner
from mesocourse.references import cite

LETTERS = "ABCDEFGHIJKLMNOP"
# After this many wrong checks the explanation is shown anyway, so nobody is stuck.
EXPLAIN_AFTER_WRONG = 2
# Text and background pairs with contrast well above WCAG's 4.5:1; the words and symbols carry the meaning too.
TONES = {
    "right": ("#1b5e20", "#e8f5e9", "✔ Correct."),
    "wrong": ("#8e1010", "#fdecea", "✘ Not quite."),
    "info": ("#0d3c61", "#e8f1fb", "ℹ"),
}
QUIZ_STYLE = """<style>
.mesocourse-quiz .widget-radio-box label, .mesocourse-quiz .widget-checkbox label { white-space: normal; }
.mesocourse-quiz .widget-radio-box { width: 100%; }
.mesocourse-quiz .widget-radio-box label { height: auto; display: flex; flex-direction: row-reverse;
  justify-content: flex-end; align-items: flex-start; line-height: 1.4; margin: 2px 0; }
.mesocourse-quiz .widget-radio-box input { flex-shrink: 0; float: none; margin-top: 2px; }
.mesocourse-quiz :focus-visible { outline: 3px solid #0d3c61; outline-offset: 2px; }
</style>"""


class AnswerFormatError(ValueError):
    """An answer that cannot be checked (no option chosen, not a number): said plainly, not counted."""


@dataclass
class Verdict:
    """The outcome of checking one answer."""

    correct: bool
    lines: list[str] = field(default_factory=list)


def shuffled_options(question: Question, learner: str) -> list[int]:
    """Option order for this learner: shuffled, but the same on every retry and re-run (seeded per learner)."""
    order = list(range(len(question.options)))
    random.Random(f"{learner}:{question.id}").shuffle(order)
    return order


def parse_number(text: str) -> float:
    """A typed number; accepts a decimal comma ("2,5") and a trailing unit ("2.5 mm")."""
    cleaned = str(text).strip().replace(",", ".")
    for part in cleaned.split():
        try:
            return float(part)
        except ValueError:
            continue
    raise AnswerFormatError("Please type a number, for example 2.5")


def grade_choice(question: Question, chosen: set[int], order: list[int]) -> Verdict:
    """Check a choice answer given as original option indexes; feedback per chosen option, labelled as shown."""
    if not chosen:
        raise AnswerFormatError(
            "Please choose an answer first." if question.kind == "single" else "Please tick at least one answer first."
        )
    if question.kind == "single" and len(chosen) != 1:
        raise AnswerFormatError("Please choose one answer.")
    correct_set = {index for index, option in enumerate(question.options) if option.correct}
    lines = []
    for position, index in enumerate(order):
        if index in chosen:
            option = question.options[index]
            mark = "✔" if option.correct else "✘"
            lines.append(f"{mark} {LETTERS[position]}: {option.feedback}")
    if question.kind == "multiple" and not chosen - correct_set and chosen != correct_set:
        lines.append("Everything you ticked is right, but at least one correct answer is still missing.")
    return Verdict(chosen == correct_set, lines)


def grade_numeric(question: Question, typed: str) -> Verdict:
    """Check a numeric answer against the key within its tolerance; known wrong ranges get their own feedback."""
    value = parse_number(typed)
    if abs(value - question.answer) <= question.tolerance + 1e-9:
        return Verdict(True, [f"{value:g} {question.unit}".strip() + " is right."])
    for hint in question.hints:
        if hint.low - 1e-9 <= value <= hint.high + 1e-9:
            return Verdict(False, [hint.feedback])
    return Verdict(False, [question.wrong_feedback])


def status_box(colour: str, background: str, inner_html: str, css_class: str = "") -> str:
    """The course's message box: coloured bar and tint, read out by screen readers; the inner HTML holds the words."""
    class_attribute = f' class="{css_class}"' if css_class else ""
    return (
        f'<div{class_attribute} role="status" aria-live="polite" style="color:{colour};background:{background};'
        f'border-left:6px solid {colour};padding:8px 12px;margin:4px 0">{inner_html}</div>'
    )


def feedback_box(tone: str, lines: list[str], extra: str = "", headline: str | None = None) -> str:
    """Feedback HTML: a word and a symbol first (never colour alone), announced to screen readers.

    `headline` replaces the tone's own ("✔ Correct.") where that would read oddly, and must keep a symbol and words.
    """
    colour, background, default_headline = TONES[tone]
    headline = html.escape(headline) if headline else default_headline
    body = "".join(f"<div>{html.escape(line)}</div>" for line in lines)
    return status_box(colour, background, f"<strong>{headline}</strong>{body}{extra}")


def unavailable(what: str, problem: Exception) -> HTML:
    """A plain message in place of a widget whose course data could not be loaded, for the learner to pass on."""
    return HTML(feedback_box("info", [f"The {what} could not be loaded. Please tell your trainer:", str(problem)]))


def explanation_html(question: Question) -> str:
    """The explanation with its references written out, so every statement traces to a source."""
    sources = html.escape(cite(question.references)) if question.references else ""
    refs = f'<div style="font-size:90%;margin-top:4px"><em>Sources:</em> {sources}</div>' if sources else ""
    return f'<div style="margin-top:6px"><strong>Why:</strong> {html.escape(question.explanation)}{refs}</div>'


class QuestionView:
    """One question as widgets; all decisions are made by the plain functions above."""

    def __init__(
        self,
        question: Question,
        bank_name: str,
        number: int,
        learner: str,
        store: ProgressStore | None,
        on_checked=None,
    ):
        self.question = question
        self.bank_name = bank_name
        self.learner = learner
        self.store = store
        self.on_checked = on_checked
        self.verdict: Verdict | None = None
        self.wrong_checks = 0
        self.first_try_correct: bool | None = None
        self.order = shuffled_options(question, learner) if question.options else []

        self.prompt = widgets.HTML(f"<p><strong>Question {number}.</strong> {html.escape(question.prompt)}</p>")
        self.figure = widgets.HTML(self._figure_html()) if question.figure else None
        self.choices = self.checkboxes = self.number_box = None
        if question.kind == "single":
            self.choices = widgets.RadioButtons(
                options=[f"{LETTERS[p]}. {question.options[i].text}" for p, i in enumerate(self.order)],
                value=None,
                layout=widgets.Layout(width="100%"),
            )
            inputs = [self.choices]
        elif question.kind == "multiple":
            self.checkboxes = [
                widgets.Checkbox(
                    value=False,
                    description=f"{LETTERS[p]}. {question.options[i].text}",
                    indent=False,
                    layout=widgets.Layout(width="100%"),
                )
                for p, i in enumerate(self.order)
            ]
            inputs = [widgets.HTML("<em>Tick every answer that applies.</em>"), *self.checkboxes]
        else:
            self.number_box = widgets.Text(placeholder="type a number", layout=widgets.Layout(width="10em"))
            inputs = [widgets.HBox([self.number_box, widgets.Label(question.unit)])]
        self.check_button = widgets.Button(
            description="Check my answer", button_style="primary", tooltip="Check this answer"
        )
        self.retry_button = widgets.Button(
            description="Try again", layout=widgets.Layout(display="none"), tooltip="Change your answer and check again"
        )
        self.feedback = widgets.HTML("")
        self.check_button.on_click(self._on_check)
        self.retry_button.on_click(self._on_retry)
        parts = [self.prompt] + ([self.figure] if self.figure else []) + inputs
        parts += [widgets.HBox([self.check_button, self.retry_button]), self.feedback]
        self.widget = widgets.VBox(parts, layout=widgets.Layout(margin="0 0 18px 0"))

    def _figure_html(self) -> str:
        try:
            figure, alt = make_figure(self.question.figure["name"], self.question.figure["args"])
        except Exception as error:  # a broken figure must not hide the question itself
            return feedback_box("info", [f"The picture for this question could not be drawn ({error})."])
        return figure_html(figure, alt, max_width="36em")

    def response(self):
        """The current answer: original option indexes for choices, the typed text for numbers."""
        if self.choices is not None:
            if self.choices.index is None:
                return set()
            return {self.order[self.choices.index]}
        if self.checkboxes is not None:
            return {self.order[p] for p, box in enumerate(self.checkboxes) if box.value}
        return self.number_box.value

    def _answer_label(self):
        if self.question.kind == "numeric":
            return self.number_box.value.strip()
        return ",".join(
            sorted(LETTERS[self.order.index(i)] + ":" + self.question.options[i].text[:40] for i in self.response())
        )

    def _inputs_disabled(self, disabled: bool) -> None:
        for box in [self.choices, self.number_box, *(self.checkboxes or [])]:
            if box is not None:
                box.disabled = disabled

    def _on_check(self, _button=None) -> None:
        """Grade, show feedback, record the attempt, and tell the quiz to update the score."""
        try:
            if self.question.kind == "numeric":
                verdict = grade_numeric(self.question, self.response())
            else:
                verdict = grade_choice(self.question, self.response(), self.order)
        except AnswerFormatError as problem:
            self.feedback.value = feedback_box("info", [str(problem)])
            return
        self.verdict = verdict
        if self.first_try_correct is None:
            self.first_try_correct = verdict.correct
        if not verdict.correct:
            self.wrong_checks += 1
        show_why = verdict.correct or self.wrong_checks >= EXPLAIN_AFTER_WRONG
        extra = explanation_html(self.question) if show_why else ""
        if not verdict.correct and not show_why:
            extra = "<div>Read the feedback, then press <em>Try again</em>.</div>"
        tone = "right" if verdict.correct else "wrong"
        # Feedback first: the learner waits for it, not for the progress file (the write then lets it go out).
        self.feedback.value = feedback_box(tone, verdict.lines, extra)
        saved_note = self._record()
        if saved_note:
            self.feedback.value = feedback_box(tone, verdict.lines, extra + saved_note)
        self._inputs_disabled(True)
        self.check_button.layout.display = "none"
        self.retry_button.layout.display = None
        # The pressed button disappears; keyboard users stay in this question instead of the top of the page.
        self.retry_button.focus()
        if self.on_checked:
            self.on_checked(self)

    def _record(self) -> str:
        if self.store is None:
            return ""
        try:
            self.store.record(
                self.bank_name,
                self.question.id,
                self._answer_label(),
                self.verdict.correct,
                self.question.objective,
                self.learner,
            )
        except (sqlite3.Error, OSError) as error:
            return f"<div><em>Your answer was checked but could not be saved to your progress ({error}).</em></div>"
        notices = "".join(f"<div><em>{html.escape(n)}</em></div>" for n in self.store.notices)
        self.store.notices.clear()
        return notices

    def _on_retry(self, _button=None) -> None:
        """Unlock the answer for another go; the option order stays the same."""
        self._inputs_disabled(False)
        self.feedback.value = ""
        self.retry_button.layout.display = "none"
        self.check_button.layout.display = None
        self.check_button.focus()


class QuizView:
    """A bank as a list of questions with a running score and a pass mark."""

    def __init__(self, bank: Bank, learner: str | None = None, store: ProgressStore | None = None):
        self.bank = bank
        self.learner = learner or current_learner()
        self.store = store
        self.questions = [
            QuestionView(q, bank.name, n, self.learner, store, on_checked=self._on_question_checked)
            for n, q in enumerate(bank.questions, start=1)
        ]
        self.score_label = widgets.HTML(self.score_html())
        header = widgets.HTML(
            f"{QUIZ_STYLE}<h3>Quiz: {html.escape(bank.title)}</h3><p>{len(self.questions)} questions. "
            "Choose an answer with the mouse or the keyboard (Tab to move, arrow keys or Space to choose), then "
            "press <em>Check my answer</em>. Your answers are saved to your progress.</p>"
        )
        self.widget = widgets.VBox([header, *(view.widget for view in self.questions), self.score_label])
        self.widget.add_class("mesocourse-quiz")

    def score(self) -> tuple[int, int, int]:
        """(correct now, answered, total) over the questions of this quiz."""
        answered = [view for view in self.questions if view.verdict is not None]
        correct = sum(view.verdict.correct for view in answered)
        return correct, len(answered), len(self.questions)

    def score_html(self) -> str:
        """The running score; once every question is answered, whether the pass mark is reached."""
        correct, answered, total = self.score()
        text = f"Score: {correct} of {total} correct ({answered} answered)."
        if answered < total:
            return feedback_box("info", [text])
        passed = correct / total >= self.bank.pass_mark
        first_try = sum(bool(view.first_try_correct) for view in self.questions)
        verdict = (
            f"You reached the pass mark of {self.bank.pass_mark:.0%}."
            if passed
            else f"The pass mark is {self.bank.pass_mark:.0%}: use Try again on the questions marked ✘."
        )
        return feedback_box("right" if passed else "wrong", [text, f"{first_try} right at the first try.", verdict])

    def _on_question_checked(self, _view) -> None:
        self.score_label.value = self.score_html()


def build_quiz(name_or_path, learner: str | None = None, store: ProgressStore | None = None) -> QuizView:
    """A quiz for a course bank name or a bank file (YAML or jupyterquiz JSON)."""
    text = str(name_or_path)
    bank = load_bank(text) if text.endswith((".yaml", ".yml", ".json")) else course_bank(text)
    return QuizView(bank, learner, store if store is not None else ProgressStore())


def show_quiz(name_or_path) -> None:
    """Show a module's quiz in the notebook; a broken bank shows a plain message instead of a traceback."""
    try:
        quiz = build_quiz(name_or_path)
    except BankError as problem:
        display(unavailable("quiz", problem))
        return
    display(quiz.widget)

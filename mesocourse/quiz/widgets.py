"""Quiz widgets over the question banks: choose, check, per-option feedback, explanation, retry and score."""

import html
import sqlite3

import ipywidgets as widgets
from IPython.display import display

from mesocourse.bank import Bank, BankError, Question, course_bank, load_bank
from mesocourse.figures import figure_html, make_figure
from mesocourse.look import QUIZ_STYLE, TONES, explanation_html, feedback_box, status_box, unavailable
from mesocourse.progress import ProgressStore, current_learner
from mesocourse.quiz.checking import (
    EXPLAIN_AFTER_WRONG,
    LETTERS,
    AnswerFormatError,
    Verdict,
    grade_choice,
    grade_numeric,
    grade_text,
    right_answer,
    shuffled_options,
)
from mesocourse.quiz.markup import code_html, to_html


def option_html(letter: str, option) -> str:
    """An option's label: its letter, then its text and code typeset the same way in every kind of question."""
    parts = [to_html(option.text, inline=True)] if option.text else []
    if option.code:
        parts.append(code_html(option.code, inline=True))
    return f"<strong>{letter}.</strong> " + " ".join(parts)


def verdict_box(tone: str, lines: list[str], extra: str = "") -> str:
    """Feedback lines that may hold markdown or LaTeX, in the course's message box with its word and symbol."""
    colour, background, headline = TONES[tone]
    body = "".join(f"<div>{to_html(line, inline=True)}</div>" for line in lines)
    return status_box(colour, background, f"<strong>{headline}</strong>{body}{extra}")


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

        label = (
            f"Question {number} (safety question: must be right to pass)"
            if question.must_pass
            else f"Question {number}"
        )
        prompt = to_html(question.prompt, inline=True)
        code = code_html(question.code) if question.code else ""
        self.prompt = widgets.HTMLMath(f"<p><strong>{label}.</strong> {prompt}</p>{code}")
        self.figure = widgets.HTML(self._figure_html()) if question.figure else None
        self.checkboxes = self.text_box = None
        if question.options:
            # One kind of box for single and select-all questions, so text, pictures and LaTeX look the same.
            self.checkboxes = [
                widgets.Checkbox(
                    value=False,
                    description=option_html(LETTERS[p], question.options[i]),
                    description_allow_html=True,
                    indent=False,
                    layout=widgets.Layout(width="auto" if question.answer_cols else "100%"),
                )
                for p, i in enumerate(self.order)
            ]
            if question.kind == "single":
                for box in self.checkboxes:
                    box.observe(self._on_single_tick, names="value")
            columns = question.answer_cols or 1
            grid = widgets.GridBox(
                self.checkboxes, layout=widgets.Layout(grid_template_columns=f"repeat({columns}, 1fr)", width="100%")
            )
            grid.add_class("mesocourse-single" if question.kind == "single" else "mesocourse-multiple")
            hint = "Choose one answer." if question.kind == "single" else "Tick every answer that applies."
            inputs = [widgets.HTML(f"<em>{hint}</em>"), grid]
        else:
            placeholder = "type a number" if question.kind == "numeric" else "type your answer"
            self.text_box = widgets.Text(placeholder=placeholder, layout=widgets.Layout(width="14em"))
            inputs = [widgets.HBox([self.text_box, widgets.Label(question.unit)])]
        self.check_button = widgets.Button(
            description="Check my answer", button_style="primary", tooltip="Check this answer"
        )
        self.retry_button = widgets.Button(
            description="Try again", layout=widgets.Layout(display="none"), tooltip="Change your answer and check again"
        )
        self.feedback = widgets.HTMLMath("")
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
        return figure_html(figure, alt)

    def _on_single_tick(self, change) -> None:
        """A single-choice question keeps one tick: ticking an option clears the others."""
        if change["new"]:
            for box in self.checkboxes:
                if box is not change["owner"] and box.value:
                    box.value = False

    def choose(self, *indexes: int) -> None:
        """Tick these options (original option indexes), as a learner would."""
        for index in indexes:
            self.checkboxes[self.order.index(index)].value = True

    def response(self):
        """The current answer: original option indexes for choices, the typed text for numbers and words."""
        if self.checkboxes is not None:
            return {self.order[p] for p, box in enumerate(self.checkboxes) if box.value}
        return self.text_box.value

    def _answer_label(self):
        if self.checkboxes is None:
            return self.text_box.value.strip()
        return ",".join(
            sorted(LETTERS[self.order.index(i)] + ":" + self.question.options[i].text[:40] for i in self.response())
        )

    def _inputs_disabled(self, disabled: bool) -> None:
        for box in [self.text_box, *(self.checkboxes or [])]:
            if box is not None:
                box.disabled = disabled

    def _on_check(self, _button=None) -> None:
        """Grade, show feedback, record the attempt, and tell the quiz to update the score."""
        try:
            if self.question.kind == "numeric":
                verdict = grade_numeric(self.question, self.response())
            elif self.question.kind == "string":
                verdict = grade_text(self.question, self.response())
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
        show_why = verdict.correct or self.finished
        extra = explanation_html(self.question) if show_why else ""
        if not verdict.correct and not show_why:
            extra = "<div>Read the feedback, then press <em>Try again</em>.</div>"
        if self.finished and not verdict.correct:
            # Like Moodle's review once the tries are used up: name the key, then say why.
            extra = (
                f"<div><strong>{html.escape(right_answer(self.question, self.order))}</strong></div>{extra}"
                "<div><em>Your score counts your first try. To practise this question again, read the module "
                "and run the quiz cell again later.</em></div>"
            )
        tone = "right" if verdict.correct else "wrong"
        # Feedback first: the learner waits for it, not for the progress file (the write then lets it go out).
        self.feedback.value = verdict_box(tone, verdict.lines, extra)
        saved_note = self._record()
        if saved_note:
            self.feedback.value = verdict_box(tone, verdict.lines, extra + saved_note)
        self._inputs_disabled(True)
        self.check_button.layout.display = "none"
        # Once the right answer has been shown, another try would only copy it: the question is closed.
        self.retry_button.layout.display = "none" if self.finished and not verdict.correct else None
        # The pressed button disappears; keyboard users stay in this question instead of the top of the page.
        self.retry_button.focus()
        if self.on_checked:
            self.on_checked(self)

    @property
    def finished(self) -> bool:
        """True once the learner has used up the tries (EXPLAIN_AFTER_WRONG wrong checks)."""
        return self.wrong_checks >= EXPLAIN_AFTER_WRONG

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
            "Choose an answer with the mouse or the keyboard (Tab to move, Space to tick), then "
            "press <em>Check my answer</em>. Your answers are saved to your progress.</p>"
        )
        self.widget = widgets.VBox([header, *(view.widget for view in self.questions), self.score_label])
        self.widget.add_class("mesocourse-quiz")

    def score(self) -> tuple[int, int, int]:
        """(right at the first try, answered, total): a retry after feedback, or a shown answer, earns nothing."""
        answered = [view for view in self.questions if view.verdict is not None]
        correct = sum(bool(view.first_try_correct) for view in answered)
        return correct, len(answered), len(self.questions)

    def score_html(self) -> str:
        """The running score; once every question is answered, whether the pass mark is reached."""
        correct, answered, total = self.score()
        text = f"Score: {correct} of {total} right at the first try ({answered} answered)."
        if answered < total:
            return feedback_box("info", [text])
        reached = correct / total >= self.bank.pass_mark
        safety = [n for n, view in enumerate(self.questions, 1) if view.question.must_pass and not view.verdict.correct]
        if safety:
            verdict = (
                f"Not passed yet: safety question{'s' if len(safety) > 1 else ''} "
                f"{', '.join(map(str, safety))} must be right to pass the module, whatever the score."
            )
        elif reached:
            verdict = f"You reached the pass mark of {self.bank.pass_mark:.0%}."
        else:
            verdict = f"The pass mark is {self.bank.pass_mark:.0%}: read the module again, then run this quiz again."
        passed = reached and not safety
        lines = [text, verdict]
        return feedback_box("right" if passed else "wrong", lines)

    def _on_question_checked(self, _view) -> None:
        self.score_label.value = self.score_html()


def build_quiz(name_or_path, learner: str | None = None, store: ProgressStore | None = None) -> QuizView:
    """A quiz for a course bank name or a bank file (YAML or jupyterquiz JSON)."""
    text = str(name_or_path)
    bank = load_bank(text) if text.endswith((".yaml", ".yml", ".json")) else course_bank(text)
    return QuizView(bank, learner, store if store is not None else ProgressStore())


def show_quiz(name_or_path) -> None:
    """Show a module's quiz in the notebook; any bank that cannot be loaded shows a plain message, no traceback."""
    try:
        quiz = build_quiz(name_or_path)
    except BankError as problem:
        display(unavailable("quiz", problem))
        return
    except Exception as problem:  # the learner must never meet a traceback, whatever the file holds
        display(unavailable("quiz", f"the question file could not be used ({type(problem).__name__})."))
        return
    display(quiz.widget)

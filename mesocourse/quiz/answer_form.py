"""The answer form of a graded assignment: the learner's own version as quiz widgets, saved at once, never marked.

The released notebook's only code cell calls `show_answer_form()`. The form (questions and options, no key) is in
the notebook's metadata; every tick or number is written at once to answers.json beside the notebook, which is
what the trainer grades. Nothing here says right or wrong, and nothing a learner types can raise a traceback.
"""

import html
import json
import os
from pathlib import Path

import ipywidgets as widgets
from IPython.display import display

from mesocourse.grading.answer_format import LETTER, LETTERS
from mesocourse.grading.answer_sheet import ANSWERS_FILE, FORM_KEY, MAX_BYTES, clean_answer, write_answers
from mesocourse.look import QUIZ_STYLE, feedback_box
from mesocourse.quiz.checking import AnswerFormatError, parse_number
from mesocourse.quiz.markup import to_html

LETTER_NAMES = "ABCDEFGH"


def _forms_in(notebook: Path) -> dict:
    try:
        if notebook.stat().st_size > 20 * MAX_BYTES:
            return {}
        metadata = json.loads(notebook.read_text(encoding="utf-8")).get("metadata", {})
    except (OSError, ValueError, AttributeError):
        return {}
    forms = metadata.get(FORM_KEY, {}).get("forms") if isinstance(metadata.get(FORM_KEY), dict) else None
    return forms if isinstance(forms, dict) else {}


def find_forms(folder: Path) -> tuple[Path | None, dict]:
    """The assignment notebook in this folder (the one this kernel runs, when Jupyter says so) and its forms."""
    running = os.environ.get("JPY_SESSION_NAME", "")
    candidates = [Path(running)] if running.endswith(".ipynb") else []
    candidates += sorted(folder.glob("*.ipynb"), key=lambda path: -path.stat().st_mtime)
    for notebook in candidates:
        forms = _forms_in(notebook)
        if forms:
            return notebook, forms
    return None, {}


def saved_answers(folder: Path) -> dict:
    """What the answers file in this folder holds (nothing when it is missing or unreadable)."""
    try:
        data = json.loads((folder / ANSWERS_FILE).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}
    return data if isinstance(data, dict) else {}


def choose_form(forms: dict, saved: dict) -> dict | None:
    """The learner's own form: the one the answers file names, the only one, or the JupyterHub user's."""
    named = saved.get("learner")
    if isinstance(named, str) and named in forms:
        return forms[named]
    if len(forms) == 1:
        return next(iter(forms.values()))
    user = os.environ.get("JUPYTERHUB_USER", "")
    return forms.get(user)


class AnswerQuestion:
    """One graded question: its text and options as in the quizzes, the learner's answer, no verdict."""

    def __init__(self, block: dict, on_change):
        self.id, self.kind = block["id"], block["kind"]
        self.letters = LETTER_NAMES[: len(block.get("options") or [])]
        self.on_change = on_change
        points = f"{block['points']:g} point{'s' if block['points'] != 1 else ''}"
        prompt = to_html(block["stem"])
        self.prompt = widgets.HTMLMath(f"<h3>Question {block['number']} ({points})</h3>{prompt}")
        self.note = widgets.HTML("")
        self.boxes, self.text = [], None
        if self.kind in (LETTER, LETTERS):
            self.boxes = [
                widgets.Checkbox(
                    value=False,
                    description=f"<strong>{letter}.</strong> {to_html(text, inline=True)}",
                    description_allow_html=True,
                    indent=False,
                    layout=widgets.Layout(width="100%"),
                )
                for letter, text in zip(self.letters, block["options"], strict=True)
            ]
            grid = widgets.VBox(self.boxes)
            grid.add_class("mesocourse-single" if self.kind == LETTER else "mesocourse-multiple")
            hint = "Choose one answer." if self.kind == LETTER else "Tick every answer that applies."
            inputs = [widgets.HTML(f"<em>{hint}</em>"), grid]
            for box in self.boxes:
                box.observe(self._on_tick, names="value")
        else:
            unit = html.escape(block.get("unit") or "")
            self.text = widgets.Text(placeholder="type a number", layout=widgets.Layout(width="14em"))
            self.text.observe(self._on_typed, names="value")
            hint = f"Type a number{' in ' + unit if unit else ''} (a dot or a comma for decimals)."
            inputs = [widgets.HTML(f"<em>{hint}</em>"), widgets.HBox([self.text, widgets.Label(unit)])]
        self.widget = widgets.VBox([self.prompt, *inputs, self.note], layout=widgets.Layout(margin="0 0 18px 0"))
        self.widget.add_class("mesocourse-graded-question")
        self._quiet = False

    def value(self):
        """The answer as saved: a letter, a sorted list of letters, a number, or None when not answered."""
        if self.boxes:
            ticked = [letter for letter, box in zip(self.letters, self.boxes, strict=True) if box.value]
            if not ticked:
                return None
            return ticked[0] if self.kind == LETTER else ticked
        try:
            return parse_number(self.text.value) if self.text.value.strip() else None
        except AnswerFormatError:
            return None

    def show(self, value) -> None:
        """Put a saved answer back into the widgets (a value that is not an answer is left out)."""
        value = clean_answer(value, self.kind, self.letters)
        if value is None:
            return
        self._quiet = True
        try:
            if self.boxes:
                chosen = {value} if self.kind == LETTER else set(value)
                for letter, box in zip(self.letters, self.boxes, strict=True):
                    box.value = letter in chosen
            else:
                self.text.value = f"{value:g}"
        finally:
            self._quiet = False

    def _on_tick(self, change) -> None:
        if self.kind == LETTER and change["new"]:
            # Single choice keeps one tick, as in the self-study quizzes.
            self._quiet, quiet = True, self._quiet
            for box in self.boxes:
                if box is not change["owner"] and box.value:
                    box.value = False
            self._quiet = quiet
        if not self._quiet:
            self.on_change()

    def _on_typed(self, change) -> None:
        text = change["new"].strip()
        problem = ""
        if text:
            try:
                parse_number(text)
            except AnswerFormatError:
                problem = "Please type a number, for example 2.5. This answer is not saved until it is a number."
        self.note.value = feedback_box("info", [problem]) if problem else ""
        if not self._quiet:
            self.on_change()


class AnswerForm:
    """Every graded question of one learner's version, saved to answers.json at each change."""

    def __init__(self, form: dict, folder: Path, saved: dict):
        self.form, self.folder = form, folder
        self.questions: list[AnswerQuestion] = []
        parts = [
            widgets.HTML(
                f"{QUIZ_STYLE}<p>Answer with the mouse or the keyboard (Tab to move, Space to tick). Each answer is "
                f"saved at once in <code>{ANSWERS_FILE}</code> in this folder. You will not see here whether an "
                "answer is right: your trainer's feedback tells you after grading.</p>"
            )
        ]
        for block in form.get("blocks", []):
            if "text" in block:
                parts.append(widgets.HTMLMath(to_html(block["text"].replace("## ", "### ", 1))))
                continue
            question = AnswerQuestion(block, self.save)
            self.questions.append(question)
            parts.append(question.widget)
        self.status = widgets.HTML("")
        parts.append(self.status)
        answers = saved.get("answers") if isinstance(saved.get("answers"), dict) else {}
        for question in self.questions:
            question.show(answers.get(question.id))
        self.widget = widgets.VBox(parts)
        self.widget.add_class("mesocourse-quiz")
        self.status.value = self._progress()

    def answers(self) -> dict:
        """Every answer given so far, by question id."""
        return {q.id: value for q in self.questions if (value := q.value()) is not None}

    def _progress(self) -> str:
        return feedback_box("info", [f"{len(self.answers())} of {len(self.questions)} questions answered."])

    def save(self) -> None:
        """Write the answers file now; a disk problem is said in words and the widgets keep the answers."""
        try:
            write_answers(
                self.folder, self.form.get("assignment", ""), self.form["learner"], self.form["version"], self.answers()
            )
        except OSError as error:
            self.status.value = feedback_box(
                "caution", [f"Your answers could not be saved ({error.strerror}). Tell your trainer before closing."]
            )
            return
        self.status.value = self._progress()


def build_answer_form(folder: Path | None = None) -> AnswerForm | widgets.HTML:
    """The form of the assignment notebook in this folder, or a plain message saying what to do."""
    folder = Path(folder or Path.cwd())
    notebook, forms = find_forms(folder)
    saved = saved_answers(folder)
    if notebook is None:
        return widgets.HTML(
            feedback_box("info", ["This assignment's questions could not be found. Please tell your trainer."])
        )
    form = choose_form(forms, saved)
    if form is None:
        return widgets.HTML(
            feedback_box(
                "info",
                [
                    "This copy of the assignment does not name you, so it cannot show your questions.",
                    f"Ask your trainer for your own copy (it comes with an {ANSWERS_FILE} file).",
                ],
            )
        )
    return AnswerForm(form, folder, saved)


def show_answer_form() -> None:
    """Show the graded questions; whatever goes wrong, the learner reads a sentence, never a traceback."""
    try:
        form = build_answer_form()
        display(form.widget if isinstance(form, AnswerForm) else form)
    except Exception as problem:  # the learner must never meet a traceback
        display(widgets.HTML(feedback_box("info", [f"The questions could not be shown ({type(problem).__name__})."])))

"""The graded answer form: widgets like the quizzes, every answer saved at once to answers.json, no verdict."""

import json

import nbformat
import pytest

from mesocourse.grading.answer_sheet import ANSWERS_FILE, FORM_KEY
from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.variants import draw
from mesocourse.paths import ROOT
from mesocourse.quiz.answer_form import AnswerForm, build_answer_form, show_answer_form

SECRET = b"test-secret-for-the-form"


@pytest.fixture
def folder(tmp_path):
    """A learner's assignment folder: a notebook holding maria's form, as release writes it."""
    source = read_assignment(ROOT / "assignments" / "depths" / "depths.ipynb")
    notebook = nbformat.v4.new_notebook()
    notebook.metadata[FORM_KEY] = {"assignment": "depths", "forms": {"maria": draw(source, "maria", SECRET).form()}}
    nbformat.write(notebook, tmp_path / "depths.ipynb")
    return tmp_path


def _saved(folder):
    return json.loads((folder / ANSWERS_FILE).read_text(encoding="utf-8"))


def test_a_tick_is_saved_at_once(folder):
    """Ticking an option writes answers.json straight away, with the learner and version."""
    form = build_answer_form(folder)
    letter = form.questions[2]
    letter.boxes[1].value = True
    saved = _saved(folder)
    assert saved["answers"] == {letter.id: "B"} and saved["learner"] == "maria" and saved["version"]


def test_single_choice_keeps_one_tick_and_select_all_keeps_many(folder):
    """As in the self-study quizzes: one answer for single choice, any number for select-all."""
    form = build_answer_form(folder)
    single = next(q for q in form.questions if q.kind == "letter")
    single.boxes[0].value = True
    single.boxes[2].value = True
    assert [box.value for box in single.boxes] == [False, False, True, False]
    several = next(q for q in form.questions if q.kind == "letters")
    several.boxes[0].value = several.boxes[3].value = True
    assert _saved(folder)["answers"] == {single.id: "C", several.id: ["A", "D"]}


def test_numbers_accept_a_decimal_comma_and_refuse_words_in_a_sentence(folder):
    """2,8 is 2.8; 'deep' is not saved and the learner reads what to type, never a traceback."""
    form = build_answer_form(folder)
    number = form.questions[0]
    number.text.value = "2,8"
    assert _saved(folder)["answers"] == {number.id: 2.8}
    number.text.value = "deep"
    assert "Please type a number" in number.note.value
    assert _saved(folder)["answers"] == {}


def test_there_is_no_right_or_wrong_and_no_check_button(folder):
    """The form shows no verdict: no Check button, no ✔/✘ feedback anywhere."""
    form = build_answer_form(folder)
    form.questions[2].boxes[0].value = True
    html = json.dumps([getattr(child, "value", "") for child in form.widget.children], ensure_ascii=False)
    assert "✔" not in html and "✘" not in html and "Correct" not in html
    assert not any(type(child).__name__ == "Button" for child in form.widget.children)


def test_reopening_shows_the_saved_answers(folder):
    """A second form on the same folder (the notebook opened again) shows what was saved."""
    first = build_answer_form(folder)
    first.questions[2].boxes[3].value = True
    first.questions[0].text.value = "4.2"
    again = build_answer_form(folder)
    assert again.questions[2].boxes[3].value is True and again.questions[0].text.value == "4.2"


def test_a_foreign_or_broken_folder_gives_a_sentence(tmp_path, capsys):
    """No assignment notebook, or one that is damaged: a plain message, never a traceback."""
    assert not isinstance(build_answer_form(tmp_path), AnswerForm)
    (tmp_path / "depths.ipynb").write_text("{ broken", encoding="utf-8")
    assert "could not be found" in build_answer_form(tmp_path).value
    show_answer_form()  # run where no assignment is: prints a widget, raises nothing

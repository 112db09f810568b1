"""mesocourse.aftercare.widgets: the advice box, the advice explorer, the call exercise and the handout form."""

import calendar
import html
from datetime import date

from mesocourse.aftercare.model import advice_for, aftercare, urgency_levels
from mesocourse.aftercare.widgets import AdviceExplorer, CallExercise, HandoutMaker, advice_html

from .test_handout import pdf_text


def test_advice_html_says_urgency_in_words_and_sources():
    """The advice box shows the urgency as a word and symbol, what to tell, and the written-out sources."""
    text = advice_html(advice_for(0, "breathing-difficulty"))
    assert "⚠ Emergency" in text
    assert "Tell the patient:" in text
    assert "HAS" in text  # ref-5 written out


def test_advice_explorer_updates_when_day_or_symptom_changes():
    """Changing the day and symptom shows the matching advice at once."""
    explorer = AdviceExplorer()
    assert "✔ Expected" in explorer.output.value
    explorer.symptom.value = "lumps"
    explorer.day.value = 35
    assert aftercare().urgency_levels["call"].title in explorer.output.value
    assert "mycobacterial" in explorer.output.value


def test_call_exercise_checks_and_moves_on():
    """Choosing and checking gives feedback and the advice; Next shows the next call with no answer chosen."""
    exercise = CallExercise()
    first = exercise.scenario
    exercise.check_button.click()
    assert "Please choose" in exercise.feedback.value
    exercise.choice.value = advice_for(first.day, first.symptom).urgency
    exercise.check_button.click()
    assert "Correct" in exercise.feedback.value and "Tell the patient" in exercise.feedback.value
    assert exercise.correct_first_try == 1
    exercise.next_button.click()
    assert exercise.scenario == aftercare().scenarios[1]
    assert exercise.choice.value is None and exercise.feedback.value == ""
    assert "Call 2 of" in exercise.call.value


def test_call_exercise_wrong_answer_shows_the_right_one():
    """A wrong urgency is marked wrong, the right urgency is named, and it does not count as right first time."""
    exercise = CallExercise()
    exercise.position = 3  # the day-0 emergency call
    exercise._show_call()
    exercise.choice.value = "expected"
    exercise.check_button.click()
    assert "Not quite" in exercise.feedback.value and "Emergency" in exercise.feedback.value
    exercise.choice.value = "emergency"
    exercise.check_button.click()
    assert exercise.correct_first_try == 0


def test_handout_maker_writes_the_pdf_and_offers_a_download(tmp_path):
    """Filling the form and pressing the button writes the PDF and shows a download link and the dates."""
    maker = HandoutMaker(output_dir=tmp_path)
    maker.clinic.value = "Clinique Sainte-Hélène"
    maker.phone.value = "+33 1 23 45 67 89"
    maker.treatment_date.value = date(2026, 12, 20)
    maker.make_button.click()
    assert maker.last_path is not None and maker.last_path.parent == tmp_path
    assert "Download the handout" in maker.output.value
    assert "Sunday 3 January 2027" in maker.output.value
    assert "Sunday 3 January 2027" in pdf_text(maker.last_path)


def test_handout_maker_says_what_is_missing(tmp_path):
    """A blank clinic name or no date gives a plain message and no file."""
    maker = HandoutMaker(output_dir=tmp_path)
    maker.phone.value = "0123456789"
    maker.make_button.click()
    assert "clinic's name" in html.unescape(maker.output.value)
    maker.clinic.value = "Clinic"
    maker.treatment_date.value = None
    maker.make_button.click()
    assert "treatment date" in html.unescape(maker.output.value)
    assert list(tmp_path.iterdir()) == []


def test_call_exercise_offers_the_data_levels_in_the_data_order():
    """The exercise's choices are the urgency levels of the data, named as the data names them, least urgent first."""
    exercise = CallExercise()
    assert exercise.choice.options == tuple((level.title, level.name) for level in urgency_levels())
    assert "urgent" in [name for _label, name in exercise.choice.options]


def test_call_exercise_has_an_urgent_vascular_call():
    """SAF-1: the exercise plays a patient with white, blotchy, painful skin, and 'Urgent' is the right answer."""
    exercise = CallExercise()
    exercise.position = next(n for n, s in enumerate(exercise.scenarios) if s.symptom == "skin-pale-or-dusky")
    exercise._show_call()
    exercise.choice.value = "urgent"
    exercise.check_button.click()
    assert "Correct" in exercise.feedback.value
    assert aftercare().urgency_levels["urgent"].title in exercise.feedback.value


def test_advice_box_says_when_a_day_is_the_course_choice():
    """NUM-10: the advice box says why the advice changes on that day, and flags a day no source gives."""
    text = html.unescape(advice_html(advice_for(20, "bruising")))
    assert "Why this day:" in text and "course's choice" in text


def test_handout_maker_date_is_day_month_year_and_a_wrong_day_is_said(tmp_path):
    """The date reads day, month name, year (not the browser's locale order); 30 February gets a sentence, no file."""
    maker = HandoutMaker(output_dir=tmp_path)
    assert [part.description for part in maker.treatment_date.widget.children] == ["Treatment date:", "", ""]
    assert maker.treatment_date.month.label in calendar.month_name[1:]
    maker.clinic.value = "Clinic"
    maker.treatment_date.day.value, maker.treatment_date.month.value = 30, 2
    maker.make_button.click()
    assert "There is no 30 February" in maker.output.value
    assert list(tmp_path.iterdir()) == []

"""mesocourse.screening.widgets: the decision staff see, no advice to stop a prescribed medicine, a working form."""

import pytest

from mesocourse.assets import AssetError
from mesocourse.screening.rules import screen, screening_data
from mesocourse.screening.widgets import ScreeningForm, decision_html, screening_form

from .test_rules import patient


@pytest.mark.parametrize("answers", [{}, {"aspirin_days_ago": 0}, {"nsaid_days_ago": 2, "aspirin_days_ago": 1}])
def test_a_patient_on_a_prescribed_blood_thinner_is_never_told_to_stop_or_wait(answers):
    """No pause-your-aspirin advice and no waiting time reach a patient on a prescribed blood thinner."""
    decision = screen(patient(prescribed_blood_thinner=True, **answers))
    shown = decision_html(decision) + " ".join(decision.come_back())
    assert decision.outcome == "doctor-review"
    assert "do not take it for" not in shown and "do not take them for" not in shown
    assert "more before the treatment" not in shown
    assert "Keep taking your prescribed blood thinner" in shown
    assert "never tell the patient to stop" in shown.lower() or not answers


def test_the_decision_html_explains_each_finding_with_its_sources():
    """Each finding shows what staff do, the reason, and its sources written out."""
    shown = decision_html(screen(patient(sex="female", pregnant=True)))
    assert "Decision: Do not treat." in shown
    assert "Pregnancy" in shown and "Why:" in shown and "Kybella PI" in shown


def test_form_has_a_control_for_every_answer():
    """Every yes-no field is a checkbox, every choice a dropdown, every number a text box."""
    form = ScreeningForm()
    kinds = {spec.name: spec.kind for spec in screening_data().fields.values()}
    assert set(form.checkboxes) == {name for name, kind in kinds.items() if kind == "yes-no"}
    assert set(form.choices) == {name for name, kind in kinds.items() if kind == "choice"}
    assert set(form.numbers) == {name for name, kind in kinds.items() if kind in ("age", "days-ago", "hours-ago")}
    assert set(form.texts) == {name for name, kind in kinds.items() if kind == "text"}


def test_form_gives_no_decision_until_the_age_is_typed():
    """An empty form does not say 'treat': it asks for the age."""
    form = ScreeningForm()
    assert form.result is None
    assert "No decision yet" in form.decision.value and "age" in form.decision.value


def test_form_updates_the_decision_as_staff_tick():
    """Typing an age gives 'treat'; ticking pregnancy turns it to 'do not treat' with the reason and its source."""
    form = ScreeningForm()
    form.numbers["age"].value = "30"
    assert form.result.outcome == "treat" and "Decision: Treat." in form.decision.value
    form.checkboxes["pregnant"].value = True
    assert form.result.outcome == "do-not-treat"
    assert "Pregnancy" in form.decision.value and "Kybella PI" in form.decision.value


def test_form_handles_two_findings_and_a_choice():
    """A 58-year-old with controlled diabetes and a silicon product: do not treat, with the silicon rule."""
    form = ScreeningForm()
    form.numbers["age"].value = "58"
    form.choices["diabetes"].value = "controlled"
    form.checkboxes["product_contains_organic_silicon"].value = True
    assert form.result.outcome == "do-not-treat"
    assert form.result.rule_ids == ("diabetes", "silicon-diabetes")


@pytest.mark.parametrize(("typed", "words"), [("-3", "cannot be negative"), ("three", "whole number")])
def test_form_refuses_a_bad_number_instead_of_deciding(typed, words):
    """A negative or non-numeric number of days shows what to fix and no decision."""
    form = ScreeningForm()
    form.numbers["age"].value = "30"
    form.numbers["nsaid_days_ago"].value = typed
    assert form.result is None and words in form.problem
    assert "No decision yet" in form.decision.value


def test_form_refuses_a_contradiction():
    """Pregnancy ticked for a man shows the contradiction, not a decision."""
    form = ScreeningForm()
    form.numbers["age"].value = "40"
    form.choices["sex"].value = "male"
    form.checkboxes["pregnant"].value = True
    assert form.result is None and "male" in form.problem


def test_clear_button_resets_every_answer():
    """After 'Clear the form' nothing is ticked, every choice is back to its first answer, every number empty."""
    form = ScreeningForm()
    form.numbers["age"].value = "30"
    form.checkboxes["acne_at_site"].value = True
    form.choices["heart_disease"].value = "uncontrolled"
    form.reset_button.click()
    assert not any(box.value for box in form.checkboxes.values())
    assert all(box.value == "" for box in form.numbers.values())
    assert form.choices["heart_disease"].value == "none"
    assert form.result is None


def test_screening_form_shows_a_plain_message_when_the_data_is_broken(monkeypatch):
    """A broken data file gives a message to pass to the trainer, not a traceback."""

    def broken():
        raise AssetError("assets/screening.yaml, entry rules/0: broken")

    monkeypatch.setattr("mesocourse.screening.widgets.screening_data", broken)
    shown = screening_form()
    assert "could not be loaded" in shown.data and "broken" in shown.data


def test_keep_taking_your_blood_thinner_is_not_labelled_not_kept():
    """ENG-3: the safety instruction for a prescribed blood thinner never carries '(not kept this time)'."""
    shown = decision_html(screen(patient(age=62, heart_disease="controlled", prescribed_blood_thinner=True)))
    assert "Keep taking your prescribed blood thinner" in shown and "not kept this time" not in shown


def test_the_returning_patient_sees_act_today_above_the_findings():
    """ENG-1: the same-day doctor review is the first thing shown, in its own box."""
    shown = decision_html(screen(patient(earlier_site_problem=True)))
    assert "Act today" in shown and shown.index("Act today") < shown.index("What was found")


def test_form_asks_about_the_product_and_area_and_checks_them():
    """ENG-9: the planned product and area are typed on the form, and a fat-dissolving product goes to the doctor."""
    form = ScreeningForm()
    form.numbers["age"].value = "35"
    form.texts["product"].value = "PC/DC fat-dissolving injection"
    assert form.result.outcome == "doctor-review" and "fat-dissolving-product" in form.result.rule_ids
    form.reset_button.click()
    assert form.texts["product"].value == ""

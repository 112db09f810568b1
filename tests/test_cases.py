"""mesocourse.cases: every case's right answer is the screening engine's, the hard cases are there, and the case
player gives specific feedback, reveals the follow-ups and records every attempt."""

import copy

import pytest

from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import load_bank
from mesocourse.cases import (
    CASES_BANK,
    CHOICE_ORDER,
    DATA_FILE,
    SCHEMA_FILE,
    CasePlayer,
    case_player,
    case_progress,
    course_cases,
    parse_cases,
)
from mesocourse.progress import ProgressStore
from mesocourse.screening import screen

RAW_CASES = load_asset(DATA_FILE, SCHEMA_FILE)["cases"]


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress.sqlite")


@pytest.fixture
def player(store):
    return CasePlayer(learner="nurse-b", store=store)


@pytest.fixture
def raw():
    return copy.deepcopy(load_asset(DATA_FILE, SCHEMA_FILE))


def test_there_are_at_least_twelve_cases():
    """The module needs at least 12 patients to practise on."""
    assert len(course_cases()) >= 12


@pytest.mark.parametrize("item", RAW_CASES, ids=lambda item: item["id"])
def test_authored_decision_and_findings_equal_the_engines(item):
    """One source of truth: the author's expected decision and findings are what the screening rules decide."""
    decided = screen({**item["intake"], "area": item["area"], "product": item["product"]})
    assert decided.outcome == item["expected_decision"]
    assert set(decided.rule_ids) == set(item["expected_rules"])


def test_every_decision_appears_among_the_cases():
    """Learners meet all four decisions."""
    assert {case.decision().outcome for case in course_cases()} == set(CHOICE_ORDER)


def test_the_hard_cases_are_there():
    """Two findings at once, a prescribed blood thinner, well but ibuprofen yesterday, silicon for a diabetic."""
    cases = course_cases()
    assert any(len(case.decision().findings) >= 2 for case in cases)
    assert any(case.intake.prescribed_blood_thinner for case in cases)
    assert any(case.intake.nsaid_days_ago == 1 and case.decision().rule_ids == ("nsaid-too-recent",) for case in cases)
    assert any("silicon-diabetes" in case.decision().rule_ids for case in cases)


@pytest.mark.parametrize("case", course_cases(), ids=lambda case: case.id)
def test_every_choice_has_its_own_feedback(case):
    """Four choices, four different messages: a wrong choice is told why, not just 'incorrect'."""
    messages = [case.decision_feedback[choice] for choice in CHOICE_ORDER]
    assert len(set(messages)) == 4 and all(len(message) > 30 for message in messages)


# Cases sent away only until a waiting time has passed (a defer decided by a pre-care rule).
WAITING_CASES = [c for c in course_cases() if c.decision().outcome == "defer" and c.decision().findings[0].remaining]


@pytest.mark.parametrize("case", WAITING_CASES, ids=lambda case: case.id)
def test_a_wait_in_the_follow_up_is_the_engines_wait(case):
    """When a waiting time decides the return, the right follow-up answer gives the engine's time still to go."""
    right = " ".join(o.text for q in case.follow_ups for o in q.options if o.correct)
    for finding in case.decision().findings:
        assert f"{finding.remaining} more" in right, case.id


@pytest.mark.parametrize("case", [c for c in course_cases() if c.intake.prescribed_blood_thinner], ids=lambda c: c.id)
def test_blood_thinner_cases_teach_to_keep_taking_it(case):
    """On a prescribed blood thinner the right follow-up answer tells the patient to keep taking it."""
    right = " ".join(o.text for q in case.follow_ups for o in q.options if o.correct)
    assert "keep" in right.lower() and "taking" in right.lower()


def test_a_case_whose_author_disagrees_with_the_engine_is_refused(raw):
    """Loading fails, naming the case and both decisions, when the expected decision is not the engine's."""
    raw["cases"][0]["expected_decision"] = "defer"
    with pytest.raises(AssetError, match="case-01-routine-facial.*expects 'defer'.*decide 'treat'"):
        parse_cases(raw)


def test_a_case_with_wrong_expected_findings_is_refused(raw):
    """The expected findings must be exactly the engine's findings."""
    raw["cases"][0]["expected_rules"] = []
    with pytest.raises(AssetError, match="makeup-or-perfume"):
        parse_cases(raw)


def test_a_case_with_a_bad_intake_is_refused(raw):
    """An intake the engine refuses is reported with the case and the reason."""
    raw["cases"][1]["intake"]["sex"] = "male"
    with pytest.raises(AssetError, match="case-02-pregnant-hair.*intake cannot be screened"):
        parse_cases(raw)


def test_a_follow_up_with_two_right_answers_is_refused(raw):
    """A follow-up is a single-choice question: exactly one option may be right."""
    for option in raw["cases"][0]["follow_up"][0]["options"]:
        option["correct"] = True
    with pytest.raises(AssetError, match="case-01-routine-facial.*exactly one correct option"):
        parse_cases(raw)


def test_a_repeated_case_id_is_refused(raw):
    """Two cases with one id would mix their progress records."""
    raw["cases"].append(copy.deepcopy(raw["cases"][0]))
    with pytest.raises(AssetError, match="used twice"):
        parse_cases(raw)


# ---- The case player -----------------------------------------------------------------------------------------


def choose(view, correct: bool, skip: int = 0):
    """Select (by its shown position) a right or a wrong option, as a learner would click it."""
    wanted = [i for i, option in enumerate(view.question.options) if option.correct == correct][skip]
    view.choose(wanted)
    return view.question.options[wanted]


def test_player_starts_on_the_first_case_with_its_intake(player):
    """Step 1 shows the first patient's story, medicines and product; nothing further is revealed yet."""
    case = course_cases()[0]
    assert player.case.id == case.id
    assert case.story[:30] in player.intake_card.value and case.product in player.intake_card.value
    assert not player.revealed and player.follow_up_box.children == ()


def test_right_decision_shows_the_rules_and_the_follow_ups(player, store):
    """The right decision says Correct, shows the rules behind it with sources, reveals step 3 and is recorded."""
    view = player.decision_view
    choose(view, correct=True)
    view.check_button.click()
    assert "✔ Correct." in view.feedback.value
    assert "What was found" in player.reasons.value and "Why:" in player.reasons.value
    assert player.revealed and len(player.follow_ups) == len(player.case.follow_ups)
    attempt = store.latest(CASES_BANK, "nurse-b")[f"{player.case.id}-decision"]
    assert attempt.correct


def test_wrong_decision_gets_the_cases_own_feedback_and_no_follow_up(player):
    """A wrong choice shows this case's message for that choice, and step 3 stays hidden."""
    view = player.decision_view
    option = choose(view, correct=False)
    view.check_button.click()
    assert "✘ Not quite." in view.feedback.value
    assert option.feedback[:40] in view.feedback.value
    assert not player.revealed


def test_two_wrong_decisions_reveal_the_answer_and_step_three(player):
    """After two misses the explanation names the right decision and the follow-ups appear, so nobody is stuck."""
    view = player.decision_view
    choose(view, correct=False)
    view.check_button.click()
    view.retry_button.click()
    choose(view, correct=False, skip=1)
    view.check_button.click()
    assert f"The screening rules decide: {player.case.decision().label}" in view.feedback.value
    assert player.revealed


def test_follow_up_answers_are_checked_and_recorded(player, store):
    """A follow-up gives its option's feedback and is saved under the cases' progress bank."""
    choose(player.decision_view, correct=True)
    player.decision_view.check_button.click()
    follow_up = player.follow_ups[0]
    option = choose(follow_up, correct=True)
    follow_up.check_button.click()
    assert option.feedback[:30] in follow_up.feedback.value
    assert store.latest(CASES_BANK, "nurse-b")[follow_up.question.id].correct


def test_next_case_starts_the_following_case_from_step_one(player):
    """Next case moves on and hides the previous case's reasons and follow-ups; after the last, back to the first."""
    choose(player.decision_view, correct=True)
    player.decision_view.check_button.click()
    player.next_button.click()
    assert player.case.id == course_cases()[1].id
    assert not player.revealed and player.reasons.value == ""
    player.picker.value = course_cases()[-1].id
    player.next_button.click()
    assert player.case.id == course_cases()[0].id


def test_case_progress_counts_cases_tried_and_decided_right(player, store):
    """The progress page can count the cases: one tried and right, one tried and wrong."""
    choose(player.decision_view, correct=True)
    player.decision_view.check_button.click()
    player.next_button.click()
    choose(player.decision_view, correct=False)
    player.decision_view.check_button.click()
    assert case_progress(store, "nurse-b") == {"cases": len(course_cases()), "tried": 2, "decided_right": 1}


def test_case_player_shows_a_plain_message_when_the_cases_are_broken(monkeypatch):
    """Broken case data gives a message to pass to the trainer, not a traceback."""

    def broken():
        raise AssetError("assets/cases.yaml, case 'case-01': broken")

    monkeypatch.setattr("mesocourse.cases.course_cases", broken)
    shown = case_player()
    assert "could not be loaded" in shown.data and "broken" in shown.data


# The decision questions of the module 06 quiz, as intakes: the engine must agree with the quiz's right answer.
QUIZ_PATIENTS = {
    "two-findings": ({"age": 40, "autoimmune_disease": True, "wound_at_site": True}, "doctor-review", "Doctor review"),
    "kidney-silicon": (
        {"age": 60, "kidney_disease": True, "product_contains_organic_silicon": True},
        "do-not-treat",
        "Do not treat",
    ),
    "perfume-and-wine": ({"age": 30, "makeup_or_perfume": True, "alcohol_hours_ago": 72}, "treat", "Treat"),
    "uncontrolled-diabetes": ({"age": 50, "diabetes": "uncontrolled"}, "doctor-review", "Doctor review"),
    "keloid": ({"age": 30, "keloid_tendency": True}, "doctor-review", "Doctor review"),
    "seventeen-with-consent": ({"age": 17}, "doctor-review", "Doctor review"),
}


@pytest.mark.parametrize("question_id", sorted(QUIZ_PATIENTS))
def test_quiz_decisions_agree_with_the_screening_rules(question_id):
    """The right option of each decision question in the module 06 quiz is the engine's decision."""
    answers, outcome, words = QUIZ_PATIENTS[question_id]
    right = next(o for o in load_bank("06-case-scenarios").question(question_id).options if o.correct)
    assert screen(answers).outcome == outcome
    assert right.text.startswith(words)


@pytest.mark.parametrize(
    ("question_id", "answers"),
    [("come-back-ibuprofen", {"nsaid_days_ago": 2}), ("come-back-alcohol", {"alcohol_hours_ago": 20})],
)
def test_quiz_waiting_questions_agree_with_the_engine(question_id, answers):
    """The quiz's answer is the time the engine says is left for that patient, in the same unit."""
    finding = screen({"age": 30, **answers}).findings[0]
    question = load_bank("06-case-scenarios").question(question_id)
    assert question.answer == finding.remaining and question.unit == finding.rule.waiting_time.unit

"""mesocourse.cases.model: every case's right answer is the screening engine's, the hard cases are there."""

import copy

import pytest

from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import load_bank
from mesocourse.cases.model import CHOICE_ORDER, DATA_FILE, SCHEMA_FILE, course_cases, parse_cases
from mesocourse.screening.rules import screen

RAW_CASES = load_asset(DATA_FILE, SCHEMA_FILE)["cases"]


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
    # Under 18 is now "do not treat" (clinical review ENG-5): the bank's question must follow the engine.
    "seventeen-with-consent": ({"age": 17}, "do-not-treat", "Do not treat"),
}


@pytest.mark.parametrize("question_id", sorted(QUIZ_PATIENTS))
def test_quiz_decisions_agree_with_the_screening_rules(question_id):
    """The right option of each decision question in the module 06 quiz is the engine's decision."""
    answers, outcome, words = QUIZ_PATIENTS[question_id]
    right = next(o for o in load_bank("06-case-scenarios").question(question_id).options if o.correct)
    assert screen(answers).outcome == outcome
    assert right.text.startswith(words), (
        f"quiz question {question_id!r} marks {right.text!r}; the engine decides {outcome}"
    )


@pytest.mark.parametrize(
    ("question_id", "answers"),
    [("come-back-ibuprofen", {"nsaid_days_ago": 2}), ("come-back-alcohol", {"alcohol_hours_ago": 20})],
)
def test_quiz_waiting_questions_agree_with_the_engine(question_id, answers):
    """The quiz's answer is the time the engine says is left for that patient, in the same unit."""
    finding = screen({"age": 30, **answers}).findings[0]
    question = load_bank("06-case-scenarios").question(question_id)
    assert question.answer == finding.remaining and question.unit == finding.rule.waiting_time.unit


def test_a_case_plays_a_prescribed_anti_inflammatory():
    """ENG-2: one case is a patient on a prescribed NSAID: doctor review, no countdown, keep taking it."""
    case = next(case for case in course_cases() if case.intake.prescribed_nsaid)
    decision = case.decision()
    assert decision.outcome == "doctor-review"
    assert not any(finding.detail for finding in decision.findings)
    assert any(advice.text.startswith("Keep taking your prescribed anti-inflammatory") for advice in decision.precare)

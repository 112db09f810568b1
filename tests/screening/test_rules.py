"""mesocourse.screening.rules: each rule fires on its own patient only, the strictest decides, bad intake is refused."""

import copy

import pytest

from mesocourse.assets import AssetError, load_asset
from mesocourse.bank import load_bank
from mesocourse.paths import NOTEBOOKS
from mesocourse.references import keys_in_text
from mesocourse.screening.rules import (
    DATA_FILE,
    SCHEMA_FILE,
    Intake,
    IntakeError,
    parse_screening,
    screen,
    screening_data,
    strictest,
)

# One patient built for each rule: the answers that should set it off, and every rule that must then fire (no more).
# Age 30 unless the patient says otherwise.
RULE_PATIENTS = {
    "pregnancy": ({"sex": "female", "pregnant": True}, {"pregnancy"}),
    "pregnancy-under-18": ({"age": 17, "pregnant": True}, {"pregnancy", "pregnancy-under-18", "under-18"}),
    "earlier-site-problem": ({"earlier_site_problem": True}, {"earlier-site-problem"}),
    "earlier-reaction": ({"earlier_reaction": True}, {"earlier-reaction"}),
    "breastfeeding": ({"sex": "female", "breastfeeding": True}, {"breastfeeding"}),
    "product-allergy": ({"allergy_to_product_component": True}, {"product-allergy"}),
    "bleeding-disorder": ({"bleeding_disorder": True}, {"bleeding-disorder"}),
    "infection-at-site": ({"infection_at_site": True}, {"infection-at-site"}),
    "inflammation-at-site": ({"inflammation_at_site": True}, {"inflammation-at-site"}),
    "acne-at-site": ({"acne_at_site": True}, {"acne-at-site"}),
    "dermatitis-at-site": ({"dermatitis_at_site": True}, {"dermatitis-at-site"}),
    "wound-at-site": ({"wound_at_site": True}, {"wound-at-site"}),
    "herpes-at-site": ({"herpes_at_site": True}, {"herpes-at-site"}),
    "unwell-today": ({"unwell_today": True}, {"unwell-today"}),
    "prescribed-blood-thinner": ({"prescribed_blood_thinner": True}, {"prescribed-blood-thinner"}),
    "prescribed-nsaid": ({"prescribed_nsaid": True}, {"prescribed-nsaid"}),
    "diabetes": ({"diabetes": "uncontrolled"}, {"diabetes"}),
    "high-blood-pressure": ({"high_blood_pressure": "controlled"}, {"high-blood-pressure"}),
    "heart-disease": ({"heart_disease": "uncontrolled"}, {"heart-disease"}),
    "illness-oedema": ({"pathological_oedema": True}, {"illness-oedema"}),
    "weakened-immunity": ({"weakened_immunity": True}, {"weakened-immunity"}),
    "cream-or-antiseptic-allergy": ({"allergy_to_cream_or_antiseptic": True}, {"cream-or-antiseptic-allergy"}),
    "autoimmune-disease": ({"autoimmune_disease": True}, {"autoimmune-disease"}),
    "cancer-treatment": ({"cancer_treatment": True}, {"cancer-treatment"}),
    "keloid-tendency": ({"keloid_tendency": True}, {"keloid-tendency"}),
    "recent-isotretinoin": ({"recent_isotretinoin": True}, {"recent-isotretinoin"}),
    "kidney-disease": ({"kidney_disease": True}, {"kidney-disease"}),
    "under-18": ({"age": 17}, {"under-18"}),
    "silicon-diabetes": (
        {"product_contains_organic_silicon": True, "diabetes": "controlled"},
        {"silicon-diabetes", "diabetes"},
    ),
    "silicon-kidney": (
        {"product_contains_organic_silicon": True, "kidney_disease": True},
        {"silicon-kidney", "kidney-disease"},
    ),
    "silicon-pregnancy-breastfeeding": (
        {"sex": "female", "product_contains_organic_silicon": True, "breastfeeding": True},
        {"silicon-pregnancy-breastfeeding", "breastfeeding"},
    ),
    "silicon-oedema": (
        {"product_contains_organic_silicon": True, "pathological_oedema": True},
        {"silicon-oedema", "illness-oedema"},
    ),
    "product-not-traceable": ({"product_not_traceable": True}, {"product-not-traceable"}),
    "fat-dissolving-product": ({"product": "PC/DC to dissolve fat cells"}, {"fat-dissolving-product"}),
    "area-near-the-eyes": ({"area": "Under the eyes"}, {"area-near-the-eyes"}),
    "aspirin-too-recent": ({"aspirin_days_ago": 13}, {"aspirin-too-recent"}),
    "nsaid-too-recent": ({"nsaid_days_ago": 6}, {"nsaid-too-recent"}),
    "supplement-too-recent": ({"supplement_days_ago": 13}, {"supplement-too-recent"}),
    "alcohol-too-recent": ({"alcohol_hours_ago": 47}, {"alcohol-too-recent"}),
    "makeup-or-perfume": ({"makeup_or_perfume": True}, {"makeup-or-perfume"}),
}


def patient(**answers) -> dict:
    """An intake dict for a 30-year-old unless the answers give another age."""
    return {"age": 30, **answers}


def test_every_rule_has_a_patient_built_for_it():
    """The table above covers every rule in assets/screening.yaml, so no rule goes untested."""
    assert set(RULE_PATIENTS) == {rule.id for rule in screening_data().rules}


@pytest.mark.parametrize("rule_id", sorted(RULE_PATIENTS))
def test_rule_fires_on_its_patient_and_nothing_else_does(rule_id):
    """The rule's own patient sets it off, and exactly the expected rules fire (no stray rule)."""
    answers, expected = RULE_PATIENTS[rule_id]
    assert set(screen(patient(**answers)).rule_ids) == expected


@pytest.mark.parametrize("rule_id", sorted(RULE_PATIENTS))
def test_rule_is_silent_on_every_patient_without_its_trigger(rule_id):
    """Over all the other rules' patients, this rule fires only where it was expected."""
    for other, (answers, expected) in RULE_PATIENTS.items():
        fired = rule_id in screen(patient(**answers)).rule_ids
        assert fired == (rule_id in expected), f"{rule_id} on the patient built for {other}"


def test_a_patient_with_nothing_to_report_is_treated_with_no_findings():
    """A clear intake is 'treat' with no finding, but still carries the before-treatment checks and pre-care."""
    decision = screen(patient())
    assert decision.outcome == "treat" and decision.findings == ()
    assert decision.before_treatment and decision.precare


def test_organic_silicon_without_a_reason_to_avoid_it_fires_nothing():
    """Half a product rule (the ingredient, but no illness that rules it out) is not a finding."""
    assert screen(patient(product_contains_organic_silicon=True)).rule_ids == ()


@pytest.mark.parametrize(
    ("answers", "fires"),
    [
        ({"age": 18}, False),
        ({"age": 17}, True),
        ({"supplement_days_ago": 14}, False),
        ({"supplement_days_ago": 0}, True),
        ({"aspirin_days_ago": 14}, False),
        ({"aspirin_days_ago": 13}, True),
        ({"nsaid_days_ago": 7}, False),
        ({"nsaid_days_ago": 0}, True),
        ({"alcohol_hours_ago": 48}, False),
        ({"alcohol_hours_ago": 0}, True),
    ],
)
def test_waiting_times_and_age_limit_end_exactly_at_the_taught_number(answers, fires):
    """Under 18, aspirin 14 days, NSAIDs 7 days, alcohol 48 hours: the limit itself is already fine."""
    assert bool(screen(patient(**answers)).findings) == fires


def test_decision_order_is_do_not_treat_then_doctor_review_then_defer_then_treat():
    """The ranking read from the data is the one the course teaches."""
    assert screening_data().order == ("do-not-treat", "doctor-review", "defer", "treat")


@pytest.mark.parametrize(
    ("outcomes", "expected"),
    [
        (["defer", "do-not-treat", "doctor-review"], "do-not-treat"),
        (["defer", "doctor-review"], "doctor-review"),
        (["treat", "defer"], "defer"),
        (["treat"], "treat"),
        ([], "treat"),
    ],
)
def test_strictest_picks_the_strictest_outcome(outcomes, expected):
    """strictest() ranks the outcomes, whatever order they come in."""
    assert strictest(outcomes) == expected


@pytest.mark.parametrize(
    ("answers", "expected"),
    [
        ({"sex": "female", "pregnant": True, "acne_at_site": True, "prescribed_blood_thinner": True}, "do-not-treat"),
        ({"prescribed_blood_thinner": True, "acne_at_site": True, "nsaid_days_ago": 1}, "doctor-review"),
        ({"age": 16, "acne_at_site": True}, "do-not-treat"),
        ({"acne_at_site": True, "makeup_or_perfume": True}, "defer"),
        ({"makeup_or_perfume": True}, "treat"),
    ],
)
def test_the_strictest_finding_decides_and_every_finding_is_kept(answers, expected):
    """With several findings the strictest decides, and the milder ones are still listed as reasons."""
    decision = screen(patient(**answers))
    assert decision.outcome == expected
    assert len(decision.findings) == len([key for key in answers if key != "sex" and key != "age"]) + (
        answers.get("age", 30) < 18
    )


def test_a_wait_says_how_long_is_left():
    """Ibuprofen 1 day ago: the finding says 6 more days of the 7, and so does the come-back advice."""
    decision = screen(patient(nsaid_days_ago=1))
    assert decision.outcome == "defer"
    assert decision.findings[0].remaining == 6
    assert "at least 6 days more" in " ".join(decision.come_back())


def test_every_decision_carries_precare_with_the_safer_waits_filled_in():
    """Pre-care for the next visit names 14 days for aspirin, 7 for NSAIDs and 48 hours for alcohol."""
    texts = " ".join(advice.text for advice in screen(patient()).precare)
    assert "14 days" in texts and "7 days" in texts and "48 hours" in texts
    assert "{wait}" not in texts


def test_precare_marks_what_the_patient_did_not_keep_today():
    """Alcohol 10 hours ago: the alcohol advice is flagged as broken today, the others are not."""
    broken = {advice.rule_id for advice in screen(patient(alcohol_hours_ago=10)).precare if advice.broken_today}
    assert broken == {"alcohol-too-recent"}


# ---- Bad intake ------------------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("answers", "words"),
    [
        ({"age": 30, "pregant": True}, "Did you mean 'pregnant'"),
        ({"age": 30, "favourite_colour": "blue"}, "unknown field 'favourite_colour'"),
        ({"sex": "female"}, "missing"),
        ({"age": -4}, "cannot be negative"),
        ({"age": 250}, "cannot be right"),
        ({"age": "30"}, "whole number of years"),
        ({"age": True}, "whole number of years"),
        ({"age": 30, "pregnant": "yes"}, "ticked or not"),
        ({"age": 30, "diabetes": "maybe"}, "choose one of"),
        ({"age": 30, "nsaid_days_ago": -3}, "cannot be negative"),
        ({"age": 30, "alcohol_hours_ago": -1}, "cannot be negative"),
        ({"age": 30, "aspirin_days_ago": 2.5}, "whole number of days"),
        ({"age": 30, "nsaid_days_ago": 5000}, "more than the form counts"),
        ({"age": 30, "sex": "male", "pregnant": True}, "sex is recorded as male"),
        ({"age": 30, "sex": "male", "breastfeeding": True}, "sex is recorded as male"),
        ({"age": 30, "area": 12}, "must be text"),
    ],
)
def test_bad_or_contradictory_intake_is_refused_in_plain_words(answers, words):
    """Unknown fields, impossible values and contradictions raise IntakeError, never a silent decision."""
    with pytest.raises(IntakeError) as refused:
        screen(answers)
    assert words in str(refused.value)


def test_an_intake_dataclass_is_checked_too():
    """A hand-built Intake with a negative days-ago is refused just like a dict."""
    with pytest.raises(IntakeError, match="cannot be negative"):
        screen(Intake(age=30, nsaid_days_ago=-1))


def test_an_intake_must_be_an_intake_or_a_dict():
    """A list is not an intake."""
    with pytest.raises(IntakeError, match="Intake or a dict"):
        screen(["age", 30])


# ---- The data file ---------------------------------------------------------------------------------------------


@pytest.fixture
def raw():
    return copy.deepcopy(load_asset(DATA_FILE, SCHEMA_FILE))


def rule_in(raw, rule_id):
    return next(item for item in raw["rules"] if item["id"] == rule_id)


def test_a_trigger_on_an_unknown_field_names_the_rule(raw):
    """A typo in a trigger field is caught when the data loads, with the rule named."""
    rule_in(raw, "pregnancy")["trigger"] = [{"field": "pregnnt", "equals": True}]
    with pytest.raises(AssetError, match="rule 'pregnancy'.*unknown intake field 'pregnnt'"):
        parse_screening(raw)


def test_a_trigger_value_that_the_form_cannot_give_is_refused(raw):
    """A choice value that is not one of the field's choices would never fire: refused."""
    rule_in(raw, "diabetes")["trigger"] = [{"field": "diabetes", "one_of": ["bad"]}]
    with pytest.raises(AssetError, match="'bad' is not a possible answer"):
        parse_screening(raw)


def test_a_waiting_time_that_disagrees_with_its_trigger_is_refused(raw):
    """The number taught (waiting_time.safer) and the number that decides (trigger) must be the same."""
    rule_in(raw, "aspirin-too-recent")["waiting_time"]["safer"] = 7
    with pytest.raises(AssetError, match="aspirin-too-recent"):
        parse_screening(raw)


def test_an_intake_field_missing_from_the_data_is_refused(raw):
    """Every Intake field needs its label on the form."""
    raw["intake_fields"] = [item for item in raw["intake_fields"] if item["name"] != "keloid_tendency"]
    with pytest.raises(AssetError, match="keloid_tendency"):
        parse_screening(raw)


def test_withheld_advice_needs_a_note_saying_what_to_do_instead(raw):
    """Withholding pre-care without telling staff what to do instead is refused."""
    del rule_in(raw, "nsaid-too-recent")["patient_instruction"]["withheld_note"]
    with pytest.raises(AssetError, match="withheld_note"):
        parse_screening(raw)


@pytest.mark.parametrize("rule", screening_data().rules, ids=lambda rule: rule.id)
def test_every_key_a_rule_cites_in_its_text_is_in_its_references(rule):
    """Keys written in an explanation are listed in the rule's references, so 'Sources' shows them all."""
    assert keys_in_text(rule.explanation) <= set(rule.references)


def test_the_quiz_asks_the_same_waiting_times_as_the_rules():
    """A number asked in the quiz is the number the screening form uses."""
    bank = load_bank("04-contraindications-and-screening")
    data = screening_data()
    for question_id, rule_id in [
        ("aspirin-wait", "aspirin-too-recent"),
        ("nsaid-wait", "nsaid-too-recent"),
        ("alcohol-wait", "alcohol-too-recent"),
    ]:
        wait = data.rule(rule_id).waiting_time
        assert bank.question(question_id).answer == wait.safer
        assert bank.question(question_id).unit == wait.unit


def test_the_module_notebook_states_the_waiting_times_the_rules_use():
    """Module 04's prose names each safer wait exactly as the data has it."""
    text = (NOTEBOOKS / "04.00-Contraindications-And-Screening.ipynb").read_text(encoding="utf-8")
    for rule in screening_data().rules:
        if rule.waiting_time:
            assert rule.waiting_time.text() in text, rule.id


# The decision questions of the module 04 quiz, as intakes: the engine must agree with the quiz's right answer.
QUIZ_PATIENTS = {
    "strictest-wins": (
        {"age": 45, "prescribed_blood_thinner": True, "acne_at_site": True},
        "doctor-review",
        "Doctor review",
    ),
    "ibuprofen-yesterday": ({"age": 30, "nsaid_days_ago": 1}, "defer", "Defer"),
    "unwell-today": ({"age": 30, "unwell_today": True}, "defer", "Defer"),
    "makeup": ({"age": 30, "makeup_or_perfume": True}, "treat", "Treat"),
    "isotretinoin": ({"age": 30, "recent_isotretinoin": True}, "doctor-review", "Doctor review"),
}


# Decision questions of other modules' quizzes (clinical review KEY-4: module 02 and module 04 gave an unwell patient
# different answers); the same engine decides them.
OTHER_QUIZ_PATIENTS = {
    ("02-the-procedure", "unwell-on-the-day"): ({"age": 30, "unwell_today": True}, "defer", "Defer"),
}


@pytest.mark.parametrize(
    ("bank_name", "question_id"),
    [*(("04-contraindications-and-screening", q) for q in sorted(QUIZ_PATIENTS)), *sorted(OTHER_QUIZ_PATIENTS)],
)
def test_quiz_decisions_agree_with_the_screening_rules(bank_name, question_id):
    """The right option of each decision question is the engine's decision for that patient."""
    answers, outcome, words = {**OTHER_QUIZ_PATIENTS, **{(bank_name, q): v for q, v in QUIZ_PATIENTS.items()}}[
        (bank_name, question_id)
    ]
    right = next(o for o in load_bank(bank_name).question(question_id).options if o.correct)
    assert screen(answers).outcome == outcome
    assert right.text.startswith(words), (
        f"quiz question {question_id!r} marks {right.text!r}; the engine decides {outcome}"
    )


@pytest.mark.parametrize(
    ("bank_name", "question_id"),
    [
        ("02-the-procedure", "blood-thinner-prescribed"),
        ("04-contraindications-and-screening", "blood-thinner-advice"),
    ],
)
def test_quiz_blood_thinner_keys_are_the_engine_instruction(bank_name, question_id):
    """A prescribed blood thinner: the engine says doctor review and keep taking it, and so does the key."""
    decision = screen({"age": 60, "prescribed_blood_thinner": True})
    assert decision.outcome == "doctor-review"
    assert any(advice.text.startswith("Keep taking your prescribed blood thinner") for advice in decision.precare)
    options = load_bank(bank_name).question(question_id).options
    assert [o.text.startswith("Keep taking it") for o in options] == [o.correct for o in options]


# Each option of the select-all questions of module 04, as the intake it describes.
DO_NOT_TREAT_OPTIONS = {
    "Pregnancy": {"pregnant": True},
    "Breastfeeding": {"breastfeeding": True},
    "Haemophilia": {"bleeding_disorder": True},
    "Allergy to an ingredient": {"allergy_to_product_component": True},
    "High blood pressure that is well controlled": {"high_blood_pressure": "controlled"},
    "A few active acne spots": {"acne_at_site": True},
}
SILICON_OPTIONS = {
    "A patient with diabetes": {"diabetes": "controlled"},
    "A patient with kidney disease": {"kidney_disease": True},
    "A pregnant or breastfeeding patient": {"pregnant": True},
    "A patient with swelling (oedema)": {"pathological_oedema": True},
    "A healthy 55-year-old": {"age": 55},
}


def _option_intakes(question_id, table):
    """Each option of a bank-04 question with the intake the table gives for it; every option must be in it."""
    options = load_bank("04-contraindications-and-screening").question(question_id).options
    assert len(options) == len(table), question_id
    for option in options:
        start = next((s for s in table if option.text.startswith(s)), None)
        assert start, f"option {option.text!r} of {question_id!r} is not tied to an intake"
        yield option, {"age": 30, **table[start]}


def test_do_not_treat_options_are_the_engine_decisions():
    """An option is keyed "do not treat" exactly when the engine decides do not treat for it."""
    for option, answers in _option_intakes("do-not-treat-list", DO_NOT_TREAT_OPTIONS):
        assert option.correct == (screen(answers).outcome == "do-not-treat"), option.text


def test_organic_silicon_options_are_the_engine_silicon_rules():
    """An option is keyed "avoid silicon" exactly when a silicon rule fires for it."""
    for option, answers in _option_intakes("organic-silicon", SILICON_OPTIONS):
        fired = screen({**answers, "product_contains_organic_silicon": True}).findings
        assert option.correct == any(f.rule.id.startswith("silicon-") for f in fired), option.text


# ---- Clinical review 1: the returning patient, medicines, age, systemic disease, the product -------------------


def test_lumps_at_earlier_sites_mean_no_treatment_and_a_doctor_today():
    """ENG-1: lumps, abscesses or discharge where an earlier treatment was given: do not treat, doctor today, trace."""
    decision = screen(patient(earlier_site_problem=True))
    assert decision.outcome == "do-not-treat"
    action = decision.findings[0].action.lower()
    assert "today" in action and "mycobacteria" in action
    assert all(word in action for word in ("product", "batch", "equipment", "clinic lead"))
    assert decision.act_now and "today" in decision.act_now[0].lower()


def test_a_lump_without_redness_or_pus_is_still_a_finding():
    """ENG-1: the form asks about any lump at an earlier site, so a painful nodule alone is never 'treat'."""
    label = screening_data().fields["earlier_site_problem"].label.lower()
    assert "lumps" in label and "earlier treatment" in label
    assert screen(patient(earlier_site_problem=True)).outcome != "treat"


def test_infection_at_the_site_is_checked_by_a_doctor_now_not_only_if_it_worsens():
    """ENG-1 and KEY-3: a red, warm, pus-producing site is seen now; 'see a doctor if not improving' is gone."""
    action = screen(patient(infection_at_site=True)).findings[0].action
    assert "now" in action and "if it is not improving" not in action


@pytest.mark.parametrize("days", [0, 3, 6, None])
def test_a_prescribed_nsaid_goes_to_the_doctor_and_never_gets_a_countdown(days):
    """ENG-2: prescribed naproxen taken today: doctor review, keep taking it, no waiting time anywhere."""
    decision = screen(patient(age=62, prescribed_nsaid=True, nsaid_days_ago=days))
    assert decision.outcome == "doctor-review"
    said = " ".join([*decision.come_back(), *(f.action + f.detail for f in decision.findings)])
    said += " ".join(advice.text for advice in decision.precare)
    assert "more before the treatment" not in said and "do not take them for" not in said
    assert any("Keep taking your prescribed anti-inflammatory" in advice.text for advice in decision.precare)


def test_every_prescribed_medicine_withholds_every_medicine_waiting_time():
    """ENG-2: no medicine's waiting time can reach a patient on any prescribed medicine (the data is checked)."""
    data = screening_data()
    prescribed = {name for name, spec in data.fields.items() if spec.prescribed}
    assert {"prescribed_blood_thinner", "prescribed_nsaid", "recent_isotretinoin"} <= prescribed
    for name in prescribed:
        decision = screen(patient(**{name: True}, aspirin_days_ago=1, nsaid_days_ago=1, supplement_days_ago=1))
        assert not any(f.detail for f in decision.findings), name


def test_a_medicine_wait_without_every_prescribed_medicine_withheld_is_refused(raw):
    """ENG-2: a new waiting time on a medicine that forgets a prescribed medicine does not load."""
    rule_in(raw, "nsaid-too-recent")["patient_instruction"]["withheld_if"] = ["prescribed_blood_thinner"]
    with pytest.raises(AssetError, match="prescribed_nsaid"):
        parse_screening(raw)


def test_blood_thinning_supplements_are_asked_about_with_the_longest_wait():
    """ENG-6: a self-chosen blood-thinning supplement 3 days ago defers for 14 days; every patient is told to say."""
    decision = screen(patient(supplement_days_ago=3))
    assert decision.outcome == "defer" and decision.findings[0].remaining == 11
    assert any("supplement" in advice.text for advice in screen(patient()).precare)


def test_keep_taking_your_blood_thinner_is_never_marked_as_not_kept():
    """ENG-3: a when-found instruction ('keep taking it') is never flagged as broken today."""
    decision = screen(patient(prescribed_blood_thinner=True, alcohol_hours_ago=2))
    flagged = {advice.rule_id for advice in decision.precare if advice.broken_today}
    assert flagged == {"alcohol-too-recent"}


@pytest.mark.parametrize("age", [0, 8, 16, 17])
def test_under_18_is_not_treated_and_gets_no_adult_precare(age):
    """ENG-5: under 18 means do not treat, with no alcohol or painkiller advice addressed to a child."""
    decision = screen(patient(age=age))
    assert decision.outcome == "do-not-treat"
    assert decision.precare == ()
    assert "From 18" in " ".join(decision.come_back())


def test_under_18_with_a_recent_painkiller_gets_no_countdown_to_a_treatment():
    """ENG-5: a 16-year-old who took ibuprofen is not told 'at least 6 days more before the treatment'."""
    decision = screen(patient(age=16, nsaid_days_ago=1))
    assert not any(finding.detail for finding in decision.findings)
    assert "before the treatment" not in " ".join(decision.come_back())


def test_the_age_rule_shows_the_law_the_positions_and_the_sources_that_differ():
    """ENG-5, DIS-4: the England law, JCCP, Scotland, Kybella, and the Italian 14 years and the French doctor."""
    rule = screening_data().rule("under-18")
    for key in ("ref-D1", "ref-D5", "ref-D7", "ref-20", "ref-web-italian-blog-age", "ref-web-drbitbol", "ref-40b"):
        assert key in rule.references and key in rule.explanation, key
    assert "14" in rule.explanation and "disagree" in rule.evidence.lower()


@pytest.mark.parametrize("age", [9, 17, 45, 61, 72])
def test_pregnancy_at_any_age_gets_a_decision(age):
    """ENG-7: pregnancy outside 10-60 is no longer refused as a slip: it is 'do not treat'."""
    assert screen(patient(age=age, sex="female", pregnant=True)).outcome == "do-not-treat"


@pytest.mark.parametrize(("age", "safeguarding"), [(9, True), (17, True), (18, False), (61, False)])
def test_a_pregnant_child_calls_for_safeguarding_today(age, safeguarding):
    """ENG-7: a pregnancy under 18 puts safeguarding at the top of what staff do today."""
    act_now = " ".join(screen(patient(age=age, pregnant=True)).act_now)
    assert ("safeguarding" in act_now) == safeguarding


@pytest.mark.parametrize(
    ("field", "rule_id"),
    [("diabetes", "diabetes"), ("high_blood_pressure", "high-blood-pressure"), ("heart_disease", "heart-disease")],
)
def test_controlled_systemic_disease_goes_to_the_doctor(field, rule_id):
    """DIS-1: the course says it sends doubtful cases to the doctor; controlled diabetes, BP or heart disease now do."""
    for answer in ("controlled", "uncontrolled"):
        decision = screen(patient(**{field: answer}))
        assert decision.outcome == "doctor-review" and decision.rule_ids == (rule_id,)


@pytest.mark.parametrize(
    "answers",
    [
        {"pathological_oedema": True},
        {"weakened_immunity": True},
        {"allergy_to_cream_or_antiseptic": True},
        {"earlier_reaction": True},
    ],
)
def test_illness_oedema_and_the_other_new_questions_go_to_the_doctor(answers):
    """ENG-4, ENG-6: illness-related swelling (no silicon), weak immunity, a cream allergy, an earlier reaction."""
    assert screen(patient(**answers)).outcome == "doctor-review"


def test_the_checks_before_injecting_include_asepsis_and_the_batch():
    """ENG-8: sterile single-use material, single-dose containers, no tap water, and the batch on the record."""
    texts = " ".join(item["text"] for item in screen(patient()).before_treatment).lower()
    for words in ("sterile, single-use", "single-dose", "multi-dose", "never tap water", "batch number", "disinfected"):
        assert words in texts, words


@pytest.mark.parametrize(
    ("answers", "rule_id"),
    [
        ({"product": "PC/DC to dissolve fat cells"}, "fat-dissolving-product"),
        ({"product": "Phosphatidylcholine and deoxycholate"}, "fat-dissolving-product"),
        ({"area": "Around the eyes"}, "area-near-the-eyes"),
        ({"area": "between the eyebrows"}, "area-near-the-eyes"),
        ({"product_not_traceable": True}, "product-not-traceable"),
    ],
)
def test_the_planned_product_and_area_are_checked(answers, rule_id):
    """ENG-9, DIS-7: fat-dissolving products and areas near the eyes go to the doctor; untraceable products are out."""
    assert rule_id in screen(patient(**answers)).rule_ids


@pytest.mark.parametrize("text", ["Key areas of the face", "Eyebrow line", "Hyaluronic acid with vitamins", "Thighs"])
def test_product_and_area_words_are_matched_as_whole_words(text):
    """ENG-9: 'eye' is not found inside 'key' or 'eyebrow', so ordinary bookings are not flagged."""
    assert screen(patient(area=text, product=text)).rule_ids == ()


def test_the_nsaid_rule_says_plainly_why_it_is_not_the_longest_wait():
    """DIS-3: the 7 days is not the longest figure, and the rule says why."""
    evidence = screening_data().rule("nsaid-too-recent").evidence
    assert "longest" in evidence and "fillers" in evidence


@pytest.mark.parametrize("rule_id", ["pregnancy", "bleeding-disorder"])
def test_kybella_caution_versus_the_seeds_do_not_treat_is_shown(rule_id):
    """DIS-6: the label's 'caution/precaution' and the seeds' 'do not treat' are shown as a difference."""
    evidence = screening_data().rule(rule_id).evidence
    assert "ref-20" in evidence and "stricter" in evidence


def test_the_blood_thinner_rule_cites_one_page_on_only_one_side():
    """NUM-9: ref-47b is cited for the clopidogrel advice, not also among pages that say never stop."""
    text = screening_data().rule("prescribed-blood-thinner").explanation
    never_stop = next(sentence for sentence in text.split(". ") if "never be stopped" in sentence)
    assert "ref-47b" not in never_stop

"""Each learner's own version: drawn from the secret and the learner id, reproducible, and mapped back to the source."""

from collections import Counter

import pytest

from mesocourse.grading.authoring import AuthoringError, read_assignment
from mesocourse.grading.variants import (
    draw,
    drawn_questions,
    from_source,
    source_answer,
    spec_problems,
    split_prompt,
    to_source,
)
from mesocourse.paths import ROOT
from mesocourse.skin.model import needle_depth
from tests.grading.conftest import right_answer

SECRET = b"test-secret-for-variants"
REAL = ("foundations", "procedure", "depths", "contraindications", "aftercare", "final-exam")


@pytest.fixture(scope="module")
def depths():
    return read_assignment(ROOT / "assignments" / "depths" / "depths.ipynb")


def test_the_same_learner_gets_the_same_version_twice(depths):
    """Drawing again (as release, grading and feedback each do) gives the identical version."""
    assert draw(depths, "maria-dupont", SECRET) == draw(depths, "maria-dupont", SECRET)


def test_two_learners_get_different_versions(depths):
    """Option orders and drawn numbers differ between learners: copied letters are worth nothing."""
    first, second = draw(depths, "maria-dupont", SECRET), draw(depths, "lucas-martin", SECRET)
    assert [q.order for q in first.questions.values()] != [q.order for q in second.questions.values()]
    assert first.tag != second.tag


def test_the_secret_decides_the_version(depths):
    """Without the clinic's secret, the public source and the learner id do not give the version."""
    assert draw(depths, "maria-dupont", SECRET).questions != draw(depths, "maria-dupont", b"other").questions


def test_shuffling_keeps_every_option_text(depths):
    """A version shows the source's own options, every one, only in another order."""
    version = draw(depths, "maria-dupont", SECRET)
    for question in depths.autograded:
        own = version.questions[question.grade_id]
        _, options, _ = split_prompt(question.prompt)
        if own.sibling:
            options = _spec()["depths"][question.grade_id]["siblings"][own.sibling - 1].get("options", {}).items()
        assert sorted(own.options) == sorted(text for _, text in options)


@pytest.mark.parametrize("learner", ["maria-dupont", "lucas-martin", "a", "b", "c"])
def test_numbers_are_drawn_in_range_and_answered_by_the_engine(depths, learner):
    """The depth question's needle and angle come from the sensible choices; the key is needle_depth's."""
    question = draw(depths, learner, SECRET).questions["q01-depth-4mm-30deg"]
    drawn = dict(question.parameters)
    assert drawn["length_mm"] in (4, 6, 13) and drawn["angle_deg"] in (30, 45, 60)
    assert question.expected == round(needle_depth(drawn["length_mm"], drawn["angle_deg"]), 1)
    assert f"A {drawn['length_mm']:g} mm needle" in question.stem and f"{question.expected:.1f} mm" in (
        question.explanation
    )


def test_the_form_tells_no_key_and_no_order(depths):
    """What the learner's widgets get has texts and kinds only: no order, no expected number, no explanation."""
    version = draw(depths, "maria-dupont", SECRET)
    text = repr(version.form())
    for question in version.questions.values():
        assert question.order not in text or not question.order
        assert question.explanation not in text
    assert "expected" not in text and "order" not in text


def test_answers_map_back_to_the_source(depths):
    """A shown letter becomes the source letter and back; the source key ticked in a version is the key."""
    version = draw(depths, "maria-dupont", SECRET)
    for question in depths.autograded:
        own = version.questions[question.grade_id]
        if question.kind == "number":
            continue
        shown = from_source(own, question.solution)
        assert to_source(own, shown) == question.solution
        mapped = source_answer(version, question.grade_id, shown)
        assert mapped.value == question.solution and mapped.grade_id == question.grade_id


def test_numeric_versions_pool_as_right_or_wrong_with_the_version(depths):
    """Item analysis cannot pool numbers from different needles: it gets right/wrong and the version."""
    version = draw(depths, "maria-dupont", SECRET)
    own = version.questions["q01-depth-4mm-30deg"]
    assert source_answer(version, own.grade_id, own.expected).label.startswith("right (length_mm=")
    assert source_answer(version, own.grade_id, own.expected + 1).label.startswith("wrong (")
    assert source_answer(version, own.grade_id, None).label == "(blank)"


@pytest.mark.parametrize("assignment", REAL)
def test_every_parametrised_question_gives_back_its_source(assignment):
    """The templates, for the source's own numbers, give the exact source text, explanation and key."""
    assert spec_problems(read_assignment(ROOT / "assignments" / assignment / f"{assignment}.ipynb")) == []


def test_a_template_that_changes_the_question_is_caught(depths, tmp_path):
    """A prompt template that no longer gives back the source question fails the check."""
    spec = tmp_path / "variants.yaml"
    text = (ROOT / "assets" / "assignment-variants.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("How deep is its tip?", "How deep?"), encoding="utf-8")
    assert any("prompt template" in problem for problem in spec_problems(depths, spec))


# ---------------------------------------------------------------------------------------------------------------
# Drawn questions: every draw keyed by the course's own engines


def _source(name):
    return read_assignment(ROOT / "assignments" / name / f"{name}.ipynb")


def _spec():
    import yaml

    return yaml.safe_load((ROOT / "assets" / "assignment-variants.yaml").read_text(encoding="utf-8"))


DRAWN = [(a, g) for a, entries in _spec().items() for g, entry in entries.items() if "engine" in entry]
LEARNERS = [f"learner-{n:02d}" for n in range(50)]


def _engine_key(entry: dict, drawn: dict):
    """The right answer straight from the engines (not through drawn.py), for one set of drawn values."""
    from mesocourse.aftercare.model import advice_for
    from mesocourse.screening.rules import screen

    if entry["engine"] == "needle_depth":
        return round(needle_depth(drawn["length_mm"], drawn["angle_deg"]), 1)
    if entry["engine"] == "call_urgency":
        return advice_for(drawn["day"], drawn["symptom"]).urgency
    intake = {"age": drawn["age"], **entry["intake"]}
    for name, value in drawn.items():
        if name != "age" and value in entry["findings"]:
            intake |= entry["findings"][value]["intake"]
    return screen(intake).outcome


def test_the_spec_draws_in_every_engine():
    """Screening, aftercare and needle questions are all drawn, in more than one assignment."""
    engines = {entry["engine"] for entries in _spec().values() for entry in entries.values() if "engine" in entry}
    assert engines == {"needle_depth", "screening_decision", "call_urgency"}
    assert {a for a, _ in DRAWN} >= {"depths", "contraindications", "aftercare", "final-exam"}


@pytest.mark.parametrize(("assignment", "grade_id"), DRAWN)
def test_every_learners_key_is_the_engines_answer(assignment, grade_id):
    """For 50 learners, each drawn key is what the engine says for their numbers or patient (fails if they drift)."""
    source, entry = _source(assignment), _spec()[assignment][grade_id]
    for learner in LEARNERS:
        question = draw(source, learner, SECRET).questions[grade_id]
        drawn = dict(question.parameters)
        assert set(drawn) == set(entry["parameters"])
        assert all(drawn[name] in values for name, values in entry["parameters"].items())
        engine = _engine_key(entry, drawn)
        if question.kind == "number":
            assert question.expected == engine
            assert f"{engine:.1f}" in question.explanation
        else:
            shown = from_source(question, question.key)
            assert engine_label(entry, engine) == question.shown_option(shown).rstrip(".")
            assert engine_label(entry, engine) in question.explanation


def engine_label(entry: dict, option_id: str) -> str:
    from mesocourse.aftercare.model import urgency_levels
    from mesocourse.screening.rules import decision_label

    if entry["engine"] == "call_urgency":
        return {level.name: level.label for level in urgency_levels()}[option_id]
    return decision_label(option_id)


@pytest.mark.parametrize(("assignment", "grade_id"), DRAWN)
def test_learners_get_different_draws_and_the_same_twice(assignment, grade_id):
    """Two learners' numbers or patients differ across the cohort; the same learner always gets the same one."""
    source = _source(assignment)
    draws = {draw(source, learner, SECRET).questions[grade_id].parameters for learner in LEARNERS}
    assert len(draws) >= 5
    assert (
        draw(source, "maria-dupont", SECRET).questions[grade_id]
        == draw(source, "maria-dupont", SECRET).questions[grade_id]
    )


@pytest.mark.parametrize(("assignment", "grade_id"), DRAWN)
def test_drawn_keys_vary_so_the_source_key_is_not_everyones(assignment, grade_id):
    """The source's own key is the right answer for only some learners: copying the public solution fails."""
    source = _source(assignment)
    solution = next(q.solution for q in source.autograded if q.grade_id == grade_id)
    keys = [draw(source, learner, SECRET).questions[grade_id] for learner in LEARNERS]
    own = [q.expected if q.kind == "number" else q.key for q in keys]
    assert len(set(own)) >= 3
    assert sum(1 for value in own if value == solution) <= len(own) // 2


@pytest.mark.parametrize("assignment", REAL)
def test_no_two_learners_share_the_answer_letters_of_an_assignment(assignment):
    """Over 50 learners, the full string of right shown answers is shared by hardly any pair (copying is useless)."""
    source = _source(assignment)
    strings = []
    for learner in LEARNERS:
        version = draw(source, learner, SECRET)
        parts = []
        for question in source.autograded:
            own = version.questions[question.grade_id]
            parts.append(str(from_source(own, right_answer(own, question))))
        strings.append("|".join(parts))
    pairs = len(LEARNERS) * (len(LEARNERS) - 1) // 2
    shared = sum(count * (count - 1) // 2 for count in Counter(strings).values())
    assert shared / pairs < 0.01


def test_the_public_source_key_is_not_a_learners_key_without_the_secret():
    """Another secret gives other patients and keys: the source and the learner id alone do not decide them."""
    source = _source("contraindications")
    mine = [draw(source, learner, SECRET).questions["q06-uncontrolled-systemic-disease"] for learner in LEARNERS]
    other = [draw(source, learner, b"another").questions["q06-uncontrolled-systemic-disease"] for learner in LEARNERS]
    same = sum(1 for a, b in zip(mine, other, strict=True) if a.parameters == b.parameters)
    assert same < 10


def test_every_needle_draw_of_the_final_exam_keeps_question_2_right():
    """Question 2 (the tip is below the dermis, in the fat) stays right for every needle question 1 may draw."""
    from mesocourse.skin.model import layer_at

    entry = _spec()["final-exam"]["q01-leroy-needle-depth"]
    for length in entry["parameters"]["length_mm"]:
        for angle in entry["parameters"]["angle_deg"]:
            assert layer_at("face", needle_depth(length, angle)).likely == "fat"


def test_a_sibling_is_drawn_for_some_learners_with_its_own_key():
    """Sibling versions: some learners get the source, others the sibling, each judged on its own key."""
    source = _source("final-exam")
    versions = [draw(source, learner, SECRET).questions["q10-diallo-us-products"] for learner in LEARNERS]
    assert {q.sibling for q in versions} == {0, 1, 2}
    sibling = next(q for q in versions if q.sibling == 1)
    assert sibling.key == "B" and "Lipodissolve, with no credible evidence." in sibling.options
    assert source_answer_label(sibling).startswith("right (sibling 1")


def source_answer_label(question):
    from mesocourse.grading.variants import AssignmentVersion

    version = AssignmentVersion("final-exam", "x", "t", {question.grade_id: question})
    return source_answer(version, question.grade_id, from_source(question, question.key)).label


def test_a_choice_engine_key_outside_the_options_is_caught(tmp_path):
    """A template whose source lists other options than the engine's fails the check."""
    spec = tmp_path / "variants.yaml"
    text = (ROOT / "assets" / "assignment-variants.yaml").read_text(encoding="utf-8")
    spec.write_text(text.replace("symptom: bruising}", "symptom: vision-change}"), encoding="utf-8")
    assert any("engine gives emergency" in problem for problem in spec_problems(_source("final-exam"), spec))


def test_a_draw_whose_explanation_misses_its_answer_is_caught(tmp_path):
    """Every draw's explanation must state that draw's answer, not only the source's."""
    spec = tmp_path / "variants.yaml"
    text = (ROOT / "assets" / "assignment-variants.yaml").read_text(encoding="utf-8")
    text = text.replace(
        """explanation: 'Day {day}, {symptom}: "{urgency}". {staff} {refs}'
  q03""",
        """explanation: 'Day {day}, {symptom}: "Call the clinic today". {staff} {refs}'
  q03""",
    )
    spec.write_text(text, encoding="utf-8")
    problems = spec_problems(_source("aftercare"), spec)
    assert any("does not state this draw's answer" in problem for problem in problems)


def test_a_drawn_patient_is_judged_on_the_learners_own_key():
    """Grading: the learner's own decision scores, the public source's letter does not (when their patient differs)."""
    from mesocourse.grading.graded_copy import judge_in_version
    from mesocourse.grading.scoring import Answer, HiddenKey

    source = _source("contraindications")
    grade_id = "q06-uncontrolled-systemic-disease"
    question = next(
        q
        for learner in LEARNERS
        if (q := draw(source, learner, SECRET).questions[grade_id]).key != "B"  # the source's key
    )
    key = HiddenKey(grade_id, "answer_q6", "letter", "sealed-at-release", choices="ABCD")
    assert judge_in_version(key, Answer(question.key), SECRET, question).right
    wrong = judge_in_version(key, Answer("B"), SECRET, question)
    assert not wrong.right and question.explanation in wrong.message


# ---------------------------------------------------------------------------------------------------------------
# Coverage: no fact question of a covered assignment shows every learner the public source's words

# The assignments whose every autograded question must have a version of each learner's own. Extend this list as
# more assignments get their versions; the test below then holds them to the same rule.
COVERED = ("foundations", "procedure", "depths", "contraindications", "aftercare", "final-exam")
MIN_SIBLINGS = 2


def uncovered_questions(assignment: str, spec: dict) -> list[str]:
    """Autograded questions with neither an engine nor at least MIN_SIBLINGS sibling versions in `spec`."""
    entries = spec.get(assignment) or {}
    return [
        question.grade_id
        for question in _source(assignment).autograded
        if "engine" not in entries.get(question.grade_id, {})
        and len(entries.get(question.grade_id, {}).get("siblings") or []) < MIN_SIBLINGS
    ]


@pytest.mark.parametrize("assignment", COVERED)
def test_every_fact_question_has_an_engine_or_two_siblings(assignment):
    """Each autograded question is drawn by an engine or has two sibling versions, so the public source's words
    are the right answer for only some learners (fails if a question loses its versions or a new one has none)."""
    assert uncovered_questions(assignment, _spec()) == []


def test_the_coverage_check_finds_a_question_without_versions():
    """A question whose siblings were removed, or that has only one, is named."""
    spec = _spec()
    spec["procedure"] = {**spec["procedure"]}
    del spec["procedure"]["q07-water-for-equipment"]
    spec["procedure"]["q08-multidose-vials"] = {"siblings": spec["procedure"]["q08-multidose-vials"]["siblings"][:1]}
    assert uncovered_questions("procedure", spec) == ["q07-water-for-equipment", "q08-multidose-vials"]


@pytest.mark.parametrize("assignment", COVERED)
def test_over_a_cohort_every_version_is_drawn_and_keys_differ_from_the_source(assignment):
    """Over 50 learners every sibling of every question is someone's version, and such a learner's key is their own."""
    source = _source(assignment)
    versions = {q.grade_id: set() for q in source.autograded}
    for learner in LEARNERS:
        for grade_id, own in draw(source, learner, SECRET).questions.items():
            versions[grade_id].add(own.sibling)
            if own.sibling:
                assert own.own_key
    for grade_id, entry in (_spec().get(assignment) or {}).items():
        if "siblings" in entry:
            assert versions[grade_id] == set(range(len(entry["siblings"]) + 1)), grade_id


def test_a_sibling_that_only_moves_the_source_key_is_caught(tmp_path):
    """A sibling whose right option has the source's own words (only another letter) fails the check."""
    spec = tmp_path / "variants.yaml"
    text = (ROOT / "assets" / "assignment-variants.yaml").read_text(encoding="utf-8")
    text = text.replace(
        "B: Many small injections in or just under the skin, near the area.",
        "B: Tiny deposits in the skin that slowly spread below.",
    )
    spec.write_text(text, encoding="utf-8")
    problems = spec_problems(_source("foundations"), spec)
    assert any("sibling 1: the right option is the source's own" in problem for problem in problems)


def test_a_number_sibling_is_judged_on_its_own_number():
    """A learner given a number sibling is right with that sibling's answer, and the source's answer is wrong."""
    from mesocourse.grading.graded_copy import judge_in_version
    from mesocourse.grading.scoring import Answer, HiddenKey

    source = _source("procedure")
    grade_id = "q05-kybella-session-volume"
    own = next(q for learner in LEARNERS if (q := draw(source, learner, SECRET).questions[grade_id]).sibling)
    assert own.expected in (1.0, 60.0) and own.stem.startswith(("A trial", "The Kybella label allows at most"))
    key = HiddenKey(grade_id, "answer_q5", "number", "sealed-at-release", decimals=1)
    assert judge_in_version(key, Answer(own.expected), SECRET, own).right
    assert not judge_in_version(key, Answer(10.0), SECRET, own).right
    from mesocourse.grading.variants import AssignmentVersion

    version = AssignmentVersion("procedure", "x", "t", {grade_id: own})
    assert source_answer(version, grade_id, own.expected).label.startswith("right (sibling")


def test_a_yaml_slip_in_the_versions_file_gets_one_sentence(tmp_path):
    broken = tmp_path / "assignment-variants.yaml"
    broken.write_text("depths:\n  q01: [unclosed\n", encoding="utf-8")
    with pytest.raises(AuthoringError, match=r"assignment-variants.yaml is not valid YAML at line \d"):
        drawn_questions("depths", broken)

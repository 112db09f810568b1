"""Each learner's own version: drawn from the secret and the learner id, reproducible, and mapped back to the source."""

import pytest

from mesocourse.grading.authoring import read_assignment
from mesocourse.grading.variants import (
    draw,
    from_source,
    source_answer,
    spec_problems,
    split_prompt,
    to_source,
)
from mesocourse.paths import ROOT
from mesocourse.skin.model import needle_depth

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
        _, options, _ = split_prompt(question.prompt)
        assert sorted(version.questions[question.grade_id].options) == sorted(text for _, text in options)


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

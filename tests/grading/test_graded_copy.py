"""mesocourse.grading.graded_copy: verdicts speak of the form, and answers for other questions are flagged."""

import json

import pytest

from mesocourse.grading.answer_sheet import write_answers
from mesocourse.grading.graded_copy import judge_in_version, load_sheet
from mesocourse.grading.scoring import Answer, HiddenKey
from mesocourse.grading.variants import AssignmentVersion, QuestionVersion, version_tag

KEY = HiddenKey("q01-pick", "answer_q1", "letter", "not-a-digest")


@pytest.mark.parametrize("blank", ["", None, []])
def test_a_question_left_blank_on_the_form_is_not_answered_without_typing_advice(blank):
    question = QuestionVersion("q01-pick", 1, "letter", 1.0, "Which?", explanation="Because [ref-5].", key="C")
    verdict = judge_in_version(KEY, Answer(blank), b"secret", question)
    assert not verdict.right
    assert verdict.message == "✘ Not answered.\nWhy: Because [ref-5]."


def _version(stem: str) -> AssignmentVersion:
    version = AssignmentVersion("depths", "amina", "")
    version.questions["q01-pick"] = QuestionVersion("q01-pick", 1, "letter", 1.0, stem, options=("a", "b"), order="AB")
    version.blocks = [("question", "q01-pick")]
    shown = {key: value for key, value in version.form().items() if key != "version"}
    version.tag = version_tag(b"secret", "depths", "amina", json.dumps(shown, sort_keys=True))
    return version


def test_answers_to_questions_the_course_changed_since_release_are_flagged(tmp_path):
    released, updated = _version("Which layer?"), _version("Which layer is it in?")
    assert released.tag != updated.tag, "the tag names what the learner was shown"
    write_answers(tmp_path, "depths", "amina", released.tag, {"q01-pick": "A"})
    assert load_sheet(tmp_path, released).notes == []
    (note,) = load_sheet(tmp_path, updated).notes
    assert "before the course changed them" in note and "check these answers by hand" in note


def test_answers_made_for_another_learner_are_named_as_such(tmp_path):
    version = _version("Which layer?")
    write_answers(tmp_path, "depths", "bea", "0123456789ab", {"q01-pick": "A"})
    (note,) = load_sheet(tmp_path, version).notes
    assert "not from this learner's own version (made for bea)" in note

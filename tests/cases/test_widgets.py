"""mesocourse.cases.widgets: the case player gives specific feedback, reveals the follow-ups, records attempts."""

import pytest

from mesocourse.assets import AssetError
from mesocourse.cases.model import CASES_BANK, case_progress, course_cases
from mesocourse.cases.widgets import CasePlayer, case_player
from mesocourse.progress import ProgressStore


@pytest.fixture
def store(tmp_path):
    return ProgressStore(tmp_path / "progress.sqlite")


@pytest.fixture
def player(store):
    return CasePlayer(learner="nurse-b", store=store)


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

    monkeypatch.setattr("mesocourse.cases.widgets.course_cases", broken)
    shown = case_player()
    assert "could not be loaded" in shown.data and "broken" in shown.data

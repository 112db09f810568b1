"""Format checks in graded assignments: they say at once when an answer is unreadable, never whether it is right."""

import pytest

from mesocourse.grading.answer_format import AnswerFormatProblem, check_format, format_problem


@pytest.mark.parametrize(
    ("answer", "kind"),
    [("B", "letter"), (" c ", "letter"), (["A", "C"], "letters"), (["d"], "letters"), (2.5, "number"), (7, "number")],
)
def test_readable_answers_pass(answer, kind):
    """Well-typed answers (any case, spaces around letters, ints or floats) have no format problem."""
    assert format_problem(answer, kind, "ABCD") is None


@pytest.mark.parametrize(
    ("answer", "kind", "words"),
    [
        ("", "letter", "Not answered yet"),
        ("AB", "letter", "exactly one letter from A to D"),
        ("E", "letter", "exactly one letter from A to D"),
        (["A"], "letter", "not a list"),
        ([], "letters", "Not answered yet"),
        ("A, C", "letters", "takes a list"),
        (["A", "A"], "letters", "only once"),
        (["A", "Z"], "letters", "one letter from A to D"),
        (None, "number", "Not answered yet"),
        ("2.5", "number", "without quotes"),
        ((2, 5), "number", "Use a dot for decimals: write 2.5"),
        (True, "number", "Type a number"),
    ],
)
def test_unreadable_answers_get_a_plain_reason(answer, kind, words):
    """Each typing slip a learner makes gets a message saying what to change."""
    assert words in format_problem(answer, kind, "ABCD")


def test_the_ok_message_is_the_same_for_every_readable_answer(capsys):
    """The check never hints at correctness: any readable answer gets exactly the same message."""
    messages = set()
    for letter in "ABCD":
        check_format(letter, "letter", choices="ABCD")
        messages.add(capsys.readouterr().out)
    assert len(messages) == 1
    assert "does not say whether it is right" in messages.pop()


def test_a_format_problem_is_shown_without_a_traceback():
    """IPython shows _render_traceback_ lines instead of a traceback: plain sentences, no code."""
    with pytest.raises(AnswerFormatProblem) as raised:
        check_format("", "letter")
    lines = raised.value._render_traceback_()
    assert lines[0].startswith("✘ Not answered yet")
    assert not any("Traceback" in line or "File " in line for line in lines)


def test_unknown_kind_is_an_authoring_error():
    """A misspelt kind in a question is a bug for the author, not a learner message."""
    with pytest.raises(ValueError, match="unknown answer kind"):
        format_problem("A", "single")

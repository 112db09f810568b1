"""Answers scored as data: the value is parsed, never run, and checked against the key in the grading process."""

from mesocourse.grading.keys import answer_digest
from mesocourse.grading.scoring import WRONG, Answer, HiddenKey, hidden_key, judge, read_answer, verdict_outputs

SECRET = b"test-secret"
TEST_CELL = """check_format(answer_q1, "letter", choices="ABCD")
### BEGIN HIDDEN TESTS
from mesocourse.grading.keys import check_key

check_key(
    "q01-x",
    answer_q1,
    "letter",
    "{digest}",
    explanation="B is right.",
    choices="ABCD",
)
### END HIDDEN TESTS"""


def _key(solution="B", kind="letter", **extra) -> HiddenKey:
    digest = answer_digest("q01-x", solution, kind, extra.get("decimals", 1), SECRET)
    return HiddenKey("q01-x", "answer_q1", kind, digest, "B is right.", **extra)


def test_the_key_is_read_from_the_trainers_test_cell():
    """The one check_key call gives variable, kind, digest, explanation and choices."""
    key = hidden_key("q01-x", TEST_CELL.format(digest="abc123"))
    assert key == HiddenKey("q01-x", "answer_q1", "letter", "abc123", "B is right.", "ABCD")


def test_a_test_that_is_not_the_courses_gives_no_key():
    """Standard nbgrader tests (asserts) and a check_key for another question are left to nbgrader."""
    assert hidden_key("q01-x", "### BEGIN HIDDEN TESTS\nassert answer == 3\n### END HIDDEN TESTS") is None
    assert hidden_key("q02-y", TEST_CELL.format(digest="abc123")) is None


def test_the_answer_is_the_last_literal_assignment():
    """Comments and a re-typed answer are fine: the last `answer_qN = value` line counts."""
    answer = read_answer('# my answer\nanswer_q1 = "A"\nanswer_q1 = "b"', "answer_q1")
    assert answer == Answer(value="b")


def test_code_in_the_answer_cell_is_never_run_and_is_noted():
    """A call, an import or an expression is not a value: it is reported and scores nothing (CR-1)."""
    patched = 'answer_q1 = "C"\nimport mesocourse.grading.keys as _k\n_k.check_key = print'
    assert read_answer(patched, "answer_q1") == Answer(value="C", holds_code=True)
    computed = read_answer('answer_q1 = __import__("os").getenv("KEY")', "answer_q1")
    assert computed.problem and computed.holds_code


def test_pathological_answers_are_refused_without_crashing():
    """A 300 000-term sum, nested brackets and megabytes of text are not read (F-3), and score 0."""
    for source in ['answer_q1 = "B"' + '+"B"' * 300_000, "answer_q1 = " + "[" * 100_000, "x = 1\n" * 5_000]:
        answer = read_answer(source, "answer_q1")
        assert answer.problem
        assert judge(_key(), answer, SECRET).right is False


def test_the_key_decides_with_the_secret():
    """Right letters, lists in any order and numbers within tolerance pass; others do not."""
    assert judge(_key(), Answer(value=" b "), SECRET).right
    assert not judge(_key(), Answer(value="C"), SECRET).right
    assert judge(_key(["A", "C"], "letters"), Answer(value=["c", "A"]), SECRET).right
    assert judge(_key(3.5, "number", tolerance=0.1), Answer(value=3.46), SECRET).right
    assert not judge(_key(), Answer(value="B"), b"another-secret").right


def test_a_huge_number_is_simply_wrong():
    """A 400-digit integer cannot overflow the check (G26)."""
    verdict = judge(_key(3.5, "number"), Answer(value=10**400), SECRET)
    assert verdict.right is False and "Not the expected answer" in verdict.message


def test_verdicts_become_outputs_nbgrader_scores():
    """Right is plain text (full points); wrong is an error output (0 points) with the explanation."""
    right = verdict_outputs(judge(_key(), Answer(value="B"), SECRET))
    assert [output.output_type for output in right] == ["stream"] and "✔ Right." in right[0].text
    wrong = verdict_outputs(judge(_key(), Answer(value="A"), SECRET))
    assert wrong[0].output_type == "error" and wrong[0].ename == WRONG
    assert wrong[0].traceback == ["✘ Not the expected answer.", "Why: B is right."]

"""Keyed digests in hidden tests: right answers match, wrong ones do not, and a digest alone reveals nothing."""

import re

import pytest

from mesocourse.grading.keys import (
    MissingSecret,
    WrongAnswer,
    answer_digest,
    canonical_answer,
    check_key,
    find_secret_file,
    is_expected,
    read_secret,
)

SECRET = b"test-secret"


@pytest.fixture(autouse=True)
def secret_file(tmp_path, monkeypatch):
    """A throwaway secret, so tests never depend on the course's real one."""
    path = tmp_path / "secret.txt"
    path.write_text("# comment line\n" + SECRET.decode() + "\n", encoding="utf-8")
    monkeypatch.setenv("MESOCOURSE_ANSWER_KEY_SECRET_FILE", str(path))
    return path


@pytest.mark.parametrize(
    ("answer", "kind", "expected"),
    [(" b ", "letter", "B"), (["c", "A"], "letters", "A,C"), (2.84, "number", "2.8"), (-0.01, "number", "0.0")],
)
def test_canonical_answers(answer, kind, expected):
    """One spelling per answer: case, order, spaces and trailing digits do not matter."""
    assert canonical_answer(answer, kind, decimals=1) == expected


def test_secret_skips_comment_lines():
    """The first non-comment line of the file is the secret."""
    assert read_secret() == SECRET


def test_missing_secret_is_a_clear_error(tmp_path, monkeypatch):
    """Without the secret nothing can be checked, and the message says which file is missing."""
    monkeypatch.setenv("MESOCOURSE_ANSWER_KEY_SECRET_FILE", str(tmp_path / "absent.txt"))
    with pytest.raises(MissingSecret, match="absent.txt"):
        read_secret()


def test_secret_is_found_from_a_graded_copy_folder(tmp_path, monkeypatch):
    """Autograding runs in grading/autograded/<learner>/<assignment>/: the course's secret is found from there."""
    monkeypatch.delenv("MESOCOURSE_ANSWER_KEY_SECRET_FILE")
    graded = tmp_path / "grading" / "autograded" / "maria" / "foundations"
    graded.mkdir(parents=True)
    secret = tmp_path / "grading" / "answer-key-secret.txt"
    secret.write_text("s3cret\n", encoding="utf-8")
    assert find_secret_file(graded) == secret


def test_digest_depends_on_the_secret_and_the_question():
    """The same answer gives different digests under another secret or for another question."""
    digest = answer_digest("q01-a", "B", "letter", secret=SECRET)
    assert digest != answer_digest("q01-a", "B", "letter", secret=b"other")
    assert digest != answer_digest("q02-b", "B", "letter", secret=SECRET)
    assert re.fullmatch(r"[0-9a-f]{32}", digest)


def test_letter_keys_accept_any_spelling_of_the_right_letter_only():
    """Lower case and spaces are fine; another letter is not."""
    digest = answer_digest("q01-a", "B", "letter")
    assert is_expected("q01-a", " b", "letter", digest)
    assert not is_expected("q01-a", "C", "letter", digest)


def test_select_all_keys_need_exactly_the_right_set():
    """Order does not matter; a missing or an extra letter does."""
    digest = answer_digest("q02-a", ["A", "C"], "letters")
    assert is_expected("q02-a", ["C", "a"], "letters", digest)
    assert not is_expected("q02-a", ["A"], "letters", digest)
    assert not is_expected("q02-a", ["A", "B", "C"], "letters", digest)


def test_numeric_keys_accept_the_stated_tolerance_only():
    """With tolerance 0.1 at one decimal, 2.7 to 2.9 match 2.8 and 3.0 does not."""
    digest = answer_digest("q03-a", 2.8, "number", decimals=1)
    for near in (2.7, 2.83, 2.9):
        assert is_expected("q03-a", near, "number", digest, decimals=1, tolerance=0.1)
    assert not is_expected("q03-a", 3.0, "number", digest, decimals=1, tolerance=0.1)
    assert not is_expected("q03-a", 2.9, "number", digest, decimals=1, tolerance=0.0)


def test_badly_typed_answers_never_match():
    """A string "2.8" is not the number 2.8, whatever the digest."""
    digest = answer_digest("q03-a", 2.8, "number")
    assert not is_expected("q03-a", "2.8", "number", digest)


def test_check_key_prints_right_with_the_explanation(capsys):
    """A right answer prints a tick and the explanation (what feedback shows)."""
    check_key("q01-a", "B", "letter", answer_digest("q01-a", "B", "letter"), explanation="Because [ref-1].")
    assert capsys.readouterr().out == "✔ Right.\nWhy: Because [ref-1].\n"


def test_check_key_raises_a_plain_wrong_answer():
    """A wrong answer fails the test cell (0 points) and shows only the explanation, never code."""
    with pytest.raises(WrongAnswer) as raised:
        check_key("q01-a", "C", "letter", answer_digest("q01-a", "B", "letter"), explanation="Because [ref-1].")
    assert raised.value._render_traceback_() == ["✘ Not the expected answer.", "Why: Because [ref-1]."]

"""Answer keys as keyed digests: hidden tests compare digests, so even a hidden test that leaks shows no answer.

A hidden test holds `check_key(grade_id, answer, kind, digest, explanation=...)`. The digest is an HMAC of the
grade id and the normalised answer under the course's secret (assignments/answer-key-secret.txt, trainers only).
With only five letters to try, a plain hash of "B" would be guessed at once; without the secret it cannot be.
"""

import hashlib
import hmac
import os
from pathlib import Path

from mesocourse.grading.answer_format import LETTER, LETTERS, NUMBER, format_problem
from mesocourse.paths import ROOT

SECRET_FILE_NAME = "answer-key-secret.txt"
SECRET_VARIABLE = "MESOCOURSE_ANSWER_KEY_SECRET_FILE"
DIGEST_LENGTH = 32


class MissingSecret(RuntimeError):
    """The course's answer-key secret cannot be found, so no answer can be checked."""


class WrongAnswer(AssertionError):
    """An answer that is not the expected one; shown as plain sentences (never a traceback or the hidden test)."""

    def _render_traceback_(self):
        # IPython prints these lines instead of a traceback, so feedback shows the explanation and no test code.
        return str(self).splitlines()


def find_secret_file(start: Path | None = None) -> Path:
    """The secret file: $MESOCOURSE_ANSWER_KEY_SECRET_FILE, else assignments/ in the nearest course folder above."""
    configured = os.environ.get(SECRET_VARIABLE)
    if configured:
        return Path(configured)
    here = (start or Path.cwd()).resolve()
    # Autograding runs in grading/autograded/<learner>/<assignment>/, validation in assignments/<assignment>/:
    # both sit inside the course folder whose assignments/ holds the secret.
    for folder in (here, *here.parents):
        candidate = folder / "assignments" / SECRET_FILE_NAME
        if candidate.is_file():
            return candidate
    return ROOT / "assignments" / SECRET_FILE_NAME


def read_secret(path: Path | None = None) -> bytes:
    """The secret token (first line of the file that is not a # comment)."""
    path = path or find_secret_file()
    try:
        lines = path.read_text(encoding="utf-8").splitlines()
    except FileNotFoundError:
        raise MissingSecret(
            f"The answer-key secret {path} is missing, so answers cannot be checked. "
            "Restore it from the course repository (it sits next to the source assignments)."
        ) from None
    tokens = [line.strip() for line in lines if line.strip() and not line.lstrip().startswith("#")]
    if not tokens:
        raise MissingSecret(f"The answer-key secret file {path} holds no secret line.")
    return tokens[0].encode("utf-8")


def canonical_answer(answer, kind: str, decimals: int = 1) -> str:
    """One spelling per answer: letters upper-case, lists sorted, numbers rounded to the asked decimals."""
    if kind == LETTER:
        return answer.strip().upper()
    if kind == LETTERS:
        return ",".join(sorted({item.strip().upper() for item in answer}))
    if kind == NUMBER:
        rounded = round(float(answer), decimals)
        return f"{rounded + 0.0:.{decimals}f}"  # + 0.0 turns -0.0 into 0.0
    raise ValueError(f"unknown answer kind {kind!r}")


def answer_digest(grade_id: str, answer, kind: str, decimals: int = 1, secret: bytes | None = None) -> str:
    """The keyed digest a hidden test stores for this answer to this question."""
    message = f"{grade_id}\x1f{kind}\x1f{canonical_answer(answer, kind, decimals)}".encode()
    return hmac.new(secret or read_secret(), message, hashlib.sha256).hexdigest()[:DIGEST_LENGTH]


def _candidates(answer, kind: str, decimals: int, tolerance: float):
    """The answer itself and, for numbers, its neighbours within the tolerance (in steps of the last decimal)."""
    if kind != NUMBER or tolerance <= 0:
        return [answer]
    step = 10.0**-decimals
    reach = round(tolerance / step)
    return [float(answer) + offset * step for offset in range(-reach, reach + 1)]


def is_expected(grade_id, answer, kind, digest, decimals=1, tolerance=0.0, choices="ABCD", secret=None) -> bool:
    """Whether a well-formed answer matches the stored digest (a badly typed one never does)."""
    if format_problem(answer, kind, choices) is not None:
        return False
    secret = secret or read_secret()
    return any(
        hmac.compare_digest(answer_digest(grade_id, candidate, kind, decimals, secret), digest)
        for candidate in _candidates(answer, kind, decimals, tolerance)
    )


def check_key(grade_id, answer, kind, digest, explanation="", *, decimals=1, tolerance=0.0, choices="ABCD"):
    """Hidden-test check: print "right" with the explanation, or raise WrongAnswer with it (nbgrader scores 0)."""
    why = f"\nWhy: {explanation}" if explanation else ""
    if is_expected(grade_id, answer, kind, digest, decimals, tolerance, choices):
        print(f"✔ Right.{why}")
        return
    raise WrongAnswer(f"✘ Not the expected answer.{why}")

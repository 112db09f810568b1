"""Answer keys as keyed digests: hidden tests compare digests, so even a hidden test that leaks shows no answer.

A hidden test holds `check_key(grade_id, answer, kind, digest, explanation=...)`. The digest is an HMAC of the
grade id and the normalised answer under the clinic's own secret, made at release time. The secret lives in the
trainer's workspace (grading/answer-key-secret.txt, git-ignored, mode 0600), never in the public sources: with
only five letters to try, a plain hash of "B" would be guessed at once; without the secret it cannot be.
"""

import hashlib
import hmac
import os
import re
from pathlib import Path

from mesocourse.grading.answer_format import LETTER, LETTERS, NUMBER, format_problem
from mesocourse.paths import ROOT

SECRET_FILE_NAME = "answer-key-secret.txt"
SECRET_FOLDER = "grading"
SECRET_VARIABLE = "MESOCOURSE_ANSWER_KEY_SECRET_FILE"
# Secrets the course makes look like this, so a scan of the repository can recognise one.
SECRET_PREFIX = "mesocourse-answer-key-v1-"
SECRET_PATTERN = re.compile(re.escape(SECRET_PREFIX) + r"[0-9a-f]{64}")
RETIRED_FOLDER = "retired-keys"
DIGEST_LENGTH = 32
# Fingerprints (sha256 of the secret line) of secrets anyone can have: never accepted for grading.
REFUSED_FINGERPRINTS = {
    "144b574661dd6f21f6bafc1d67cbe23a2276215af12ccc42668130ae6970a62d": (
        "it was published with the course's source (it is in the public repository's history)"
    ),
}


class MissingSecret(RuntimeError):
    """The clinic's answer-key secret cannot be found or may not be used, so no answer can be checked."""


class RefusedSecret(MissingSecret):
    """A secret that anyone can know (published, or retired by `mesocourse keys rotate`)."""


class WrongAnswer(AssertionError):
    """An answer that is not the expected one; shown as plain sentences (never a traceback or the hidden test)."""

    def _render_traceback_(self):
        # IPython prints these lines instead of a traceback, so feedback shows the explanation and no test code.
        return str(self).splitlines()


def fingerprint(secret: bytes) -> str:
    """A one-way name for a secret (sha256), safe to print, to log and to keep in a refused list."""
    return hashlib.sha256(secret).hexdigest()


def find_secret_file(start: Path | None = None) -> Path:
    """The secret file: $MESOCOURSE_ANSWER_KEY_SECRET_FILE, else grading/ of the nearest course folder above."""
    configured = os.environ.get(SECRET_VARIABLE)
    if configured:
        return Path(configured).expanduser()
    here = (start or Path.cwd()).resolve()
    # Release and validation run in the course folder or below grading/: both find the course's grading/ above.
    for folder in (here, *here.parents):
        candidate = folder / SECRET_FOLDER / SECRET_FILE_NAME
        if candidate.is_file():
            return candidate
        if (folder / "nbgrader_config.py").is_file():
            return candidate
    return ROOT / SECRET_FOLDER / SECRET_FILE_NAME


def retired_fingerprints(path: Path) -> dict[str, str]:
    """Fingerprints of the secrets `keys rotate` retired next to this secret file, with the backup's name."""
    folder = path.parent / RETIRED_FOLDER
    retired = {}
    for backup in sorted(folder.glob("answer-key-secret-*.txt")) if folder.is_dir() else []:
        try:
            token = _token(backup.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            continue
        if token:
            retired[fingerprint(token)] = f"`mesocourse keys rotate` retired it (backup {backup.name})"
    return retired


def _token(text: str) -> bytes | None:
    tokens = [line.strip() for line in text.splitlines() if line.strip() and not line.lstrip().startswith("#")]
    return tokens[0].encode("utf-8") if tokens else None


def read_secret(path: Path | None = None) -> bytes:
    """The secret token (first line of the file that is not a # comment), refused if anyone can know it."""
    path = path or find_secret_file()
    try:
        token = _token(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise MissingSecret(
            f"The clinic's answer-key secret {path} is missing, so answers cannot be checked: restore it from "
            "your backup, or run `mesocourse keys rotate` to make a new one and seal every released assignment again."
        ) from None
    except (OSError, UnicodeDecodeError) as error:
        raise MissingSecret(f"The clinic's answer-key secret {path} cannot be read ({error}).") from None
    if token is None:
        raise MissingSecret(f"The answer-key secret file {path} holds no secret line.")
    why = REFUSED_FINGERPRINTS.get(fingerprint(token)) or retired_fingerprints(path).get(fingerprint(token))
    if why:
        raise RefusedSecret(
            f"The answer-key secret in {path} may not be used, because {why}: "
            "run `mesocourse keys rotate` to make your clinic's own and seal every released assignment again."
        )
    return token


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

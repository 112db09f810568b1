"""No tracked file holds an answer-key secret: the repository is public, so a secret in it is no secret (CR-6)."""

import re
import subprocess

from mesocourse.grading.keys import REFUSED_FINGERPRINTS, SECRET_FILE_NAME, SECRET_PATTERN, fingerprint
from mesocourse.paths import ROOT

# Any long run of hex or base64-like characters could be a secret someone made by hand; each is fingerprinted.
TOKEN = re.compile(r"[0-9A-Za-z_\-+/=]{32,}")


def tracked_files() -> list[str]:
    """Every file git tracks in the course (the test fails, never skips, outside a git checkout)."""
    done = subprocess.run(["git", "ls-files", "-z"], cwd=ROOT, capture_output=True, text=True, check=True)
    return [name for name in done.stdout.split("\0") if name]


def secrets_in(text: str) -> list[str]:
    """What in a text is a secret: the course's secret format, or any token whose fingerprint is refused."""
    found = [match.group(0)[:24] + "…" for match in SECRET_PATTERN.finditer(text)]
    found += [
        f"refused secret {token[:6]}…"
        for token in TOKEN.findall(text)
        if fingerprint(token.encode()) in REFUSED_FINGERPRINTS
    ]
    return found


def test_no_tracked_file_holds_a_secret():
    """Scan `git ls-files`: no answer-key secret file, no secret in the course's format, no refused secret."""
    problems = []
    for name in tracked_files():
        if SECRET_FILE_NAME in name or "retired-keys/" in name:
            problems.append(f"{name}: a secret file is tracked")
        path = ROOT / name
        if not path.is_file():
            continue
        text = path.read_bytes().decode("utf-8", errors="ignore")
        problems += [f"{name}: {found}" for found in secrets_in(text)]
    assert problems == []


def test_the_scan_finds_both_kinds_of_secret():
    """The scan can fail: a secret the course made and the once-published one are both recognised."""
    made = "mesocourse-answer-key-v1-" + "0f" * 32
    published = "ea91b397f35f6778fcd53aee58bba59e" + "239b05e4a169638b692bf53a56ad7970"
    assert len(secrets_in(f"# a header\n{made}\n")) == 1
    assert secrets_in(f"secret = '{published}'") == ["refused secret ea91b3…"]
    assert secrets_in("a digest 0123456789abcdef0123456789abcdef, an id") == []

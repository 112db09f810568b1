"""The clinic's answer-key secret: made on the first trainer command, kept out of git, rotated without loss.

The secret sits in the trainer's workspace, next to the gradebook whose keys it seals (grading/ is git-ignored and
is what a trainer backs up anyway): a gradebook is useless without its secret and the other way round. Rotating
keeps the old secret as a dated backup (refused from then on) and seals every released assignment again.
"""

import os
import secrets
import shutil
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.keys import (
    RETIRED_FOLDER,
    SECRET_PREFIX,
    MissingSecret,
    find_secret_file,
    fingerprint,
    read_secret,
)

HEADER = """\
# The answer-key secret of this clinic's course. It seals the keys of the graded assignments you release.
# Trainers only: never put it in git, a release, a learner bundle or an e-mail. Back it up with grading/
# (it is useless without that gradebook, and the gradebook's keys cannot be checked without it).
# Made on {made}. Replace it only with `mesocourse keys rotate`.
"""
BACKUP_ADVICE = (
    "Back it up together with the gradebook: copy the whole grading/ folder to the clinic's backup "
    "(an encrypted drive or the clinic's file server), never to git or e-mail."
)


def new_token() -> str:
    """A fresh secret in the course's recognisable format (256 random bits)."""
    return SECRET_PREFIX + secrets.token_hex(32)


def write_secret(path: Path, token: str, made: datetime | None = None) -> None:
    """Write a secret file readable by its owner only (0600), replacing any file there in one step."""
    path.parent.mkdir(parents=True, exist_ok=True)
    partial = path.with_name(path.name + ".partial")
    flags = os.O_WRONLY | os.O_CREAT | os.O_TRUNC
    descriptor = os.open(partial, flags, 0o600)
    with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
        handle.write(HEADER.format(made=f"{made or datetime.now():%Y-%m-%d %H:%M}") + token + "\n")
    os.chmod(partial, 0o600)
    os.replace(partial, path)


def shown(course: Course, path: Path) -> str:
    """A path as the trainer reads it: relative to the course folder when inside it."""
    try:
        return str(path.relative_to(course.root))
    except ValueError:
        return str(path)


def anything_released(course: Course) -> bool:
    """Whether any assignment was released (its keys were sealed with some secret already)."""
    if course.release_dir.is_dir() and any(course.release_dir.glob("*/*.ipynb")):
        return True
    return course.db_path.is_file() and course.db_path.stat().st_size > 0


def ensure_secret(course: Course) -> Path | None:
    """Make the clinic's secret if there is none and nothing was sealed yet; returns its path when it was made.

    A missing secret after a release is never replaced silently: keys sealed with the lost one would stop
    matching, so read_secret's message (restore the backup, or rotate) is raised instead.
    """
    path = find_secret_file(course.root)
    if path.exists() or anything_released(course):
        return None
    write_secret(path, new_token())
    return path


def created_notice(course: Course, path: Path) -> str:
    """What the trainer is told when the clinic's secret has just been made."""
    return (
        f"Made this clinic's answer-key secret: {shown(course, path)} (readable by you only, ignored by git).\n"
        f"{BACKUP_ADVICE}"
    )


def describe(course: Course) -> str:
    """Where the secret is, its fingerprint, its retired predecessors and how to back it up."""
    path = find_secret_file(course.root)
    lines = [f"Answer-key secret: {shown(course, path)}"]
    try:
        lines.append(f"Fingerprint: {fingerprint(read_secret(path))[:16]} (safe to write down; the secret is not)")
    except MissingSecret as problem:
        lines.append(str(problem))
    retired = sorted((path.parent / RETIRED_FOLDER).glob("answer-key-secret-*.txt"))
    if retired:
        lines.append(f"Retired secrets kept: {len(retired)} in {shown(course, path.parent / RETIRED_FOLDER)}")
    lines.append(BACKUP_ADVICE)
    return "\n".join(lines)


@dataclass
class Rotation:
    """What `keys rotate` did: the new secret, where the old one went, and what was sealed again."""

    path: Path
    backup: Path | None = None
    gradebook_backup: Path | None = None
    resealed: list[str] = field(default_factory=list)


def rotate(course: Course, now: datetime | None = None) -> Rotation:
    """Retire the secret (dated backup), make a new one, and seal every released assignment's keys with it."""
    from mesocourse.grading.release import check_source, release

    now = now or datetime.now()
    released = [a for a in course.assignments() if course.is_released(a)]
    # Every source must still be releasable before anything changes, so a rotation never stops half-way.
    problems = [problem for a in released for problem in check_source(course, a, run_tests=False, secret=b"check")]
    if problems:
        raise TrainerError(
            "Nothing was changed: these released assignments must be fixed before their keys can be sealed "
            "again:\n  - " + "\n  - ".join(problems)
        )
    path = find_secret_file(course.root)
    stamp = f"{now:%Y-%m-%d-%H%M%S}"
    result = Rotation(path)
    retired = path.parent / RETIRED_FOLDER
    if path.exists():
        retired.mkdir(parents=True, exist_ok=True)
        os.chmod(retired, 0o700)
        result.backup = retired / f"answer-key-secret-{stamp}.txt"
        shutil.copy2(path, result.backup)
        os.chmod(result.backup, 0o600)
    if course.db_path.is_file():
        retired.mkdir(parents=True, exist_ok=True)
        result.gradebook_backup = retired / f"gradebook-before-{stamp}.db"
        shutil.copy2(course.db_path, result.gradebook_backup)
    write_secret(path, new_token(), now)
    for assignment_id in released:
        release(course, assignment_id, run_tests=False)
        result.resealed.append(assignment_id)
    return result

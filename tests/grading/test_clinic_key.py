"""The clinic's answer-key secret: made by the first trainer command, outside git, refused when public, rotated."""

import shutil
import stat
import subprocess

import nbformat
import pytest

from mesocourse import cli
from mesocourse.grading import authoring
from mesocourse.grading.clinic_key import rotate
from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.keys import SECRET_PATTERN, RefusedSecret, fingerprint, read_secret
from mesocourse.grading.release import release, unsealed_keys
from mesocourse.paths import ROOT
from tests.grading.cohorts import NEEDLES, PRODUCT

# The secret the course once published (its history keeps it), here only to prove it is refused; split in two so
# the repository scan (tests/test_no_keys_in_git.py) keeps meaning "no whole secret in any tracked file".
PUBLISHED = "ea91b397f35f6778fcd53aee58bba59e" + "239b05e4a169638b692bf53a56ad7970"


def _course(root):
    """A tiny course with one two-question assignment, as a clinic's trainer finds it after a clone."""
    root.mkdir(parents=True)
    shutil.copy(ROOT / "nbgrader_config.py", root)
    with open(root / "nbgrader_config.py", "a", encoding="utf-8") as config:
        config.write(f"\nc.Exchange.root = {str(root / 'no-exchange')!r}\n")
    cells = authoring.autograded_cells(
        1, "pick", "Pick [ref-20]", "letter", "A", "Because [ref-20].", options={"A": "a", "B": "b"}, objective=PRODUCT
    )
    cells += authoring.autograded_cells(
        2, "depth", "Depth? [ref-16a]", "number", 2.0, "4 x 0.5 [ref-16a].", objective=NEEDLES
    )
    (root / "assignments" / "mini").mkdir(parents=True)
    (root / "grading").mkdir()
    (root / "grading" / "learners.txt").write_text("ana-lopez\nlucas-martin\n", encoding="utf-8")
    nbformat.write(
        authoring.new_assignment_notebook("Mini", "Test.", 5, cells), root / "assignments" / "mini" / "mini.ipynb"
    )
    return Course(root)


@pytest.fixture
def course(tmp_path, monkeypatch):
    monkeypatch.delenv("MESOCOURSE_ANSWER_KEY_SECRET_FILE", raising=False)
    return _course(tmp_path / "course")


def test_the_first_release_makes_the_secret_in_the_trainers_workspace(course, capsys):
    """No secret yet: `release` makes grading/answer-key-secret.txt (0600, course format) and says where and how to
    back it up."""
    assert not (course.root / "grading" / "answer-key-secret.txt").exists()
    assert cli.main(["--course", str(course.root), "release", "mini"]) == 0
    out = capsys.readouterr().out
    path = course.root / "grading" / "answer-key-secret.txt"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert SECRET_PATTERN.fullmatch(read_secret(path).decode())
    assert "Made this clinic's answer-key secret: grading/answer-key-secret.txt" in out and "Back it up" in out
    assert unsealed_keys(course, "mini", read_secret(path)) == []


def test_the_secret_path_is_ignored_by_git():
    """Wherever a clinic leaves it in the repository, git ignores the secret and its retired backups."""
    paths = ["grading/answer-key-secret.txt", "assignments/answer-key-secret.txt", "grading/retired-keys/x.txt"]
    done = subprocess.run(["git", "check-ignore", *paths], cwd=ROOT, capture_output=True, text=True)
    assert done.stdout.split() == paths


def test_two_clinics_get_different_secrets(tmp_path, monkeypatch):
    """Each course folder makes its own secret, so one clinic's keys say nothing about another's."""
    monkeypatch.delenv("MESOCOURSE_ANSWER_KEY_SECRET_FILE", raising=False)
    first, second = _course(tmp_path / "a"), _course(tmp_path / "b")
    assert first.secret() != second.secret()


def test_a_missing_secret_after_a_release_is_one_clear_sentence(course, capsys):
    """Once keys were sealed, a lost secret is never silently replaced: one sentence says restore or rotate."""
    release(course, "mini", run_tests=False)
    (course.root / "grading" / "answer-key-secret.txt").unlink()
    assert cli.main(["--course", str(course.root), "autograde", "mini"]) == 1
    err = capsys.readouterr().err.strip()
    assert len(err.splitlines()) == 1 and err.count(". ") == 0 and "Traceback" not in err
    assert "answer-key secret" in err and "missing" in err and "backup" in err and "keys rotate" in err
    assert not (course.root / "grading" / "answer-key-secret.txt").exists()


def test_the_published_secret_is_refused(course, capsys):
    """CR-6: a clinic that copied the secret once committed to the course is told to rotate; nothing grades with it."""
    path = course.root / "grading" / "answer-key-secret.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(PUBLISHED + "\n", encoding="utf-8")
    with pytest.raises(RefusedSecret, match="published"):
        read_secret(path)
    assert cli.main(["--course", str(course.root), "release", "mini"]) == 1
    assert "keys rotate" in capsys.readouterr().err
    assert not course.release_dir.exists() or not any(course.release_dir.iterdir())


def test_rotate_reseals_every_release_and_retires_the_old_secret(course):
    """keys rotate: a new secret, released keys sealed with it (not the old one), the old kept and refused."""
    release(course, "mini", run_tests=False)
    old = course.secret()
    result = rotate(course)
    new = course.secret()
    assert new != old and result.resealed == ["mini"]
    assert unsealed_keys(course, "mini", new) == []
    assert unsealed_keys(course, "mini", old) == ["q01-pick", "q02-depth"]
    assert old.decode() in result.backup.read_text(encoding="utf-8")
    assert stat.S_IMODE(result.backup.stat().st_mode) == 0o600 and result.gradebook_backup.is_file()
    shutil.copy(result.backup, course.root / "grading" / "answer-key-secret.txt")
    with pytest.raises(TrainerError, match="retired"):
        course.secret()


def test_rotate_recovers_from_the_published_secret(course):
    """A clinic holding the published secret rotates to its own; its fingerprint stays refused."""
    path = course.root / "grading" / "answer-key-secret.txt"
    path.parent.mkdir(exist_ok=True)
    path.write_text(PUBLISHED + "\n", encoding="utf-8")
    rotate(course)
    assert fingerprint(course.secret()) != fingerprint(PUBLISHED.encode())
    release(course, "mini", run_tests=False)
    assert unsealed_keys(course, "mini", course.secret()) == []


def test_keys_show_says_where_and_how_to_back_it_up(course, capsys):
    """`mesocourse keys show` names the file and a fingerprint, never the secret itself."""
    course.secret()
    assert cli.main(["--course", str(course.root), "keys", "show"]) == 0
    out = capsys.readouterr().out
    assert "grading/answer-key-secret.txt" in out and "Fingerprint" in out and "Back it up" in out
    assert course.secret().decode() not in out

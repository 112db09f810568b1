"""Every trainer command run before its prerequisite says so in one sentence, with no traceback."""

import pytest

from mesocourse.cli import main
from mesocourse.grading.course import Course
from mesocourse.grading.release import release

pytestmark = pytest.mark.pipeline


def _run(capsys, monkeypatch, root, *argv) -> tuple[int, str]:
    monkeypatch.chdir(root)
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, (captured.out + captured.err).strip()


@pytest.fixture
def fresh(tmp_path, copy_course):
    """A course copy where nothing was ever released: no grading/ folder at all."""
    return Course(copy_course(tmp_path / "course"))


def test_export_before_any_gradebook_says_there_is_nothing_yet(fresh, capsys, monkeypatch):
    code, text = _run(capsys, monkeypatch, fresh.root, "export")
    assert code == 1 and "Nothing to export yet" in text
    assert "Traceback" not in text and "OperationalError" not in text and len(text.splitlines()) == 1
    assert not (fresh.root / "grading" / "gradebook.db").exists()


@pytest.mark.parametrize("command", ["feedback", "report"])
def test_feedback_and_report_before_autograde_name_the_step_to_run(fresh, capsys, monkeypatch, command):
    release(fresh, "foundations", run_tests=False, learners=["ana"])
    code, text = _run(capsys, monkeypatch, fresh.root, command, "foundations")
    assert code == 1 and "Traceback" not in text and len(text.splitlines()) == 1
    assert "autograde" in text or "collect" in text

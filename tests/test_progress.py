"""mesocourse.progress: attempts are stored, survive two writers at once, and a damaged file is set aside."""

import multiprocessing

from mesocourse.progress import (
    LONGEST_COUNTED_PAUSE_SECONDS,
    PATH_VARIABLE,
    Attempt,
    ProgressStore,
    progress_path,
    seconds_spent,
)


def test_record_and_read_back(tmp_path):
    """An attempt comes back with its question, answer, result and time."""
    store = ProgressStore(tmp_path / "p.sqlite")
    store.record("01-x", "q1", "B", True, objective="Know", learner="ana")
    (attempt,) = store.attempts("01-x", learner="ana")
    assert (attempt.question_id, attempt.answer, attempt.correct, attempt.objective) == ("q1", "B", True, "Know")
    assert attempt.answered_at.startswith("20")


def test_latest_attempt_per_question_wins(tmp_path):
    """What the learner knows now is their latest answer to each question."""
    store = ProgressStore(tmp_path / "p.sqlite")
    store.record("01-x", "q1", "A", False, learner="ana")
    store.record("01-x", "q1", "B", True, learner="ana")
    store.record("01-x", "q2", "C", False, learner="ana")
    latest = store.latest("01-x", learner="ana")
    assert latest["q1"].correct and not latest["q2"].correct


def test_learners_do_not_see_each_others_attempts(tmp_path):
    """Two learners sharing a file (a shared computer) keep separate records."""
    store = ProgressStore(tmp_path / "p.sqlite")
    store.record("01-x", "q1", "A", True, learner="ana")
    assert store.attempts(learner="ben") == []


def test_environment_variable_moves_the_file(tmp_path, monkeypatch):
    """MESOCOURSE_PROGRESS points the store somewhere else (a shared drive, a test folder)."""
    monkeypatch.setenv(PATH_VARIABLE, str(tmp_path / "elsewhere.sqlite"))
    assert progress_path() == tmp_path / "elsewhere.sqlite"
    ProgressStore().record("01-x", "q1", "A", True, learner="ana")
    assert (tmp_path / "elsewhere.sqlite").exists()


def _write_many(path, learner, count):
    store = ProgressStore(path)
    for number in range(count):
        store.record("01-x", f"q{number}", "A", number % 2 == 0, learner=learner)


def test_two_notebooks_writing_at_once_lose_nothing(tmp_path):
    """Two kernels (processes) writing at the same time both keep every attempt."""
    path = tmp_path / "p.sqlite"
    ProgressStore(path).attempts(learner="x")  # create the file first, as the first notebook would
    workers = [multiprocessing.Process(target=_write_many, args=(path, name, 150)) for name in ("ana", "ana2")]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=60)
        assert worker.exitcode == 0
    store = ProgressStore(path)
    assert len(store.attempts(learner="ana")) == 150
    assert len(store.attempts(learner="ana2")) == 150


def test_damaged_file_is_moved_aside_with_a_plain_notice(tmp_path):
    """A file that is not a database is kept aside (not deleted), a fresh record starts, and the learner is told."""
    path = tmp_path / "p.sqlite"
    path.write_bytes(b"this is not a database at all" * 100)
    store = ProgressStore(path)
    store.record("01-x", "q1", "A", True, learner="ana")
    aside = list(tmp_path.glob("p.sqlite.damaged-*"))
    assert len(aside) == 1 and aside[0].read_bytes().startswith(b"this is not a database")
    assert len(store.attempts(learner="ana")) == 1
    assert store.notices and "kept aside" in store.notices[0]


def test_damaged_file_does_not_touch_other_files(tmp_path):
    """Setting a damaged record aside leaves every other file in the folder as it was."""
    (tmp_path / "notes.txt").write_text("keep me")
    path = tmp_path / "p.sqlite"
    path.write_bytes(b"\x00garbage" * 64)
    ProgressStore(path).record("01-x", "q1", "A", True, learner="ana")
    assert (tmp_path / "notes.txt").read_text() == "keep me"


# ---- Locations that are not a progress file (security review F-19 to F-23) --------------------------------------

import os  # noqa: E402
import sqlite3  # noqa: E402
from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from mesocourse.progress import ProgressError  # noqa: E402


def test_a_folder_is_refused_and_never_renamed(tmp_path):
    """F-19: pointing the record at a folder gives a plain message; the folder and its files stay as they were."""
    folder = tmp_path / "Documents"
    folder.mkdir()
    (folder / "thesis.docx").write_text("thesis")
    with pytest.raises(ProgressError, match="is a folder"):
        ProgressStore(folder).record("01-x", "q1", "A", True, learner="ana")
    assert folder.is_dir() and (folder / "thesis.docx").read_text() == "thesis"
    assert [p.name for p in tmp_path.iterdir()] == ["Documents"]


def test_a_trailing_slash_is_refused(tmp_path, monkeypatch):
    """F-19: MESOCOURSE_PROGRESS ending in / names a folder and is refused before anything is touched."""
    monkeypatch.setenv("MESOCOURSE_PROGRESS", f"{tmp_path}/")
    with pytest.raises(ProgressError, match="names a folder"):
        ProgressStore().record("01-x", "q1", "A", True, learner="ana")
    assert list(tmp_path.iterdir()) == []


def test_a_device_is_refused_and_never_renamed(tmp_path):
    """F-19: a device (here a FIFO, which any user can make) is left in place with a plain message."""
    device = tmp_path / "progress.sqlite"
    os.mkfifo(device)
    with pytest.raises(ProgressError, match="not a progress file"):
        ProgressStore(device).record("01-x", "q1", "A", True, learner="ana")
    assert device.exists() and [p.name for p in tmp_path.iterdir()] == ["progress.sqlite"]


def test_a_path_under_a_file_is_refused(tmp_path):
    """F-22: a record asked for under a file says so in words, and the file is untouched."""
    blocker = tmp_path / "notes.txt"
    blocker.write_text("x")
    with pytest.raises(ProgressError, match="is a file, not a folder|lies under a file"):
        ProgressStore(blocker / "progress.sqlite").attempts(learner="ana")
    assert blocker.read_text() == "x"


def test_unknown_user_in_the_path_is_a_message(monkeypatch):
    """F-23: ~nosuchuser/x gives a plain message instead of RuntimeError at start."""
    monkeypatch.setenv("MESOCOURSE_PROGRESS", "~nosuchuser-of-this-machine/progress.sqlite")
    store = ProgressStore()
    with pytest.raises(ProgressError, match="user name this computer does not know"):
        store.attempts(learner="ana")


def read_back(path: Path, monkeypatch, read_only: Path) -> list[str]:
    """Read and try to write the record as a learner for whom `read_only` cannot be written.

    Root ignores file permissions, so under root the learner's view of permissions is given to the store.
    """
    if os.geteuid() == 0:
        real_access = os.access

        def learner_access(target, mode, **kwargs):
            if mode & os.W_OK and Path(target) == read_only:
                return False
            return real_access(target, mode, **kwargs)

        monkeypatch.setattr("mesocourse.progress.os.access", learner_access)
    store = ProgressStore(path)
    lines = [str(len(store.attempts(learner="ana")))]
    try:
        store.record("01-x", "new", "A", True, learner="ana")
        lines.append("SAVED")
    except OSError as problem:
        lines.append(f"REFUSED {problem}")
    lines.append(f"NOTICES {store.notices}")
    return lines


def make_record(path: Path, attempts: int) -> None:
    store = ProgressStore(path)
    for number in range(attempts):
        store.record("01-x", f"q{number}", "A", True, learner="ana")
    with sqlite3.connect(path) as connection:
        connection.execute("PRAGMA journal_mode = DELETE")
    connection.close()


def test_a_read_only_record_is_read_not_moved_aside(tmp_path, monkeypatch):
    """F-20: a valid record the learner may not write is read in full and left where it is."""
    path = tmp_path / "progress.sqlite"
    make_record(path, 200)
    path.chmod(0o444)
    lines = read_back(path, monkeypatch, read_only=path)
    assert lines[0] == "200" and "read-only" in lines[1] and lines[2] == "NOTICES []"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["progress.sqlite"]


def test_a_read_only_folder_gets_an_accurate_message(tmp_path, monkeypatch):
    """F-21: a read-only folder with a valid record: it is shown, and the message says the folder is read-only."""
    folder = tmp_path / "home"
    folder.mkdir()
    path = folder / "progress.sqlite"
    make_record(path, 3)
    folder.chmod(0o555)
    try:
        lines = read_back(path, monkeypatch, read_only=folder)
    finally:
        folder.chmod(0o755)
    assert lines[0] == "3" and f"the folder {folder} is read-only" in lines[1] and lines[2] == "NOTICES []"
    assert sorted(p.name for p in folder.iterdir()) == ["progress.sqlite"]


def _answered_at(*moments: str) -> list[Attempt]:
    return [
        Attempt("nurse-a", "01-bank", f"q{n}", "", "a", True, f"2026-03-05T{moment}+00:00")
        for n, moment in enumerate(moments)
    ]


def test_time_spent_is_the_pauses_between_answers_each_capped():
    """Pauses between consecutive answers count up to five minutes each: a night away adds five minutes, not hours."""
    assert seconds_spent([]) == 0 and seconds_spent(_answered_at("09:00:00")) == 0
    assert seconds_spent(_answered_at("09:00:00", "09:02:00", "09:03:30")) == 210
    # The record is read in time order, and a long break counts as the longest pause counted.
    pauses = _answered_at("09:00:00", "23:00:00", "09:01:00")
    assert seconds_spent(pauses) == 60 + LONGEST_COUNTED_PAUSE_SECONDS

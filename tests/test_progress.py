"""mesocourse.progress: attempts are stored, survive two writers at once, and a damaged file is set aside."""

import multiprocessing

from mesocourse.progress import PATH_VARIABLE, ProgressStore, progress_path


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

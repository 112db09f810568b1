"""The learner's record: every quiz attempt in one SQLite file in their home, safe with two notebooks open."""

import getpass
import os
import sqlite3
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

PATH_VARIABLE = "MESOCOURSE_PROGRESS"
LEARNER_VARIABLE = "MESOCOURSE_LEARNER"
DEFAULT_PATH = Path.home() / ".mesocourse" / "progress.sqlite"
# Two kernels may write at the same moment; SQLite's lock wait covers that without losing an attempt.
LOCK_WAIT_SECONDS = 15

SCHEMA = """
CREATE TABLE IF NOT EXISTS attempts (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    learner TEXT NOT NULL,
    bank TEXT NOT NULL,
    question_id TEXT NOT NULL,
    objective TEXT NOT NULL DEFAULT '',
    answer TEXT NOT NULL,
    correct INTEGER NOT NULL,
    answered_at TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS attempts_by_bank ON attempts (learner, bank, question_id);
"""


@dataclass(frozen=True)
class Attempt:
    """One check of one answer."""

    learner: str
    bank: str
    question_id: str
    objective: str
    answer: str
    correct: bool
    answered_at: str


def progress_path() -> Path:
    """Where the record lives: $MESOCOURSE_PROGRESS, or ~/.mesocourse/progress.sqlite."""
    configured = os.environ.get(PATH_VARIABLE)
    return Path(configured).expanduser() if configured else DEFAULT_PATH


def current_learner() -> str:
    """The learner's name: $MESOCOURSE_LEARNER, or the login name (one per JupyterHub user)."""
    return os.environ.get(LEARNER_VARIABLE) or getpass.getuser()


class ProgressStore:
    """Reads and writes attempts; a damaged file is moved aside once, with a plain notice, and a fresh one started."""

    def __init__(self, path: Path | str | None = None):
        self.path = Path(path) if path else progress_path()
        self.notices: list[str] = []
        self._ready = False

    def _connect(self) -> sqlite3.Connection:
        connection = sqlite3.connect(self.path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
        return connection

    def _prepare(self) -> None:
        if self._ready:
            return
        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            self._create()
        except sqlite3.DatabaseError:
            self._move_damaged_aside()
            self._create()
        self._ready = True

    def _create(self) -> None:
        with self._connect() as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            # WAL lets one notebook read while another writes.
            connection.execute("PRAGMA journal_mode = WAL")
            connection.executescript(SCHEMA)
        connection.close()

    def _move_damaged_aside(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            if part.exists():
                part.rename(Path(f"{aside}{suffix}"))
        self.notices.append(
            f"Your progress file could not be read, so it was kept aside as {aside.name} and a new one was "
            "started. Your quizzes work as before; ask your trainer if you need the old record."
        )

    def record(
        self, bank: str, question_id: str, answer, correct: bool, objective: str = "", learner: str | None = None
    ) -> Attempt:
        """Store one attempt and return it."""
        self._prepare()
        attempt = Attempt(
            learner=learner or current_learner(),
            bank=bank,
            question_id=question_id,
            objective=objective,
            answer=answer if isinstance(answer, str) else repr(answer),
            correct=bool(correct),
            answered_at=datetime.now(UTC).isoformat(timespec="seconds"),
        )
        for attempt_number in range(3):
            try:
                with self._connect() as connection:
                    connection.execute(
                        "INSERT INTO attempts (learner, bank, question_id, objective, answer, correct, answered_at)"
                        " VALUES (?, ?, ?, ?, ?, ?, ?)",
                        (
                            attempt.learner,
                            attempt.bank,
                            attempt.question_id,
                            attempt.objective,
                            attempt.answer,
                            int(attempt.correct),
                            attempt.answered_at,
                        ),
                    )
                connection.close()
                return attempt
            except sqlite3.OperationalError:
                # A lock held longer than the wait: try again briefly rather than drop the learner's answer.
                if attempt_number == 2:
                    raise
                time.sleep(0.5)
        return attempt

    def attempts(self, bank: str | None = None, learner: str | None = None) -> list[Attempt]:
        """Attempts in the order they were made, optionally for one bank."""
        self._prepare()
        query = (
            "SELECT learner, bank, question_id, objective, answer, correct, answered_at FROM attempts WHERE learner = ?"
        )
        params: list = [learner or current_learner()]
        if bank:
            query += " AND bank = ?"
            params.append(bank)
        with self._connect() as connection:
            rows = connection.execute(query + " ORDER BY id", params).fetchall()
        connection.close()
        return [Attempt(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]

    def latest(self, bank: str, learner: str | None = None) -> dict[str, Attempt]:
        """The most recent attempt per question of a bank: what the learner knows now."""
        return {attempt.question_id: attempt for attempt in self.attempts(bank, learner)}

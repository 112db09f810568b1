"""The learner's record: every quiz attempt in one SQLite file in their home, safe with two notebooks open."""

import getpass
import os
import sqlite3
import stat
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


# Time spent is read from the record: within one module, the pauses between consecutive answers, each counted up to
# this long. A longer pause (reading on, a break, another day) counts as this long, never as hours of study; the time
# spent reading before a module's first answer is not in the record, so the total is an honest lower bound.
LONGEST_COUNTED_PAUSE_SECONDS = 5 * 60


def seconds_spent(attempts: list[Attempt]) -> int:
    """Study time shown by a list of attempts: the pauses between consecutive answers, each capped (see above)."""
    moments = sorted(datetime.fromisoformat(attempt.answered_at) for attempt in attempts)
    return int(
        sum(
            min((later - earlier).total_seconds(), LONGEST_COUNTED_PAUSE_SECONDS)
            for earlier, later in zip(moments, moments[1:], strict=False)
        )
    )


# SQLite's words for a file that is not (or no longer) a database; anything else is not damage.
DAMAGE_WORDS = ("not a database", "malformed", "quick_check failed")
FIX_HINT = f"Ask your trainer, or set {PATH_VARIABLE} to a file name such as ~/.mesocourse/progress.sqlite."


class ProgressError(OSError):
    """The progress record cannot be used where it is; the message says why in plain words, and nothing was moved."""

    def __str__(self):
        return self.args[0] if self.args else "Your progress could not be used."


def _expand(configured: str) -> Path:
    if configured.endswith(("/", os.sep)):
        raise ProgressError(f"The progress location {configured} names a folder, not a file. {FIX_HINT}")
    try:
        return Path(configured).expanduser()
    except RuntimeError:
        raise ProgressError(
            f"The progress location {configured} starts with a user name this computer does not know. {FIX_HINT}"
        ) from None


def progress_path() -> Path:
    """Where the record lives: $MESOCOURSE_PROGRESS, or ~/.mesocourse/progress.sqlite (ProgressError when unusable)."""
    configured = os.environ.get(PATH_VARIABLE)
    return _expand(configured) if configured else DEFAULT_PATH


def _kind(mode: int) -> str:
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISCHR(mode) or stat.S_ISBLK(mode):
        return "a device"
    return "a special file"


def current_learner() -> str:
    """The learner's name: $MESOCOURSE_LEARNER, or the login name (one per JupyterHub user)."""
    return os.environ.get(LEARNER_VARIABLE) or getpass.getuser()


class ProgressStore:
    """Reads and writes attempts; a damaged file is moved aside once, with a plain notice, and a fresh one started.

    Only a regular file that SQLite cannot read as a record counts as damaged: a folder, a device, a read-only
    record or a read-only folder is never renamed or replaced; the learner gets a ProgressError in plain words.
    """

    def __init__(self, path: Path | str | None = None):
        self._configured = path
        self._path: Path | None = None
        self.notices: list[str] = []
        self._ready = False
        self.read_only_reason = ""

    @property
    def path(self) -> Path:
        """The record's file (resolved on first use, so a bad setting is a message, not a traceback at start)."""
        if self._path is None:
            if self._configured is None:
                self._path = progress_path()
            elif isinstance(self._configured, Path):
                self._path = self._configured
            else:
                self._path = _expand(str(self._configured))
        return self._path

    def _connect(self) -> sqlite3.Connection:
        if self.read_only_reason:
            # Read without writing anything beside the file (a read-only folder cannot take -wal or -shm files).
            uri = f"{self.path.resolve().as_uri()}?mode=ro&immutable=1"
            connection = sqlite3.connect(uri, uri=True, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        else:
            connection = sqlite3.connect(self.path, timeout=LOCK_WAIT_SECONDS, isolation_level=None)
        connection.execute(f"PRAGMA busy_timeout = {LOCK_WAIT_SECONDS * 1000}")
        return connection

    def _check_location(self) -> os.stat_result | None:
        """The record's file status; ProgressError for a folder, a device, or a folder path running through a file."""
        path = self.path
        try:
            status = path.stat()
        except FileNotFoundError:
            status = None
        except NotADirectoryError:
            raise ProgressError(
                f"Your progress could not be saved: {path} lies under a file, not a folder. {FIX_HINT}"
            ) from None
        except OSError as error:
            raise ProgressError(f"Your progress file {path} cannot be reached ({error.strerror}). {FIX_HINT}") from None
        if status is not None and not stat.S_ISREG(status.st_mode):
            raise ProgressError(
                f"Your progress could not be saved: {path} is {_kind(status.st_mode)}, not a progress file "
                f"(nothing was changed there). {FIX_HINT}"
            )
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
        except (FileExistsError, NotADirectoryError):
            raise ProgressError(
                f"Your progress could not be saved: {path.parent} is a file, not a folder. {FIX_HINT}"
            ) from None
        except PermissionError:
            raise ProgressError(
                f"Your progress could not be saved: there is no permission to create the folder {path.parent}. "
                f"{FIX_HINT}"
            ) from None
        folder_writable = os.access(path.parent, os.W_OK | os.X_OK)
        if status is None and not folder_writable:
            raise ProgressError(f"Your progress could not be saved: the folder {path.parent} is read-only. {FIX_HINT}")
        if status is not None and not folder_writable:
            self.read_only_reason = f"the folder {path.parent} is read-only"
        elif status is not None and not os.access(path, os.W_OK):
            self.read_only_reason = f"the file {path} is read-only"
        return status

    def _prepare(self) -> None:
        if self._ready:
            return
        status = self._check_location()
        try:
            self._create()
        except sqlite3.DatabaseError as error:
            if status is None or not any(words in str(error) for words in DAMAGE_WORDS):
                raise ProgressError(
                    f"Your progress file {self.path} could not be opened ({error}). {FIX_HINT}"
                ) from None
            if self.read_only_reason:
                raise ProgressError(
                    f"Your progress file {self.path} cannot be read, and {self.read_only_reason}, so a new one "
                    f"cannot be started. {FIX_HINT}"
                ) from None
            self._move_damaged_aside()
            self._create()
        self._ready = True

    def _create(self) -> None:
        with self._connect() as connection:
            if connection.execute("PRAGMA quick_check").fetchone()[0] != "ok":
                raise sqlite3.DatabaseError("quick_check failed")
            if not self.read_only_reason:
                # WAL lets one notebook read while another writes.
                connection.execute("PRAGMA journal_mode = WAL")
                connection.executescript(SCHEMA)
        connection.close()

    def _move_damaged_aside(self) -> None:
        stamp = datetime.now().strftime("%Y%m%d-%H%M%S")
        aside = self.path.with_name(f"{self.path.name}.damaged-{stamp}")
        for suffix in ("", "-wal", "-shm"):
            part = Path(f"{self.path}{suffix}")
            # Only regular files are ever renamed (a link or device under the name is left alone).
            if part.is_file() and not part.is_symlink():
                try:
                    part.rename(Path(f"{aside}{suffix}"))
                except OSError as error:
                    raise ProgressError(
                        f"Your progress file {self.path} cannot be read and could not be kept aside "
                        f"({error.strerror}). {FIX_HINT}"
                    ) from None
        self.notices.append(
            f"Your progress file could not be read, so it was kept aside as {aside.name} and a new one was "
            "started. Your quizzes work as before; ask your trainer if you need the old record."
        )

    def record(
        self, bank: str, question_id: str, answer, correct: bool, objective: str = "", learner: str | None = None
    ) -> Attempt:
        """Store one attempt and return it (ProgressError in plain words when the record cannot take it)."""
        self._prepare()
        if self.read_only_reason:
            raise ProgressError(f"Your answer was checked but not saved: {self.read_only_reason}. {FIX_HINT}")
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
            except sqlite3.OperationalError as error:
                # A lock held longer than the wait: try again briefly rather than drop the learner's answer.
                if "locked" not in str(error) and "busy" not in str(error) or attempt_number == 2:
                    raise ProgressError(f"Your answer was checked but not saved ({error}). {FIX_HINT}") from None
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
        try:
            with self._connect() as connection:
                rows = connection.execute(query + " ORDER BY id", params).fetchall()
            connection.close()
        except sqlite3.Error as error:
            if "no such table" in str(error) and self.read_only_reason:
                return []
            raise ProgressError(f"Your progress file {self.path} could not be read ({error}). {FIX_HINT}") from None
        return [Attempt(r[0], r[1], r[2], r[3], r[4], bool(r[5]), r[6]) for r in rows]

    def latest(self, bank: str, learner: str | None = None) -> dict[str, Attempt]:
        """The most recent attempt per question of a bank: what the learner knows now."""
        return {attempt.question_id: attempt for attempt in self.attempts(bank, learner)}

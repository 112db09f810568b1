"""The course folder as nbgrader sees it: where it is, its nbgrader settings, its assignments and learners."""

import contextlib
import io
import logging
import os
import sys
from functools import cached_property, lru_cache
from pathlib import Path

from traitlets.config import Config
from traitlets.config.loader import PyFileConfigLoader

from mesocourse.paths import ROOT

CONFIG_FILE = "nbgrader_config.py"
REPORTS = Path("grading") / "reports"


class TrainerError(Exception):
    """A mistake a trainer can fix (unknown assignment, empty folder...): shown as a message, never a traceback."""


def find_course_root(start: Path | None = None) -> Path:
    """The nearest folder above `start` (default: here) holding nbgrader_config.py and assignments/."""
    here = (start or Path.cwd()).resolve()
    for folder in (here, *here.parents):
        if (folder / CONFIG_FILE).is_file() and (folder / "assignments").is_dir():
            return folder
    if (ROOT / CONFIG_FILE).is_file():
        return ROOT
    raise TrainerError(
        f"No course folder found from {here}: run the command inside the course folder "
        f"(the one with {CONFIG_FILE} and assignments/), or pass --course FOLDER."
    )


def ensure_tools_on_path() -> None:
    """nbgrader runs the `alembic` program to set up its gradebook: make this environment's programs findable."""
    tools = str(Path(sys.executable).parent)
    if tools not in os.environ.get("PATH", "").split(os.pathsep):
        os.environ["PATH"] = tools + os.pathsep + os.environ.get("PATH", "")


class Course:
    """The trainer's view of one course folder: nbgrader settings, paths and an NbGraderAPI on demand."""

    def __init__(self, root: Path | str | None = None, overrides: Config | None = None):
        self.root = Path(root).resolve() if root else find_course_root()
        if not (self.root / CONFIG_FILE).is_file():
            raise TrainerError(f"{self.root} has no {CONFIG_FILE}: is this the course folder?")
        self.overrides = overrides or Config()
        # Set when this session made the clinic's answer-key secret, so the command can say where it is.
        self.secret_created: Path | None = None
        ensure_tools_on_path()

    @cached_property
    def config(self) -> Config:
        """nbgrader_config.py with every folder made absolute, so commands work from anywhere."""
        loader = PyFileConfigLoader(CONFIG_FILE, path=str(self.root))
        config = loader.load_config()
        coursedir = config.CourseDirectory
        coursedir.root = str(self.root)
        db_url = coursedir.get("db_url", "sqlite:///gradebook.db")
        prefix = "sqlite:///"
        if db_url.startswith(prefix) and not os.path.isabs(db_url[len(prefix) :]):
            coursedir.db_url = prefix + str(self.root / db_url[len(prefix) :])
        config.merge(self.overrides)
        return config

    def secret(self, create: bool = True) -> bytes:
        """The clinic's answer-key secret, made on first use (before any release), or a TrainerError saying why not."""
        from mesocourse.grading.keys import MissingSecret, find_secret_file, read_secret

        if create:
            from mesocourse.grading.clinic_key import ensure_secret

            self.secret_created = ensure_secret(self) or self.secret_created
        try:
            return read_secret(find_secret_file(self.root))
        except MissingSecret as missing:
            raise TrainerError(str(missing)) from None

    def folder(self, setting: str, default: str) -> Path:
        """An nbgrader folder setting (e.g. "release_directory") as an absolute path."""
        return self.root / self.config.CourseDirectory.get(setting, default)

    @property
    def source_dir(self) -> Path:
        """Where the source assignments (with solutions and hidden tests) live."""
        return self.folder("source_directory", "source")

    @property
    def release_dir(self) -> Path:
        """Where released (learner) versions are written."""
        return self.folder("release_directory", "release")

    @property
    def submitted_dir(self) -> Path:
        """Where collected submissions live, one folder per learner."""
        return self.folder("submitted_directory", "submitted")

    @property
    def autograded_dir(self) -> Path:
        """Where nbgrader writes graded copies."""
        return self.folder("autograded_directory", "autograded")

    @property
    def feedback_dir(self) -> Path:
        """Where feedback HTML is written, one folder per learner."""
        return self.folder("feedback_directory", "feedback")

    @property
    def reports_dir(self) -> Path:
        """Where the trainer commands write tables, CSV files and plots."""
        path = self.root / REPORTS
        path.mkdir(parents=True, exist_ok=True)
        return path

    @property
    def db_url(self) -> str:
        """The gradebook database URL (absolute)."""
        return self.config.CourseDirectory.db_url

    @property
    def course_id(self) -> str:
        """The nbgrader course id."""
        return self.config.CourseDirectory.get("course_id", "")

    def assignments(self) -> list[str]:
        """Ids of the source assignments (folders in the source directory holding a notebook), sorted."""
        if not self.source_dir.is_dir():
            return []
        return sorted(
            folder.name
            for folder in self.source_dir.iterdir()
            if folder.is_dir() and not folder.name.startswith((".", "_")) and any(folder.glob("*.ipynb"))
        )

    def require_assignment(self, assignment_id: str) -> str:
        """The assignment id if it exists; otherwise a TrainerError listing the known ones."""
        known = self.assignments()
        if assignment_id not in known:
            close = [name for name in known if name.startswith(assignment_id[:3])] if assignment_id else []
            hint = f" Did you mean {close[0]!r}?" if close else ""
            raise TrainerError(
                f"There is no assignment called {assignment_id!r}.{hint} Known assignments: {', '.join(known)}."
            )
        return assignment_id

    def source_notebooks(self, assignment_id: str) -> list[Path]:
        """Every source notebook of an assignment, sorted (the course's own have one; nbgrader's may have several)."""
        return sorted((self.source_dir / assignment_id).glob("*.ipynb"))

    def notebook_names(self, assignment_id: str) -> list[str]:
        """The file names learners hand in for an assignment (e.g. [foundations.ipynb], [problem1.ipynb, ...])."""
        return [path.name for path in self.source_notebooks(assignment_id)]

    def is_plain_nbgrader(self, assignment_id: str) -> bool:
        """Whether an assignment is a plain nbgrader one a trainer brought (no trace of the course's layout).

        The course's own assignments keep every stricter check; plain ones go through the same commands with nbgrader's
        own rules, and each command says what it cannot check for them.
        """
        notebooks = self.source_notebooks(assignment_id)
        stamps = tuple((path, path.stat().st_mtime_ns) for path in notebooks)
        return _plain_nbgrader(stamps)

    def source_notebook(self, assignment_id: str) -> Path:
        """The single source notebook of one of the course's own assignments."""
        notebooks = self.source_notebooks(assignment_id)
        if self.is_plain_nbgrader(assignment_id):
            raise TrainerError(
                f"{assignment_id!r} is a plain nbgrader assignment: this step works on the course's own "
                "assignments only."
            )
        if len(notebooks) != 1:
            raise TrainerError(
                f"Assignment {assignment_id!r} should hold exactly one notebook, found {len(notebooks)}."
            )
        return notebooks[0]

    def notebook_name(self, assignment_id: str) -> str:
        """The file name learners hand in for one of the course's own assignments (e.g. foundations.ipynb)."""
        return self.source_notebook(assignment_id).name

    def released_notebook(self, assignment_id: str) -> Path:
        """Where the learner version of a course assignment is (whether or not it exists yet)."""
        return self.release_dir / assignment_id / self.notebook_name(assignment_id)

    def released_notebooks(self, assignment_id: str) -> list[Path]:
        """Where every released notebook of an assignment is (whether or not they exist yet)."""
        return [self.release_dir / assignment_id / name for name in self.notebook_names(assignment_id)]

    def check_gradebook(self) -> None:
        """A TrainerError when the gradebook is gone, empty or damaged; never a new one made silently (F-15, F-16)."""
        path, shown = self.db_path, self.db_path.name
        with contextlib.suppress(ValueError):
            shown = str(self.db_path.relative_to(self.root))
        restore = "restore it from your backup (nothing was changed)"
        if path.is_dir():
            raise TrainerError(f"The gradebook {shown} is a folder, not a gradebook file: {restore}.")
        if not path.exists():
            released = self.release_dir.is_dir() and any(self.release_dir.glob("*/*.ipynb"))
            if released:
                raise TrainerError(f"The gradebook {shown} is missing although assignments were released: {restore}.")
            return
        try:
            with open(path, "rb") as handle:
                header = handle.read(16)
        except OSError as error:
            raise TrainerError(f"The gradebook {shown} cannot be read ({error.strerror}).") from None
        if not header:
            raise TrainerError(f"The gradebook {shown} is empty (0 bytes): {restore}.")
        if header != b"SQLite format 3\x00":
            raise TrainerError(f"The gradebook {shown} is damaged (not a gradebook database): {restore}.")

    def is_released(self, assignment_id: str) -> bool:
        """Whether `release` has been run for this assignment (release notebook and gradebook entry)."""
        self.check_gradebook()
        released = self.released_notebooks(assignment_id)
        if not released or not all(path.is_file() for path in released):
            return False
        from nbgrader.api import Gradebook, MissingEntry

        if not self.db_path.is_file():
            return False
        with Gradebook(self.db_url) as gradebook:
            try:
                gradebook.find_assignment(assignment_id)
            except MissingEntry:
                return False
        return True

    def require_released(self, assignment_id: str) -> None:
        """A TrainerError unless the assignment has been released."""
        self.require_assignment(assignment_id)
        if not self.is_released(assignment_id):
            raise TrainerError(
                f"{assignment_id!r} has not been released yet: run `mesocourse release {assignment_id}` first."
            )

    @property
    def db_path(self) -> Path:
        """The gradebook file (sqlite)."""
        return Path(self.db_url.removeprefix("sqlite:///"))

    def submitted_learners(self, assignment_id: str) -> list[str]:
        """Learners with a submission folder for this assignment, sorted."""
        if not self.submitted_dir.is_dir():
            return []
        return sorted(folder.name for folder in self.submitted_dir.iterdir() if (folder / assignment_id).is_dir())

    def api(self, **overrides):
        """A fresh NbGraderAPI for this course (nbgrader logs are captured, not printed)."""
        from nbgrader.apps import NbGraderAPI
        from nbgrader.coursedir import CourseDirectory

        config = Config(self.config)
        for dotted, value in overrides.items():
            section, name = dotted.split(".")
            config[section][name] = value
        quiet(logging.WARNING)
        self.check_gradebook()
        # nbgrader cannot create the gradebook inside a folder that does not exist yet.
        self.db_path.parent.mkdir(parents=True, exist_ok=True)
        coursedir = CourseDirectory(config=config)
        # Creating the API probes nbgrader's exchange folder and logs a CRITICAL line when there is none (the
        # usual case off JupyterHub); `exchange_missing` tells the commands that need it.
        probe_log = logging.getLogger("traitlets")
        level = probe_log.level
        probe_log.setLevel(logging.CRITICAL + 1)
        try:
            return NbGraderAPI(coursedir=coursedir, config=config)
        finally:
            probe_log.setLevel(level)


def is_autograded(grade) -> bool:
    """Whether a gradebook grade is an autograded test (a code grade cell that is not itself an answer).

    A code cell that is both graded and a solution is a manually graded code answer (nbgrader's "manually graded
    answer" in code): the trainer marks it, like a written answer.
    """
    if grade.cell.cell_type != "code":
        return False
    return grade.name not in {cell.name for cell in grade.cell.notebook.solution_cells}


def awaiting_marks(grade) -> bool:
    """Whether a gradebook grade still waits for the trainer.

    nbgrader flags every written answer again after each autograde run ("needs manual grade") even when the
    trainer's mark is kept; a grade with a manual score is marked.
    """
    return bool(grade.needs_manual_grade) and grade.manual_score is None


def quiet(level=logging.WARNING) -> None:
    """Keep nbgrader's and traitlets' log lines off the trainer's screen (results are read from captured logs)."""
    for name in ("traitlets", "NbGraderAPI", "nbgrader", "alembic", "Application"):
        logging.getLogger(name).setLevel(level)


@contextlib.contextmanager
def captured_output():
    """Swallow anything nbgrader prints directly (it sometimes writes to stdout/stderr)."""
    out, err = io.StringIO(), io.StringIO()
    with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
        yield out, err


@contextlib.contextmanager
def kernel_output_to(log_path: Path):
    """Send what kernels started meanwhile print (start-up warnings) to a log file instead of the terminal."""
    log_path.parent.mkdir(parents=True, exist_ok=True)
    sys.stdout.flush()
    sys.stderr.flush()
    saved = os.dup(2)
    with open(log_path, "a", encoding="utf-8") as log:
        os.dup2(log.fileno(), 2)
        try:
            yield
        finally:
            sys.stderr.flush()
            os.dup2(saved, 2)
            os.close(saved)


def format_table(headers: list[str], rows: list[list], align: str = "") -> str:
    """A plain-text table for the terminal: columns padded, cells before the last cut at 60 characters."""
    cells = [[str(value) for value in row] for row in rows]
    widths = [max([len(header)] + [len(row[i]) for row in cells]) for i, header in enumerate(headers)]
    # Every column but the last is capped, so a long message in the last column stays whole.
    widths = [min(width, 60) if index < len(widths) - 1 else width for index, width in enumerate(widths)]

    def line(values):
        parts = []
        for index, value in enumerate(values):
            right = align[index : index + 1] == "r"
            text = value if len(value) <= widths[index] else value[: widths[index] - 1] + "…"
            parts.append(text.rjust(widths[index]) if right else text.ljust(widths[index]))
        return "  ".join(parts).rstrip()

    rule = "  ".join("-" * width for width in widths)
    return "\n".join([line(headers), rule, *(line(row) for row in cells)])


@lru_cache(maxsize=32)
def _plain_nbgrader(stamps: tuple) -> bool:
    """Course.is_plain_nbgrader for these source notebooks as they are now (grading asks once per learner)."""
    import nbformat

    from mesocourse.grading.authoring import uses_course_layout
    from mesocourse.grading.submissions import read_problem

    notebooks = [path for path, _ in stamps]
    if not notebooks or any(read_problem(path) for path in notebooks):
        return False
    return not any(uses_course_layout(nbformat.read(path, as_version=4)) for path in notebooks)

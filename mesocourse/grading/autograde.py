"""Autograde a whole cohort: learners in parallel, a progress bar, one broken submission never stops the others.

Each learner is graded by nbgrader's Autograde (through NbGraderAPI). The course's own assignments are answer
forms whose answers are data (answers.json): nothing a learner wrote runs, not even code cells they added (they
never score), so nbgrader's Autograde runs in the trainer's process without a kernel, the whole cohort in one
gradebook session (form_grading.py). Only an assignment that is not an answer form (a trainer's own nbgrader
assignment with code tests) goes to worker processes and their sandboxed kernels; kernels write their chatter to
grading/reports/<assignment>/autograde.log, not the trainer's screen. Submissions are only read: nbgrader writes
graded copies to grading/autograded/ and scores to the gradebook.
"""

import json
import math
import os
import time
import warnings
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from multiprocessing import get_context

import nbformat
from tqdm import tqdm

from mesocourse.grading.course import Course, TrainerError, awaiting_marks, format_table
from mesocourse.grading.form_grading import grade_forms
from mesocourse.grading.sandbox import BUDGET_ERROR, DEAD_ERROR, FLOOD_ERROR, START_ERROR, SandboxMissing
from mesocourse.grading.sandbox import tools as sandbox_tools
from mesocourse.grading.submission_files import SET_ASIDE, set_aside_unsafe
from mesocourse.grading.submissions import Inspection, inspect_submission
from mesocourse.words import counted

STATUS_FILE = "autograde-status.json"
GRADED, NOT_SUBMITTED, UNREADABLE, KERNEL_DIED, FAILED = "graded", "no notebook", "unreadable", "kernel died", "failed"
# Kernel start-up and teardown make one learner take a few seconds; two workers keep a 2-core laptop usable.
DEFAULT_JOBS = max(1, min(2, os.cpu_count() or 1))


@dataclass
class GradingResult:
    """One learner's autograding outcome, as shown in the end-of-run table and kept in the status file."""

    learner: str
    status: str
    autograded_score: float | None = None
    autograded_max: float | None = None
    written_to_mark: int = 0
    seconds: float = 0.0
    notes: list[str] = field(default_factory=list)
    graded_at: str = ""
    # What autograde wrote for each autograded question: status and export flag a gradebook changed since.
    auto_scores: dict[str, float] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        """Whether nbgrader produced a graded copy and scores."""
        return self.status == GRADED


# ---------------------------------------------------------------------------------------------------------------
# Worker side: one NbGraderAPI per worker process, reused for every learner it is given.

_WORKER: dict = {}


def _start_worker(root: str, overrides: dict, log_path: str) -> None:
    """Worker set-up: quiet output (also for the kernels it starts) and one API object."""
    descriptor = os.open(log_path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    os.dup2(descriptor, 1)
    os.dup2(descriptor, 2)
    warnings.filterwarnings("ignore")
    course = Course(root)
    # Each worker starts its next sandboxed kernel while it grades (sandbox.py, spare_kernels.py), and checks the
    # cells' metadata against a schema checked once (nbgrader re-checks the schema for every cell, twice a learner).
    ahead = {"SandboxedExecute.spare_kernels": True}
    _WORKER["api"] = course.api(**overrides, **checks_once(course.config), **ahead)


def _grade_in_worker(assignment_id: str, learner: str) -> dict:
    """Run nbgrader autograde for one learner in a worker; never raises."""
    return grade_with(_WORKER["api"], assignment_id, learner)


def grade_with(api, assignment_id: str, learner: str) -> dict:
    """Run nbgrader autograde for one learner; never raises (nbgrader's own exits are caught too)."""
    started = time.monotonic()
    try:
        outcome = api.autograde(assignment_id, learner, force=True, create=True)
    except (Exception, SystemExit) as error:
        outcome = {"success": False, "error": f"{type(error).__name__}: {error}", "log": ""}
    return {
        "learner": learner,
        "success": bool(outcome.get("success")),
        "log": outcome.get("log", "") or "",
        "error": outcome.get("error", "") or "",
        "seconds": time.monotonic() - started,
    }


# ---------------------------------------------------------------------------------------------------------------
# Trainer side


def _pool(course: Course, workers: int, overrides: dict, log_path) -> ProcessPoolExecutor:
    # spawn: each worker starts clean (no inherited database connections, threads or kernel sockets).
    return ProcessPoolExecutor(
        max_workers=workers,
        mp_context=get_context("spawn"),
        initializer=_start_worker,
        initargs=(str(course.root), overrides, str(log_path)),
    )


def _run(course, assignment_id, learners, workers, overrides, log_path, bar) -> tuple[dict, list[str]]:
    """Grade learners in one pool; returns raw outcomes and the learners lost to a crashed worker."""
    outcomes, lost = {}, []
    pool = _pool(course, workers, overrides, log_path)
    try:
        futures = {pool.submit(_grade_in_worker, assignment_id, learner): learner for learner in learners}
        for future in as_completed(futures):
            learner = futures[future]
            try:
                outcomes[learner] = future.result()
                bar.update(1)
            except BrokenProcessPool:
                lost.append(learner)
    except BaseException:
        # Ctrl+C: stop the workers now (their sandboxes and kernels die with them) instead of waiting for a
        # cell that may never end; SQLite rolls back any half-written gradebook transaction.
        for process in list(getattr(pool, "_processes", {}).values()):
            process.kill()
        pool.shutdown(wait=False, cancel_futures=True)
        raise
    pool.shutdown(wait=True)
    return outcomes, lost


def checks_once(config, leave_out: tuple = ()) -> dict:
    """Overrides for Autograde's steps: nbgrader's metadata check with its schema checked once; `leave_out` dropped."""
    from nbgrader.preprocessors import CheckCellMetadata

    from mesocourse.grading.preprocessors import CheckCellMetadataOnce

    def steps(name: str) -> list:
        listed = config.Autograde.get(name, [])
        kept = [step for step in listed if not (isinstance(step, type) and issubclass(step, leave_out))]
        return [CheckCellMetadataOnce if step is CheckCellMetadata else step for step in kept]

    names = ("sanitize_preprocessors", "autograde_preprocessors")
    return {f"Autograde.{name}": steps(name) for name in names if name in config.Autograde}


def without_kernel(config) -> dict:
    """Overrides for grading without running anything: no Execute step, metadata checked without re-checks."""
    from nbgrader.preprocessors import Execute

    return checks_once(config, leave_out=(Execute,))


def _is_answer_form(course: Course, assignment_id: str) -> bool:
    """Whether the assignment was released as an answer form (answers in answers.json, read as data)."""
    from mesocourse.grading.graded_copy import form_release

    if course.is_plain_nbgrader(assignment_id):
        return False
    stem = course.notebook_name(assignment_id).removesuffix(".ipynb")
    return form_release(course.config, {"nbgrader": {"assignment": assignment_id, "notebook": stem}}) is not None


def _failure(outcome: dict, timeout: float) -> tuple[str, str]:
    """Status and plain explanation for an nbgrader failure, read from its log."""
    text = outcome["log"] + "\n" + outcome["error"]
    if START_ERROR in text:
        return FAILED, (
            "the grading kernel could not start in the sandbox, twice (a problem of this machine, not of the "
            "submission); run autograde again for this learner, and see autograde.log if it goes on"
        )
    if "Kernel died" in text or "DeadKernelError" in text:
        return KERNEL_DIED, (
            "the notebook stopped the grading kernel (e.g. code that exits Python or uses all memory); "
            "no graded copy was kept. Look at the submission, or mark it by hand"
        )
    if "unresponsive" in text or "UnresponsiveKernelError" in text:
        return FAILED, f"a cell kept running after {timeout:g} s and could not be stopped; look at the submission"
    if "database is locked" in text:
        return FAILED, "the gradebook was busy; run autograde again for this learner"
    errors = [line.removeprefix("[ERROR] ") for line in outcome["log"].splitlines() if line.startswith("[ERROR]")]
    generic = ("There was an error processing", "Please see", "Traceback")
    specific = [line for line in errors if not line.startswith(generic)]
    last_error = outcome["error"].strip().splitlines()[-1:] or ["unknown error"]
    return FAILED, f"nbgrader could not grade it: {(specific or last_error)[-1][:200]}"


def _graded_copy_notes(course: Course, assignment_id: str, learner: str, timeout: float) -> list[str]:
    """What the graded copy shows that the trainer should know: stopped cells and cut outputs."""
    folder = course.autograded_dir / learner / assignment_id
    paths = [folder / name for name in course.notebook_names(assignment_id) if (folder / name).is_file()]
    cells = [cell for path in paths for cell in nbformat.read(path, as_version=4).cells]
    notes, stopped, cut, not_run, dead, flood = [], [], False, 0, 0, False
    for cell in cells:
        for output in cell.get("outputs", []):
            flood = flood or output.get("ename") == FLOOD_ERROR
            not_run += output.get("ename") == BUDGET_ERROR
            dead += output.get("ename") == DEAD_ERROR
            if output.get("ename") == "CellTimeoutError":
                stopped.append(cell.metadata.get("nbgrader", {}).get("grade_id", "a cell"))
            text = json.dumps(output.get("text", "")) + json.dumps(output.get("data", {}))
            cut = cut or "output cut here" in text or "Output truncated" in text
    if stopped:
        notes.append(f"stopped after {timeout:g} s (endless loop?): {', '.join(stopped)}")
    if cut:
        notes.append("very long output was cut in the graded copy")
    if flood:
        notes.append("printed more than the output allowed, so its kernel was stopped")
    if dead:
        notes.append(
            f"the notebook stopped its own kernel (e.g. exited Python or used all memory): {dead} later cells "
            "not run (answers are scored all the same)"
        )
    if not_run:
        notes.append(f"ran out of its time budget: {not_run} later cells not run (answers are scored all the same)")
    return notes


def _scores(course: Course, assignment_id: str) -> dict[str, tuple[float, float, int, dict[str, float]]]:
    """Per learner: autograded score and maximum, written answers to mark, each autograded question's score.

    Two queries for the whole cohort (walking nbgrader's objects loaded each grade's cell one query at a time).
    """
    from nbgrader.api import (
        Assignment,
        Gradebook,
        GradeCell,
        Notebook,
        SolutionCell,
        SubmittedAssignment,
        SubmittedNotebook,
    )
    from nbgrader.api import Grade as Row

    found: dict[str, tuple] = {}
    with Gradebook(course.db_url) as gradebook:
        # A code grade cell that is also a solution is a manually graded code answer (course.is_autograded).
        answers = set(
            gradebook.db.query(SolutionCell.notebook_id, SolutionCell.name)
            .join(Notebook, SolutionCell.notebook_id == Notebook.id)
            .join(Assignment, Notebook.assignment_id == Assignment.id)
            .filter(Assignment.name == assignment_id)
        )
        rows = (
            gradebook.db.query(
                SubmittedAssignment.student_id,
                GradeCell.notebook_id,
                GradeCell.name,
                GradeCell.cell_type,
                GradeCell.max_score,
                Row.score,
                Row.auto_score,
                Row.manual_score,
                Row.needs_manual_grade,
            )
            .select_from(Row)
            .join(GradeCell, Row.cell_id == GradeCell.id)
            .join(SubmittedNotebook, Row.notebook_id == SubmittedNotebook.id)
            .join(SubmittedAssignment, SubmittedNotebook.assignment_id == SubmittedAssignment.id)
            .join(Assignment, SubmittedAssignment.assignment_id == Assignment.id)
            .filter(Assignment.name == assignment_id)
        )
        for row in rows:
            score, maximum, to_mark, per_question = found.setdefault(row.student_id, (0.0, 0.0, 0, {}))
            if row.cell_type == "code" and (row.notebook_id, row.name) not in answers:
                per_question[row.name] = float(row.auto_score or 0.0)
                found[row.student_id] = (score + (row.score or 0.0), maximum + row.max_score, to_mark, per_question)
            elif awaiting_marks(row):
                found[row.student_id] = (score, maximum, to_mark + 1, per_question)
    return found


def load_status(course: Course, assignment_id: str) -> dict[str, dict]:
    """The last autograde outcome of every learner for an assignment (learner -> fields)."""
    path = course.reports_dir / assignment_id / STATUS_FILE
    if not path.exists():
        return {}
    try:
        status = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError):
        status = None
    if not isinstance(status, dict) or not all(isinstance(value, dict) for value in status.values()):
        raise TrainerError(
            f"The autograde record {path.relative_to(course.root)} is damaged: restore it from a backup, or move it "
            f"away and run `mesocourse autograde {assignment_id}` again (the gradebook itself is not affected)."
        )
    return status


def _save_status(course: Course, assignment_id: str, results: list[GradingResult]) -> None:
    status = load_status(course, assignment_id)
    status.update({result.learner: asdict(result) for result in results})
    path = course.reports_dir / assignment_id / STATUS_FILE
    # Written beside and renamed over: an interrupted run leaves the old record whole, never half a file.
    partial = path.with_name(path.name + ".partial")
    partial.write_text(json.dumps(status, indent=2, sort_keys=True), encoding="utf-8")
    os.replace(partial, path)


def cell_timeout(course: Course, asked: float | None) -> int:
    """Seconds one cell may run: asked, else nbgrader_config.py's, else 60; never below 1 (0 would mean forever)."""
    if asked is not None and not asked >= 1:
        raise TrainerError(
            f"--timeout {asked:g} would switch off the guard against endless loops: give 1 second or more."
        )
    configured = course.config.Execute.get("timeout", 60)
    seconds = asked if asked is not None else (configured if isinstance(configured, int | float) else 60)
    return math.ceil(seconds) if seconds >= 1 else 60


def autograde(
    course: Course,
    assignment_id: str,
    learners: list[str] | None = None,
    jobs: int = DEFAULT_JOBS,
    timeout: float | None = None,
    show_progress: bool = True,
    run_every_notebook: bool = False,
) -> list[GradingResult]:
    """Autograde every (or the named) learner's submission; returns one result per learner, never raises for one.

    run_every_notebook: run even answer-form submissions in the sandbox, learner-added code included (the scores
    are the same; the tests compare the two ways and try attacks from added code against the sandbox).
    """
    course.require_released(assignment_id)
    course.secret()  # answers cannot be checked without it: stop here with a message instead
    submitted = course.submitted_learners(assignment_id)
    if learners:
        unknown = sorted(set(learners) - set(submitted))
        if unknown:
            raise TrainerError(
                f"No submission of {assignment_id!r} from: {', '.join(unknown)}. "
                f"Submitted: {', '.join(submitted) or 'nobody yet'}."
            )
        submitted = sorted(set(learners))
    if not submitted:
        raise TrainerError(
            f"Nobody has submitted {assignment_id!r} yet: collect submissions first "
            f"(`mesocourse collect {assignment_id} FOLDER`)."
        )
    timeout = cell_timeout(course, timeout)
    overrides = {"Execute.timeout": timeout}
    load_status(course, assignment_id)  # a damaged record stops here, before anyone is graded
    stamp = datetime.now(UTC).isoformat(timespec="seconds")

    results, to_grade, here = {}, [], []
    answer_form = _is_answer_form(course, assignment_id) and not run_every_notebook
    for learner in submitted:
        set_aside = set_aside_unsafe(
            course.root, course.submitted_dir / learner / assignment_id, learner, assignment_id
        )
        try:
            inspection = inspect_submission(course, assignment_id, learner)
        except (Exception, RecursionError) as error:  # one odd notebook never stops the cohort (F-3)
            inspection = Inspection(learner, notes=[f"could not be looked at before grading ({type(error).__name__})"])
        if inspection.problem:
            status = NOT_SUBMITTED if inspection.problem.startswith("no ") else UNREADABLE
            results[learner] = GradingResult(learner, status, notes=[inspection.problem], graded_at=stamp)
        else:
            results[learner] = GradingResult(learner, GRADED, notes=inspection.notes, graded_at=stamp)
            (here if answer_form else to_grade).append(learner)
        if set_aside:
            results[learner].notes.insert(0, f"links set aside (not followed, in {SET_ASIDE}/): {', '.join(set_aside)}")

    if to_grade:  # only code needs the sandbox: answer forms are graded without it
        try:
            sandbox_tools()
        except SandboxMissing as missing:
            raise TrainerError(str(missing)) from None
    log_path = course.reports_dir / assignment_id / "autograde.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    workers = max(1, min(jobs, len(to_grade) or 1))
    with tqdm(
        total=len(to_grade) + len(here), desc=f"Autograding {assignment_id}", unit="learner", disable=not show_progress
    ) as bar:
        # First the submissions with nothing to run, here; then those with code, in the sandbox's workers (one
        # gradebook writer at a time either way).
        with open(log_path, "a", encoding="utf-8") as log:
            graded_here = grade_forms(course, assignment_id, here, overrides, log, bar)
        outcomes, lost = (
            _run(course, assignment_id, to_grade, workers, overrides, log_path, bar) if to_grade else ({}, [])
        )
        outcomes.update(graded_here)
        # A worker that crashed takes its queue with it: grade those learners again, one per fresh worker.
        for learner in lost:
            retried, still_lost = _run(course, assignment_id, [learner], 1, overrides, log_path, bar)
            outcomes.update(retried)
            if still_lost:
                outcomes[learner] = {
                    "learner": learner,
                    "success": False,
                    "seconds": 0.0,
                    "log": "",
                    "error": "the grading process itself crashed",
                }
        # The gradebook is one SQLite file: a learner that met a busy database is simply graded again.
        busy = [name for name, outcome in outcomes.items() if "database is locked" in outcome["error"] + outcome["log"]]
        if busy:
            retried, _ = _run(course, assignment_id, busy, 1, overrides, log_path, bar)
            outcomes.update(retried)

    scores = _scores(course, assignment_id)
    for learner, outcome in outcomes.items():
        result = results[learner]
        result.seconds = round(outcome["seconds"], 1)
        if outcome["success"]:
            result.autograded_score, result.autograded_max, result.written_to_mark, result.auto_scores = scores[learner]
            if learner not in graded_here:  # nothing ran for an answer form: no stopped cells or cut outputs
                result.notes += _graded_copy_notes(course, assignment_id, learner, timeout)
        else:
            result.status, reason = _failure(outcome, timeout)
            result.notes.insert(0, reason)
    ordered = [results[learner] for learner in submitted]
    _save_status(course, assignment_id, ordered)
    return ordered


def results_table(results: list[GradingResult]) -> str:
    """The end-of-run table: one line per learner with status, autograded score and what to look at."""
    rows = []
    for result in results:
        score = f"{result.autograded_score:g}/{result.autograded_max:g}" if result.autograded_score is not None else "-"
        written = str(result.written_to_mark) if result.ok else "-"
        rows.append([result.learner, result.status, score, written, "; ".join(result.notes) or "-"])
    return format_table(["learner", "status", "autograded", "to mark", "notes"], rows, align="llrr")


def summary_line(results: list[GradingResult]) -> str:
    """One sentence: how many were graded and how many need the trainer."""
    graded = sum(result.ok for result in results)
    problems = len(results) - graded
    to_mark = sum(result.written_to_mark for result in results)
    text = f"{graded} of {len(results)} submissions graded"
    if problems:
        text += f"; {problems} need your attention (see status above; their submissions are untouched)"
    if to_mark:
        text += f"; {counted(to_mark, 'written answer')} to mark in formgrader (`make formgrader`)"
    return text + "."

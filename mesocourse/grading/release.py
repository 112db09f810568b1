"""Release an assignment: check the source, make the learner version, prove it holds no key.

Order matters: the source must follow the question layout and its keys must match its solutions (authoring
check), every hidden test must pass on the solutions (nbgrader's Validator, run on a copy), then nbgrader's
generate_assignment writes grading/release/<id>/ and the gradebook entry, and the leak guard scans the result.
"""

import contextlib
import shutil
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

from mesocourse.grading.authoring import AuthoringError, check_assignment, read_assignment, seal
from mesocourse.grading.course import Course, TrainerError, captured_output, kernel_output_to
from mesocourse.grading.handout import Handout, handout_files, roster, write_handouts
from mesocourse.grading.leaks import RELEASE, scan_files, scan_releases
from mesocourse.grading.plain import counts as plain_counts
from mesocourse.grading.plain import release_settings as plain_release_settings
from mesocourse.grading.plain import write_copies as plain_copies
from mesocourse.grading.variants import spec_problems


@dataclass
class ValidationReport:
    """What nbgrader's Validator said about a notebook: failed or changed cells (empty lists mean it passed)."""

    notebook: Path
    failed: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    type_changed: list[str] = field(default_factory=list)

    @property
    def passed(self) -> bool:
        """True when every test cell passed and nothing was changed."""
        return not (self.failed or self.changed or self.type_changed)


def validate_notebook(course: Course, notebook: Path, timeout: int | None = None) -> ValidationReport:
    """Run nbgrader's Validator on a notebook (in a scratch copy of its folder) and report failures.

    The `nbgrader validate` command exits 0 even when tests fail, so the Validator's result is read instead.
    """
    from nbgrader.validator import Validator
    from traitlets.config import Config

    config = Config(course.config)
    if timeout:
        config.Execute.timeout = timeout
    report = ValidationReport(notebook)
    workspace = course.root / "grading"
    workspace.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mesocourse-validate-", dir=workspace) as scratch:
        # A copy inside the course folder: the kernel finds the course (and its key secret) from where it runs,
        # and the source folder stays free of checkpoints or outputs.
        copy = Path(scratch) / notebook.parent.name / notebook.name
        shutil.copytree(notebook.parent, copy.parent, ignore=shutil.ignore_patterns(".ipynb_checkpoints"))
        # A source's hidden tests get their keys here, as at release; a learner version has none to seal.
        with contextlib.suppress(AuthoringError):
            seal(copy, course.secret())
        with captured_output(), kernel_output_to(course.reports_dir / "validate.log"):
            results = Validator(config=config).validate(str(copy))
    report.failed = [item.get("raw_error", "").strip() or item["source"][:80] for item in results.get("failed", [])]
    report.changed = [item["source"][:80] for item in results.get("changed", [])]
    report.type_changed = [item["source"][:80] for item in results.get("type_changed", [])]
    return report


def check_source(course: Course, assignment_id: str, run_tests: bool = True, secret: bytes | None = None) -> list[str]:
    """All problems with an assignment's source: layout and keys, then the Validator on its solutions.

    Sources in git hold no key digest (they are public); the checks run on a copy sealed with the clinic's secret,
    as release seals the gradebook's copy.
    """
    course.require_assignment(assignment_id)
    if course.is_plain_nbgrader(assignment_id):
        from mesocourse.grading.plain import source_problems

        return source_problems(course, assignment_id, run_tests)
    secret = secret or course.secret()
    path = course.source_notebook(assignment_id)
    source = read_assignment(path)
    if source.problems:
        return list(source.problems)
    workspace = course.root / "grading"
    workspace.mkdir(exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="mesocourse-seal-", dir=workspace) as scratch:
        copy = Path(scratch) / path.parent.name / path.name
        copy.parent.mkdir()
        shutil.copy2(path, copy)
        seal(copy, secret)
        problems = check_assignment(read_assignment(copy), secret) + spec_problems(source)
        if run_tests and not problems:
            report = validate_notebook(course, copy)
            problems += [f"{assignment_id}: a test fails on the solutions: {failure}" for failure in report.failed]
            problems += [f"{assignment_id}: a read-only cell changed: {cell}" for cell in report.changed]
            problems += [f"{assignment_id}: a cell changed type: {cell}" for cell in report.type_changed]
    return problems


def unsealed_keys(course: Course, assignment_id: str, secret: bytes) -> list[str]:
    """Grade ids whose key in the gradebook does not match the source's solution under this secret."""
    from nbgrader.api import Gradebook, MissingEntry

    from mesocourse.grading.keys import answer_digest
    from mesocourse.grading.scoring import hidden_key

    source = read_assignment(course.source_notebook(assignment_id))
    with Gradebook(course.db_url) as gradebook:
        try:
            stored = gradebook.find_notebook(course.source_notebook(assignment_id).stem, assignment_id)
        except MissingEntry:
            return [question.grade_id for question in source.autograded]
        tests = {cell.name: cell.source or "" for cell in stored.source_cells}
    wrong = []
    for question in source.autograded:
        key = hidden_key(question.grade_id, tests.get(question.grade_id, ""))
        expected = answer_digest(question.grade_id, question.solution, question.kind, question.decimals, secret)
        if key is None or key.digest != expected:
            wrong.append(question.grade_id)
    return wrong


@dataclass
class ReleaseResult:
    """Where the learner version went, and whether it also went to the nbgrader exchange."""

    assignment_id: str
    notebook: Path
    questions: int
    written: int
    points: float
    exchange: bool = False
    handout: Handout = field(default_factory=Handout)
    # A plain nbgrader assignment (not in the course's layout): `written` then counts every manually graded answer.
    plain: bool = False


def release(
    course: Course, assignment_id: str, exchange: bool = False, run_tests: bool = True, learners=None
) -> ReleaseResult:
    """Check, generate and leak-scan each learner's version; optionally put them in the nbgrader exchange.

    learners: ids to release for (default: grading/learners.txt and the gradebook's students).
    run_tests=False skips running the notebook (for callers that just ran the Validator themselves).
    """
    ids = roster(course, learners)
    problems = check_source(course, assignment_id, run_tests=run_tests)
    if problems:
        raise TrainerError(
            f"{assignment_id!r} was not released, its source needs fixing first:\n  - " + "\n  - ".join(problems)
        )
    plain = course.is_plain_nbgrader(assignment_id)
    api = course.api(**(plain_release_settings() if plain else {}))
    with captured_output():
        outcome = api.generate_assignment(assignment_id, force=True, create=True)
    if not outcome["success"]:
        raise TrainerError(
            f"nbgrader could not make the learner version of {assignment_id!r}:\n{outcome.get('log', '')}"
        )
    unsealed = [] if plain else unsealed_keys(course, assignment_id, course.secret())
    if unsealed:
        shutil.rmtree(course.release_dir / assignment_id, ignore_errors=True)
        raise TrainerError(
            f"{assignment_id!r} was not released: the gradebook's keys of {', '.join(unsealed)} are not sealed with "
            "this clinic's secret (is SealKeys first in GenerateAssignment.preprocessors in nbgrader_config.py?)."
        )
    handout = (plain_copies if plain else write_handouts)(course, assignment_id, ids)
    leaks = scan_releases(course, [assignment_id])
    leaks += scan_files(course, handout_files(course, assignment_id), RELEASE, assignment=assignment_id)
    if leaks:
        shutil.rmtree(course.release_dir / assignment_id, ignore_errors=True)
        for folder in handout.folders.values():
            shutil.rmtree(folder, ignore_errors=True)
        raise TrainerError(
            f"The learner version of {assignment_id!r} held grading material, so it was deleted:\n  - "
            + "\n  - ".join(map(str, leaks))
        )
    if exchange:
        if api.exchange_missing:
            raise TrainerError(
                "The learner version is in grading/release, but the nbgrader exchange folder is missing "
                "(set Exchange.root in nbgrader_config.py, or hand out the file or the learner bundle instead)."
            )
        with captured_output():
            sent = api.release_assignment(assignment_id)
        if not sent["success"]:
            raise TrainerError(f"nbgrader could not put {assignment_id!r} in the exchange:\n{sent.get('log', '')}")
    if plain:
        tests, answers, points = plain_counts(course, assignment_id)
        folder = course.release_dir / assignment_id
        return ReleaseResult(assignment_id, folder, tests, answers, points, exchange, handout, plain=True)
    source = read_assignment(course.source_notebook(assignment_id))
    return ReleaseResult(
        assignment_id,
        course.released_notebook(assignment_id),
        len(source.autograded),
        len(source.written),
        source.max_score,
        exchange,
        handout,
    )

"""How long grading code takes: `mesocourse autograde` (sandboxed) against plain `nbgrader autograde`, code tests.

Run with `make bench-grading` (after bench/grading.py). Both graders get the same standard nbgrader assignment: the
questions of `foundations` written as an answer cell `answer_qN = ...` and a hidden `assert` per question (the
notebook bench/grading.py builds for plain nbgrader), answered by N learners with varied answers, a few with code
cells of their own, a few broken (damaged JSON, empty file, no notebook) and one whose notebook ends its own kernel.
Plain nbgrader grades it from a course folder of its own with nbgrader's default settings (one ordinary kernel per
notebook, one after the other); mesocourse grades it from a copy of the course, every notebook in the sandbox. The
floor is what executing those same notebooks costs, once each in a fresh ordinary kernel, without any grading.
Every score is compared cell by cell between the two gradebooks; the exit code is 1 when one differs.

Each command runs as a child process through bench/grading.py's launcher: wall seconds, CPU seconds (user + system,
the child and its own children) and peak memory (the largest resident set among them). Writes
test-artifacts/bench/grading-code.json.
"""

import json
import os
import platform
import random
import shutil
import statistics
import subprocess
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import nbformat  # noqa: E402

from grading import (  # noqa: E402
    ASSIGNMENT,
    BROKEN,
    FLOOR_SCRIPT,
    MESOCOURSE,
    PLAIN_CONFIG,
    cohort_parser,
    compare,
    measured,
    median,
    print_table,
    questions,
    random_answers,
    standard_answered,
    standard_source,
    write_broken,
)
from mesocourse.grading.course import Course, captured_output  # noqa: E402
from tests.grading.conftest import _copy_course  # noqa: E402

RESULT_FILE = ROOT / "test-artifacts" / "bench" / "grading-code.json"
ADDED_CODE = ("print('my own working')", "total = sum(range(10))\ntotal", "import math\nmath.sqrt(2)")
# Not the grader's fault: the notebook ends its own kernel, so every later test fails (in both graders alike).
ENDS_ITS_KERNEL = "import os\nos._exit(1)"
ENDS_AT = 5
TARGET = 1.7


def trainers_own(grade_id: str) -> str:
    """A grade id as a trainer's own assignment might name it (test-01-..., not the course's q01-...)."""
    return "test-" + grade_id[1:] if grade_id[:1] == "q" and grade_id[1:3].isdigit() else grade_id


def code_test_source(source: Path) -> nbformat.NotebookNode:
    """bench/grading.py's standard assignment with a trainer's own grade ids (the course's layout rules stay out)."""
    notebook = standard_source(source)
    for cell in notebook.cells:
        meta = cell.metadata.get("nbgrader")
        if meta and meta.get("grade_id"):
            meta["grade_id"] = trainers_own(meta["grade_id"])
    return notebook


def _submit(notebook, folder: Path) -> None:
    folder.mkdir(parents=True, exist_ok=True)
    nbformat.write(notebook, folder / f"{ASSIGNMENT}.ipynb")


def build(folder: Path, learners: list[str], seed: int) -> tuple[Course, Path, dict]:
    """A copy of the course and a plain nbgrader folder, the same standard assignment released and handed in."""
    course = Course(_copy_course(folder / "course"))
    source = course.source_notebook(ASSIGNMENT)
    asked = questions(source)
    standard = code_test_source(source)
    # The course copy's `foundations` becomes the standard assignment, as a trainer's own nbgrader assignment.
    shutil.rmtree(source.parent)
    source.parent.mkdir()
    nbformat.write(standard, source)
    plain = folder / "plain"
    (plain / "source" / ASSIGNMENT).mkdir(parents=True)
    (plain / "nbgrader_config.py").write_text(PLAIN_CONFIG, encoding="utf-8")
    nbformat.write(standard, plain / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    nbgrader = [str(Path(sys.executable).parent / "nbgrader")]
    subprocess.run(
        [*nbgrader, "generate_assignment", ASSIGNMENT, "--force"], cwd=plain, check=True, capture_output=True
    )
    course.secret()
    with captured_output():
        made = course.api().generate_assignment(ASSIGNMENT, force=True, create=True)
    if not made["success"]:
        raise SystemExit(f"the course copy could not release the standard assignment:\n{made['log']}")
    released = nbformat.read(plain / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    rng = random.Random(seed)
    cohort = {}
    for index, learner in enumerate(learners):
        answers = random_answers(rng, asked)
        cohort[learner] = answers
        notebook = standard_answered(released, asked, answers, trainers_own)
        if index % 10 == 3:
            notebook.cells.insert(1, nbformat.v4.new_code_cell(ADDED_CODE[index // 10 % len(ADDED_CODE)]))
        if index == ENDS_AT:
            notebook.cells.insert(1, nbformat.v4.new_code_cell(ENDS_ITS_KERNEL))
        for base in (course.submitted_dir, plain / "submitted"):
            _submit(notebook, base / learner / ASSIGNMENT)
    write_broken(course.submitted_dir, plain / "submitted")
    return course, plain, cohort


def main() -> int:
    """Build the cohort, run both graders and the floor, print the table and save every number."""
    parser = cohort_parser(__doc__.splitlines()[0], "each grader")
    parser.add_argument("--jobs", type=int, default=0, help="mesocourse autograde --jobs (default: its own)")
    args = parser.parse_args()
    learners = [f"learner-{index:03d}" for index in range(args.learners)]
    load_before = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mesocourse-bench-code-") as scratch:
        folder = Path(scratch)
        print(f"Building a cohort of {args.learners} learners (+{len(BROKEN)} broken submissions)...", flush=True)
        course, plain, cohort = build(folder, learners, args.seed)
        count = args.learners + len(BROKEN)
        mesocourse = MESOCOURSE
        jobs = [f"--jobs={args.jobs}"] if args.jobs else []
        nbgrader = str(Path(sys.executable).parent / "nbgrader")
        runs = {"mesocourse": [], "nbgrader": []}
        quarter = learners[: max(1, args.learners // 4)]
        print(f"mesocourse autograde, first {len(quarter)} learners (memory check)...", flush=True)
        small = measured(
            [*mesocourse, "autograde", ASSIGNMENT, *jobs, *[f"--learner={name}" for name in quarter]], course.root
        )
        # Interleaved, so that a busy moment on a shared machine does not fall on one grader only.
        for repeat in range(args.repeats):
            print(f"run {repeat + 1} of {args.repeats}: plain nbgrader autograde...", flush=True)
            runs["nbgrader"].append(measured([nbgrader, "autograde", ASSIGNMENT, "--force"], plain))
            print(f"run {repeat + 1} of {args.repeats}: mesocourse autograde (sandboxed)...", flush=True)
            runs["mesocourse"].append(measured([*mesocourse, "autograde", ASSIGNMENT, *jobs], course.root))
        print("floor: each notebook executed once in a fresh kernel...", flush=True)
        notebooks = sorted(str(path) for path in (plain / "submitted").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        # The floor's plain client stops at a dead kernel: the notebook that ends its own is left out of it.
        ends = f"learner-{ENDS_AT:03d}"
        notebooks = [path for path in notebooks if "broken" not in path and ends not in path]
        (folder / "floor.py").write_text(FLOOR_SCRIPT, encoding="utf-8")
        runs["floor"] = [measured([sys.executable, str(folder / "floor.py"), *notebooks], folder)]
        if runs["floor"][0]["exit"] != 0:
            print(f"the floor did not run every notebook (exit {runs['floor'][0]['exit']}): see bench.log")
        comparison = compare(course, plain, cohort)
        status = json.loads((course.reports_dir / ASSIGNMENT / "autograde-status.json").read_text(encoding="utf-8"))
    load_after = os.getloadavg()

    def spread(name):
        walls = [run["wall"] for run in runs[name]]
        return (max(walls) - min(walls)) / statistics.median(walls) if len(walls) > 1 else 0.0

    title = f"Grading {count} submissions of a code-test assignment ({args.learners} learners + {len(BROKEN)} broken)"
    ours, theirs = print_table(title, runs, count, len(notebooks))
    print(
        f"\nmesocourse (sandboxed) is {theirs / ours:.2f} times faster than plain nbgrader (medians; target {TARGET})."
    )
    print(
        f"noise: runs spread {spread('mesocourse'):.0%} (mesocourse) and {spread('nbgrader'):.0%} (nbgrader) around "
        f"their medians ({args.repeats} runs each); load {load_before[0]:.2f} before, {load_after[0]:.2f} after"
    )
    print(
        f"memory: peak {small['peak_mib']:.0f} MiB for {len(quarter)} learners, "
        f"{median(runs, 'mesocourse', 'peak_mib'):.0f} MiB for {args.learners}"
    )
    same = "identical" if not comparison["different"] else f"DIFFERENT in {len(comparison['different'])}"
    print(f"grades: {comparison['cells']} graded cells compared with plain nbgrader, {same}")
    # Every learner is graded: the notebook that ends its own kernel is scored (0 for the tests it never reached).
    problems = {
        name: entry["status"] for name, entry in status.items() if name in cohort and entry["status"] != "graded"
    }
    print(f"status: learners not graded: {problems or 'none'}")
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "learners": args.learners,
        "runs": runs,
        "small_run": small,
        "comparison": comparison,
        "not_graded": problems,
        "load": {"before": load_before, "after": load_after},
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    RESULT_FILE.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return 1 if comparison["different"] or comparison["cells"] == 0 or problems else 0


if __name__ == "__main__":
    sys.exit(main())

"""How long grading takes: `mesocourse autograde` against plain `nbgrader autograde` on the same synthetic cohort.

Run with `make bench-grading`. A copy of the course releases `foundations` (8 questions, answers saved as
answers.json by the answer form) to N learners with random answers; a few submissions are broken (damaged JSON,
empty file, no notebook) and a few learners added code cells of their own. Plain nbgrader cannot grade answers
kept as data by widgets, so it grades the same questions written as a standard nbgrader assignment (an answer
cell `answer_qN = ...` and a hidden `assert` per question), with the same answers (ticked in each learner's own
version so that they mean the same), from a course folder of its own with nbgrader's default settings. The floor
is what executing those same notebooks costs, once each in a fresh kernel, without any grading. Every score is
compared cell by cell between the two gradebooks.

Each command runs as a child process: wall seconds, CPU seconds (user + system, the child and its own children)
and peak memory (the largest resident set among them) come from the operating system. Writes
test-artifacts/bench/grading.json.
"""

import argparse
import ast
import json
import os
import platform
import random
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

import nbformat  # noqa: E402

from mesocourse.grading.authoring import BEGIN_SOLUTION, END_SOLUTION, region  # noqa: E402
from mesocourse.grading.course import Course  # noqa: E402
from mesocourse.grading.release import release  # noqa: E402
from mesocourse.grading.scoring import hidden_key  # noqa: E402
from tests.grading.conftest import _copy_course, hand_in, in_own_version  # noqa: E402

ASSIGNMENT = "foundations"
RESULT_FILE = ROOT / "test-artifacts" / "bench" / "grading.json"
BROKEN = {"broken-json": b'{"cells": [ not json', "broken-empty": b"", "broken-missing": None}
ADDED_CODE = ("print('my own working')", "total = sum(range(10))\ntotal")
PLAIN_CONFIG = 'c = get_config()  # noqa: F821\nc.CourseDirectory.course_id = "bench"\nc.Execute.timeout = 60\n'
FLOOR_SCRIPT = """
import sys
import nbformat
from nbclient import NotebookClient
for path in sys.argv[1:]:
    notebook = nbformat.read(path, as_version=4)
    NotebookClient(notebook, kernel_name="python3", timeout=60, allow_errors=True).execute()
"""


def _grade_id(cell) -> str:
    return cell.metadata.get("nbgrader", {}).get("grade_id", "")


def questions(source: Path) -> dict[int, tuple[str, str, object]]:
    """Each autograded question of the source by number: grade id, kind and the solution (source terms)."""
    notebook = nbformat.read(source, as_version=4)
    cells = {_grade_id(cell): cell for cell in notebook.cells if _grade_id(cell)}
    found = {}
    for grade_id, cell in cells.items():
        key = hidden_key(grade_id, cell.source)
        if key is None:
            continue
        solution = region(cells[f"{grade_id}-answer"].source, BEGIN_SOLUTION, END_SOLUTION)[0]
        value = ast.literal_eval(solution.split("=", 1)[1].strip())
        found[int(key.variable.removeprefix("answer_q"))] = (grade_id, key.kind, value)
    return found


def random_answers(rng: random.Random, asked: dict) -> dict[int, object]:
    """Varied answers in source terms: right, wrong or left out, about a third each."""
    answers = {}
    for number, (_, kind, solution) in asked.items():
        roll = rng.random()
        if roll < 0.2:
            continue
        if roll < 0.6:
            answers[number] = solution
        elif kind == "letters":
            answers[number] = sorted(rng.sample("ABCD", rng.randint(1, 3)))
        else:
            answers[number] = rng.choice("ABCD")
    return answers


def standard_test(variable: str, kind: str, solution) -> str:
    """The same check as a standard nbgrader hidden test (an assert)."""
    if kind == "letters":
        check = f"assert sorted({variable}) == {sorted(solution)!r}"
    else:
        check = f"assert {variable} == {solution!r}"
    return f"### BEGIN HIDDEN TESTS\n{check}\n### END HIDDEN TESTS"


def standard_source(source: Path) -> nbformat.NotebookNode:
    """The course's assignment as a standard nbgrader notebook: same grade ids, points and solutions, no set-up."""
    notebook = nbformat.read(source, as_version=4)
    cells = []
    for cell in notebook.cells:
        grade_id = _grade_id(cell)
        if grade_id == "setup":
            continue
        key = hidden_key(grade_id, cell.source) if cell.cell_type == "code" else None
        if key is not None:
            solution = questions(source)[int(key.variable.removeprefix("answer_q"))][2]
            cell.source = standard_test(key.variable, key.kind, solution)
        cells.append(cell)
    notebook.cells = cells
    return notebook


def build(folder: Path, learners: list[str], seed: int) -> tuple[Course, Path, dict]:
    """Both course folders with the same cohort handed in; returns the course, the plain folder, the answers."""
    course = Course(_copy_course(folder / "course"))
    release(course, ASSIGNMENT, run_tests=False, learners=learners)
    source = course.source_notebook(ASSIGNMENT)
    asked = questions(source)
    plain = folder / "plain"
    (plain / "source" / ASSIGNMENT).mkdir(parents=True)
    (plain / "nbgrader_config.py").write_text(PLAIN_CONFIG, encoding="utf-8")
    nbformat.write(standard_source(source), plain / "source" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb")
    nbgrader = [str(Path(sys.executable).parent / "nbgrader")]
    subprocess.run(
        [*nbgrader, "generate_assignment", ASSIGNMENT, "--force"], cwd=plain, check=True, capture_output=True
    )
    released = nbformat.read(plain / "release" / ASSIGNMENT / f"{ASSIGNMENT}.ipynb", as_version=4)
    rng = random.Random(seed)
    cohort = {}
    for index, learner in enumerate(learners):
        answers = random_answers(rng, asked)
        added = [ADDED_CODE[index % 2]] if index % 25 == 3 else []
        cohort[learner] = answers
        # Each learner ticks in their own version what the standard notebook's answer says in the source's terms
        # (right stays right, wrong stays wrong), so the two gradebooks can be compared cell by cell.
        hand_in(course, ASSIGNMENT, learner, in_own_version(course, ASSIGNMENT, learner, answers), extra_cells=added)
        notebook = standard_answered(released, asked, answers)
        notebook.cells[1:1] = [nbformat.v4.new_code_cell(code) for code in added]
        target = plain / "submitted" / learner / ASSIGNMENT
        target.mkdir(parents=True)
        nbformat.write(notebook, target / f"{ASSIGNMENT}.ipynb")
    write_broken(course.submitted_dir, plain / "submitted")
    return course, plain, cohort


def standard_answered(released, asked: dict, answers: dict, answer_id=lambda grade_id: grade_id):
    """A copy of the standard release with each answer cell holding `answer_qN = value` (blank when left out)."""
    notebook = nbformat.from_dict(json.loads(json.dumps(released)))
    by_id = {_grade_id(cell): cell for cell in notebook.cells}
    for number, (grade_id, kind, _) in asked.items():
        blank = [] if kind == "letters" else ""
        by_id[f"{answer_id(grade_id)}-answer"].source = f"answer_q{number} = {json.dumps(answers.get(number, blank))}"
    return notebook


def write_broken(*submitted_folders: Path) -> None:
    """The same broken submissions (damaged JSON, an empty file, no notebook) in each submitted/ folder."""
    for learner, raw in BROKEN.items():
        for base in submitted_folders:
            target = base / learner / ASSIGNMENT
            target.mkdir(parents=True, exist_ok=True)
            if raw is not None:
                (target / f"{ASSIGNMENT}.ipynb").write_bytes(raw)
            else:
                (target / "notes.txt").write_text("sent the wrong file", encoding="utf-8")


# The child is started by this small launcher, not by the benchmark itself: Linux keeps a process's peak memory
# across fork and exec, so a child forked from the (large) benchmark would report the benchmark's peak as its own.
LAUNCHER = """
import json, os, subprocess, sys
process = subprocess.Popen(sys.argv[2:], stdout=sys.stdout, stderr=sys.stderr)
_, status, usage = os.wait4(process.pid, 0)
with open(sys.argv[1], "w") as out:
    json.dump([usage.ru_utime + usage.ru_stime, usage.ru_maxrss, os.waitstatus_to_exitcode(status)], out)
"""


def measured(command: list[str], cwd: Path) -> dict:
    """Run one command as a child process: wall and CPU seconds and peak memory (MiB) of it and its children."""
    environment = {**os.environ, "PYTHONPATH": str(ROOT), "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    usage_file = cwd / "usage.json"
    started = time.perf_counter()
    with open(cwd / "bench.log", "ab") as log:
        subprocess.run(
            [sys.executable, "-c", LAUNCHER, str(usage_file), *command],
            cwd=cwd,
            env=environment,
            stdout=log,
            stderr=log,
        )
    wall = time.perf_counter() - started
    cpu, peak, code = json.loads(usage_file.read_text(encoding="utf-8"))
    return {"wall": wall, "cpu": cpu, "peak_mib": peak / 1024, "exit": code}


def scores(database: Path) -> dict[str, float]:
    """Every grade in a gradebook, read with nbgrader's API: "learner/cell" -> score (manual if given, else auto)."""
    from nbgrader.api import Gradebook

    found = {}
    with Gradebook(f"sqlite:///{database}") as gradebook:
        for submission in gradebook.assignment_submissions(ASSIGNMENT):
            for notebook in submission.notebooks:
                for grade in notebook.grades:
                    found[f"{submission.student.id}/{grade.name}"] = grade.score
    return found


def compare(course: Course, plain: Path, cohort: dict) -> dict:
    """Cell-by-cell comparison of the two gradebooks over the learners both could grade."""
    ours, theirs = scores(course.db_path), scores(plain / "gradebook.db")
    common = [name for name in ours if name.split("/")[0] in cohort and name in theirs]
    differ = sorted(name for name in common if float(ours[name] or 0) != float(theirs[name] or 0))
    return {"cells": len(common), "different": differ}


def _seconds_per_learner(run: dict, count: int) -> float:
    return run["wall"] / count


SETUP_MODULES = ("mesocourse.quiz.answer_form", "mesocourse.grading.answer_format")


def import_seconds(repeats: int) -> list[float]:
    """Seconds a fresh kernel takes to import what a graded notebook's cells import (set-up cell, format checks)."""
    from jupyter_client.manager import start_new_kernel

    code = (
        "import time as _t\n_s = _t.perf_counter()\n"
        + "".join(f"import {name}\n" for name in SETUP_MODULES)
        + "print(_t.perf_counter() - _s)"
    )
    samples = []
    for _ in range(repeats):
        manager, client = start_new_kernel(kernel_name="python3", env={**os.environ, "PYTHONPATH": str(ROOT)})
        printed = []
        try:
            client.execute_interactive(
                code, timeout=60, output_hook=lambda m, out=printed: out.append(m["content"].get("text", ""))
            )
        finally:
            client.stop_channels()
            manager.shutdown_kernel(now=True)
        samples.append(float("".join(printed).strip()))
    return samples


# The trainer's command, as each benchmark runs it in a child process.
MESOCOURSE = [sys.executable, "-c", "import sys; from mesocourse.cli import main; sys.exit(main())"]


def cohort_parser(description: str, repeats: str) -> argparse.ArgumentParser:
    """The options both grading benchmarks take: cohort size, repeated runs (of what: `repeats`) and the seed."""
    parser = argparse.ArgumentParser(description=description)
    parser.add_argument("--learners", type=int, default=100, help="learners in the cohort (default 100)")
    parser.add_argument("--repeats", type=int, default=3, help=f"runs of {repeats} (default 3)")
    parser.add_argument("--seed", type=int, default=7)
    return parser


def median(runs: dict, name: str, key: str) -> float:
    """The median of one measure (wall, cpu, peak_mib) over one command's runs."""
    return statistics.median(run[key] for run in runs[name])


def print_table(title: str, runs: dict, count: int, floor_count: int) -> tuple[float, float]:
    """Seconds per learner, CPU seconds and peak memory of both graders and the floor; returns (ours, theirs)."""
    ours, theirs, floor = (median(runs, name, "wall") for name in ("mesocourse", "nbgrader", "floor"))
    rows = [
        ("plain nbgrader autograde", theirs / count, *(median(runs, "nbgrader", key) for key in ("cpu", "peak_mib"))),
        ("mesocourse autograde", ours / count, *(median(runs, "mesocourse", key) for key in ("cpu", "peak_mib"))),
        ("floor (execute only)", floor / floor_count, *(median(runs, "floor", key) for key in ("cpu", "peak_mib"))),
    ]
    print(f"\n{title}")
    print(f"{'':28}{'s/learner':>10}{'CPU s':>9}{'peak MiB':>10}")
    for name, per, cpu, peak in rows:
        print(f"{name:28}{per:10.3f}{cpu:9.1f}{peak:10.0f}")
    return ours, theirs


def main() -> int:
    """Build the cohort, run both graders and the floor, print the table and save every number."""
    args = cohort_parser(__doc__.splitlines()[0], "mesocourse autograde").parse_args()
    learners = [f"learner-{index:03d}" for index in range(args.learners)]
    load = os.getloadavg()
    with tempfile.TemporaryDirectory(prefix="mesocourse-bench-") as scratch:
        folder = Path(scratch)
        print(f"Building a cohort of {args.learners} learners (+{len(BROKEN)} broken submissions)...", flush=True)
        course, plain, cohort = build(folder, learners, args.seed)
        count = args.learners + len(BROKEN)
        mesocourse = MESOCOURSE
        runs = {"mesocourse": []}
        quarter = learners[: max(1, args.learners // 4)]
        print(f"mesocourse autograde, first {len(quarter)} learners (memory check)...", flush=True)
        small = measured(
            [*mesocourse, "autograde", ASSIGNMENT, *[f"--learner={name}" for name in quarter]], course.root
        )
        for repeat in range(args.repeats):
            print(f"mesocourse autograde, run {repeat + 1} of {args.repeats}...", flush=True)
            runs["mesocourse"].append(measured([*mesocourse, "autograde", ASSIGNMENT], course.root))
        print("plain nbgrader autograde (standard assignment)...", flush=True)
        nbgrader = str(Path(sys.executable).parent / "nbgrader")
        runs["nbgrader"] = [measured([nbgrader, "autograde", ASSIGNMENT, "--force"], plain)]
        print("floor: each notebook executed once in a fresh kernel...", flush=True)
        notebooks = sorted(str(path) for path in (plain / "submitted").glob(f"*/{ASSIGNMENT}/{ASSIGNMENT}.ipynb"))
        notebooks = [path for path in notebooks if "broken" not in path]
        (folder / "floor.py").write_text(FLOOR_SCRIPT, encoding="utf-8")
        runs["floor"] = [measured([sys.executable, str(folder / "floor.py"), *notebooks], folder)]
        comparison = compare(course, plain, cohort)
    imports = import_seconds(5)

    title = f"Grading {count} submissions of {ASSIGNMENT} ({args.learners} learners + {len(BROKEN)} broken)"
    ours, theirs = print_table(title, runs, count, len(notebooks))
    walls = [run["wall"] for run in runs["mesocourse"]]
    noise = (max(walls) - min(walls)) / statistics.median(walls) if len(walls) > 1 else 0.0
    print(f"\nmesocourse is {theirs / ours:.1f} times faster than plain nbgrader (medians; target 10).")
    print(f"noise: mesocourse runs spread {noise:.0%} around their median ({args.repeats} runs); load {load[0]:.2f}")
    print(
        f"memory: peak {small['peak_mib']:.0f} MiB for {len(quarter)} learners, "
        f"{median(runs, 'mesocourse', 'peak_mib'):.0f} MiB for {args.learners}"
    )
    same = "identical" if not comparison["different"] else f"DIFFERENT in {len(comparison['different'])}"
    print(f"grades: {comparison['cells']} graded cells compared with plain nbgrader, {same}")
    print(
        f"imports: a graded notebook's set-up and format checks import in {statistics.median(imports):.3f} s "
        f"in a fresh kernel (median of {len(imports)}; target 0.3)"
    )
    RESULT_FILE.parent.mkdir(parents=True, exist_ok=True)
    record = {
        "learners": args.learners,
        "runs": runs,
        "small_run": small,
        "comparison": comparison,
        "import_seconds": imports,
        "load": load,
        "machine": {"python": platform.python_version(), "cpus": os.cpu_count(), "platform": platform.platform()},
    }
    RESULT_FILE.write_text(json.dumps(record, indent=2), encoding="utf-8")
    return 1 if comparison["different"] or comparison["cells"] == 0 else 0


if __name__ == "__main__":
    sys.exit(main())

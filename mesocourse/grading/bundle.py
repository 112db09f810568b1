"""The learner bundle: one zip with everything clinic staff need to take the course, and nothing for grading.

Inside: the self-study notebooks, the engine (without the trainer's grading tools), the content assets, the
learner's own copy of each assignment (grading/handout/<learner>/, written at release; the plain release only for
an assignment released without per-learner copies), a README for staff, pyproject.toml / requirements.txt /
Makefile to install and start it, and the learner settings `make course` uses (jupyter-config/learner: code and
prompts hidden, saved pages without widget outputs, no terminal, no nbgrader tools, no news pop-up). Every notebook
goes in without outputs, whatever the trainer's copy held. The leak guard scans the finished zip; a zip that fails
is deleted.
"""

import fnmatch
import json
import tomllib
import zipfile
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from mesocourse.grading.course import Course, TrainerError
from mesocourse.grading.handout import HANDOUT, handout_folder
from mesocourse.grading.leaks import scan_bundle

# The one grading module learners need: released assignments call its format check.
LEARNER_GRADING_MODULES = ("grading/__init__.py", "grading/answer_format.py", "grading/answer_sheet.py")
# Trainer-only parts of the engine.
ENGINE_EXCLUDED = ("cli.py",)
# Never shipped, wherever they sit.
EXCLUDED_NAMES = ("__pycache__", ".ipynb_checkpoints", "*.pyc", ".*", "answer-key-secret.txt")
ASSETS_EXCLUDED = ("*assignment*", "*grading*")

START_NOTEBOOK = "notebooks/00.00-Start-Here.ipynb"
# The settings `make course` starts JupyterLab with (mesocourse/workspace.py), shipped as they are; `migrated` is
# JupyterLab's own state file, not a setting.
LEARNER_SETTINGS = ("jupyter-config/learner", "jupyter-config/lab-settings")
SETTINGS_EXCLUDED = ("migrated",)


def without_outputs(raw: bytes) -> bytes:
    """A notebook file with no outputs, execution counts or saved widget state: what a learner first opens."""
    notebook = json.loads(raw)
    for cell in notebook.get("cells", []):
        if cell.get("cell_type") == "code":
            cell["outputs"], cell["execution_count"] = [], None
    notebook.get("metadata", {}).pop("widgets", None)
    return (json.dumps(notebook, indent=1, sort_keys=True, ensure_ascii=False) + "\n").encode("utf-8")


def learners_with_handouts(course: Course) -> list[str]:
    """Every learner who has an own copy of some assignment (grading/handout/<learner>/)."""
    base = course.root / "grading" / HANDOUT
    return sorted(folder.name for folder in base.iterdir() if folder.is_dir()) if base.is_dir() else []


def _handed_out(course: Course, assignment_id: str) -> bool:
    return any(handout_folder(course, learner, assignment_id).is_dir() for learner in learners_with_handouts(course))


def _excluded(path: Path, patterns=EXCLUDED_NAMES) -> bool:
    return any(fnmatch.fnmatch(part, pattern) for part in path.parts for pattern in patterns)


@dataclass
class BundleResult:
    """The zip written, what went in, and what was left out on purpose."""

    path: Path
    members: list[str] = field(default_factory=list)
    assignments: list[str] = field(default_factory=list)
    not_released: list[str] = field(default_factory=list)
    stale: list[str] = field(default_factory=list)
    learner: str | None = None
    # Assignments released with per-learner copies, but none for this learner (or no learner was named).
    no_own_copy: list[str] = field(default_factory=list)


def learner_pyproject(course: Course) -> str:
    """A pyproject.toml that installs the engine and its runtime dependencies (no trainer command, no tests)."""
    project = tomllib.loads((course.root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    dependencies = "\n".join(f'    "{dependency}",' for dependency in project["dependencies"])
    return (
        '[build-system]\nrequires = ["setuptools>=68"]\nbuild-backend = "setuptools.build_meta"\n\n'
        f'[project]\nname = "{project["name"]}"\nversion = "{project["version"]}"\n'
        f'description = "{project["description"]}"\nreadme = "README.md"\n'
        f'requires-python = "{project["requires-python"]}"\ndependencies = [\n{dependencies}\n]\n\n'
        '[tool.setuptools.packages.find]\ninclude = ["mesocourse*"]\n'
    )


def requirements(course: Course) -> str:
    """requirements.txt: the same runtime dependencies, for `pip install -r`."""
    project = tomllib.loads((course.root / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    return (
        "# Runtime packages of the course (the same list as pyproject.toml).\n"
        + "\n".join(project["dependencies"])
        + "\n"
    )


LEARNER_MAKEFILE = """\
# Start the course: `make course` (the first time it also installs what the course needs).
SHELL := /bin/bash
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8888
# The course's learner settings (as the trainer's `make course`): code hidden, no terminal, no trainer tools.
export JUPYTER_CONFIG_DIR := $(CURDIR)/jupyter-config/learner
# Jupyter refuses to run as root unless told; shared clinic machines and containers often are root.
ALLOW_ROOT := $(if $(filter 0,$(shell id -u)),--allow-root)

.PHONY: course
course: $(VENV)/.installed
\t$(BIN)/jupyter lab --ServerApp.ip=127.0.0.1 --ServerApp.port=$(PORT) $(ALLOW_ROOT) \\
\t\t--ServerApp.root_dir="$(CURDIR)" {start}

$(VENV)/.installed: pyproject.toml
\t$(PYTHON) -m venv $(VENV)
\t$(BIN)/python -m pip install --quiet --upgrade pip
\t$(BIN)/python -m pip install --quiet -e .
\ttouch $@
"""

STAFF_README = """\
# Mesotherapy staff course

Self-study course for clinic staff (nurses, aestheticians, doctors in training): short modules with diagrams
and quizzes, then graded assignments. It is training material, not medical advice: in practice, always follow
your clinic's protocol.

## Start

You need Python 3.11 or newer. In a terminal, inside this folder:

    make course

The first time, this installs what the course needs (a few minutes), then opens the course in your web
browser. Next time it opens straight away. Without `make`:

    python3 -m venv .venv
    .venv/bin/pip install -e .
    JUPYTER_CONFIG_DIR=jupyter-config/learner .venv/bin/jupyter lab {start}

(On Windows: `.venv\\Scripts\\pip` and `set JUPYTER_CONFIG_DIR=jupyter-config\\learner` before `jupyter lab`.)

## What is inside

- `notebooks/`: the modules. Start with `00.00-Start-Here.ipynb` and follow the links.
- `assignments/`: the graded assignments ({assignments}). Open one when your trainer asks you to.
- `mesocourse/` and `assets/`: what makes the notebooks work. You never need to open them.

## Handing in an assignment

1. Open the assignment notebook, run its first cell, answer each question in the cell under it, run the
   check cell (it says at once if an answer is typed in a form the grader cannot read, never whether it is
   right), and save (Ctrl+S).
2. Send the saved `.ipynb` file to your trainer as agreed (for example by e-mail), keeping its name.

Your quiz progress in the modules stays on your computer (in `.mesocourse` in your home folder).

## Who uses what

This folder is the learner's: it holds the modules and the released assignments, never the solutions, the
hidden tests or the clinic's answer-key secret. Those stay with your trainer, in the trainer's own copy of the
course. JupyterLab opens with its terminal switched off.

## For the clinic's JupyterHub

Point `JUPYTER_CONFIG_DIR` of the learners' image at `jupyter-config/learner/` (keep `jupyter-config/lab-settings/`
beside it): it hides code and prompts, keeps nbgrader's trainer panels and the terminal off, and answers
JupyterLab's news question.
"""


def _add(archive: zipfile.ZipFile, result: BundleResult, name: str, data: str | bytes) -> None:
    archive.writestr(name, data)
    result.members.append(name)


def _add_tree(archive, result, folder: Path, prefix: str, skip=()) -> None:
    for path in sorted(folder.rglob("*")):
        relative = path.relative_to(folder)
        if not path.is_file() or _excluded(relative) or _excluded(relative, skip):
            continue
        data = path.read_bytes()
        _add(
            archive,
            result,
            f"{prefix}/{relative.as_posix()}",
            without_outputs(data) if path.suffix == ".ipynb" else data,
        )


def _assignment_folders(course: Course, released: list[str], learner: str | None, result: BundleResult) -> dict:
    """Where each assignment of the zip comes from: the learner's own copy, or the plain release when none exist."""
    folders = {}
    for assignment_id in released:
        own = handout_folder(course, learner, assignment_id) if learner else None
        if own is not None and own.is_dir():
            folders[assignment_id] = own
        elif _handed_out(course, assignment_id):
            result.no_own_copy.append(assignment_id)  # another learner's version, or all of them, must not go
        else:
            folders[assignment_id] = course.release_dir / assignment_id
    return folders


def build_bundles(course: Course, output_dir: Path | str | None = None) -> list[BundleResult]:
    """One zip per learner with own copies (mesocourse-<learner>-<date>.zip); a single zip when nobody has one."""
    learners = learners_with_handouts(course)
    folder = Path(output_dir) if output_dir else course.root / "grading" / "bundle"
    if not learners:
        return [build_bundle(course, folder / f"mesocourse-{date.today():%Y-%m-%d}.zip")]
    return [
        build_bundle(course, folder / f"mesocourse-{learner}-{date.today():%Y-%m-%d}.zip", learner)
        for learner in learners
    ]


def build_bundle(course: Course, output: Path | str | None = None, learner: str | None = None) -> BundleResult:
    """Write the learner zip (default grading/bundle/mesocourse-<date>.zip), scan it, and report its contents.

    With `learner`, each assignment is that learner's own copy; an assignment released with per-learner copies is
    left out of a zip for no learner or for a learner without a copy (listed in `no_own_copy`).
    """
    released = [a for a in course.assignments() if all(path.is_file() for path in course.released_notebooks(a))]
    not_released = [a for a in course.assignments() if a not in released]
    stale = [
        a
        for a in released
        if any(
            source.stat().st_mtime > copy.stat().st_mtime
            for source, copy in zip(course.source_notebooks(a), course.released_notebooks(a), strict=True)
        )
    ]
    path = Path(output) if output else course.root / "grading" / "bundle" / f"mesocourse-{date.today():%Y-%m-%d}.zip"
    path.parent.mkdir(parents=True, exist_ok=True)
    result = BundleResult(path, not_released=not_released, stale=stale, learner=learner)
    folders = _assignment_folders(course, released, learner, result)
    result.assignments = list(folders)
    engine = course.root / "mesocourse"
    if not (course.root / "notebooks").is_dir() or not engine.is_dir():
        raise TrainerError(f"{course.root} has no notebooks/ or mesocourse/: is this the course folder?")
    missing = [settings for settings in LEARNER_SETTINGS if not (course.root / settings).is_dir()]
    if missing:
        raise TrainerError(f"{course.root} has no {', '.join(missing)}: the learners' settings would be missing.")
    with zipfile.ZipFile(path, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        _add_tree(archive, result, course.root / "notebooks", "notebooks")
        for module in sorted(engine.rglob("*.py")):
            relative = module.relative_to(engine)
            if _excluded(relative) or relative.as_posix() in ENGINE_EXCLUDED:
                continue
            if relative.parts[0] == "grading" and relative.as_posix() not in LEARNER_GRADING_MODULES:
                continue
            _add(archive, result, f"mesocourse/{relative.as_posix()}", module.read_bytes())
        if (course.root / "assets").is_dir():
            _add_tree(archive, result, course.root / "assets", "assets", skip=ASSETS_EXCLUDED)
        for assignment_id, folder in folders.items():
            _add_tree(archive, result, folder, f"assignments/{assignment_id}")
        listed = ", ".join(folders) if folders else "none yet: your trainer will send them"
        _add(archive, result, "README.md", STAFF_README.format(start=START_NOTEBOOK, assignments=listed))
        _add(archive, result, "Makefile", LEARNER_MAKEFILE.format(start=START_NOTEBOOK))
        _add(archive, result, "pyproject.toml", learner_pyproject(course))
        _add(archive, result, "requirements.txt", requirements(course))
        for settings in LEARNER_SETTINGS:
            _add_tree(archive, result, course.root / settings, settings, skip=SETTINGS_EXCLUDED)
    leaks = scan_bundle(course, path)
    if leaks:
        path.unlink()
        raise TrainerError(
            "The bundle held grading material, so it was deleted:\n  - " + "\n  - ".join(map(str, leaks))
        )
    return result

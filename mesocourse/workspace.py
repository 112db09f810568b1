"""The learner workspace `make course` opens: the modules and released assignments, nothing a trainer keeps.

JupyterLab serves only this folder (it refuses paths outside its root, `../` included), with terminals off, so
browsing the course never reaches `assignments/` (solutions), `grading/` (gradebook, submissions, the clinic's
secret) or the engine. The notebooks still find the course's assets through the installed package (paths.py).
Refreshing never loses a learner's work: a copy they changed is kept beside the new version, never overwritten.

Run as `python -m mesocourse.workspace [--port N] [--folder DIR] [--build-only] [jupyter options...]`.
"""

import argparse
import hashlib
import json
import os
import shutil
import socket
import sys
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path

from mesocourse.paths import NOTEBOOKS, ROOT

DEFAULT_FOLDER = ROOT / "learner-workspace"
FOLDER_VARIABLE = "MESOCOURSE_WORKSPACE"
LEARNER_CONFIG = ROOT / "jupyter-config" / "learner"
RELEASED = ROOT / "grading" / "release"
ASSIGNMENTS_FOLDER = "graded-assignments"
START = "notebooks/00.00-Start-Here.ipynb"
MANIFEST = ".mesocourse-workspace.json"
README = """\
# Your course folder

- `notebooks/`: the course modules. Start with `00.00-Start-Here.ipynb`.
- `graded-assignments/`: the graded assignments your trainer released (if any). Answer them here and hand in
  the saved notebook as your trainer asks.

This folder is yours: `make course` adds new modules and assignments and never overwrites a notebook you changed
(it keeps your copy next to the new one, named `... (your copy YYYY-MM-DD).ipynb`).
"""


@dataclass
class Refresh:
    """What building the workspace did: files copied in, files updated, and learner copies kept aside."""

    folder: Path
    added: list[str] = field(default_factory=list)
    updated: list[str] = field(default_factory=list)
    kept: list[str] = field(default_factory=list)


def _digest(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _sources(released: Path) -> dict[str, Path]:
    """Workspace path -> course file, for every module and every released (learner) assignment."""
    files = {f"notebooks/{p.relative_to(NOTEBOOKS).as_posix()}": p for p in _files(NOTEBOOKS)}
    if released.is_dir():
        for assignment in sorted(folder for folder in released.iterdir() if folder.is_dir()):
            for path in _files(assignment):
                files[f"{ASSIGNMENTS_FOLDER}/{assignment.name}/{path.relative_to(assignment).as_posix()}"] = path
    return files


def _files(folder: Path) -> list[Path]:
    """The files a learner works with: notebooks and what sits beside them, never checkpoints or hidden files."""
    return [
        path
        for path in sorted(folder.rglob("*"))
        if path.is_file()
        and path.suffix != ".pyc"
        and not any(part.startswith(".") or part == "__pycache__" for part in path.relative_to(folder).parts)
    ]


def _kept_name(path: Path, today: str) -> Path:
    candidate = path.with_name(f"{path.stem} (your copy {today}){path.suffix}")
    number = 2
    while candidate.exists():
        candidate = path.with_name(f"{path.stem} (your copy {today} {number}){path.suffix}")
        number += 1
    return candidate


def build(folder: Path | str = DEFAULT_FOLDER, released: Path = RELEASED) -> Refresh:
    """Create or refresh the learner workspace: new files copied in, unchanged copies updated, edited ones kept."""
    folder = Path(folder).resolve()
    if folder == ROOT or ROOT.is_relative_to(folder):
        raise ValueError(f"the learner workspace cannot be the course folder itself or above it ({folder})")
    folder.mkdir(parents=True, exist_ok=True)
    manifest_path = folder / MANIFEST
    try:
        copied = json.loads(manifest_path.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        copied = {}
    result = Refresh(folder)
    today = f"{datetime.now():%Y-%m-%d}"
    for name, source in _sources(released).items():
        target = folder / name
        new = _digest(source)
        if not target.exists():
            result.added.append(name)
        elif _digest(target) == new:
            copied[name] = new
            continue
        elif copied.get(name) == new:
            continue  # the course's file has not changed since it was copied: the learner's version stays
        elif _digest(target) == copied.get(name):
            result.updated.append(name)
        elif name.startswith(ASSIGNMENTS_FOLDER):
            continue  # the learner's answers: a released assignment is never replaced under them
        else:
            kept = _kept_name(target, today)
            target.rename(kept)
            result.kept.append(kept.relative_to(folder).as_posix())
        target.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(source, target)
        copied[name] = new
    (folder / "README.md").write_text(README, encoding="utf-8")
    manifest_path.write_text(json.dumps(copied, indent=1, sort_keys=True), encoding="utf-8")
    return result


DEFAULT_PORT = 8888
# How many ports after the asked one are tried, as Jupyter itself would (its port_retries), but said in a sentence.
PORT_TRIES = 50


def port_is_free(port: int) -> bool:
    """True when nothing listens on 127.0.0.1:port, so JupyterLab can take it."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        try:
            probe.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def choose_port(asked: int, tries: int = PORT_TRIES) -> tuple[int | None, str]:
    """The port to serve on and what to tell the learner: the asked one, the next free one said plainly, or None."""
    if port_is_free(asked):
        return asked, ""
    for port in range(asked + 1, asked + 1 + tries):
        if port_is_free(port):
            return port, (
                f"Port {asked} is already in use (is the course or another Jupyter already open?), so the course "
                f"opens on port {port} instead: http://127.0.0.1:{port}/lab"
            )
    return None, (
        f"The course cannot start: ports {asked} to {asked + tries} are all in use. Close the other Jupyter "
        f"windows, or choose another port, for example: make course PORT={asked + tries + 100}"
    )


def lab_command(folder: Path, port: int | None = None, extra: list[str] | None = None) -> list[str]:
    """The JupyterLab command line that serves the workspace, and only it, with the learner settings."""
    command = [sys.executable, "-m", "jupyterlab", "--ServerApp.ip=127.0.0.1", f"--ServerApp.root_dir={folder}"]
    if port:
        # The port was chosen and said beforehand (choose_port): JupyterLab must not move on by itself.
        command += [f"--ServerApp.port={port}", "--ServerApp.port_retries=0"]
    if hasattr(os, "geteuid") and os.geteuid() == 0:
        command.append("--allow-root")  # Jupyter refuses root unless told; containers often run as root
    # An absolute start page: JupyterLab resolves a relative one from where it was started, not from root_dir.
    return [*command, *(extra or []), str(Path(folder) / START)]


def lab_environment(base: dict | None = None) -> dict:
    """The environment JupyterLab starts with: the learner settings (trainer tools and terminals off)."""
    return {**(os.environ if base is None else base), "JUPYTER_CONFIG_DIR": str(LEARNER_CONFIG)}


def main(argv=None) -> int:
    """Build the learner workspace, say what changed, then serve it in JupyterLab (as `make course` does)."""
    parser = argparse.ArgumentParser(prog="python -m mesocourse.workspace", description=__doc__.splitlines()[0])
    parser.add_argument("--folder", default=os.environ.get(FOLDER_VARIABLE) or str(DEFAULT_FOLDER))
    parser.add_argument("--port", type=int, default=None)
    parser.add_argument("--build-only", action="store_true", help="refresh the folder without starting JupyterLab")
    args, extra = parser.parse_known_args(argv)
    try:
        result = build(args.folder)
    except (OSError, ValueError) as problem:
        print(f"The course folder for learners could not be prepared: {problem}", file=sys.stderr)
        return 1
    print(f"Your course folder: {result.folder}")
    for name in result.kept:
        print(f"  kept your changed copy as {name} (the new version has the original name)")
    if args.build_only:
        return 0
    # A port given as a Jupyter option (as the browser tests do) is Jupyter's to take; otherwise it is chosen here.
    told = any(option.startswith("--ServerApp.port=") for option in extra)
    port, message = (None, "") if told else choose_port(args.port or DEFAULT_PORT)
    if message:
        print(message, file=sys.stderr if port is None else sys.stdout)
    if port is None and not told:
        return 1
    os.execvpe(sys.executable, lab_command(result.folder, port, extra), lab_environment())
    return 0  # not reached: JupyterLab replaces this process


if __name__ == "__main__":
    sys.exit(main())

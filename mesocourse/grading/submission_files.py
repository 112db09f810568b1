"""What a submission folder may hold on its way to grading: plain files only, and only the notebook goes into the box.

A link (or a pipe, a device, a hard link) in a learner's folder would make nbgrader, which copies files with the
trainer's rights and follows links, bring the clinic's secret or a solution into grading/autograded/, the sandbox and
the learner's feedback. Such entries are looked at without following them (lstat), moved aside to
grading/set-aside/ before nbgrader sees the folder, and named in the status table. The sandbox gets a copy of the
notebook and of the course's answers file (answers.json beside it) only, opened without following links.
"""

import os
import shutil
import stat
from datetime import UTC, datetime
from pathlib import Path

ANSWERS_FILE = "answers.json"
SET_ASIDE = Path("grading") / "set-aside"
CHUNK = 1024 * 1024


def unsafe_entry(path: Path) -> str:
    """Why an entry may not be copied with the trainer's rights ("" when it is a plain file or folder)."""
    info = os.lstat(path)
    if stat.S_ISLNK(info.st_mode):
        return "link"
    if stat.S_ISDIR(info.st_mode):
        return ""
    if not stat.S_ISREG(info.st_mode):
        return "special file"
    return "hard link" if info.st_nlink > 1 else ""


def unsafe_entries(folder: Path) -> list[tuple[Path, str]]:
    """Every link or special file under a folder, links to folders included, without following any."""
    found = []
    for top, folders, files in os.walk(folder, followlinks=False):
        for name in [*folders, *files]:
            path = Path(top) / name
            reason = unsafe_entry(path)
            if reason:
                found.append((path, reason))
    return found


def set_aside_unsafe(root: Path, folder: Path, learner: str, assignment_id: str) -> list[str]:
    """Move every unsafe entry of a submission folder to grading/set-aside/ (the entry itself, never its target)."""
    moved = []
    stamp = datetime.now(UTC).strftime("%Y%m%dT%H%M%S.%f")
    for path, reason in unsafe_entries(folder):
        relative = path.relative_to(folder)
        target = root / SET_ASIDE / stamp / learner / assignment_id / relative
        target.parent.mkdir(parents=True, exist_ok=True)
        os.rename(path, target)  # rename acts on the link itself
        moved.append(f"{relative} ({reason})")
    return moved


def copy_plain(source: Path, target: Path) -> bool:
    """Copy one regular file opened without following a link; False when it is not one."""
    try:
        descriptor = os.open(source, os.O_RDONLY | os.O_NOFOLLOW | os.O_NONBLOCK)
    except OSError:
        return False
    with os.fdopen(descriptor, "rb") as reading:
        if not stat.S_ISREG(os.fstat(descriptor).st_mode):
            return False
        with open(target, "xb") as writing:
            shutil.copyfileobj(reading, writing, CHUNK)
    return True


def copy_for_sandbox(source: Path, work: Path) -> list[str]:
    """Copy the folder's notebooks and answers file (plain files only) into the box's folder; returns their names."""
    work.mkdir(parents=True, exist_ok=True)
    copied = []
    for path in sorted(source.iterdir()) if source.is_dir() else []:
        if (path.suffix == ".ipynb" or path.name == ANSWERS_FILE) and copy_plain(path, work / path.name):
            copied.append(path.name)
    return copied

"""The nbgrader exchange's inbound folder, checked before nbgrader collects from it.

On a shared server every learner can write into inbound/: a folder there may hold links to the clinic's secret or
to another assignment (nbgrader's copy follows them, with the trainer's rights), and its name and timestamp.txt
say when it was submitted, which the learner chooses. So each folder is looked at without following links; one
holding a link or special file is refused with a note, and the others are copied (plain files only) into a
staging exchange with a submission time no earlier than the folder's own change time on this disk (ctime: a
learner cannot set it back), from which nbgrader's own collect files them. Owner mismatches are reported.
"""

import os
import pwd
import tempfile
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

from nbgrader.utils import parse_utc

from mesocourse.grading.submission_files import copy_plain, unsafe_entries, unsafe_entry

TIMESTAMP_FORMAT = "%Y-%m-%d %H:%M:%S.%f "


@dataclass
class Inbox:
    """The staging exchange nbgrader collects from, with what was refused and noted per learner."""

    root: Path
    refused: dict[str, list[str]] = field(default_factory=dict)
    notes: dict[str, list[str]] = field(default_factory=dict)


def _changed_at(folder: Path) -> float:
    """The latest change time of the folder and everything in it (lstat: links are not followed)."""
    latest = os.lstat(folder).st_ctime
    for top, folders, files in os.walk(folder, followlinks=False):
        for name in [*folders, *files]:
            latest = max(latest, os.lstat(Path(top) / name).st_ctime)
    return latest


def _owner(path: Path) -> str:
    try:
        return pwd.getpwuid(os.lstat(path).st_uid).pw_name
    except KeyError:
        return "an unknown user"


def _stage(source: Path, target: Path) -> None:
    """Copy a checked folder: its sub-folders and plain files, nothing else."""
    for top, _folders, files in os.walk(source, followlinks=False):
        here = target / Path(top).relative_to(source)
        here.mkdir(parents=True, exist_ok=True)
        for name in files:
            copy_plain(Path(top) / name, here / name)


def stage_inbound(inbound: Path, course_id: str, assignment_id: str, check_owner: bool = True) -> Inbox:
    """Check every inbound folder of the assignment and stage the acceptable ones, times made trustworthy."""
    staging = Path(tempfile.mkdtemp(prefix="mesocourse-inbound-"))
    inbox = Inbox(staging)
    staged_inbound = staging / course_id / "inbound"
    staged_inbound.mkdir(parents=True)
    for entry in sorted(inbound.glob(f"*+{assignment_id}+*")):
        parts = entry.name.rsplit("+", 3)
        if len(parts) < 3:
            continue
        learner = parts[0]
        problems = [f"{entry.name} itself ({unsafe_entry(entry)})"] if unsafe_entry(entry) or not entry.is_dir() else []
        problems += (
            [f"{path.relative_to(entry)} ({reason})" for path, reason in unsafe_entries(entry)] if not problems else []
        )
        if problems:
            inbox.refused.setdefault(learner, []).append(
                f"refused {entry.name}: it holds {', '.join(problems)}; ask them to submit the notebook again"
            )
            continue
        try:
            claimed = parse_utc(parts[2])
        except (ValueError, OverflowError):
            claimed = None
        arrived = datetime.fromtimestamp(_changed_at(entry), UTC).replace(tzinfo=None)  # nbgrader's naive UTC
        sent = max(claimed, arrived) if claimed is not None else arrived
        if claimed is not None and (arrived - claimed).total_seconds() > 60:
            inbox.notes.setdefault(learner, []).append(
                f"claimed {claimed:%Y-%m-%d %H:%M} UTC but arrived {arrived:%Y-%m-%d %H:%M} UTC: "
                "the arrival time is used"
            )
        owner = _owner(entry)
        if check_owner and owner != learner:
            inbox.notes.setdefault(learner, []).append(f"submitted as {learner} but owned by {owner}")
        stamp = sent.strftime(TIMESTAMP_FORMAT) + "UTC"
        target = staged_inbound / "+".join([learner, assignment_id, stamp, *parts[3:]])
        _stage(entry, target)
        (target / "timestamp.txt").write_text(stamp, encoding="utf-8")
    return inbox

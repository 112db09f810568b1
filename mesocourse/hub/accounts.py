"""The hub's accounts and shared folders: system users in the course groups, homes 0700, nbgrader's exchange.

`mesocourse hub setup` makes the groups and the exchange and locks the install's trainer folders; `add-learner`
and `add-trainer` make one account each (a trainer also gets their own course folder with the roster). Run as
root on the hub server. Every step is plain Debian tooling (groupadd, useradd, chpasswd, userdel).
"""

import grp
import os
import pwd
import re
import runpy
import secrets
import shutil
import subprocess
from pathlib import Path

from mesocourse.grading.handout import ROSTER_FILE
from mesocourse.paths import ROOT

CONFIG_FILE = ROOT / "deploy" / "jupyterhub_config.py"
# A system account name that is also a valid learner id for the course (no capitals, no spaces, 32 at most).
NAME = re.compile(r"^[a-z][a-z0-9._-]{0,31}$")
# What a trainer's course folder holds; the engine and modules stay in the install everyone reads.
TRAINER_FILES = ("nbgrader_config.py", "assignments", "grading/README.md", "grading/Cohort-Report.ipynb")
LOCKED = ("assignments", "grading")
# Jupyter writes a one-time "migrated" marker into its settings folder, which accounts cannot write to there; with
# the marker in place it never tries (and formgrader would otherwise fail to load).
SERVER_SETTINGS = ("jupyter-config/trainer", "jupyter-config/hub-learner")


class HubError(Exception):
    """A problem the person running `mesocourse hub` can fix, said in one sentence."""


def clinic_settings(config_file: Path = CONFIG_FILE) -> dict:
    """The CLINIC settings of the hub's configuration file (the one place a clinic edits)."""
    return runpy.run_path(str(config_file), init_globals={"CLINIC_ONLY": True})["CLINIC"]


def _run(*command: str, stdin: str | None = None) -> None:
    done = subprocess.run(command, input=stdin, text=True, capture_output=True)
    if done.returncode != 0:
        raise HubError(f"`{' '.join(command[:2])}` failed: {(done.stderr or done.stdout).strip()}")


def _require_root() -> None:
    if os.geteuid() != 0:
        raise HubError("Run this as root (sudo): it creates system accounts and shared folders.")


def _group_exists(name: str) -> bool:
    try:
        grp.getgrnam(name)
    except KeyError:
        return False
    return True


def members(group: str) -> list[str]:
    """The accounts in a course group, sorted."""
    try:
        return sorted(grp.getgrnam(group).gr_mem)
    except KeyError:
        return []


def setup(clinic: dict, course: Path = ROOT) -> list[str]:
    """Groups, exchange (1777, as nbgrader's exchange wants) and the install's trainer folders locked (0700)."""
    _require_root()
    done = []
    for group in (clinic["learners_group"], clinic["trainers_group"]):
        if not _group_exists(group):
            _run("groupadd", "--system", group)
            done.append(f"group {group} created")
    exchange = Path(clinic["exchange"])
    exchange.mkdir(parents=True, exist_ok=True)
    os.chmod(exchange, 0o1777)
    done.append(f"exchange ready at {exchange}")
    for name in SERVER_SETTINGS:
        (Path(course) / name / "migrated").touch()
    for name in LOCKED:
        folder = Path(course) / name
        if folder.is_dir():
            os.chmod(folder, 0o700)
            done.append(f"{folder} closed to learners (0700)")
    return done


def _check_name(name: str) -> None:
    if not NAME.match(name):
        raise HubError(
            f"{name!r} cannot be an account name: use lower-case letters, digits, '.', '-' or '_', "
            "starting with a letter (e.g. maria.dupont)."
        )


def _create_account(name: str, group: str, shell: str, password: str | None) -> str:
    """A new system account in `group` with a private home; returns the password it was given."""
    _require_root()
    _check_name(name)
    try:
        pwd.getpwnam(name)
    except KeyError:
        pass
    else:
        raise HubError(f"An account called {name} already exists on this server: choose another name.")
    if not _group_exists(group):
        raise HubError(f"The group {group} is missing: run `mesocourse hub setup` first.")
    _run("useradd", "--create-home", "--shell", shell, "--groups", group, name)
    password = password or secrets.token_urlsafe(9)
    _run("chpasswd", stdin=f"{name}:{password}\n")
    os.chmod(pwd.getpwnam(name).pw_dir, 0o700)
    return password


def _chown_tree(folder: Path, name: str) -> None:
    account = pwd.getpwnam(name)
    for path in [folder, *folder.rglob("*")]:
        os.lchown(path, account.pw_uid, account.pw_gid)


def _add_to_roster(course_folder: Path, learner: str, owner: str) -> None:
    roster = course_folder / "grading" / ROSTER_FILE
    if not roster.parent.is_dir():
        return
    names = roster.read_text(encoding="utf-8").split() if roster.exists() else []
    if learner not in names:
        with open(roster, "a", encoding="utf-8") as handle:
            handle.write(f"{learner}\n")
        _chown_tree(roster, owner)


def add_learner(name: str, clinic: dict, password: str | None = None) -> str:
    """A learner account (no login shell, home 0700), added to every trainer's roster; returns the password."""
    password = _create_account(name, clinic["learners_group"], "/usr/sbin/nologin", password)
    for trainer in members(clinic["trainers_group"]):
        home = Path(pwd.getpwnam(trainer).pw_dir)
        _add_to_roster(home / clinic["trainer_course"], name, trainer)
    return password


def add_trainer(name: str, clinic: dict, password: str | None = None, course: Path = ROOT) -> str:
    """A trainer account with its own course folder (sources, settings, roster of the current learners)."""
    password = _create_account(name, clinic["trainers_group"], "/bin/bash", password)
    folder = Path(pwd.getpwnam(name).pw_dir) / clinic["trainer_course"]
    for item in TRAINER_FILES:
        source, target = Path(course) / item, folder / item
        target.parent.mkdir(parents=True, exist_ok=True)
        if source.is_dir():
            shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__", ".ipynb_checkpoints"))
        elif source.is_file():
            shutil.copy2(source, target)
    learners = members(clinic["learners_group"])
    (folder / "grading" / ROSTER_FILE).write_text("".join(f"{learner}\n" for learner in learners), encoding="utf-8")
    _chown_tree(folder, name)
    return password


def remove(name: str, clinic: dict) -> None:
    """Delete a course account and its home (only accounts in a course group, never anyone else's)."""
    _require_root()
    if name not in members(clinic["learners_group"]) + members(clinic["trainers_group"]):
        raise HubError(f"{name} is not a course account here: nothing removed.")
    _run("userdel", "--remove", name)

"""What the clinic's JupyterHub needs from the course: its secrets made once, and each account's server settings.

deploy/jupyterhub_config.py calls these with its CLINIC settings. A learner's server serves their workspace with the
learner settings plus nbgrader's Assignment List; a trainer's serves their course folder with formgrader. Who is
which comes from the system groups, so the hub keeps no list of its own.
"""

import grp
import os
import pwd
import secrets
import sys
from dataclasses import dataclass
from pathlib import Path

LEARNER, TRAINER = "learner", "trainer"
START_PAGE = "/lab/tree/notebooks/00.00-Start-Here.ipynb"
SECRET_BYTES = 32


@dataclass
class HubState:
    """The hub's own folder (root only) and the proxy token read from it."""

    folder: Path
    proxy_token: str


def _secret_file(path: Path) -> str:
    """A random token kept in `path` (mode 0600), made the first time it is needed."""
    if not path.exists():
        descriptor = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(descriptor, "w") as handle:
            handle.write(secrets.token_hex(SECRET_BYTES))
    return path.read_text(encoding="utf-8").strip()


def closed_to_others(program: Path) -> Path | None:
    """The first folder (or the file) on the way to `program` that other accounts cannot pass, or None."""
    resolved = Path(program).resolve()
    for step in [*reversed(resolved.parents), resolved]:
        if not step.stat().st_mode & 0o001:
            return step
    return None


def prepare_state(clinic: dict) -> HubState:
    """Make the state folder (0700) and the proxy token in it; JupyterHub makes the cookie secret there itself."""
    closed = closed_to_others(Path(sys.executable))
    if closed is not None:
        raise SystemExit(
            f"Learners' servers could not start: {sys.executable} is inside {closed}, which other accounts cannot "
            "open. Run the hub from deploy/venv (`make hub` makes it from a Python every account may run)."
        )
    folder = Path(clinic["state"])
    folder.mkdir(parents=True, exist_ok=True)
    os.chmod(folder, 0o700)
    return HubState(folder, _secret_file(folder / "proxy_token"))


def role_of(username: str, clinic: dict) -> str | None:
    """TRAINER or LEARNER from the account's system groups (trainer wins), None for anyone else."""
    try:
        account = pwd.getpwnam(username)
    except KeyError:
        return None
    groups = {group.gr_name for group in grp.getgrall() if username in group.gr_mem}
    groups.add(grp.getgrgid(account.pw_gid).gr_name)
    if clinic["trainers_group"] in groups:
        return TRAINER
    if clinic["learners_group"] in groups:
        return LEARNER
    return None


def server_environment(role: str, home: Path, clinic: dict, course: Path) -> dict:
    """The variables a server starts with: course engine on the path, settings folder, exchange, workspace."""
    config = course / "jupyter-config" / ("hub-learner" if role == LEARNER else "trainer")
    tools = str(Path(sys.executable).parent)
    return {
        "PATH": os.pathsep.join([tools, "/usr/local/bin", "/usr/bin", "/bin"]),
        "PYTHONPATH": str(course),
        "JUPYTER_CONFIG_DIR": str(config),
        "MESOCOURSE_ROLE": role,
        "MESOCOURSE_EXCHANGE": clinic["exchange"],
        "MESOCOURSE_WORKSPACE": str(home / clinic[f"{role}_course"]),
        "MESOCOURSE_IDLE_STOP": str(clinic["idle_stop"]),
    }


def spawn_settings(clinic: dict, course: Path):
    """JupyterHub's pre-spawn hook: the account's role decides its folder, start page and settings."""

    def hook(spawner):
        username = spawner.user.name
        role = role_of(username, clinic)
        if role is None:
            raise PermissionError(f"{username} is in neither course group: no server for this account")
        home = Path(pwd.getpwnam(username).pw_dir)
        spawner.environment.update(server_environment(role, home, clinic, Path(course)))
        spawner.notebook_dir = str(home / clinic[f"{role}_course"])
        spawner.default_url = START_PAGE if role == LEARNER else "/lab"

    return hook
